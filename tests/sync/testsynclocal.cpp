// The dashboard's sync against a local store (the worker opens its own Database on its thread): the first
// sync fills the models, later changes arrive as row inserts and dataChanged (no reset), actions land once,
// the events model pages through a large store, the invoice export writes exactly core's rows, and an
// unreadable store shows as a failure that is retried with backoff.

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QFile>
#include <QTemporaryDir>

#include "models/balancesmodel.h"
#include "models/customersmodel.h"
#include "models/eventsmodel.h"
#include "models/limitsmodel.h"
#include "models/metersmodel.h"
#include "models/plansmodel.h"
#include "sync/progressdevice.h"
#include "sync/topupflow.h"
#include "synctestsupport.h"

using namespace Meterline;
using namespace Meterline::Dashboard;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

// A store at the real "now", with demo data (meters, plans, customers, credits, events).
struct Fixture
{
    TestStore store{QDateTime::currentDateTimeUtc()};
    QTemporaryDir queueDir;

    ConnectionSpec spec() const
    {
        ConnectionSpec s = ConnectionSpec::local(store.path());
        s.queuePath = queueDir.filePath(u"queue.db"_s);
        s.syncIntervalMs = 60'000; // tests sync on refresh()
        return s;
    }
};

EventInput eventFor(const QString& customer, const QString& model, double value, const QDateTime& at)
{
    EventInput in;
    in.customerId = customer;
    in.eventType = u"llm.completion"_s;
    in.value = value;
    in.dimensions = {{u"model"_s, model}};
    in.timestamp = at;
    return in;
}

} // namespace

class TestSyncLocal : public QObject
{
    Q_OBJECT

private slots:
    void firstSync_fillsEveryModel();
    void laterChanges_arriveAsInsertsAndDataChanged();
    void largeFirstSync_arrivesInSlices();
    void usageOfOneCustomer_isReadFromTheFeed_andMovesOnlyItsRow();
    void actions_landThroughTheWorker();
    void topUp_sameDialogTwice_creditsOnce();
    void eventsModel_pagesThroughALargeStore();
    void invoiceExport_writesExactlyCoresRows();
    void exportCancel_stopsTheWriter();
    void unreadableStore_showsErrorAndRetries();
};

void TestSyncLocal::firstSync_fillsEveryModel()
{
    Fixture f;
    {
        const Status demo = DemoData::generate(f.store.service(), 20, 5);
        VERIFY_OK(demo);
    }
    SyncClient client;
    CustomersModel customers;
    PlansModel plans;
    MetersModel meters;
    LimitsModel limits;
    BalancesModel balances;
    QAbstractItemModelTester t1(&customers, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&balances, QAbstractItemModelTester::FailureReportingMode::QtTest);
    client.bindModels({&customers, &plans, &meters, &limits, &balances});
    QSignalSpy overview(&client, &SyncClient::overviewReady);
    client.open(f.spec());
    QVERIFY(waitForSync(client));

    auto all = f.store->customers();
    VERIFY_OK(all);
    QCOMPARE(customers.rowCount(), all->size());
    QCOMPARE(plans.rowCount(), f.store->plans()->size());
    QCOMPARE(meters.rowCount(), f.store->meters()->size());
    auto stored = f.store->balances({}, 1000);
    VERIFY_OK(stored);
    QCOMPARE(balances.rowCount(), stored->data.size());
    for (const Balance& b : stored->data) {
        const BalanceRow* row = balances.find(b.customerId);
        QVERIFY(row);
        QCOMPARE(row->balance.available(), b.available());
        QVERIFY(customers.find(b.customerId)->hasBalance);
    }
    // This month's usage per customer is what core reports.
    UsageQuery q;
    q.meterId = u"llm-tokens"_s;
    q.period = NamedPeriod::CurrentMonth;
    q.groupBy = {u"customerId"_s};
    auto usage = f.store->usage(q);
    VERIFY_OK(usage);
    QVERIFY(!usage->groups.isEmpty());
    for (const UsageGroup& g : usage->groups) {
        const QString id = g.dimensions.value(u"customerId"_s);
        QCOMPARE(customers.find(id)->monthUsage.value(u"llm-tokens"_s), g.value);
    }
    QCOMPARE(client.status().state, SyncState::Idle);
    QVERIFY(client.status().lastSuccess.isValid());
    QVERIFY(!overview.isEmpty());
    QCOMPARE(overview.last().at(1).value<OverviewFigures>().customers, int(all->size()));
}

void TestSyncLocal::laterChanges_arriveAsInsertsAndDataChanged()
{
    Fixture f;
    {
        const Status demo = DemoData::generate(f.store.service(), 5, 2);
        VERIFY_OK(demo);
    }
    SyncClient client;
    CustomersModel customers;
    QAbstractItemModelTester tester(&customers, QAbstractItemModelTester::FailureReportingMode::QtTest);
    client.bindModels({&customers});
    client.open(f.spec());
    QVERIFY(waitForSync(client));
    const int before = customers.rowCount();
    const QString someone = customers.index(0, 0).data(IdRole).toString();
    const QPersistentModelIndex kept(customers.index(customers.rowCount() - 1, CustomersModel::NameColumn));
    const QString keptId = kept.data(IdRole).toString();

    QSignalSpy reset(&customers, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&customers, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&customers, &QAbstractItemModel::dataChanged);
    Customer fresh;
    fresh.id = u"zz-new"_s;
    fresh.name = u"New Customer"_s;
    fresh.planId = u"pro"_s;
    {
        const auto created = f.store->createCustomer(fresh);
        VERIFY_OK(created);
    }
    {
        const auto recorded = f.store->record(eventFor(someone, u"gpt-4o"_s, 12345, QDateTime::currentDateTimeUtc()));
        VERIFY_OK(recorded);
    }
    client.refresh();
    QVERIFY(waitForSync(client));
    QCOMPARE(reset.size(), 0);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(customers.rowCount(), before + 1);
    QCOMPARE(customers.find(u"zz-new"_s)->customer.name, u"New Customer"_s);
    QCOMPARE(customers.find(u"zz-new"_s)->planName, u"Pro"_s);
    QVERIFY(!changed.isEmpty()); // someone's usage moved
    QVERIFY(kept.isValid());
    QCOMPARE(kept.data(IdRole).toString(), keptId);

    // Deleted elsewhere: removed from the model.
    {
        const Status deleted = f.store->deleteCustomer(u"zz-new"_s);
        VERIFY_OK(deleted);
    }
    QSignalSpy removed(&customers, &QAbstractItemModel::rowsRemoved);
    client.refresh();
    QVERIFY(waitForSync(client));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(customers.rowOf(u"zz-new"_s), -1);
}

void TestSyncLocal::usageOfOneCustomer_isReadFromTheFeed_andMovesOnlyItsRow()
{
    Fixture f;
    {
        const Status demo = DemoData::generate(f.store.service(), 30, 2);
        VERIFY_OK(demo);
    }
    SyncClient client;
    CustomersModel customers;
    client.bindModels({&customers});
    client.open(f.spec());
    QVERIFY(waitForSync(client));
    const qint64 firstRead = client.status().usageFiguresRead;
    const QString someone = customers.index(3, 0).data(IdRole).toString();
    const auto meters = f.store->meters();
    VERIFY_OK(meters);
    // The first sync reads every customer's figures: more than one customer's worth in every window.
    QVERIFY2(firstRead > qint64(meters->size()) * 5, qPrintable(QString::number(firstRead)));

    QSignalSpy deltas(&client, &SyncClient::customersSynced);
    {
        const auto recorded = f.store->record(eventFor(someone, u"gpt-4o"_s, 777, QDateTime::currentDateTimeUtc()));
        VERIFY_OK(recorded);
    }
    client.refresh();
    QVERIFY(waitForSync(client));
    // Only that customer's figures were read (at most every meter in the five windows), and only its row moved.
    // On PostgreSQL the feed lists again the customers of transactions that were still open anywhere in the
    // cluster when its cursor was taken (the other tests' included): more may be read, never fewer.
    const bool exact = !f.store.location().isPostgres();
    const qint64 incremental = client.status().usageFiguresRead;
    QVERIFY2(incremental > 0 && (!exact || incremental <= qint64(meters->size()) * 5),
             qPrintable(QString::number(incremental)));
    QStringList moved;
    for (const QList<QVariant>& args : std::as_const(deltas)) {
        const auto delta = args.at(0).value<RowDelta<CustomerRow>>();
        QVERIFY(!delta.reset);
        for (const CustomerRow& row : delta.upserts)
            moved << row.customer.id;
    }
    QCOMPARE(moved, QStringList{someone});
    const auto month =
        f.store->usageSummary(f.store->resolvePeriod(NamedPeriod::CurrentMonth).value(), someone, {}, 1000);
    VERIFY_OK(month);
    const CustomerRow* row = customers.find(someone);
    QVERIFY(row);
    for (const SummaryRow& figure : month->data)
        QCOMPARE(row->monthUsage.value(figure.meterId), figure.value);

    // Nothing new: nothing read (SQLite), nothing sent.
    deltas.clear();
    client.refresh();
    QVERIFY(waitForSync(client));
    if (exact)
        QCOMPARE(client.status().usageFiguresRead, 0);
    QVERIFY(deltas.isEmpty());
}

void TestSyncLocal::largeFirstSync_arrivesInSlices()
{
    Fixture f;
    constexpr int Customers = 12'000;
    for (int i = 0; i < Customers; ++i) {
        Customer c;
        c.id = u"c%1"_s.arg(i, 5, 10, QChar(u'0'));
        c.name = c.id;
        const auto created = f.store->createCustomer(c);
        VERIFY_OK(created);
    }
    SyncClient client;
    CustomersModel customers;
    client.bindModels({&customers});
    QSignalSpy deltas(&client, &SyncClient::customersSynced);
    QSignalSpy reset(&customers, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&customers, &QAbstractItemModel::rowsInserted);
    // The status bar's count: each status of the load names the rows the model holds once its slice lands.
    QList<int> counted;
    QList<int> rowsWhenCounted;
    connect(&client, &SyncClient::statusChanged, this, [&](const SyncStatus& s) {
        if (s.customersTotal == 0)
            return;
        QCOMPARE(s.customersTotal, Customers);
        QCOMPARE(s.state, SyncState::Syncing);
        counted << s.customersLoaded;
        rowsWhenCounted << customers.rowCount();
    });
    client.open(f.spec());
    QVERIFY(waitForSync(client));
    QCOMPARE(counted, (QList<int>{2000, 4000, 6000, 8000, 10000, 12000}));
    QCOMPARE(rowsWhenCounted, (QList<int>{0, 2000, 4000, 6000, 8000, 10000})); // before its slice
    QCOMPARE(client.status().customersTotal, 0);
    // The reset carries the first slice; the rest are appended, so no single update holds the GUI long.
    QCOMPARE(deltas.size(), 6); // 2,000 rows a slice
    QVERIFY(deltas.at(0).at(0).value<RowDelta<CustomerRow>>().reset);
    QVERIFY(!deltas.at(1).at(0).value<RowDelta<CustomerRow>>().reset);
    QCOMPARE(deltas.at(0).at(0).value<RowDelta<CustomerRow>>().upserts.size(), 2000);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(inserted.size(), 5);
    QCOMPARE(customers.rowCount(), Customers);
    QCOMPARE(customers.index(Customers - 1, CustomersModel::IdColumn).data().toString(), u"c11999"_s);
}

void TestSyncLocal::actions_landThroughTheWorker()
{
    Fixture f;
    SyncClient client;
    CustomersModel customers;
    client.bindModels({&customers});
    client.open(f.spec());
    QVERIFY(waitForSync(client));

    Customer c;
    c.id = u"acme"_s;
    c.name = u"Acme"_s;
    ActionOutcome created = waitForAction(client, client.createCustomer(c));
    QVERIFY2(created.ok, qPrintable(created.message));
    QCOMPARE(created.result.value<Customer>().id, u"acme"_s);
    QVERIFY(f.store->customer(u"acme"_s).ok());

    // A refusal comes back with core's code and changes nothing.
    ActionOutcome again = waitForAction(client, client.createCustomer(c));
    QVERIFY(!again.ok);
    QCOMPARE(again.result.toString(), ErrorCode::Conflict);
    ActionOutcome bad = waitForAction(client, client.credit(u"acme"_s, Money::fromMicros(-5), {}, u"k0"_s));
    QVERIFY(!bad.ok);
    QCOMPARE(f.store->balance(u"acme"_s)->balance.micros(), 0);

    CustomerPatch patch;
    patch.name = u"Acme Corp"_s;
    ActionOutcome renamed = waitForAction(client, client.updateCustomer(u"acme"_s, patch));
    QVERIFY2(renamed.ok, qPrintable(renamed.message));
    QCOMPARE(f.store->customer(u"acme"_s)->name, u"Acme Corp"_s);
    ActionOutcome reserve = waitForAction(client, client.setReserve(u"acme"_s, Money::fromMicros(1'000'000)));
    QVERIFY2(reserve.ok, qPrintable(reserve.message));
    QCOMPARE(f.store->balance(u"acme"_s)->reserve.micros(), 1'000'000);

    // The sync after an action shows it: the renamed customer is in the model without an F5.
    QTRY_COMPARE_WITH_TIMEOUT(
        customers.find(u"acme"_s) ? customers.find(u"acme"_s)->customer.name : QString(), u"Acme Corp"_s, 10000);
    QCOMPARE(client.status().queuedActions, 0);
}

void TestSyncLocal::topUp_sameDialogTwice_creditsOnce()
{
    Fixture f;
    Customer c;
    c.id = u"acme"_s;
    c.name = u"Acme"_s;
    {
        const auto created = f.store->createCustomer(c);
        VERIFY_OK(created);
    }
    SyncClient client;
    client.open(f.spec());
    QVERIFY(waitForSync(client));

    TopUpFlow flow(client, u"acme"_s);
    QSignalSpy succeeded(&flow, &TopUpFlow::succeeded);
    QSignalSpy failed(&flow, &TopUpFlow::failed);
    QVERIFY(!flow.confirm(Money(), u"zero"_s)); // refused before sending
    QCOMPARE(failed.size(), 1);
    QVERIFY(flow.confirm(Money::fromMicros(25'000'000), u"wire"_s));
    QVERIFY(!flow.confirm(Money::fromMicros(25'000'000), u"wire"_s)); // while sending: nothing
    QVERIFY(succeeded.wait(10000));
    QCOMPARE(succeeded.first().at(0).value<Balance>().balance.micros(), 25'000'000);
    QCOMPARE(succeeded.first().at(1).toBool(), false);
    QCOMPARE(creditsWithKey(f.store.service(), u"acme"_s, flow.idempotencyKey()), 1);

    // The same key sent again (the dialog's retry after a lost answer) is a replay, not a second credit.
    ActionOutcome replay = waitForAction(
        client, client.credit(u"acme"_s, Money::fromMicros(25'000'000), u"wire"_s, flow.idempotencyKey()));
    QVERIFY2(replay.ok, qPrintable(replay.message));
    QVERIFY(replay.result.value<BalanceChangeResult>().duplicate);
    QCOMPARE(f.store->balance(u"acme"_s)->balance.micros(), 25'000'000);
    QCOMPARE(creditsWithKey(f.store.service(), u"acme"_s, flow.idempotencyKey()), 1);
}

void TestSyncLocal::eventsModel_pagesThroughALargeStore()
{
    Fixture f;
    Customer c;
    c.id = u"acme"_s;
    c.name = u"Acme"_s;
    {
        const auto created = f.store->createCustomer(c);
        VERIFY_OK(created);
    }
    constexpr int Events = 5000;
    const QDateTime start = QDateTime::currentDateTimeUtc().addDays(-2);
    QList<EventInput> batch;
    for (int i = 0; i < Events; ++i)
        batch << eventFor(u"acme"_s, i % 5 == 0 ? u"claude"_s : u"gpt-4o"_s, i, start.addSecs(i));
    {
        const auto recorded = f.store->recordBatch(batch);
        VERIFY_OK(recorded);
        QCOMPARE(recorded->accepted, Events);
    }
    SyncClient client;
    EventsModel events; // no model tester here: it calls fetchMore itself (testdashboardmodels covers it)
    client.bindModels({.events = &events});
    client.open(f.spec());
    QVERIFY(waitForSync(client));

    EventFilter filter;
    filter.pageSize = 500;
    events.setFilter(filter);
    QTRY_COMPARE_WITH_TIMEOUT(events.rowCount(), 500, 10000);
    int pages = 1;
    while (events.canFetchMore({}) || events.isPending()) {
        if (events.canFetchMore({})) {
            const int before = events.rowCount();
            events.fetchMore({});
            ++pages;
            QTRY_VERIFY_WITH_TIMEOUT(events.rowCount() > before || !events.isPending(), 10000);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!events.isPending(), 10000);
    }
    QCOMPARE(events.rowCount(), Events);
    QCOMPARE(pages, Events / 500);
    // Newest first, no event twice.
    QCOMPARE(events.index(0, EventsModel::ValueColumn).data(RawRole).toDouble(), double(Events - 1));
    QCOMPARE(events.index(Events - 1, EventsModel::ValueColumn).data(RawRole).toDouble(), 0.0);

    // A dimension filter restarts the model with only the matching events.
    filter.dimensions = {{u"model"_s, u"claude"_s}};
    filter.pageSize = 1000;
    events.setFilter(filter);
    QTRY_COMPARE_WITH_TIMEOUT(events.rowCount(), Events / 5, 10000);
    QVERIFY(!events.canFetchMore({}));
}

void TestSyncLocal::invoiceExport_writesExactlyCoresRows()
{
    Fixture f;
    {
        const Status demo = DemoData::generate(f.store.service(), 15, 10);
        VERIFY_OK(demo);
    }
    auto period = f.store->resolvePeriod(NamedPeriod::CurrentMonth);
    VERIFY_OK(period);
    QBuffer expected;
    expected.open(QIODevice::WriteOnly);
    {
        const Status written = f.store->writeInvoiceCsv(period.value(), expected);
        VERIFY_OK(written);
    }
    QVERIFY(expected.data().count('\n') > 2);

    SyncClient client;
    client.open(f.spec());
    QVERIFY(waitForSync(client));
    const QString file = f.queueDir.filePath(u"invoices.csv"_s);
    QSignalSpy finished(&client, &SyncClient::exportFinished);
    const quint64 id = client.exportInvoiceCsv(period.value(), file);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toULongLong(), id);
    QVERIFY2(finished.first().at(1).toBool(), qPrintable(finished.first().at(2).toString()));
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), expected.data());

    // The preview lines are core's lines.
    QSignalSpy lines(&client, &SyncClient::invoiceLinesReady);
    client.queryInvoiceLines(period.value());
    QVERIFY(lines.wait(20000));
    const auto preview = lines.first().at(1).value<QList<InvoiceLine>>();
    auto core = f.store->invoiceLines(period.value());
    VERIFY_OK(core);
    QCOMPARE(preview.size(), core->size());
    for (int i = 0; i < preview.size(); ++i) {
        QCOMPARE(preview.at(i).customerId, core->at(i).customerId);
        QCOMPARE(preview.at(i).amount, core->at(i).amount);
    }
}

void TestSyncLocal::exportCancel_stopsTheWriter()
{
    QBuffer target;
    target.open(QIODevice::WriteOnly);
    std::atomic_bool cancel = false;
    qint64 reported = 0;
    ProgressDevice device(target, cancel, [&reported](qint64 n) { reported = n; });
    const QByteArray chunk(300 * 1024, 'x');
    QCOMPARE(device.write(chunk), chunk.size());
    QCOMPARE(reported, chunk.size()); // progress every 256 KiB
    cancel = true;
    QCOMPARE(device.write(chunk), -1);
    QVERIFY(device.wasCancelled());
    QCOMPARE(target.data().size(), chunk.size());
}

void TestSyncLocal::unreadableStore_showsErrorAndRetries()
{
    QTemporaryDir dir;
    // A folder where the database file should be: core cannot open it.
    QVERIFY(QDir(dir.path()).mkpath(u"not-a-file.db"_s));
    ConnectionSpec spec = ConnectionSpec::local(dir.filePath(u"not-a-file.db"_s));
    spec.queuePath = dir.filePath(u"queue.db"_s);
    spec.firstBackoffMs = 100;
    SyncClient client;
    QSignalSpy status(&client, &SyncClient::statusChanged);
    client.open(spec);
    QVERIFY(waitForState(client, SyncState::Offline, 10000));
    QVERIFY(!client.status().message.isEmpty());
    QVERIFY(client.status().retryInMs >= 100);
    QVERIFY(!client.status().lastSuccess.isValid());
    // It keeps retrying, with a growing delay.
    QTRY_VERIFY_WITH_TIMEOUT(client.status().retryInMs >= 400, 10000);
}

QTEST_GUILESS_MAIN(TestSyncLocal)
#include "testsynclocal.moc"
