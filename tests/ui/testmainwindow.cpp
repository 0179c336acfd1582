#include <QLineEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

#include "core/database.h"
#include "core/demodata.h"
#include "core/service.h"
#include "models/customerusagemodel.h"
#include "ui/mainwindow.h"

using namespace Meterline;
using namespace Qt::StringLiterals;

namespace
{

constexpr int SnapshotTimeoutMs = 120'000;

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void showsDemoCustomersAndTheirUsage();
    void filter_narrowsTheTable();
    void refresh_keepsRowsAndSelection();
    void emptyStore_getsDemoDataOnTheWorker();

private:
    SnapshotWorker::Options options() const;
    QModelIndex rowOf(const MainWindow& window, const QString& customerId, int column) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Service> m_service;
};

void TestMainWindow::init()
{
    // A fresh store per test, filled through a Service of the test's own (real clock: the window shows this
    // month's usage by the wall clock too).
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    Database::Options dbOptions;
    dbOptions.durable = false;
    auto opened = Database::open(m_dir->filePath(u"meterline.db"_s), dbOptions);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    m_db = std::move(opened).value();
    m_service = std::make_unique<Service>(*m_db);
    const Status generated = DemoData::generate(*m_service);
    QVERIFY2(generated.ok(), qPrintable(generated.ok() ? QString() : generated.error().message));
}

void TestMainWindow::cleanup()
{
    m_service.reset();
    m_db.reset();
    m_dir.reset();
}

SnapshotWorker::Options TestMainWindow::options() const
{
    SnapshotWorker::Options options;
    options.databaseSpec = m_dir->filePath(u"meterline.db"_s);
    return options;
}

QModelIndex TestMainWindow::rowOf(const MainWindow& window, const QString& customerId, int column) const
{
    QAbstractItemModel* model = window.tableView()->model();
    const QModelIndexList found = model->match(model->index(0, CustomerUsageModel::CustomerColumn),
                                               CustomerUsageModel::IdRole,
                                               customerId,
                                               1,
                                               Qt::MatchExactly);
    if (found.isEmpty())
        return {};
    return model->index(found.constFirst().row(), column);
}

void TestMainWindow::showsDemoCustomersAndTheirUsage()
{
    MainWindow window(options());
    QSignalSpy applied(&window, &MainWindow::snapshotApplied);
    QSignalSpy failed(&window, &MainWindow::syncFailed);
    window.show();
    QVERIFY(applied.wait(SnapshotTimeoutMs));
    QCOMPARE(failed.count(), 0);

    auto customers = m_service->customers();
    QVERIFY(customers.ok());
    QCOMPARE(customers->size(), 12);
    QCOMPARE(applied.constFirst().constFirst().toInt(), 12);
    QCOMPARE(window.tableView()->model()->rowCount(), 12);

    // A known demo customer: the table's figures are what Service::usage answers for this month.
    const QString customerId = u"cust_acme"_s;
    UsageQuery query;
    query.meterId = QString::fromLatin1(DemoData::TokensMeterId);
    query.customerId = customerId;
    query.period = NamedPeriod::CurrentMonth;
    auto tokens = m_service->usage(query);
    QVERIFY2(tokens.ok(), qPrintable(tokens.ok() ? QString() : tokens.error().message));
    query.meterId = QString::fromLatin1(DemoData::RequestsMeterId);
    auto requests = m_service->usage(query);
    QVERIFY(requests.ok());

    const QModelIndex tokensCell = rowOf(window, customerId, CustomerUsageModel::TokensColumn);
    QVERIFY(tokensCell.isValid());
    QCOMPARE(tokensCell.data(CustomerUsageModel::RawRole).toDouble(), tokens->value);
    QCOMPARE(tokensCell.data().toString(), CustomerUsageModel::formatQuantity(tokens->value));
    const QModelIndex requestsCell = rowOf(window, customerId, CustomerUsageModel::RequestsColumn);
    QCOMPARE(requestsCell.data(CustomerUsageModel::RawRole).toDouble(), requests->value);
    QCOMPARE(rowOf(window, customerId, CustomerUsageModel::NameColumn).data().toString(), u"Acme Robotics"_s);

    // The balance column shows what is available.
    auto balance = m_service->balance(customerId);
    QVERIFY(balance.ok());
    const QModelIndex balanceCell = rowOf(window, customerId, CustomerUsageModel::BalanceColumn);
    QCOMPARE(balanceCell.data(CustomerUsageModel::RawRole).toLongLong(), balance->available().micros());
    QCOMPARE(balanceCell.data().toString(), CustomerUsageModel::formatMoney(balance->available()));
}

void TestMainWindow::filter_narrowsTheTable()
{
    MainWindow window(options());
    QSignalSpy applied(&window, &MainWindow::snapshotApplied);
    window.show();
    QVERIFY(applied.wait(SnapshotTimeoutMs));

    auto* filter = window.findChild<QLineEdit*>(u"filterEdit"_s);
    QVERIFY(filter);
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(!filter->hasFocus());
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(filter->hasFocus());

    filter->setText(u"ACME"_s); // case-insensitive, any column
    QCOMPARE(window.tableView()->model()->rowCount(), 1);
    QCOMPARE(window.tableView()->model()->index(0, CustomerUsageModel::CustomerColumn).data().toString(),
             u"cust_acme"_s);
    filter->setText(u"Enterprise"_s); // the plan column
    QCOMPARE(window.tableView()->model()->rowCount(), 3);
    filter->clear();
    QCOMPARE(window.tableView()->model()->rowCount(), 12);
}

void TestMainWindow::refresh_keepsRowsAndSelection()
{
    MainWindow window(options());
    QSignalSpy applied(&window, &MainWindow::snapshotApplied);
    window.show();
    QVERIFY(applied.wait(SnapshotTimeoutMs));

    const QModelIndex acme = rowOf(window, u"cust_acme"_s, CustomerUsageModel::CustomerColumn);
    QVERIFY(acme.isValid());
    window.tableView()->selectRow(acme.row());

    // New usage for acme, then F5: the row updates in place, its selection stays.
    EventInput input;
    input.customerId = u"cust_acme"_s;
    input.eventType = u"llm.completion"_s;
    input.value = 12345;
    auto recorded = m_service->record(input);
    QVERIFY2(recorded.ok(), qPrintable(recorded.ok() ? QString() : recorded.error().message));

    QSignalSpy reset(window.usageModel(), &QAbstractItemModel::modelReset);
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_F5);
    QVERIFY(applied.wait(20'000)); // well before the 30 s auto-refresh
    QCOMPARE(reset.count(), 0);

    UsageQuery query;
    query.meterId = QString::fromLatin1(DemoData::TokensMeterId);
    query.customerId = u"cust_acme"_s;
    query.period = NamedPeriod::CurrentMonth;
    auto tokens = m_service->usage(query);
    QVERIFY(tokens.ok());
    const QModelIndex cell = rowOf(window, u"cust_acme"_s, CustomerUsageModel::TokensColumn);
    QCOMPARE(cell.data(CustomerUsageModel::RawRole).toDouble(), tokens->value);

    const QModelIndexList selected = window.tableView()->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.constFirst().data(CustomerUsageModel::IdRole).toString(), u"cust_acme"_s);
}

void TestMainWindow::emptyStore_getsDemoDataOnTheWorker()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SnapshotWorker::Options emptyStore;
    emptyStore.databaseSpec = dir.filePath(u"empty.db"_s);
    emptyStore.demoDataWhenEmpty = true;

    MainWindow window(emptyStore);
    QSignalSpy applied(&window, &MainWindow::snapshotApplied);
    QSignalSpy failed(&window, &MainWindow::syncFailed);
    QVERIFY(applied.wait(SnapshotTimeoutMs));
    QCOMPARE(failed.count(), 0);
    QCOMPARE(window.tableView()->model()->rowCount(), 12);
}

QTEST_MAIN(TestMainWindow)
#include "testmainwindow.moc"
