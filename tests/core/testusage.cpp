// TestUsage: meter usage queries (SPEC §3 GET /v1/meters/{id}/usage): named periods and half-open ranges, groupBy,
// filters, window series, every aggregation; the usage summary with paging; and the change log behind sync.

#include <QTest>

#include "core/periods.h"
#include "core/service.h"
#include "core/types.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

// The TestStore's default now: Sunday 2026-03-15 12:00Z. Its week starts Monday 2026-03-09.
//
// Meters: tokens (sum of llm.tokens), calls (count of llm.*), peak (max of llm.tokens),
// users (unique_count of dimension "user" on llm.tokens), images (sum of image.gen; no events).
// Events (all llm.tokens):
//   cust_a 2026-02-10 10:00         100 {model gpt,     user u1}
//   cust_a 2026-03-01 00:00          10 {model gpt,     user u1}
//   cust_a 2026-03-15 09:30          20 {model claude,  user u2}
//   cust_a 2026-03-15 11:59:59.999    5 {model gpt,     user u3}
//   cust_b 2026-03-15 10:15          40 {model claude,  user u1}
//   cust_b 2025-12-31 23:59:59.999 1000 {model gpt}
//   cust_c 2026-03-09 00:00           7 {model mistral, user u4}
//   cust_c 2026-03-08 23:59:59.999    3 {model mistral, user u4}
// cust_d has no events.
void setUpUsageData(TestStore& store)
{
    struct M
    {
        QString id;
        Aggregation agg;
        QStringList types;
        QString dimension;
    };
    const QList<M> meters{{u"tokens"_s, Aggregation::Sum, {u"llm.tokens"_s}, {}},
                          {u"calls"_s, Aggregation::Count, {u"llm.*"_s}, {}},
                          {u"peak"_s, Aggregation::Max, {u"llm.tokens"_s}, {}},
                          {u"users"_s, Aggregation::UniqueCount, {u"llm.tokens"_s}, u"user"_s},
                          {u"images"_s, Aggregation::Sum, {u"image.gen"_s}, {}}};
    for (const auto& m : meters) {
        Meter meter;
        meter.id = m.id;
        meter.name = m.id;
        meter.aggregation = m.agg;
        meter.eventTypes = m.types;
        meter.dimension = m.dimension;
        auto r = store->createMeter(meter);
        VERIFY_OK(r);
    }
    for (const auto& id : {u"cust_a"_s, u"cust_b"_s, u"cust_c"_s, u"cust_d"_s}) {
        Customer c;
        c.id = id;
        c.name = id;
        auto r = store->createCustomer(c);
        VERIFY_OK(r);
    }
    struct E
    {
        QString customer;
        QDateTime ts;
        double value;
        QString model;
        QString user;
    };
    const QList<E> events{
        {u"cust_a"_s, utc(2026, 2, 10, 10), 100, u"gpt"_s, u"u1"_s},
        {u"cust_a"_s, utc(2026, 3, 1), 10, u"gpt"_s, u"u1"_s},
        {u"cust_a"_s, utc(2026, 3, 15, 9, 30), 20, u"claude"_s, u"u2"_s},
        {u"cust_a"_s, utc(2026, 3, 15, 11, 59, 59, 999), 5, u"gpt"_s, u"u3"_s},
        {u"cust_b"_s, utc(2026, 3, 15, 10, 15), 40, u"claude"_s, u"u1"_s},
        {u"cust_b"_s, utc(2025, 12, 31, 23, 59, 59, 999), 1000, u"gpt"_s, QString()},
        {u"cust_c"_s, utc(2026, 3, 9), 7, u"mistral"_s, u"u4"_s},
        {u"cust_c"_s, utc(2026, 3, 8, 23, 59, 59, 999), 3, u"mistral"_s, u"u4"_s},
    };
    for (const auto& e : events) {
        EventInput in;
        in.customerId = e.customer;
        in.eventType = u"llm.tokens"_s;
        in.value = e.value;
        in.timestamp = e.ts;
        in.dimensions.insert(u"model"_s, e.model);
        if (!e.user.isNull())
            in.dimensions.insert(u"user"_s, e.user);
        auto r = store->record(in);
        VERIFY_OK(r);
    }
}

UsageQuery query(const QString& meterId, const QString& customerId = {})
{
    UsageQuery q;
    q.meterId = meterId;
    q.customerId = customerId;
    return q;
}

UsageQuery
rangeQuery(const QString& meterId, const QDateTime& from, const QDateTime& to, const QString& customerId = {})
{
    auto q = query(meterId, customerId);
    q.from = from;
    q.to = to;
    return q;
}

// "customerId=cust_a;model=gpt" -> value, for comparing groups regardless of their order.
QMap<QString, double> groupMap(const QList<UsageGroup>& groups)
{
    QMap<QString, double> out;
    for (const auto& g : groups) {
        QStringList parts;
        for (auto it = g.dimensions.cbegin(); it != g.dimensions.cend(); ++it)
            parts << it.key() + u'=' + it.value();
        const auto key = parts.join(u';');
        if (out.contains(key))
            QTest::qFail(qPrintable(u"group listed twice: "_s + key), __FILE__, __LINE__);
        out.insert(key, g.value);
    }
    return out;
}

QString summaryKey(const SummaryRow& row)
{
    return row.customerId + u'/' + row.meterId;
}

} // namespace

class TestUsage : public QObject
{
    Q_OBJECT

private slots:
    void resolvePeriod_calendarWindows_data();
    void resolvePeriod_calendarWindows();
    void usage_namedPeriods_data();
    void usage_namedPeriods();
    void usage_explicitRangeIsHalfOpen_data();
    void usage_explicitRangeIsHalfOpen();
    void usage_echoesQuery();
    void usage_groupBy_data();
    void usage_groupBy();
    void usage_filters_data();
    void usage_filters();
    void usage_windowSeries_data();
    void usage_windowSeries();
    void usage_windowOverNamedPeriod();
    void usage_unknownMeterIsMeterNotFound();
    void usage_rejectsEmptyOrReversedRange_data();
    void usage_rejectsEmptyOrReversedRange();

    void summary_rowsPerCustomerAndMeter_data();
    void summary_rowsPerCustomerAndMeter();
    void summary_pagesByCursor_data();
    void summary_pagesByCursor();

    void changes_logCreatesInOrder();
    void changes_pagesWithLimit();
};

// ---------------------------------------------------------------------------------------------------------------
// Periods

void TestUsage::resolvePeriod_calendarWindows_data()
{
    QTest::addColumn<int>("period");
    QTest::addColumn<QDateTime>("from");
    QTest::addColumn<QDateTime>("to");
    // now = Sunday 2026-03-15 12:00Z
    QTest::addRow("current_hour") << int(NamedPeriod::CurrentHour) << utc(2026, 3, 15, 12) << utc(2026, 3, 15, 13);
    QTest::addRow("current_day") << int(NamedPeriod::CurrentDay) << utc(2026, 3, 15) << utc(2026, 3, 16);
    QTest::addRow("current_week (Monday)") << int(NamedPeriod::CurrentWeek) << utc(2026, 3, 9) << utc(2026, 3, 16);
    QTest::addRow("current_month") << int(NamedPeriod::CurrentMonth) << utc(2026, 3, 1) << utc(2026, 4, 1);
    QTest::addRow("previous_month") << int(NamedPeriod::PreviousMonth) << utc(2026, 2, 1) << utc(2026, 3, 1);
    QTest::addRow("lifetime") << int(NamedPeriod::Lifetime) << QDateTime() << QDateTime();
}

void TestUsage::resolvePeriod_calendarWindows()
{
    QFETCH(int, period);
    QFETCH(QDateTime, from);
    QFETCH(QDateTime, to);
    TestStore store;
    auto r = store->resolvePeriod(static_cast<NamedPeriod>(period));
    VERIFY_OK(r);
    QCOMPARE(r->from.isValid(), from.isValid());
    QCOMPARE(r->to.isValid(), to.isValid());
    if (from.isValid()) {
        QCOMPARE(r->from, from);
        QCOMPARE(r->to, to);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Usage

void TestUsage::usage_namedPeriods_data()
{
    QTest::addColumn<QString>("meterId");
    QTest::addColumn<int>("period");
    QTest::addColumn<QString>("customerId");
    QTest::addColumn<double>("expected");

    const int month = int(NamedPeriod::CurrentMonth);
    const int previous = int(NamedPeriod::PreviousMonth);
    const int lifetime = int(NamedPeriod::Lifetime);
    const QString a = u"cust_a"_s, b = u"cust_b"_s, c = u"cust_c"_s, d = u"cust_d"_s, all;

    QTest::addRow("sum month a") << u"tokens"_s << month << a << 35.0;
    QTest::addRow("sum month b") << u"tokens"_s << month << b << 40.0;
    QTest::addRow("sum month all") << u"tokens"_s << month << all << 85.0;
    QTest::addRow("sum month d (no events)") << u"tokens"_s << month << d << 0.0;
    QTest::addRow("sum previous a") << u"tokens"_s << previous << a << 100.0;
    QTest::addRow("sum previous b") << u"tokens"_s << previous << b << 0.0;
    QTest::addRow("sum previous all") << u"tokens"_s << previous << all << 100.0;
    QTest::addRow("sum lifetime b") << u"tokens"_s << lifetime << b << 1040.0;
    QTest::addRow("sum lifetime all") << u"tokens"_s << lifetime << all << 1185.0;
    QTest::addRow("sum current_hour (11:59:59.999 is out)")
        << u"tokens"_s << int(NamedPeriod::CurrentHour) << all << 0.0;
    QTest::addRow("sum current_day") << u"tokens"_s << int(NamedPeriod::CurrentDay) << all << 65.0;
    QTest::addRow("sum current_week (from Monday)") << u"tokens"_s << int(NamedPeriod::CurrentWeek) << all << 72.0;
    QTest::addRow("count month a") << u"calls"_s << month << a << 3.0;
    QTest::addRow("count month all") << u"calls"_s << month << all << 6.0;
    QTest::addRow("count lifetime all") << u"calls"_s << lifetime << all << 8.0;
    QTest::addRow("max month a") << u"peak"_s << month << a << 20.0;
    QTest::addRow("max month all") << u"peak"_s << month << all << 40.0;
    QTest::addRow("max lifetime all") << u"peak"_s << lifetime << all << 1000.0;
    QTest::addRow("max month d (no events)") << u"peak"_s << month << d << 0.0;
    QTest::addRow("unique_count month a") << u"users"_s << month << a << 3.0;
    QTest::addRow("unique_count month b") << u"users"_s << month << b << 1.0;
    QTest::addRow("unique_count month all") << u"users"_s << month << all << 4.0;
    QTest::addRow("unique_count lifetime b (event without user not counted)") << u"users"_s << lifetime << b << 1.0;
    QTest::addRow("unique_count previous all") << u"users"_s << previous << all << 1.0;
    QTest::addRow("meter without events") << u"images"_s << lifetime << all << 0.0;
}

void TestUsage::usage_namedPeriods()
{
    QFETCH(QString, meterId);
    QFETCH(int, period);
    QFETCH(QString, customerId);
    QFETCH(double, expected);
    TestStore store;
    CHECKED(setUpUsageData(store));

    auto q = query(meterId, customerId);
    q.period = static_cast<NamedPeriod>(period);
    auto r = store->usage(q);
    VERIFY_OK(r);
    QCOMPARE(r->value, expected);

    auto range = store->resolvePeriod(static_cast<NamedPeriod>(period));
    VERIFY_OK(range);
    if (static_cast<NamedPeriod>(period) == NamedPeriod::Lifetime) {
        QVERIFY(!r->from.isValid()); // rules.md: lifetime ranges have null from/to
        QVERIFY(!r->to.isValid());
    } else {
        QCOMPARE(r->from, range->from);
        QCOMPARE(r->to, range->to);
    }
}

void TestUsage::usage_explicitRangeIsHalfOpen_data()
{
    QTest::addColumn<QDateTime>("from");
    QTest::addColumn<QDateTime>("to");
    QTest::addColumn<QString>("customerId");
    QTest::addColumn<double>("expected");
    QTest::addRow("from at an event: included") << utc(2026, 3, 1) << utc(2026, 3, 2) << u"cust_a"_s << 10.0;
    QTest::addRow("to at an event: excluded")
        << utc(2026, 3, 1) << utc(2026, 3, 15, 11, 59, 59, 999) << u"cust_a"_s << 30.0;
    QTest::addRow("to one ms after: included") << utc(2026, 3, 1) << utc(2026, 3, 15, 12) << u"cust_a"_s << 35.0;
    QTest::addRow("from one ms after: excluded")
        << utc(2026, 3, 1, 0, 0, 0, 1) << utc(2026, 4, 1) << u"cust_a"_s << 25.0;
    QTest::addRow("one millisecond wide")
        << utc(2026, 3, 15, 11, 59, 59, 999) << utc(2026, 3, 15, 12) << QString() << 5.0;
    QTest::addRow("across the year") << utc(2025, 12, 31, 23, 59, 59, 999) << utc(2026, 2, 11) << QString() << 1100.0;
    QTest::addRow("empty range") << utc(2024, 1, 1) << utc(2025, 1, 1) << QString() << 0.0;
}

void TestUsage::usage_explicitRangeIsHalfOpen()
{
    QFETCH(QDateTime, from);
    QFETCH(QDateTime, to);
    QFETCH(QString, customerId);
    QFETCH(double, expected);
    TestStore store;
    CHECKED(setUpUsageData(store));

    auto r = store->usage(rangeQuery(u"tokens"_s, from, to, customerId));
    VERIFY_OK(r);
    QCOMPARE(r->value, expected);
    QCOMPARE(r->from, from);
    QCOMPARE(r->to, to);
}

void TestUsage::usage_echoesQuery()
{
    TestStore store;
    CHECKED(setUpUsageData(store));

    const QList<std::pair<QString, Aggregation>> meters{{u"tokens"_s, Aggregation::Sum},
                                                        {u"calls"_s, Aggregation::Count},
                                                        {u"peak"_s, Aggregation::Max},
                                                        {u"users"_s, Aggregation::UniqueCount}};
    for (const auto& [id, agg] : meters) {
        auto q = query(id, u"cust_a"_s);
        q.period = NamedPeriod::CurrentMonth;
        auto r = store->usage(q);
        VERIFY_OK(r);
        QCOMPARE(r->meterId, id);
        QCOMPARE(r->customerId, u"cust_a"_s);
        QCOMPARE(toString(r->aggregation), toString(agg));
        QVERIFY(r->groups.isEmpty()); // no groupBy
        QVERIFY(r->series.isEmpty()); // no window
    }
    auto all = query(u"tokens"_s);
    all.period = NamedPeriod::CurrentMonth;
    auto r = store->usage(all);
    VERIFY_OK(r);
    QVERIFY(r->customerId.isEmpty());
}

void TestUsage::usage_groupBy_data()
{
    QTest::addColumn<QString>("meterId");
    QTest::addColumn<QStringList>("groupBy");
    QTest::addColumn<QString>("customerId");
    QTest::addColumn<QStringList>("groups"); // "key=value;key=value:number"
    QTest::addColumn<double>("total");

    QTest::addRow("by model") << u"tokens"_s << QStringList{u"model"_s} << QString()
                              << QStringList{u"model=claude:60"_s, u"model=gpt:15"_s, u"model=mistral:10"_s} << 85.0;
    QTest::addRow("by customerId") << u"tokens"_s << QStringList{u"customerId"_s} << QString()
                                   << QStringList{u"customerId=cust_a:35"_s,
                                                  u"customerId=cust_b:40"_s,
                                                  u"customerId=cust_c:10"_s}
                                   << 85.0;
    QTest::addRow("by customerId and model") << u"tokens"_s << QStringList{u"customerId"_s, u"model"_s} << QString()
                                             << QStringList{u"customerId=cust_a;model=claude:20"_s,
                                                            u"customerId=cust_a;model=gpt:15"_s,
                                                            u"customerId=cust_b;model=claude:40"_s,
                                                            u"customerId=cust_c;model=mistral:10"_s}
                                             << 85.0;
    QTest::addRow("by model for one customer") << u"tokens"_s << QStringList{u"model"_s} << u"cust_a"_s
                                               << QStringList{u"model=claude:20"_s, u"model=gpt:15"_s} << 35.0;
    QTest::addRow("missing dimension groups as empty")
        << u"tokens"_s << QStringList{u"region"_s} << QString() << QStringList{u"region=:85"_s} << 85.0;
    QTest::addRow("count by model") << u"calls"_s << QStringList{u"model"_s} << QString()
                                    << QStringList{u"model=claude:2"_s, u"model=gpt:2"_s, u"model=mistral:2"_s} << 6.0;
    QTest::addRow("max by customerId") << u"peak"_s << QStringList{u"customerId"_s} << QString()
                                       << QStringList{u"customerId=cust_a:20"_s,
                                                      u"customerId=cust_b:40"_s,
                                                      u"customerId=cust_c:7"_s}
                                       << 40.0;
    // Each group counts its own distinct users: 3 + 1 + 1 groups, 4 distinct overall.
    QTest::addRow("unique_count by customerId")
        << u"users"_s << QStringList{u"customerId"_s} << QString()
        << QStringList{u"customerId=cust_a:3"_s, u"customerId=cust_b:1"_s, u"customerId=cust_c:1"_s} << 4.0;
}

void TestUsage::usage_groupBy()
{
    QFETCH(QString, meterId);
    QFETCH(QStringList, groupBy);
    QFETCH(QString, customerId);
    QFETCH(QStringList, groups);
    QFETCH(double, total);
    TestStore store;
    CHECKED(setUpUsageData(store));

    auto q = query(meterId, customerId);
    q.period = NamedPeriod::CurrentMonth;
    q.groupBy = groupBy;
    auto r = store->usage(q);
    VERIFY_OK(r);
    QCOMPARE(r->value, total);

    QMap<QString, double> expected;
    for (const auto& g : groups) {
        const auto colon = g.lastIndexOf(u':');
        expected.insert(g.left(colon), g.mid(colon + 1).toDouble());
    }
    QCOMPARE(groupMap(r->groups), expected);
}

void TestUsage::usage_filters_data()
{
    QTest::addColumn<QString>("meterId");
    QTest::addColumn<QStringList>("filters"); // "dim=value"
    QTest::addColumn<QString>("customerId");
    QTest::addColumn<double>("expected");
    QTest::addRow("model=claude") << u"tokens"_s << QStringList{u"model=claude"_s} << QString() << 60.0;
    QTest::addRow("model=claude for cust_a") << u"tokens"_s << QStringList{u"model=claude"_s} << u"cust_a"_s << 20.0;
    QTest::addRow("model=gpt and user=u3")
        << u"tokens"_s << QStringList{u"model=gpt"_s, u"user=u3"_s} << QString() << 5.0;
    QTest::addRow("no event matches") << u"tokens"_s << QStringList{u"model=llama"_s} << QString() << 0.0;
    QTest::addRow("missing dimension excluded") << u"tokens"_s << QStringList{u"region=eu"_s} << QString() << 0.0;
    QTest::addRow("count user=u1") << u"calls"_s << QStringList{u"user=u1"_s} << QString() << 2.0;
    QTest::addRow("unique_count model=claude") << u"users"_s << QStringList{u"model=claude"_s} << QString() << 2.0;
}

void TestUsage::usage_filters()
{
    QFETCH(QString, meterId);
    QFETCH(QStringList, filters);
    QFETCH(QString, customerId);
    QFETCH(double, expected);
    TestStore store;
    CHECKED(setUpUsageData(store));

    auto q = query(meterId, customerId);
    q.period = NamedPeriod::CurrentMonth;
    for (const auto& f : filters)
        q.filters.insert(f.section(u'=', 0, 0), f.section(u'=', 1));
    auto r = store->usage(q);
    VERIFY_OK(r);
    QCOMPARE(r->value, expected);
}

void TestUsage::usage_windowSeries_data()
{
    QTest::addColumn<QString>("meterId");
    QTest::addColumn<int>("window");
    QTest::addColumn<QDateTime>("from");
    QTest::addColumn<QDateTime>("to");
    QTest::addColumn<QString>("customerId");
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<double>("total");

    QTest::addRow("hour, empty first bucket")
        << u"tokens"_s << int(Window::Hour) << utc(2026, 3, 15, 8) << utc(2026, 3, 15, 12) << QString()
        << QList<double>{0, 20, 40, 5} << 65.0;
    QTest::addRow("hour for one customer") << u"tokens"_s << int(Window::Hour) << utc(2026, 3, 15, 8)
                                           << utc(2026, 3, 15, 12) << u"cust_a"_s << QList<double>{0, 20, 0, 5} << 25.0;
    QTest::addRow("day, boundary at midnight") << u"tokens"_s << int(Window::Day) << utc(2026, 3, 7) << utc(2026, 3, 10)
                                               << QString() << QList<double>{0, 3, 7} << 10.0;
    QTest::addRow("month, across the year") << u"tokens"_s << int(Window::Month) << utc(2025, 12, 1) << utc(2026, 4, 1)
                                            << QString() << QList<double>{1000, 0, 100, 85} << 1185.0;
    QTest::addRow("month, empty range") << u"tokens"_s << int(Window::Month) << utc(2024, 1, 1) << utc(2024, 4, 1)
                                        << QString() << QList<double>{0, 0, 0} << 0.0;
    QTest::addRow("count per hour") << u"calls"_s << int(Window::Hour) << utc(2026, 3, 15, 8) << utc(2026, 3, 15, 12)
                                    << QString() << QList<double>{0, 1, 1, 1} << 3.0;
    QTest::addRow("max per hour") << u"peak"_s << int(Window::Hour) << utc(2026, 3, 15, 8) << utc(2026, 3, 15, 12)
                                  << QString() << QList<double>{0, 20, 40, 5} << 40.0;
    QTest::addRow("unique_count per day") << u"users"_s << int(Window::Day) << utc(2026, 3, 14) << utc(2026, 3, 16)
                                          << QString() << QList<double>{0, 3} << 3.0;
    QTest::addRow("unique_count per month") << u"users"_s << int(Window::Month) << utc(2026, 2, 1) << utc(2026, 4, 1)
                                            << QString() << QList<double>{1, 4} << 4.0;
}

void TestUsage::usage_windowSeries()
{
    QFETCH(QString, meterId);
    QFETCH(int, window);
    QFETCH(QDateTime, from);
    QFETCH(QDateTime, to);
    QFETCH(QString, customerId);
    QFETCH(QList<double>, values);
    QFETCH(double, total);
    TestStore store;
    CHECKED(setUpUsageData(store));

    auto q = rangeQuery(meterId, from, to, customerId);
    q.window = static_cast<Window>(window);
    auto r = store->usage(q);
    VERIFY_OK(r);
    QCOMPARE(r->value, total);
    QCOMPARE(r->series.size(), values.size());

    QDateTime expectedStart = from;
    for (int i = 0; i < values.size(); ++i) {
        const auto& bucket = r->series.at(i);
        QDateTime expectedEnd;
        switch (static_cast<Window>(window)) {
        case Window::Hour:
            expectedEnd = expectedStart.addSecs(3600);
            break;
        case Window::Day:
            expectedEnd = expectedStart.addDays(1);
            break;
        case Window::Month:
            expectedEnd = expectedStart.addMonths(1);
            break;
        }
        QCOMPARE(bucket.start, expectedStart);
        QCOMPARE(bucket.end, expectedEnd);
        QCOMPARE(bucket.value, values.at(i));
        expectedStart = expectedEnd;
    }
    QCOMPARE(expectedStart, to);
}

void TestUsage::usage_windowOverNamedPeriod()
{
    // Daily series over current_month: all 31 days of March, empty days present with 0.
    TestStore store;
    CHECKED(setUpUsageData(store));

    auto q = query(u"tokens"_s);
    q.period = NamedPeriod::CurrentMonth;
    q.window = Window::Day;
    auto r = store->usage(q);
    VERIFY_OK(r);
    QCOMPARE(r->value, 85.0);
    QCOMPARE(r->series.size(), 31);
    const QMap<int, double> nonZero{{1, 10}, {8, 3}, {9, 7}, {15, 65}};
    for (int day = 1; day <= 31; ++day) {
        const auto& bucket = r->series.at(day - 1);
        QCOMPARE(bucket.start, utc(2026, 3, day));
        QCOMPARE(bucket.end, utc(2026, 3, day).addDays(1));
        QCOMPARE(bucket.value, nonZero.value(day, 0.0));
    }
}

void TestUsage::usage_unknownMeterIsMeterNotFound()
{
    TestStore store;
    CHECKED(setUpUsageData(store));
    auto q = query(u"no_such_meter"_s);
    q.period = NamedPeriod::CurrentMonth;
    auto r = store->usage(q);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::MeterNotFound);
}

void TestUsage::usage_rejectsEmptyOrReversedRange_data()
{
    QTest::addColumn<QDateTime>("from");
    QTest::addColumn<QDateTime>("to");
    QTest::addRow("from == to") << utc(2026, 3, 1) << utc(2026, 3, 1);
    QTest::addRow("from > to by 1 ms") << utc(2026, 3, 1, 0, 0, 0, 1) << utc(2026, 3, 1);
    QTest::addRow("from > to by a month") << utc(2026, 4, 1) << utc(2026, 3, 1);
}

void TestUsage::usage_rejectsEmptyOrReversedRange()
{
    QFETCH(QDateTime, from);
    QFETCH(QDateTime, to);
    TestStore store;
    CHECKED(setUpUsageData(store));
    auto r = store->usage(rangeQuery(u"tokens"_s, from, to));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::InvalidRequest);

    auto windowed = rangeQuery(u"tokens"_s, from, to);
    windowed.window = Window::Day;
    auto w = store->usage(windowed);
    QVERIFY(!w.ok());
    QCOMPARE(w.error().code, ErrorCode::InvalidRequest);
}

// ---------------------------------------------------------------------------------------------------------------
// Summary

void TestUsage::summary_rowsPerCustomerAndMeter_data()
{
    QTest::addColumn<QDateTime>("from");
    QTest::addColumn<QDateTime>("to");
    QTest::addColumn<QString>("customerId");
    QTest::addColumn<QStringList>("rows"); // "customer/meter:value"

    QTest::addRow("March, all customers") << utc(2026, 3, 1) << utc(2026, 4, 1) << QString()
                                          << QStringList{u"cust_a/calls:3"_s,
                                                         u"cust_a/peak:20"_s,
                                                         u"cust_a/tokens:35"_s,
                                                         u"cust_a/users:3"_s,
                                                         u"cust_b/calls:1"_s,
                                                         u"cust_b/peak:40"_s,
                                                         u"cust_b/tokens:40"_s,
                                                         u"cust_b/users:1"_s,
                                                         u"cust_c/calls:2"_s,
                                                         u"cust_c/peak:7"_s,
                                                         u"cust_c/tokens:10"_s,
                                                         u"cust_c/users:1"_s};
    QTest::addRow("March, cust_c") << utc(2026, 3, 1) << utc(2026, 4, 1) << u"cust_c"_s
                                   << QStringList{u"cust_c/calls:2"_s,
                                                  u"cust_c/peak:7"_s,
                                                  u"cust_c/tokens:10"_s,
                                                  u"cust_c/users:1"_s};
    QTest::addRow("February") << utc(2026, 2, 1) << utc(2026, 3, 1) << QString()
                              << QStringList{u"cust_a/calls:1"_s,
                                             u"cust_a/peak:100"_s,
                                             u"cust_a/tokens:100"_s,
                                             u"cust_a/users:1"_s};
    QTest::addRow("customer without events") << utc(2026, 3, 1) << utc(2026, 4, 1) << u"cust_d"_s << QStringList{};
    QTest::addRow("range without events") << utc(2024, 1, 1) << utc(2025, 1, 1) << QString() << QStringList{};
    QTest::addRow("lifetime, cust_b") << QDateTime() << QDateTime() << u"cust_b"_s
                                      << QStringList{u"cust_b/calls:2"_s,
                                                     u"cust_b/peak:1000"_s,
                                                     u"cust_b/tokens:1040"_s,
                                                     u"cust_b/users:1"_s};
}

void TestUsage::summary_rowsPerCustomerAndMeter()
{
    QFETCH(QDateTime, from);
    QFETCH(QDateTime, to);
    QFETCH(QString, customerId);
    QFETCH(QStringList, rows);
    TestStore store;
    CHECKED(setUpUsageData(store));

    auto r = store->usageSummary(TimeRange{from, to}, customerId);
    VERIFY_OK(r);
    QCOMPARE(r->from, from);
    QCOMPARE(r->to, to);
    QVERIFY(r->nextCursor.isEmpty());

    QMap<QString, double> got;
    for (const auto& row : r->data) {
        QVERIFY2(!got.contains(summaryKey(row)), qPrintable(summaryKey(row)));
        got.insert(summaryKey(row), row.value);
    }
    QMap<QString, double> expected;
    for (const auto& row : rows) {
        const auto colon = row.lastIndexOf(u':');
        expected.insert(row.left(colon), row.mid(colon + 1).toDouble());
    }
    QCOMPARE(got, expected);
}

void TestUsage::summary_pagesByCursor_data()
{
    QTest::addColumn<int>("limit");
    QTest::addRow("1") << 1;
    QTest::addRow("5") << 5;
    QTest::addRow("11 (one short)") << 11;
    QTest::addRow("12 (exactly all)") << 12;
    QTest::addRow("13") << 13;
}

void TestUsage::summary_pagesByCursor()
{
    QFETCH(int, limit);
    TestStore store;
    CHECKED(setUpUsageData(store));
    const TimeRange march{utc(2026, 3, 1), utc(2026, 4, 1)};

    auto full = store->usageSummary(march);
    VERIFY_OK(full);
    QCOMPARE(full->data.size(), 12);

    QMap<QString, double> seen;
    QString cursor;
    int pages = 0;
    for (;;) {
        auto page = store->usageSummary(march, {}, cursor, limit);
        VERIFY_OK(page);
        ++pages;
        QVERIFY(pages <= 20);
        QVERIFY(page->data.size() <= limit);
        if (!page->nextCursor.isEmpty())
            QCOMPARE(page->data.size(), qsizetype(limit));
        for (const auto& row : page->data) {
            QVERIFY2(!seen.contains(summaryKey(row)), qPrintable(u"repeated "_s + summaryKey(row)));
            seen.insert(summaryKey(row), row.value);
        }
        if (page->nextCursor.isEmpty())
            break;
        cursor = page->nextCursor;
    }
    QMap<QString, double> all;
    for (const auto& row : full->data)
        all.insert(summaryKey(row), row.value);
    QCOMPARE(seen, all); // no gaps, no repeats
    QVERIFY(pages >= (12 + limit - 1) / limit);
    QVERIFY(pages <= (12 + limit - 1) / limit + 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Change log

void TestUsage::changes_logCreatesInOrder()
{
    TestStore store;
    auto initial = store->changes(0);
    VERIFY_OK(initial);
    const qint64 start = initial->nextCursor;

    Customer c;
    c.id = u"cust_x"_s;
    c.name = u"X"_s;
    auto created = store->createCustomer(c);
    VERIFY_OK(created);

    auto afterCustomer = store->changes(start);
    VERIFY_OK(afterCustomer);
    QVERIFY(!afterCustomer->data.isEmpty());
    bool sawCustomer = false;
    qint64 last = start;
    for (const auto& ch : afterCustomer->data) {
        QVERIFY2(ch.seq > last, "seq must increase");
        last = ch.seq;
        sawCustomer |= ch.entity == u"customer" && ch.entityId == u"cust_x" && ch.op == u"upsert";
    }
    QVERIFY(sawCustomer);
    const qint64 c1 = afterCustomer->nextCursor;
    QCOMPARE(c1, last);

    Plan p;
    p.id = u"plan_x"_s;
    p.name = u"Plan X"_s;
    auto plan = store->createPlan(p);
    VERIFY_OK(plan);
    Meter m;
    m.id = u"meter_x"_s;
    m.name = u"Meter X"_s;
    auto meter = store->createMeter(m);
    VERIFY_OK(meter);

    auto newer = store->changes(c1);
    VERIFY_OK(newer);
    QList<QString> seen;
    last = c1;
    for (const auto& ch : newer->data) {
        QVERIFY2(ch.seq > last, "only entries newer than the cursor, in increasing seq");
        last = ch.seq;
        seen << ch.entity + u'/' + ch.entityId + u'/' + ch.op;
    }
    QVERIFY2(!seen.contains(u"customer/cust_x/upsert"_s), "an entry at or before the cursor came back");
    const auto planAt = seen.indexOf(u"plan/plan_x/upsert"_s);
    const auto meterAt = seen.indexOf(u"meter/meter_x/upsert"_s);
    QVERIFY2(planAt >= 0, qPrintable(seen.join(u", "_s)));
    QVERIFY2(meterAt >= 0, qPrintable(seen.join(u", "_s)));
    QVERIFY(planAt < meterAt); // logged in the order they happened
    const qint64 c2 = newer->nextCursor;
    QCOMPARE(c2, last);

    // Nothing new: no entries, the cursor stays.
    auto idle = store->changes(c2);
    VERIFY_OK(idle);
    QVERIFY(idle->data.isEmpty());
    QCOMPARE(idle->nextCursor, c2);

    auto deleted = store->deleteCustomer(u"cust_x"_s);
    VERIFY_OK(deleted);
    auto afterDelete = store->changes(c2);
    VERIFY_OK(afterDelete);
    bool sawDelete = false;
    for (const auto& ch : afterDelete->data) {
        QVERIFY(ch.seq > c2);
        sawDelete |= ch.entity == u"customer" && ch.entityId == u"cust_x" && ch.op == u"delete";
    }
    QVERIFY(sawDelete);
}

void TestUsage::changes_pagesWithLimit()
{
    TestStore store;
    auto initial = store->changes(0);
    VERIFY_OK(initial);
    const qint64 start = initial->nextCursor;
    for (const auto& id : {u"c1"_s, u"c2"_s, u"c3"_s}) {
        Customer c;
        c.id = id;
        c.name = id;
        auto r = store->createCustomer(c);
        VERIFY_OK(r);
    }
    auto everything = store->changes(start);
    VERIFY_OK(everything);
    QVERIFY(everything->data.size() >= 3);

    QList<qint64> paged;
    qint64 cursor = start;
    for (int i = 0; i < 100; ++i) {
        auto page = store->changes(cursor, 1);
        VERIFY_OK(page);
        QVERIFY(page->data.size() <= 1);
        if (page->data.isEmpty())
            break;
        QVERIFY(page->data.first().seq > cursor);
        QCOMPARE(page->nextCursor, page->data.first().seq);
        paged << page->data.first().seq;
        cursor = page->nextCursor;
    }
    QList<qint64> all;
    for (const auto& ch : everything->data)
        all << ch.seq;
    QCOMPARE(paged, all);
}

QTEST_GUILESS_MAIN(TestUsage)
#include "testusage.moc"
