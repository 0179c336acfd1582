#include "ui/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>

#include "models/apikeysmodel.h"
#include "models/balancesmodel.h"
#include "models/customersmodel.h"
#include "models/eventsmodel.h"
#include "models/ledgermodel.h"
#include "models/limitsmodel.h"
#include "models/metersmodel.h"
#include "models/plansmodel.h"
#include "models/webhooksmodel.h"
#include "sync/syncclient.h"
#include "ui/dashboardsettings.h"
#include "ui/dialogs/aboutdialog.h"
#include "ui/dialogs/connectiondialog.h"
#include "ui/pages/actionrunner.h"
#include "ui/pages/balancespage.h"
#include "ui/pages/billingpage.h"
#include "ui/pages/customeractions.h"
#include "ui/pages/customerspage.h"
#include "ui/pages/eventspage.h"
#include "ui/pages/overviewpage.h"
#include "ui/pages/planspage.h"
#include "ui/pages/settingspage.h"
#include "ui/pages/tablepanel.h"
#include "ui/pages/webhookspage.h"

namespace Meterline
{

MainWindow::MainWindow(DashboardSettings& settings, QWidget* parent)
    : QMainWindow(parent)
    , m_settings(settings)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Meterline"));

    m_context.settings = &settings;
    m_context.client = new Dashboard::SyncClient(this);
    m_context.models.customers = new CustomersModel(this);
    m_context.models.plans = new PlansModel(this);
    m_context.models.meters = new MetersModel(this);
    m_context.models.limits = new LimitsModel(this);
    m_context.models.balances = new BalancesModel(this);
    m_context.models.apiKeys = new ApiKeysModel(this);
    m_context.models.webhooks = new WebhooksModel(this);
    m_context.models.events = new EventsModel(this);
    m_context.models.ledger = new LedgerModel(this);
    m_context.models.balances->setLowThreshold(settings.lowBalance());
    m_context.client->bindModels(m_context.models);
    m_context.actions = new ActionRunner(*m_context.client, this);
    m_customerActions = new CustomerActions(m_context, this);

    buildPages();
    buildMenus();

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("syncStatusLabel"));
    statusBar()->addWidget(m_statusLabel, 1);
    m_queueLabel = new QLabel(this);
    m_queueLabel->setObjectName(QStringLiteral("queueLabel"));
    statusBar()->addPermanentWidget(m_queueLabel);
    connect(m_context.actions, &ActionRunner::notice, this, [this](const QString& text) {
        statusBar()->showMessage(text, 8000);
    });
    connect(m_context.client, &Dashboard::SyncClient::statusChanged, this, &MainWindow::onStatus);
    connect(m_context.client, &Dashboard::SyncClient::syncFinished, this, [this] {
        if (m_reloadAfterSync) {
            m_reloadAfterSync = false;
            if (Page* current = page(currentPage()))
                current->reload();
        }
        emit synced();
    });
    connect(&settings, &DashboardSettings::changed, this, [this] {
        m_context.models.balances->setLowThreshold(m_settings.lowBalance());
    });

    const int em = fontMetrics().averageCharWidth();
    resize(em * 170, fontMetrics().height() * 48);
    restoreWindowState();
}

MainWindow::~MainWindow() = default; // the sync client (a child) stops its thread

void MainWindow::buildPages()
{
    m_pages = {new OverviewPage(m_context, this),
               new CustomersPage(m_context, *m_customerActions, this),
               new PlansPage(m_context, *m_customerActions, this),
               new MetersPage(m_context, this),
               new BalancesPage(m_context, *m_customerActions, this),
               new EventsPage(m_context, this),
               new BillingPage(m_context, this),
               new WebhooksPage(m_context, this),
               new ApiKeysPage(m_context, this),
               new SettingsPage(m_context, this)};
    m_billingPage = page<BillingPage>();
    m_settingsPage = page<SettingsPage>();
    connect(m_settingsPage, &SettingsPage::connectRequested, this, &MainWindow::showConnectionDialog);

    m_navigation = new QListWidget(this);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_stack = new QStackedWidget(this);
    for (Page* p : std::as_const(m_pages)) {
        m_navigation->addItem(p->title());
        m_stack->addWidget(p);
    }
    QFont navigationFont = m_navigation->font();
    navigationFont.setPointSizeF(navigationFont.pointSizeF() * 1.1);
    m_navigation->setFont(navigationFont);
    m_navigation->setSpacing(fontMetrics().height() / 6);
    // As wide as the longest page name, whatever the font and DPI.
    m_navigation->setFixedWidth(m_navigation->sizeHintForColumn(0) + 4 * fontMetrics().averageCharWidth());

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_navigation);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0)
            return;
        m_stack->setCurrentIndex(row);
        if (m_context.client->status().lastSuccess.isValid())
            page(row)->reload();
    });
    m_navigation->setCurrentRow(OverviewPageIndex);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* connectAction = file->addAction(tr("&Connect\u2026"), this, &MainWindow::showConnectionDialog);
    connectAction->setShortcut(QKeySequence::Open);
    QAction* refreshAction = file->addAction(tr("&Refresh"), this, &MainWindow::refresh);
    refreshAction->setShortcut(QKeySequence::Refresh); // F5
    refreshAction->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    QAction* exportAction = file->addAction(tr("&Export Invoice CSV\u2026"), this, &MainWindow::exportInvoices);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* find = edit->addAction(tr("&Find"), this, &MainWindow::findInPage);
    find->setShortcut(QKeySequence::Find); // Ctrl+F
    edit->addAction(tr("New &Customer\u2026"), m_customerActions, &CustomerActions::newCustomer);

    QMenu* go = menuBar()->addMenu(tr("&Go"));
    for (int i = 0; i < m_pages.size(); ++i) {
        QAction* action = go->addAction(m_pages.at(i)->title(), this, [this, i] { showPage(i); });
        if (i < 9)
            action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Meterline"), this, [this] {
        openDialog(new AboutDialog(m_context.client->connection().displayName(), this));
    });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::open(const Dashboard::ConnectionSpec& spec)
{
    Dashboard::ConnectionSpec withSettings = spec;
    withSettings.syncIntervalMs = m_settings.refreshSeconds() * 1000;
    withSettings.lowBalanceThreshold = m_settings.lowBalance();
    setWindowTitle(tr("Meterline \u2014 %1").arg(spec.displayName()));
    m_settingsPage->setConnectionText(spec.isRemote() ? tr("Remote server %1").arg(spec.displayName())
                                                      : tr("Local database %1").arg(spec.displayName()));
    m_reloadAfterSync = true;
    m_context.client->open(withSettings);
}

int MainWindow::currentPage() const
{
    return m_navigation->currentRow();
}

void MainWindow::showPage(int index)
{
    m_navigation->setCurrentRow(index);
}

QString MainWindow::statusText() const
{
    return m_statusLabel->text();
}

void MainWindow::refresh()
{
    m_reloadAfterSync = true; // the visible page asks its queries again once the data are current
    m_context.client->refresh();
}

void MainWindow::findInPage()
{
    if (Page* current = page(currentPage()))
        current->focusFind();
}

void MainWindow::exportInvoices()
{
    showPage(BillingPageIndex);
    m_billingPage->exportInvoices();
}

void MainWindow::showConnectionDialog()
{
    auto* dialog = new ConnectionDialog(m_settings, this);
    dialog->setEntry(m_context.client->connection().displayName());
    openDialog(dialog);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { open(dialog->connection()); });
}

void MainWindow::onStatus(const Dashboard::SyncStatus& status)
{
    const QLocale locale;
    const QString last = status.lastSuccess.isValid()
                             ? locale.toString(status.lastSuccess.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                             : QString();
    const QString retry = tr("retrying in %n s", nullptr, (status.retryInMs + 999) / 1000);
    QString text;
    switch (status.state) {
    case Dashboard::SyncState::Idle:
        text = last.isEmpty() ? tr("Connected") : tr("Up to date \u00b7 last sync %1").arg(last);
        break;
    case Dashboard::SyncState::Syncing:
        if (status.customersTotal > 0)
            text = tr("Loading customers\u2026 %1 of %2")
                       .arg(locale.toString(status.customersLoaded), locale.toString(status.customersTotal));
        else
            text = last.isEmpty() ? tr("Syncing\u2026") : tr("Syncing\u2026 (last success %1)").arg(last);
        break;
    case Dashboard::SyncState::Offline:
        text = last.isEmpty() ? tr("Offline: %1 \u2014 %2").arg(status.message, retry)
                              : tr("Offline: %1 \u2014 %2 (last success %3)").arg(status.message, retry, last);
        break;
    case Dashboard::SyncState::Error:
        text = last.isEmpty() ? tr("Sync failed: %1 \u2014 %2").arg(status.message, retry)
                              : tr("Sync failed: %1 \u2014 %2 (last success %3)").arg(status.message, retry, last);
        break;
    }
    m_statusLabel->setText(text);
    m_statusLabel->setToolTip(status.message);
    m_queueLabel->setText(status.queuedActions > 0
                              ? tr("%n action(s) waiting for the server", nullptr, status.queuedActions)
                              : QString());
    if (status.state == Dashboard::SyncState::Offline || status.state == Dashboard::SyncState::Error)
        emit syncFailed(status.message);
}

void MainWindow::saveWindowState() const
{
    QSettings& store = m_settings.store();
    store.setValue(DashboardSettings::key(DashboardSettings::GeometryKey), saveGeometry());
    store.setValue(DashboardSettings::key(DashboardSettings::StateKey), saveState());
    store.setValue(DashboardSettings::key(DashboardSettings::PageKey), currentPage());
    for (const TablePanel* panel : findChildren<TablePanel*>())
        panel->saveColumns(store);
    store.sync();
}

void MainWindow::restoreWindowState()
{
    QSettings& store = m_settings.store();
    restoreGeometry(store.value(DashboardSettings::key(DashboardSettings::GeometryKey)).toByteArray());
    restoreState(store.value(DashboardSettings::key(DashboardSettings::StateKey)).toByteArray());
    const int pageIndex =
        store.value(DashboardSettings::key(DashboardSettings::PageKey), int(OverviewPageIndex)).toInt();
    showPage(pageIndex >= 0 && pageIndex < PageCount ? pageIndex : int(OverviewPageIndex));
    for (TablePanel* panel : findChildren<TablePanel*>())
        panel->restoreColumns(store);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveWindowState();
    QMainWindow::closeEvent(event);
}

} // namespace Meterline
