#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <memory>

#include "models/customerusagemodel.h"

namespace Meterline
{

class Database;
class Service;

// The dashboard's one I/O worker for a local store (SQLite file or PostgreSQL). Created without a parent and
// moved to its own QThread: it opens its Database and Service on that thread, on the first refresh(), and
// answers each refresh() with a whole snapshot or a failure. The GUI thread never touches the store.
class SnapshotWorker : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString databaseSpec; // a SQLite file path or postgresql://…
        // Fill an empty store (no meters, no customers) with DemoData on the first refresh.
        bool demoDataWhenEmpty = false;
        QString tokensMeterId = QStringLiteral("llm-tokens");
        QString requestsMeterId = QStringLiteral("llm-requests");
    };

    explicit SnapshotWorker(Options options);
    ~SnapshotWorker() override;

public slots:
    // Builds a snapshot of every customer's usage this calendar month (UTC) and balance.
    void refresh();
    // Drops the Service, this thread's connection and the Database. Runs on the worker thread before it ends
    // (connected to QThread::finished); refresh() opens them again if called later.
    void shutdown();

signals:
    void demoDataStarted();
    void snapshotReady(const QList<Meterline::CustomerUsageRow>& rows);
    void failed(const QString& message);

private:
    bool ensureOpen();

    Options m_options;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<Service> m_service;
};

} // namespace Meterline
