// The reads the dashboard's sync needs from core: events filtered by dimension (exact, case-sensitive), the
// balances page, the newest change cursor, and LimitOverview (which limits apply, and how close the worst is).

#include <QTest>

#include "core/limitoverview.h"
#include "core/service.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

void record(TestStore& store, const QString& customer, const Dimensions& dimensions)
{
    EventInput in;
    in.customerId = customer;
    in.eventType = u"llm.completion"_s;
    in.dimensions = dimensions;
    {
        const auto done = store->record(in);
        VERIFY_OK(done);
    }
}

BalanceChange credit(qint64 micros)
{
    BalanceChange c;
    c.amount = Money::fromMicros(micros);
    c.reason = u"test"_s;
    return c;
}

Limit limit(const QString& id, LimitScope scope, const QString& meter, Period period, double value)
{
    Limit l;
    l.id = id;
    l.scope = scope;
    l.meterId = meter;
    l.period = period;
    l.value = value;
    return l;
}

} // namespace

class TestDashboardQueries : public QObject
{
    Q_OBJECT

private slots:
    void events_dimensionFilterIsExactAndCaseSensitive();
    void events_dimensionFilterPagesWithTheCursor();
    void balances_pageByCustomerWithoutDeletedCustomers();
    void balances_rejectsBadLimitAndCursor();
    void latestChange_isTheNewestSeq();
    void applyingLimits_customerReplacesPlanOnSameMeterAndPeriod();
    void health_boundaries_data();
    void health_boundaries();
};

void TestDashboardQueries::events_dimensionFilterIsExactAndCaseSensitive()
{
    TestStore store;
    CHECKED(addCustomer(store, u"acme"_s));
    CHECKED(record(store, u"acme"_s, {{u"model"_s, u"gpt-4o"_s}, {u"provider"_s, u"openai"_s}}));
    CHECKED(record(store, u"acme"_s, {{u"model"_s, u"gpt-4o-mini"_s}}));
    CHECKED(record(store, u"acme"_s, {{u"model"_s, u"GPT-4O"_s}}));
    CHECKED(record(store, u"acme"_s, {{u"xmodel"_s, u"gpt-4o"_s}}));
    CHECKED(record(store, u"acme"_s, {{u"note"_s, u"\"model\":\"gpt-4o\""_s}}));

    EventQuery q;
    q.dimensions = {{u"model"_s, u"gpt-4o"_s}};
    auto page = store->events(q);
    VERIFY_OK(page);
    QCOMPARE(page->data.size(), 1);
    QCOMPARE(page->data.first().dimensions.value(u"provider"_s), u"openai"_s);

    q.dimensions = {{u"model"_s, u"gpt-4o"_s}, {u"provider"_s, u"anthropic"_s}};
    page = store->events(q);
    VERIFY_OK(page);
    QCOMPARE(page->data.size(), 0);

    q.dimensions = {{u"note"_s, u"\"model\":\"gpt-4o\""_s}}; // quotes inside a value match as written
    page = store->events(q);
    VERIFY_OK(page);
    QCOMPARE(page->data.size(), 1);
}

void TestDashboardQueries::events_dimensionFilterPagesWithTheCursor()
{
    TestStore store;
    CHECKED(addCustomer(store, u"acme"_s));
    for (int i = 0; i < 7; ++i) {
        CHECKED(record(store, u"acme"_s, {{u"model"_s, i % 2 ? u"a"_s : u"b"_s}}));
        store.advance(1000);
    }
    EventQuery q;
    q.dimensions = {{u"model"_s, u"b"_s}};
    q.limit = 3;
    auto first = store->events(q);
    VERIFY_OK(first);
    QCOMPARE(first->data.size(), 3);
    QVERIFY(!first->nextCursor.isEmpty());
    q.cursor = first->nextCursor;
    auto second = store->events(q);
    VERIFY_OK(second);
    QCOMPARE(second->data.size(), 1); // 4 events with model=b in all
    QVERIFY(second->nextCursor.isEmpty());
    QVERIFY(second->data.first().timestamp < first->data.last().timestamp);
}

void TestDashboardQueries::balances_pageByCustomerWithoutDeletedCustomers()
{
    TestStore store;
    for (const QString& id : {u"c"_s, u"a"_s, u"b"_s, u"d"_s, u"nocredit"_s})
        CHECKED(addCustomer(store, id));
    for (const QString& id : {u"a"_s, u"b"_s, u"c"_s, u"d"_s}) {
        const auto done = store->credit(id, credit(1'000'000));
        VERIFY_OK(done);
    }
    {
        const auto done = store->setReserve(u"b"_s, Money::fromMicros(250'000));
        VERIFY_OK(done);
    }
    {
        const auto done = store->deleteCustomer(u"c"_s);
        VERIFY_OK(done);
    }

    auto first = store->balances({}, 2);
    VERIFY_OK(first);
    QCOMPARE(first->data.size(), 2);
    QCOMPARE(first->data.at(0).customerId, u"a"_s);
    QCOMPARE(first->data.at(1).customerId, u"b"_s);
    QCOMPARE(first->data.at(1).available().micros(), 750'000);
    auto second = store->balances(first->nextCursor, 2);
    VERIFY_OK(second);
    QCOMPARE(second->data.size(), 1); // c is deleted, nocredit has no balance row
    QCOMPARE(second->data.at(0).customerId, u"d"_s);
    QVERIFY(second->nextCursor.isEmpty());
}

void TestDashboardQueries::balances_rejectsBadLimitAndCursor()
{
    TestStore store;
    QCOMPARE(store->balances({}, 0).error().code, ErrorCode::InvalidRequest);
    QCOMPARE(store->balances({}, 10001).error().code, ErrorCode::InvalidRequest);
    QCOMPARE(store->balances(u"!!!"_s, 10).error().field, u"cursor"_s);
}

void TestDashboardQueries::latestChange_isTheNewestSeq()
{
    TestStore store;
    auto empty = store->latestChange();
    VERIFY_OK(empty);
    QCOMPARE(empty.value(), 0);
    CHECKED(addCustomer(store, u"a"_s));
    CHECKED(addCustomer(store, u"b"_s));
    auto latest = store->latestChange();
    VERIFY_OK(latest);
    auto all = store->changes(0, 100);
    VERIFY_OK(all);
    QCOMPARE(latest.value(), all->data.constLast().seq);
    auto after = store->changes(latest.value(), 100);
    VERIFY_OK(after);
    QVERIFY(after->data.isEmpty());
}

void TestDashboardQueries::applyingLimits_customerReplacesPlanOnSameMeterAndPeriod()
{
    Plan plan;
    plan.id = u"pro"_s;
    plan.limits = {limit(u"pro:t:month"_s, LimitScope::Plan, u"t"_s, Period::Month, 100),
                   limit(u"pro:t:day"_s, LimitScope::Plan, u"t"_s, Period::Day, 10),
                   limit(u"pro:r:month"_s, LimitScope::Plan, u"r"_s, Period::Month, 5)};
    const QList<Limit> own{limit(u"lim_1"_s, LimitScope::Customer, u"t"_s, Period::Month, 1000)};
    const QList<Limit> applying = LimitOverview::applyingLimits(&plan, own);
    QStringList ids;
    for (const Limit& l : applying)
        ids << l.id;
    QCOMPARE(ids, (QStringList{u"pro:r:month"_s, u"pro:t:day"_s, u"lim_1"_s})); // by meter, then period
    QCOMPARE(LimitOverview::applyingLimits(&plan, own, u"r"_s).size(), 1);
    QCOMPARE(LimitOverview::applyingLimits(nullptr, {}).size(), 0);
}

void TestDashboardQueries::health_boundaries_data()
{
    QTest::addColumn<double>("used"); // of a cap of 100
    QTest::addColumn<int>("health");
    QTest::addRow("nothing used") << 0.0 << int(LimitHealth::Ok);
    QTest::addRow("just below near") << 79.999 << int(LimitHealth::Ok);
    QTest::addRow("at near") << 80.0 << int(LimitHealth::Near);
    QTest::addRow("just below the cap") << 99.999 << int(LimitHealth::Near);
    QTest::addRow("at the cap") << 100.0 << int(LimitHealth::Over);
    QTest::addRow("past the cap") << 150.0 << int(LimitHealth::Over);
}

void TestDashboardQueries::health_boundaries()
{
    QFETCH(double, used);
    QFETCH(int, health);
    const QList<Limit> limits{limit(u"big"_s, LimitScope::Plan, u"t"_s, Period::Month, 1000),
                              limit(u"small"_s, LimitScope::Plan, u"r"_s, Period::Day, 100)};
    const auto result =
        LimitOverview::health(limits, [used](const QString& meter, Period) { return meter == u"r"_s ? used : 1.0; });
    QCOMPARE(int(result.health), health);
    QCOMPARE(result.worst.id, used == 0.0 ? u"big"_s : u"small"_s); // the worst limit decides
    QCOMPARE(LimitOverview::health({}, [](const QString&, Period) { return 0.0; }).health, LimitHealth::NoLimits);
}

QTEST_GUILESS_MAIN(TestDashboardQueries)
#include "testdashboardqueries.moc"
