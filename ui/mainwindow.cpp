#include "ui/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include "models/customerusagemodel.h"

using namespace Qt::StringLiterals;

namespace Meterline
{

namespace
{

constexpr int AutoRefreshMs = 30'000;

} // namespace

MainWindow::MainWindow(const SnapshotWorker::Options& options, QWidget* parent)
    : QMainWindow(parent)
{
    qRegisterMetaType<Meterline::CustomerUsageRow>();
    qRegisterMetaType<QList<Meterline::CustomerUsageRow>>();

    const QFileInfo store(options.databaseSpec);
    const QString storeName =
        options.databaseSpec.startsWith(u"postgres"_s) ? options.databaseSpec.section(u'@', -1) : store.fileName();
    setWindowTitle(tr("Meterline \u2014 %1").arg(storeName));
    setObjectName(u"mainWindow"_s);

    // Models: a snapshot adapter behind a sorting, filtering proxy.
    m_model = new CustomerUsageModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(CustomerUsageModel::RawRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1); // every column
    m_proxy->setDynamicSortFilter(true);

    // Central area: a title and the filter above the table.
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(12, 10, 12, 6);
    layout->setSpacing(8);

    auto* header = new QHBoxLayout;
    m_title = new QLabel(central);
    m_title->setObjectName(u"titleLabel"_s);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    header->addWidget(m_title);
    header->addStretch(1);
    m_filter = new QLineEdit(central);
    m_filter->setObjectName(u"filterEdit"_s);
    m_filter->setPlaceholderText(tr("Filter customers (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(280);
    header->addWidget(m_filter);
    layout->addLayout(header);

    m_table = new QTableView(central);
    m_table->setObjectName(u"customerTable"_s);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(CustomerUsageModel::TokensColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(CustomerUsageModel::NameColumn, QHeaderView::Stretch);
    layout->addWidget(m_table, 1);
    setCentralWidget(central);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text.trimmed());
        updateCount();
    });

    // Menus and shortcuts.
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    QAction* refreshAction = fileMenu->addAction(tr("&Refresh"));
    refreshAction->setShortcut(QKeySequence::Refresh); // F5
    refreshAction->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    connect(refreshAction, &QAction::triggered, this, &MainWindow::refresh);
    fileMenu->addSeparator();
    QAction* quitAction = fileMenu->addAction(tr("&Quit"));
    quitAction->setShortcut(QKeySequence::Quit);
    quitAction->setMenuRole(QAction::QuitRole);
    connect(quitAction, &QAction::triggered, this, &QWidget::close);

    QMenu* editMenu = menuBar()->addMenu(tr("&Edit"));
    QAction* findAction = editMenu->addAction(tr("&Find Customer"));
    findAction->setShortcut(QKeySequence::Find); // Ctrl+F
    connect(findAction, &QAction::triggered, this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });

    // Status bar: sync state on the left, the customer count on the right.
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(u"syncStatusLabel"_s);
    statusBar()->addWidget(m_statusLabel, 1);
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(u"countLabel"_s);
    statusBar()->addPermanentWidget(m_countLabel);

    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &MainWindow::updateCount);

    // The I/O thread and its worker (STYLE §3: parentless worker, moveToThread, deleteLater on finished).
    m_ioThread.setObjectName(u"meterline-io"_s);
    m_worker = new SnapshotWorker(options); // no parent: it changes thread
    m_worker->moveToThread(&m_ioThread);
    // Emitted on the I/O thread after its event loop stopped: the worker drops its connection there.
    connect(&m_ioThread, &QThread::finished, m_worker, &SnapshotWorker::shutdown, Qt::DirectConnection);
    connect(&m_ioThread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &SnapshotWorker::snapshotReady, this, &MainWindow::onSnapshotReady);
    connect(m_worker, &SnapshotWorker::failed, this, &MainWindow::onFailed);
    connect(m_worker, &SnapshotWorker::demoDataStarted, this, &MainWindow::onDemoDataStarted);
    m_ioThread.start();

    m_autoRefresh.setInterval(AutoRefreshMs);
    connect(&m_autoRefresh, &QTimer::timeout, this, &MainWindow::refresh);
    m_autoRefresh.start();

    resize(1100, 650);
    m_table->setFocus(Qt::OtherFocusReason);
    updateCount();
    refresh();
}

MainWindow::~MainWindow()
{
    m_autoRefresh.stop();
    m_ioThread.quit();
    m_ioThread.wait();
}

void MainWindow::refresh()
{
    if (m_syncing) {
        m_refreshPending = true;
        return;
    }
    m_syncing = true;
    m_refreshPending = false;
    updateStatus();
    QMetaObject::invokeMethod(m_worker, &SnapshotWorker::refresh, Qt::QueuedConnection);
}

void MainWindow::onSnapshotReady(const QList<CustomerUsageRow>& rows)
{
    m_model->applySnapshot(rows);
    m_lastSuccess = QDateTime::currentDateTimeUtc();
    m_lastError.clear();
    m_generatingDemoData = false;
    if (!m_columnsFitted && !rows.isEmpty())
        fitColumns();
    finishSync();
    emit snapshotApplied(int(rows.size()));
}

void MainWindow::onFailed(const QString& message)
{
    m_lastError = message;
    m_generatingDemoData = false;
    finishSync();
    emit syncFailed(message);
}

void MainWindow::onDemoDataStarted()
{
    m_generatingDemoData = true;
    updateStatus();
}

void MainWindow::finishSync()
{
    m_syncing = false;
    updateStatus();
    if (m_refreshPending)
        refresh();
}

void MainWindow::updateStatus()
{
    const QLocale locale;
    const QString lastSuccess =
        m_lastSuccess.isValid() ? locale.toString(m_lastSuccess.toLocalTime(), u"yyyy-MM-dd HH:mm:ss"_s) : QString();

    // The title names the calendar month (UTC) the usage columns cover.
    const QDateTime month = m_lastSuccess.isValid() ? m_lastSuccess : QDateTime::currentDateTimeUtc();
    m_title->setText(tr("Customers \u00b7 usage in %1").arg(locale.toString(month.date(), u"MMMM yyyy"_s)));

    QString text;
    if (m_generatingDemoData)
        text = tr("Creating demo data\u2026");
    else if (m_syncing)
        text = m_lastSuccess.isValid() ? tr("Syncing\u2026 (last success %1)").arg(lastSuccess) : tr("Syncing\u2026");
    else if (!m_lastError.isEmpty())
        text = m_lastSuccess.isValid() ? tr("Sync failed: %1 (last success %2)").arg(m_lastError, lastSuccess)
                                       : tr("Sync failed: %1").arg(m_lastError);
    else if (m_lastSuccess.isValid())
        text = tr("Up to date \u00b7 last sync %1").arg(lastSuccess);
    m_statusLabel->setText(text);
    m_statusLabel->setToolTip(m_lastError);
}

void MainWindow::updateCount()
{
    const QLocale locale;
    const int total = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    if (shown == total)
        m_countLabel->setText(tr("Customers: %1").arg(locale.toString(total)));
    else
        m_countLabel->setText(tr("Customers: %1 of %2").arg(locale.toString(shown), locale.toString(total)));
}

void MainWindow::fitColumns()
{
    QHeaderView* header = m_table->horizontalHeader();
    for (int column = 0; column < CustomerUsageModel::ColumnCount; ++column) {
        if (column == CustomerUsageModel::NameColumn)
            continue;
        m_table->resizeColumnToContents(column);
        header->resizeSection(column, header->sectionSize(column) + 24); // breathing room
    }
    m_columnsFitted = true;
}

} // namespace Meterline
