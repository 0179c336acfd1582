#pragma once

#include <QList>
#include <QMainWindow>

#include "sync/synctypes.h"
#include "ui/pages/pagecontext.h"

class QLabel;
class QListWidget;
class QStackedWidget;

namespace Meterline
{

class BillingPage;
class CustomerActions;
class DashboardSettings;
class Page;
class SettingsPage;

// The operator console: a list of pages on the left, the current page on the right, the sync state in the
// status bar. It owns the sync client (all I/O runs on the client's thread), the entity models the client
// keeps current, and the pages; it saves its geometry, the current page and every table's columns in the
// settings when it closes.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum PageIndex
    {
        OverviewPageIndex,
        CustomersPageIndex,
        PlansPageIndex,
        MetersPageIndex,
        BalancesPageIndex,
        EventsPageIndex,
        BillingPageIndex,
        WebhooksPageIndex,
        ApiKeysPageIndex,
        SettingsPageIndex,
        PageCount
    };

    explicit MainWindow(DashboardSettings& settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a data source (closing the current one); the first sync starts at once.
    void open(const Dashboard::ConnectionSpec& spec);

    Dashboard::SyncClient* client() const { return m_context.client; }
    const PageContext& context() const { return m_context; }
    CustomerActions* customerActions() const { return m_customerActions; }
    Page* page(int index) const { return m_pages.value(index); }
    template <typename T> T* page() const
    {
        for (Page* p : m_pages) {
            if (auto* typed = qobject_cast<T*>(p))
                return typed;
        }
        return nullptr;
    }
    int currentPage() const;
    void showPage(int index);
    QString statusText() const;

    void saveWindowState() const;
    void restoreWindowState();

public slots:
    void refresh();              // F5
    void showConnectionDialog(); // Ctrl+O
    void exportInvoices();       // Ctrl+E
    void findInPage();           // Ctrl+F

signals:
    // After each successful sync (the models are current).
    void synced();
    // A sync failed (the status bar shows it too).
    void syncFailed(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildPages();
    void buildMenus();
    void onStatus(const Dashboard::SyncStatus& status);

    DashboardSettings& m_settings;
    PageContext m_context;
    CustomerActions* m_customerActions = nullptr;
    QListWidget* m_navigation = nullptr;
    QStackedWidget* m_stack = nullptr;
    QList<Page*> m_pages;
    SettingsPage* m_settingsPage = nullptr;
    BillingPage* m_billingPage = nullptr;
    QLabel* m_statusLabel = nullptr;
    QLabel* m_queueLabel = nullptr;
    bool m_reloadAfterSync = true;
};

} // namespace Meterline
