// Every dashboard entity model under QAbstractItemModelTester, and the two update shapes they share: keyed
// deltas (KeyedRowsModel: insert, remove, dataChanged; persistent indexes survive) and paging
// (PagedRowsModel: fetchMore asks once per page, never loads everything).

#include <QAbstractItemModelTester>
#include <QPersistentModelIndex>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include "models/apikeysmodel.h"
#include "models/balancesmodel.h"
#include "models/customersmodel.h"
#include "models/displayformat.h"
#include "models/eventsmodel.h"
#include "models/invoicelinesmodel.h"
#include "models/ledgermodel.h"
#include "models/limitsmodel.h"
#include "models/limitstatusmodel.h"
#include "models/metersmodel.h"
#include "models/plansmodel.h"
#include "models/webhookdeliveriesmodel.h"
#include "models/webhooksmodel.h"
#include "tests/testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

CustomerRow customerRow(const QString& id, double tokens, qint64 availableMicros, LimitHealth health = LimitHealth::Ok)
{
    CustomerRow r;
    r.customer.id = id;
    r.customer.name = u"Name of "_s + id;
    r.customer.planId = u"pro"_s;
    r.customer.createdAt = utc(2026, 3, 1);
    r.planName = u"Pro"_s;
    r.monthUsage.insert(u"llm-tokens"_s, tokens);
    r.balance.customerId = id;
    r.balance.balance = Money::fromMicros(availableMicros);
    r.hasBalance = true;
    r.health = health;
    r.worstFraction = health == LimitHealth::Over ? 1.2 : 0.5;
    r.worstLimit = u"llm-tokens / month"_s;
    return r;
}

Event sampleEvent(int n)
{
    Event e;
    e.id = u"evt_%1"_s.arg(n);
    e.customerId = u"acme"_s;
    e.eventType = u"llm.completion"_s;
    e.value = n;
    e.dimensions = {{u"model"_s, u"gpt-4o"_s}};
    e.timestamp = utc(2026, 3, 15).addSecs(-n);
    e.createdAt = e.timestamp;
    return e;
}

// Fills a model through its public setter and runs the tester over it; returns false when it failed.
template <typename Model, typename Row> void checkModel(const QList<Row>& rows)
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRows(rows);
    QCOMPARE(model.rowCount(), rows.size());
    for (int c = 0; c < model.columnCount(); ++c) {
        QVERIFY2(!model.headerData(c, Qt::Horizontal).toString().isEmpty(), qPrintable(u"column %1"_s.arg(c)));
        QVERIFY(!model.index(0, c).data(IdRole).toString().isEmpty());
    }
    QVERIFY(model.index(0, 0).data(RowRole).isValid());
    model.setRows(rows.mid(1)); // a diff, not a reset
    QCOMPARE(model.rowCount(), rows.size() - 1);
}

} // namespace

class TestDashboardModels : public QObject
{
    Q_OBJECT

private slots:
    void everyModel_passesTheModelTester();
    void firstLoad_resets_laterDeltasInsertRemoveAndChange();
    void delta_keepsPersistentIndexesOfUntouchedRows();
    void delta_unchangedRowEmitsNothing();
    void rawRole_sortsMoneyAsMicrosAndUsageAsNumbers();
    void streamedRows_keepASortedFilteredViewCorrect();
    void customers_healthAndProgressRoles();
    void limitStatus_progressIsUsedOverLimit();
    void paged_fetchMoreAsksOncePerPageUntilTheLastPage();
    void paged_restartDropsRowsAndAsksForTheFirstPage();
    void paged_failedPageStopsAskingUntilRetry();
    void invoiceLines_totalsPerCurrency();
    void displayFormat_groupsDigitsAndRoundsMoneyHalfEven_data();
    void displayFormat_groupsDigitsAndRoundsMoneyHalfEven();
};

void TestDashboardModels::everyModel_passesTheModelTester()
{
    CHECKED((checkModel<CustomersModel>(
        QList<CustomerRow>{customerRow(u"a"_s, 1, 10), customerRow(u"b"_s, 2, 20), customerRow(u"c"_s, 3, 0)})));

    Plan pro;
    pro.id = u"pro"_s;
    pro.name = u"Pro"_s;
    pro.limits = {Limit{u"pro:llm-tokens:month"_s,
                        LimitScope::Plan,
                        u"pro"_s,
                        {},
                        u"llm-tokens"_s,
                        Period::Month,
                        1e6,
                        LimitMode::Hard,
                        {}}};
    pro.prices = {Price{u"llm-tokens"_s, Money::fromMicros(2'500'000), 1'000'000, 1000, {}}};
    Plan free = pro;
    free.id = u"free"_s;
    CHECKED((checkModel<PlansModel>(QList<Plan>{free, pro})));

    Meter tokens;
    tokens.id = u"llm-tokens"_s;
    tokens.name = u"Tokens"_s;
    tokens.eventTypes = {u"llm.*"_s};
    Meter users = tokens;
    users.id = u"active-users"_s;
    users.aggregation = Aggregation::UniqueCount;
    users.dimension = u"user"_s;
    users.dimensionFilters = {{u"provider"_s, {u"openai"_s}}};
    CHECKED((checkModel<MetersModel>(QList<Meter>{tokens, users})));

    Limit planLimit = pro.limits.first();
    Limit customerLimit{u"lim_1"_s,
                        LimitScope::Customer,
                        {},
                        u"acme"_s,
                        u"llm-tokens"_s,
                        Period::Day,
                        500,
                        LimitMode::Soft,
                        utc(2026, 3, 2)};
    CHECKED((checkModel<LimitsModel>(QList<Limit>{planLimit, customerLimit})));

    LimitStatus s1{u"a"_s,
                   u"llm-tokens"_s,
                   Period::Month,
                   LimitMode::Hard,
                   LimitScope::Plan,
                   100,
                   85,
                   0,
                   15,
                   utc(2026, 4, 1),
                   true};
    LimitStatus s2{u"b"_s,
                   u"llm-requests"_s,
                   Period::Lifetime,
                   LimitMode::Soft,
                   LimitScope::Customer,
                   10,
                   12,
                   0,
                   0,
                   std::nullopt,
                   true};
    CHECKED((checkModel<LimitStatusModel>(QList<LimitStatus>{s1, s2})));

    CHECKED((checkModel<BalancesModel>(QList<BalanceRow>{
        {Balance{u"a"_s, Money::fromMicros(5), {}, {}}, u"A"_s},
        {Balance{u"b"_s, Money::fromMicros(7), Money::fromMicros(1), Money::fromMicros(2)}, u"B"_s}})));

    ApiKey key{u"key_1"_s, u"ops"_s, KeyScope::Admin, utc(2026, 3, 1), {}, {}, 0};
    ApiKey revoked{u"key_2"_s, u"old"_s, KeyScope::Read, utc(2026, 3, 1), utc(2026, 3, 2), utc(2026, 3, 2), 50};
    CHECKED((checkModel<ApiKeysModel>(QList<ApiKey>{key, revoked})));

    WebhookEndpoint hook{u"we_1"_s,
                         u"https://example.com/hook"_s,
                         {u"balance.low"_s},
                         Money::fromMicros(5'000'000),
                         {},
                         false,
                         utc(2026, 3, 1)};
    WebhookEndpoint hook2 = hook;
    hook2.id = u"we_2"_s;
    hook2.balanceLowThreshold.reset();
    hook2.disabled = true;
    CHECKED((checkModel<WebhooksModel>(QList<WebhookEndpoint>{hook, hook2})));

    WebhookDelivery d1;
    d1.id = u"whd_1"_s;
    d1.state = u"failed"_s;
    d1.attempts = 3;
    d1.lastStatus = 500;
    WebhookDelivery d2 = d1;
    d2.id = u"whd_2"_s;
    d2.state = u"pending"_s;
    CHECKED((checkModel<WebhookDeliveriesModel>(QList<WebhookDelivery>{d1, d2})));

    InvoiceLine line;
    line.customerId = u"acme"_s;
    line.meterId = u"llm-tokens"_s;
    line.perUnits = 1000;
    line.amount = Money::fromMicros(4460);
    InvoiceLine line2 = line;
    line2.meterId = u"llm-requests"_s;
    line2.perUnits = 1;
    CHECKED((checkModel<InvoiceLinesModel>(QList<InvoiceLine>{line, line2})));

    // The paged models: the tester runs while pages arrive.
    EventsModel events;
    QAbstractItemModelTester eventsTester(&events, QAbstractItemModelTester::FailureReportingMode::QtTest);
    events.setFilter({});
    events.appendPage({sampleEvent(1), sampleEvent(2)}, u"c1"_s);
    events.fetchMore({});
    events.appendPage({sampleEvent(3)}, {});
    QCOMPARE(events.rowCount(), 3);
    LedgerModel ledger;
    QAbstractItemModelTester ledgerTester(&ledger, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ledger.setCustomer(u"acme"_s);
    LedgerTransaction t;
    t.id = u"txn_1"_s;
    t.amount = Money::fromMicros(-5);
    ledger.appendPage({t}, {});
    QCOMPARE(ledger.rowCount(), 1);
    QCOMPARE(ledger.index(0, LedgerModel::AmountColumn).data(RawRole).toLongLong(), -5);
}

void TestDashboardModels::firstLoad_resets_laterDeltasInsertRemoveAndChange()
{
    CustomersModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.applyDelta({true, {customerRow(u"a"_s, 1, 1), customerRow(u"b"_s, 2, 2), customerRow(u"c"_s, 3, 3)}, {}});
    QCOMPARE(reset.size(), 1);
    QCOMPARE(inserted.size(), 0);

    model.applyDelta({false, {customerRow(u"b"_s, 20, 2), customerRow(u"d"_s, 4, 4)}, {u"a"_s}});
    QCOMPARE(reset.size(), 1);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.rowOf(u"a"_s), -1);
    QCOMPARE(model.find(u"b"_s)->monthUsage.value(u"llm-tokens"_s), 20.0);
    // The changed row's signal covers exactly that row.
    const QModelIndex topLeft = changed.first().at(0).value<QModelIndex>();
    QCOMPARE(topLeft.row(), model.rowOf(u"b"_s));
}

void TestDashboardModels::delta_keepsPersistentIndexesOfUntouchedRows()
{
    CustomersModel model;
    QList<CustomerRow> rows;
    for (int i = 0; i < 10; ++i)
        rows << customerRow(u"c%1"_s.arg(i), i, i);
    model.setRows(rows);
    const QPersistentModelIndex keep(model.index(model.rowOf(u"c7"_s), CustomersModel::NameColumn));
    // Remove two runs (c1-c2 and c5), change c3: c7 must still be c7.
    model.applyDelta({false, {customerRow(u"c3"_s, 99, 3)}, {u"c1"_s, u"c2"_s, u"c5"_s}});
    QVERIFY(keep.isValid());
    QCOMPARE(keep.data(IdRole).toString(), u"c7"_s);
    QCOMPARE(model.rowCount(), 7);
    for (int r = 0; r < model.rowCount(); ++r)
        QCOMPARE(model.rowOf(model.index(r, 0).data(IdRole).toString()), r);
}

void TestDashboardModels::delta_unchangedRowEmitsNothing()
{
    MetersModel model;
    Meter m;
    m.id = u"llm-tokens"_s;
    m.name = u"Tokens"_s;
    model.setRows({m});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setRows({m});
    QCOMPARE(changed.size(), 0);
    QCOMPARE(reset.size(), 0);
    m.name = u"LLM tokens"_s;
    model.setRows({m});
    QCOMPARE(changed.size(), 1);
}

void TestDashboardModels::rawRole_sortsMoneyAsMicrosAndUsageAsNumbers()
{
    CustomersModel model;
    // As text "9.00" > "10.00" and "900" > "1,000"; the raw role sorts by value.
    model.setRows({customerRow(u"a"_s, 900, 10'000'000), customerRow(u"b"_s, 1000, 9'000'000)});
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(RawRole);
    proxy.sort(CustomersModel::BalanceColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, CustomersModel::IdColumn).data().toString(), u"b"_s);
    QCOMPARE(proxy.index(0, CustomersModel::BalanceColumn).data(RawRole).toLongLong(), 9'000'000);
    proxy.sort(CustomersModel::UsageColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, CustomersModel::IdColumn).data().toString(), u"a"_s);
    QCOMPARE(proxy.index(1, CustomersModel::UsageColumn).data().toString(), u"1,000"_s);
    QCOMPARE(model.index(0, CustomersModel::BalanceColumn).data().toString(), u"10.00"_s);
}

// A first sync streams its rows in slices (a reset, then appends: SyncWorker's SliceRows), and the user may have
// sorted and filtered the view already: after every slice, and after a later update that moves rows, the proxy
// holds exactly the delivered rows that pass the filter, in the sorted order.
void TestDashboardModels::streamedRows_keepASortedFilteredViewCorrect()
{
    constexpr int Rows = 10'000;
    constexpr int Slice = 2'000;
    QList<CustomerRow> rows;
    rows.reserve(Rows);
    for (int i = 0; i < Rows; ++i) {
        // Ids out of order, usage values with ties, as a real store gives them.
        const int n = int((qint64(i) * 7919) % Rows);
        rows << customerRow(u"cus_%1"_s.arg(n, 5, 10, QChar(u'0')), double((n * 37) % 1000), n * 1000);
    }
    CustomersModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(RawRole);
    proxy.setDynamicSortFilter(true);
    proxy.setFilterKeyColumn(CustomersModel::IdColumn);
    proxy.setFilterRegularExpression(QRegularExpression(u"7"_s));
    proxy.sort(CustomersModel::UsageColumn, Qt::DescendingOrder);

    // What the view must show of these rows: those whose id has a 7, by usage, highest first.
    const auto checkView = [&](const QList<CustomerRow>& delivered) {
        QMultiMap<double, QString> expected;
        for (const CustomerRow& r : delivered) {
            if (r.customer.id.contains(u'7'))
                expected.insert(r.monthUsage.value(u"llm-tokens"_s), r.customer.id);
        }
        if (proxy.rowCount() != expected.size()) {
            qWarning("view has %d rows, expected %d", proxy.rowCount(), int(expected.size()));
            return false;
        }
        QSet<QString> seen;
        double previous = std::numeric_limits<double>::infinity();
        for (int row = 0; row < proxy.rowCount(); ++row) {
            const QString id = proxy.index(row, CustomersModel::IdColumn).data().toString();
            const double usage = proxy.index(row, CustomersModel::UsageColumn).data(RawRole).toDouble();
            if (!id.contains(u'7') || usage > previous || !expected.contains(usage, id)) {
                qWarning("row %d (%s, %g) is out of place", row, qPrintable(id), usage);
                return false;
            }
            seen.insert(id);
            previous = usage;
        }
        return seen.size() == expected.size();
    };

    QList<CustomerRow> delivered;
    for (int first = 0; first < Rows; first += Slice) {
        const QList<CustomerRow> slice = rows.mid(first, Slice);
        model.applyDelta(RowDelta<CustomerRow>{first == 0, slice, {}});
        delivered << slice;
        QVERIFY2(checkView(delivered), qPrintable(u"after the slice at %1"_s.arg(first)));
    }

    // A later sync: some customers' usage moves (up and down), some leave, one arrives.
    RowDelta<CustomerRow> update;
    for (int i = 0; i < Rows; i += 97) {
        CustomerRow moved = delivered.at(i);
        moved.monthUsage.insert(u"llm-tokens"_s, double((i * 13) % 1500));
        update.upserts << moved;
        delivered[i] = moved;
    }
    for (int i = 50; i < Rows; i += 1000)
        update.removed << delivered.at(i).customer.id;
    update.upserts << customerRow(u"cus_77777"_s, 5000, 0);
    model.applyDelta(update);
    QList<CustomerRow> after;
    for (const CustomerRow& r : std::as_const(delivered)) {
        if (!update.removed.contains(r.customer.id))
            after << r;
    }
    after << update.upserts.last();
    QVERIFY(checkView(after));
    QCOMPARE(proxy.index(0, CustomersModel::IdColumn).data().toString(), u"cus_77777"_s);
}

void TestDashboardModels::customers_healthAndProgressRoles()
{
    CustomersModel model;
    CustomerRow none = customerRow(u"n"_s, 0, 0, LimitHealth::NoLimits);
    model.setRows({customerRow(u"o"_s, 0, 0, LimitHealth::Over), none});
    const QModelIndex over = model.index(model.rowOf(u"o"_s), CustomersModel::HealthColumn);
    QCOMPARE(over.data(RawRole).toInt(), int(LimitHealth::Over));
    QCOMPARE(over.data(ProgressRole).toDouble(), 1.2);
    QVERIFY(over.data().toString().contains(u"120"_s));
    QVERIFY(!model.index(model.rowOf(u"n"_s), CustomersModel::HealthColumn).data(ProgressRole).isValid());
    model.setUsageMeter(u"llm-requests"_s, u"Requests"_s);
    QCOMPARE(model.headerData(CustomersModel::UsageColumn, Qt::Horizontal).toString(), u"Requests this month"_s);
}

void TestDashboardModels::limitStatus_progressIsUsedOverLimit()
{
    LimitStatusModel model;
    LimitStatus s{u"x"_s, u"llm-tokens"_s, Period::Day, LimitMode::Hard, LimitScope::Plan, 200, 150, 0, 50, {}, true};
    LimitStatus zero = s;
    zero.id = u"z"_s;
    zero.limit = 0;
    zero.used = 0;
    model.setRows({s, zero});
    QCOMPARE(model.index(0, LimitStatusModel::ProgressColumn).data(ProgressRole).toDouble(), 0.75);
    QCOMPARE(model.index(0, LimitStatusModel::ProgressColumn).data().toString(), u"75 %"_s);
    // A cap of 0 allows nothing: reached from the start.
    QCOMPARE(model.index(1, LimitStatusModel::ProgressColumn).data(ProgressRole).toDouble(), 1.0);
}

void TestDashboardModels::paged_fetchMoreAsksOncePerPageUntilTheLastPage()
{
    EventsModel model;
    QSignalSpy asked(&model, &EventsModel::pageRequested);
    QVERIFY(!model.canFetchMore({})); // nothing before a filter is set
    EventFilter filter;
    filter.customerId = u"acme"_s;
    model.setFilter(filter);
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked.last().at(1).toString(), QString());
    QVERIFY(!model.canFetchMore({})); // the first page is on its way
    model.fetchMore({});
    QCOMPARE(asked.size(), 1);

    model.appendPage({sampleEvent(1), sampleEvent(2)}, u"cursor-2"_s);
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    model.fetchMore({});
    QCOMPARE(asked.size(), 2);
    QCOMPARE(asked.last().at(1).toString(), u"cursor-2"_s);
    QCOMPARE(asked.last().at(0).value<EventFilter>().customerId, u"acme"_s);
    model.appendPage({sampleEvent(3)}, {});
    QVERIFY(!model.canFetchMore({}));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(2, EventsModel::ValueColumn).data(RawRole).toDouble(), 3.0);
    QCOMPARE(model.index(0, EventsModel::DimensionsColumn).data().toString(), u"model=gpt-4o"_s);
}

void TestDashboardModels::paged_restartDropsRowsAndAsksForTheFirstPage()
{
    LedgerModel model;
    QSignalSpy asked(&model, &LedgerModel::pageRequested);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setCustomer(u"acme"_s);
    LedgerTransaction t;
    t.id = u"txn_1"_s;
    model.appendPage({t}, u"next"_s);
    model.setCustomer(u"globex"_s);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(asked.size(), 2);
    QCOMPARE(asked.last().at(0).toString(), u"globex"_s);
    QCOMPARE(asked.last().at(1).toString(), QString());
    QCOMPARE(reset.size(), 2);
    model.setCustomer({});
    QCOMPARE(asked.size(), 2); // no customer, no requests
    QVERIFY(!model.canFetchMore({}));
}

void TestDashboardModels::paged_failedPageStopsAskingUntilRetry()
{
    EventsModel model;
    QSignalSpy asked(&model, &EventsModel::pageRequested);
    model.setFilter({});
    model.appendPage({sampleEvent(1)}, u"c1"_s);
    model.fetchMore({});
    model.pageFailed();
    QVERIFY(!model.canFetchMore({}));
    QCOMPARE(asked.size(), 2);
    model.retryPage();
    QCOMPARE(asked.size(), 3);
    QCOMPARE(asked.last().at(1).toString(), u"c1"_s);
}

void TestDashboardModels::invoiceLines_totalsPerCurrency()
{
    InvoiceLinesModel model;
    InvoiceLine a;
    a.customerId = u"a"_s;
    a.meterId = u"m"_s;
    a.amount = Money::fromMicros(1'500'000);
    a.currency = u"USD"_s;
    InvoiceLine b = a;
    b.customerId = u"b"_s;
    b.amount = Money::fromMicros(2'000'001);
    InvoiceLine c = a;
    c.customerId = u"c"_s;
    c.currency = u"EUR"_s;
    model.setRows({a, b, c});
    const auto totals = model.totals();
    QCOMPARE(totals.value(u"USD"_s).micros(), 3'500'001);
    QCOMPARE(totals.value(u"EUR"_s).micros(), 1'500'000);
}

void TestDashboardModels::displayFormat_groupsDigitsAndRoundsMoneyHalfEven_data()
{
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<QString>("text");
    QTest::addRow("grouped") << qint64(1'234'567'890'000) << u"1,234,567.89"_s;
    QTest::addRow("half to even, down") << qint64(12'345'000) << u"12.34"_s;
    QTest::addRow("half to even, up") << qint64(12'355'000) << u"12.36"_s;
    QTest::addRow("below a cent") << qint64(4'999) << u"0.00"_s;
    QTest::addRow("negative") << qint64(-1'050'000) << u"-1.05"_s;
}

void TestDashboardModels::displayFormat_groupsDigitsAndRoundsMoneyHalfEven()
{
    QFETCH(qint64, micros);
    QFETCH(QString, text);
    const QLocale c = QLocale::c(); // omits group separators by default: the dashboard still groups
    QCOMPARE(DisplayFormat::money(Money::fromMicros(micros), c), text);
    QCOMPARE(DisplayFormat::quantity(1234567, c), u"1,234,567"_s);
    QCOMPARE(DisplayFormat::quantity(0.25, c), u"0.25"_s);
    QCOMPARE(DisplayFormat::time(QDateTime()), QString());
    QCOMPARE(DisplayFormat::time(utc(2026, 3, 15, 6, 40, 59)), u"2026-03-15 06:40"_s);
}

QTEST_MAIN(TestDashboardModels)
#include "testdashboardmodels.moc"
