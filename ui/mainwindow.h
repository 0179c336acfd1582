#pragma once

#include <QDateTime>
#include <QMainWindow>
#include <QThread>
#include <QTimer>

#include "ui/snapshotworker.h"

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace Meterline
{

class CustomerUsageModel;

// The dashboard's main window: every customer's usage this month and prepaid balance. The data come from a
// SnapshotWorker on the window's own I/O thread; the window only shows snapshots, it never touches the store.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(const SnapshotWorker::Options& options, QWidget* parent = nullptr);
    ~MainWindow() override; // stops the I/O thread: quit(); wait();

    CustomerUsageModel* usageModel() const { return m_model; }
    QSortFilterProxyModel* proxyModel() const { return m_proxy; }
    QTableView* tableView() const { return m_table; }

public slots:
    // Asks the worker for a new snapshot; while one is on its way, the request is queued once.
    void refresh();

signals:
    // After a snapshot is in the table: the number of customers it holds.
    void snapshotApplied(int customers);
    void syncFailed(const QString& message);

private:
    void onSnapshotReady(const QList<CustomerUsageRow>& rows);
    void onFailed(const QString& message);
    void onDemoDataStarted();
    void finishSync();
    void updateStatus();
    void updateCount();
    void fitColumns();

    CustomerUsageModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTableView* m_table = nullptr;
    QLineEdit* m_filter = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_statusLabel = nullptr;
    QLabel* m_countLabel = nullptr;
    QTimer m_autoRefresh;

    QThread m_ioThread;
    SnapshotWorker* m_worker = nullptr; // lives on m_ioThread; deleted there (deleteLater on finished)

    bool m_syncing = false;
    bool m_refreshPending = false;
    bool m_generatingDemoData = false;
    bool m_columnsFitted = false;
    QDateTime m_lastSuccess;
    QString m_lastError;
};

} // namespace Meterline
