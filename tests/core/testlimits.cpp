// Limits and check through the Service facade (SPEC §2 Limit and Balance; docs/rules.md "Limits and check").

#include <QSqlQuery>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/service.h"
#include "core/types.h"
#include "testsupport.h"

using namespace Meterline;
using Meterline::Testing::meter;
using Meterline::Testing::planLimit;
using Meterline::Testing::TestStore;
using Meterline::Testing::utc;

namespace
{

const QString Cust = QStringLiteral("cust_acme");
const QString Beta = QStringLiteral("cust_beta");
const QString Tokens = QStringLiteral("llm-tokens");
const QString Requests = QStringLiteral("requests");
const QString Peak = QStringLiteral("peak-context");
const QString Pro = QStringLiteral("pro");
const QString LlmEvent = QStringLiteral("llm.completion");
const QString RequestEvent = QStringLiteral("api.request");

// The store's default "now" is Sunday 2026-03-15 12:00Z; these are the ends of its windows.
QString expectedReset(Period period)
{
    switch (period) {
    case Period::Hour:
        return QStringLiteral("2026-03-15T13:00:00Z");
    case Period::Day:
    case Period::Week: // the week of Mon 03-09 ends Mon 03-16, the same instant as the day
        return QStringLiteral("2026-03-16T00:00:00Z");
    case Period::Month:
        return QStringLiteral("2026-04-01T00:00:00Z");
    case Period::Lifetime:
        break;
    }
    return QStringLiteral("null");
}

QString show(const std::optional<QDateTime>& t)
{
    return t ? t->toUTC().toString(Qt::ISODate) : QStringLiteral("null");
}

template <typename T> QByteArray why(const Result<T>& r)
{
    return r.ok() ? QByteArray() : (r.error().code + QLatin1String(": ") + r.error().message).toUtf8();
}

template <typename T> bool must(const Result<T>& r, const char* what)
{
    if (!r.ok())
        qWarning("%s failed: %s", what, why(r).constData());
    return r.ok();
}

Limit customerLimit(const QString& id,
                    const QString& customerId,
                    const QString& meterId,
                    Period period,
                    double value,
                    LimitMode mode = LimitMode::Hard)
{
    Limit l;
    l.id = id;
    l.scope = LimitScope::Customer;
    l.customerId = customerId;
    l.meterId = meterId;
    l.period = period;
    l.value = value;
    l.mode = mode;
    return l;
}

Price creditPrice(const QString& meterId, qint64 creditsPerUnitMicros)
{
    Price p;
    p.meterId = meterId;
    p.unitPrice = Money::fromMicros(0);
    p.creditsPerUnit = Money::fromMicros(creditsPerUnitMicros);
    return p;
}

// Meters llm-tokens (sum over "llm.*"), requests (count of "api.request"), peak-context (max over "llm.*");
// plan "pro" with the given limits and prices; cust_acme and cust_beta on it.
bool setUp(TestStore& store, const QList<Limit>& limits, const QList<Price>& prices = {})
{
    if (!must(store->createMeter(meter(Tokens, Aggregation::Sum, {QStringLiteral("llm.*")})), "createMeter tokens"))
        return false;
    if (!must(store->createMeter(meter(Requests, Aggregation::Count, {RequestEvent})), "createMeter requests"))
        return false;
    if (!must(store->createMeter(meter(Peak, Aggregation::Max, {QStringLiteral("llm.*")})), "createMeter peak"))
        return false;
    Plan plan;
    plan.id = Pro;
    plan.name = QStringLiteral("Pro");
    plan.limits = limits;
    plan.prices = prices;
    if (!must(store->createPlan(plan), "createPlan"))
        return false;
    for (const QString& id : {Cust, Beta}) {
        Customer c;
        c.id = id;
        c.name = id;
        c.planId = Pro;
        if (!must(store->createCustomer(c), "createCustomer"))
            return false;
    }
    return true;
}

bool record(TestStore& store,
            double value,
            const std::optional<QDateTime>& timestamp = {},
            const QString& eventType = LlmEvent,
            const QString& customerId = Cust)
{
    EventInput in;
    in.customerId = customerId;
    in.eventType = eventType;
    in.value = value;
    in.timestamp = timestamp;
    return must(store->record(in), "record");
}

Result<CheckResult> check(TestStore& store,
                          const QString& meterId = Tokens,
                          std::optional<double> reserve = {},
                          const QString& customerId = Cust)
{
    CheckRequest request;
    request.customerId = customerId;
    request.meterId = meterId;
    request.reserve = reserve;
    return store->check(request);
}

const LimitStatus* findStatus(const CheckResult& r, const QString& meterId, Period period)
{
    for (const LimitStatus& s : r.limits)
        if (s.meterId == meterId && s.period == period)
            return &s;
    return nullptr;
}

int eventCount(TestStore& store, const QString& customerId = Cust)
{
    EventQuery q;
    q.customerId = customerId;
    q.limit = 1000;
    auto page = store->events(q);
    return page.ok() ? int(page->data.size()) : -1;
}

} // namespace

class TestLimits : public QObject
{
    Q_OBJECT

private slots:
    void hardLimit_boundaries_data();
    void hardLimit_boundaries();

    void period_stopsCountingAtBoundary_data();
    void period_stopsCountingAtBoundary();
    void lifetime_neverResets();
    void lifetime_sumsTheMonthsOfEveryYear();

    void customerLimit_overridesPlanLimitOnSamePeriod_data();
    void customerLimit_overridesPlanLimitOnSamePeriod();
    void customerLimit_doesNotOverrideOtherPeriod();

    void softLimit_neverDenies_data();
    void softLimit_neverDenies();

    void multipleLimits_combine_data();
    void multipleLimits_combine();

    void checkWithoutMeter_coversAllLimits();
    void noLimit_figuresAreNull();

    void errors_unknownCustomerOrMeter_data();
    void errors_unknownCustomerOrMeter();
    void errors_invalidReserve_data();
    void errors_invalidReserve();

    void countMeter_limitCountsEvents_data();
    void countMeter_limitCountsEvents();
    void maxMeter_limitUsesMaximum_data();
    void maxMeter_limitUsesMaximum();

    void balanceRule_deniesWhenCreditsShort_data();
    void balanceRule_deniesWhenCreditsShort();
    void balanceRule_limitReasonWinsWhenBothDeny();

    void limitCrud_createReplaceDelete();
    void limitCrud_existingIdIsConflict();
    void limitCrud_rejectsInvalidInput_data();
    void limitCrud_rejectsInvalidInput();
};

// --- hard limit of 100 per month ---------------------------------------------------------------

void TestLimits::hardLimit_boundaries_data()
{
    QTest::addColumn<double>("used");
    QTest::addColumn<double>("reserve"); // 0: no reservation requested
    QTest::addColumn<bool>("allowed");

    QTest::addRow("used 0") << 0.0 << 0.0 << true;
    QTest::addRow("used 99: one below") << 99.0 << 0.0 << true;
    QTest::addRow("used 99.5") << 99.5 << 0.0 << true;
    QTest::addRow("used 100: at limit") << 100.0 << 0.0 << false;
    QTest::addRow("used 150: over limit") << 150.0 << 0.0 << false;
    QTest::addRow("reserve 10 at used 90: used+N == cap") << 90.0 << 10.0 << true;
    QTest::addRow("reserve 10 at used 91: used+N == cap+1") << 91.0 << 10.0 << false;
    QTest::addRow("reserve 1 at used 99") << 99.0 << 1.0 << true;
    QTest::addRow("reserve 1 at used 100") << 100.0 << 1.0 << false;
    QTest::addRow("reserve 0.5 at used 99.5") << 99.5 << 0.5 << true;
    QTest::addRow("reserve 100 at used 0: whole cap") << 0.0 << 100.0 << true;
    QTest::addRow("reserve 101 at used 0") << 0.0 << 101.0 << false;
}

void TestLimits::hardLimit_boundaries()
{
    QFETCH(double, used);
    QFETCH(double, reserve);
    QFETCH(bool, allowed);

    TestStore store;
    QVERIFY(setUp(store, {planLimit(Tokens, Period::Month, 100)}));
    if (used > 0)
        QVERIFY(record(store, used));
    // An event of another type does not match the meter.
    QVERIFY(record(store, 1000, {}, RequestEvent));

    const auto r = check(store, Tokens, reserve > 0 ? std::optional<double>(reserve) : std::nullopt);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, allowed);
    QCOMPARE(r->reason, allowed ? QString() : QStringLiteral("limit_exceeded"));
    QCOMPARE(r->customerId, Cust);
    QCOMPARE(r->meterId, Tokens);
    QCOMPARE(r->used, used);
    QCOMPARE(r->limit.value_or(-1), 100.0);
    QVERIFY(r->remaining.has_value());
    if (reserve == 0)
        QCOMPARE(*r->remaining, std::max(0.0, 100 - used));
    QCOMPARE(show(r->resetsAt), QStringLiteral("2026-04-01T00:00:00Z"));

    QCOMPARE(r->limits.size(), 1);
    const LimitStatus& s = r->limits.first();
    QCOMPARE(s.id, QStringLiteral("pro:llm-tokens:month"));
    QCOMPARE(s.meterId, Tokens);
    QCOMPARE(int(s.period), int(Period::Month));
    QCOMPARE(int(s.mode), int(LimitMode::Hard));
    QCOMPARE(int(s.source), int(LimitScope::Plan));
    QCOMPARE(s.limit, 100.0);
    QCOMPARE(s.used, used);
    QCOMPARE(s.allowed, allowed);
    QCOMPARE(show(s.resetsAt), QStringLiteral("2026-04-01T00:00:00Z"));

    // A reservation exists only when one was asked for and the check allowed.
    QCOMPARE(r->reservation.has_value(), allowed && reserve > 0);
    if (r->reservation)
        QCOMPARE(r->reservation->amount, reserve);

    // A plain check afterwards sees the hold (or that a denied check held nothing).
    const auto after = check(store);
    QVERIFY2(after.ok(), why(after));
    const double held = (allowed && reserve > 0) ? reserve : 0.0;
    QCOMPARE(after->limits.size(), 1);
    QCOMPARE(after->limits.first().held, held);
    QCOMPARE(after->limits.first().used, used);
    QCOMPARE(after->remaining.value_or(-1), std::max(0.0, 100 - used - held));
    QCOMPARE(after->allowed, used + held < 100);
}

// --- period windows ---------------------------------------------------------------------------

void TestLimits::period_stopsCountingAtBoundary_data()
{
    QTest::addColumn<int>("period"); // Meterline::Period
    QTest::addColumn<QDateTime>("boundary");
    QTest::addColumn<QDateTime>("nextReset");

    QTest::addRow("hour") << int(Period::Hour) << utc(2026, 3, 15, 13) << utc(2026, 3, 15, 14);
    QTest::addRow("hour at midnight") << int(Period::Hour) << utc(2026, 3, 16) << utc(2026, 3, 16, 1);
    QTest::addRow("day") << int(Period::Day) << utc(2026, 3, 16) << utc(2026, 3, 17);
    QTest::addRow("day Dec 31 -> Jan 1") << int(Period::Day) << utc(2027, 1, 1) << utc(2027, 1, 2);
    QTest::addRow("day Feb 28 -> Feb 29 2028") << int(Period::Day) << utc(2028, 2, 29) << utc(2028, 3, 1);
    QTest::addRow("day Feb 29 -> Mar 1 2028") << int(Period::Day) << utc(2028, 3, 1) << utc(2028, 3, 2);
    // Sunday 2026-03-22 23:59:59 -> Monday 2026-03-23 00:00:00Z
    QTest::addRow("week Sunday -> Monday") << int(Period::Week) << utc(2026, 3, 23) << utc(2026, 3, 30);
    QTest::addRow("week across the year") << int(Period::Week) << utc(2027, 1, 4) << utc(2027, 1, 11);
    QTest::addRow("month") << int(Period::Month) << utc(2026, 4, 1) << utc(2026, 5, 1);
    QTest::addRow("month Dec 31 -> Jan 1") << int(Period::Month) << utc(2027, 1, 1) << utc(2027, 2, 1);
    QTest::addRow("month Feb 29 2028 -> Mar 1") << int(Period::Month) << utc(2028, 3, 1) << utc(2028, 4, 1);
    QTest::addRow("month Feb 28 2027 -> Mar 1") << int(Period::Month) << utc(2027, 3, 1) << utc(2027, 4, 1);
}

void TestLimits::period_stopsCountingAtBoundary()
{
    QFETCH(int, period);
    QFETCH(QDateTime, boundary);
    QFETCH(QDateTime, nextReset);

    TestStore store(boundary.addSecs(-1));
    QVERIFY(setUp(store, {planLimit(Tokens, Period(period), 100)}));
    QVERIFY(record(store, 100)); // at boundary - 1 s: the last second of the window

    const auto before = check(store);
    QVERIFY2(before.ok(), why(before));
    QCOMPARE(before->used, 100.0);
    QCOMPARE(before->allowed, false);
    QCOMPARE(before->reason, QStringLiteral("limit_exceeded"));
    QCOMPARE(before->remaining.value_or(-1), 0.0);
    QCOMPARE(show(before->resetsAt), show(boundary));

    store.setNow(boundary);
    const auto at = check(store);
    QVERIFY2(at.ok(), why(at));
    QCOMPARE(at->used, 0.0);
    QCOMPARE(at->allowed, true);
    QCOMPARE(at->reason, QString());
    QCOMPARE(at->remaining.value_or(-1), 100.0);
    QCOMPARE(show(at->resetsAt), show(nextReset));
    QCOMPARE(at->limits.size(), 1);
    QCOMPARE(show(at->limits.first().resetsAt), show(nextReset));

    // Usage at the boundary belongs to the new window.
    QVERIFY(record(store, 3));
    const auto after = check(store);
    QVERIFY2(after.ok(), why(after));
    QCOMPARE(after->used, 3.0);
    QCOMPARE(after->remaining.value_or(-1), 97.0);
}

// A lifetime window is the sum of the month rollups (schema 10 keeps no lifetime rows): months years apart,
// and the first instant of the current month, all count; at exactly the cap a hard limit denies.
void TestLimits::lifetime_sumsTheMonthsOfEveryYear()
{
    TestStore store(utc(2020, 1, 31, 23, 59, 59));
    QVERIFY(setUp(store, {planLimit(Tokens, Period::Lifetime, 100)}));
    QVERIFY(record(store, 60));
    store.setNow(utc(2024, 2, 1));
    QVERIFY(record(store, 25));
    store.setNow(utc(2026, 3, 1));
    QVERIFY(record(store, 14));

    auto below = check(store);
    QVERIFY2(below.ok(), why(below));
    QCOMPARE(below->used, 99.0);
    QCOMPARE(below->allowed, true);
    QVERIFY(record(store, 1));
    auto at = check(store);
    QVERIFY2(at.ok(), why(at));
    QCOMPARE(at->used, 100.0);
    QCOMPARE(at->remaining.value_or(-1), 0.0);
    QCOMPARE(at->allowed, false);

    UsageQuery usage;
    usage.meterId = Tokens;
    usage.customerId = Cust;
    usage.period = NamedPeriod::Lifetime;
    auto total = store->usage(usage);
    QVERIFY2(total.ok(), why(total));
    QCOMPARE(total->value, 100.0);

    QSqlQuery q(store.db().connection());
    QVERIFY(q.exec(QStringLiteral("SELECT grain, COUNT(*) FROM rollups WHERE meter_id = '%1' GROUP BY grain"
                                  " ORDER BY grain")
                       .arg(Tokens)));
    QStringList grains;
    while (q.next())
        grains << q.value(0).toString() + QLatin1Char('=') + q.value(1).toString();
    QCOMPARE(grains, QStringList({"d=3", "h=3", "m=3"}));
}

void TestLimits::lifetime_neverResets()
{
    TestStore store(utc(2020, 1, 1, 9));
    QVERIFY(setUp(store, {planLimit(Tokens, Period::Lifetime, 100)}));
    QVERIFY(record(store, 60));

    store.setNow(utc(2026, 3, 15, 12));
    auto r = check(store);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->used, 60.0);
    QCOMPARE(r->allowed, true);
    QCOMPARE(r->remaining.value_or(-1), 40.0);
    QVERIFY(!r->resetsAt.has_value());
    QCOMPARE(r->limits.size(), 1);
    QCOMPARE(int(r->limits.first().period), int(Period::Lifetime));
    QVERIFY(!r->limits.first().resetsAt.has_value());

    QVERIFY(record(store, 40));
    r = check(store);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->used, 100.0);
    QCOMPARE(r->allowed, false);
    QCOMPARE(r->reason, QStringLiteral("limit_exceeded"));
    QVERIFY(!r->resetsAt.has_value());

    // Still denied years later.
    store.setNow(utc(2031, 1, 1));
    r = check(store);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->used, 100.0);
    QCOMPARE(r->allowed, false);
}

// --- customer scope ---------------------------------------------------------------------------

void TestLimits::customerLimit_overridesPlanLimitOnSamePeriod_data()
{
    QTest::addColumn<double>("cap");
    QTest::addColumn<double>("used");
    QTest::addColumn<bool>("allowed");

    QTest::addRow("raises the cap: 150 of 200") << 200.0 << 150.0 << true;
    QTest::addRow("raises the cap: 200 of 200") << 200.0 << 200.0 << false;
    QTest::addRow("lowers the cap: 9 of 10") << 10.0 << 9.0 << true;
    QTest::addRow("lowers the cap: 20 of 10") << 10.0 << 20.0 << false;
}

void TestLimits::customerLimit_overridesPlanLimitOnSamePeriod()
{
    QFETCH(double, cap);
    QFETCH(double, used);
    QFETCH(bool, allowed);

    TestStore store;
    QVERIFY(setUp(store, {planLimit(Tokens, Period::Month, 100)}));
    QVERIFY(
        must(store->createLimit(customerLimit(QStringLiteral("acme-tokens-month"), Cust, Tokens, Period::Month, cap)),
             "createLimit"));
    QVERIFY(record(store, used));
    QVERIFY(record(store, used, {}, LlmEvent, Beta));

    const auto r = check(store);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, allowed);
    QCOMPARE(r->limits.size(), 1); // the plan's month limit is replaced, not added to
    const LimitStatus& s = r->limits.first();
    QCOMPARE(s.id, QStringLiteral("acme-tokens-month"));
    QCOMPARE(int(s.source), int(LimitScope::Customer));
    QCOMPARE(s.limit, cap);
    QCOMPARE(s.used, used);
    QCOMPARE(s.remaining, std::max(0.0, cap - used));
    QCOMPARE(r->limit.value_or(-1), cap);

    // Another customer on the same plan keeps the plan's limit.
    const auto beta = check(store, Tokens, {}, Beta);
    QVERIFY2(beta.ok(), why(beta));
    QCOMPARE(beta->limits.size(), 1);
    QCOMPARE(int(beta->limits.first().source), int(LimitScope::Plan));
    QCOMPARE(beta->limits.first().limit, 100.0);
    QCOMPARE(beta->allowed, used < 100);
}

void TestLimits::customerLimit_doesNotOverrideOtherPeriod()
{
    TestStore store;
    QVERIFY(setUp(store, {planLimit(Tokens, Period::Month, 100)}));
    QVERIFY(must(store->createLimit(customerLimit(QStringLiteral("acme-tokens-day"), Cust, Tokens, Period::Day, 500)),
                 "createLimit"));
    QVERIFY(record(store, 150));

    const auto r = check(store);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->limits.size(), 2);
    const LimitStatus* day = findStatus(*r, Tokens, Period::Day);
    const LimitStatus* month = findStatus(*r, Tokens, Period::Month);
    QVERIFY(day && month);
    QCOMPARE(int(day->source), int(LimitScope::Customer));
    QCOMPARE(day->limit, 500.0);
    QCOMPARE(day->used, 150.0);
    QCOMPARE(day->allowed, true);
    QCOMPARE(int(month->source), int(LimitScope::Plan));
    QCOMPARE(month->id, QStringLiteral("pro:llm-tokens:month"));
    QCOMPARE(month->limit, 100.0);
    QCOMPARE(month->allowed, false);
    // Listed by meter id, then period length.
    QCOMPARE(int(r->limits.at(0).period), int(Period::Day));
    QCOMPARE(int(r->limits.at(1).period), int(Period::Month));

    QCOMPARE(r->allowed, false);
    QCOMPARE(r->reason, QStringLiteral("limit_exceeded"));
    QCOMPARE(r->used, 150.0);
    QCOMPARE(r->limit.value_or(-1), 100.0);
    QCOMPARE(r->remaining.value_or(-1), 0.0);
    QCOMPARE(show(r->resetsAt), QStringLiteral("2026-04-01T00:00:00Z"));
}

// --- soft limits --------------------------------------------------------------------------------

void TestLimits::softLimit_neverDenies_data()
{
    QTest::addColumn<double>("used");
    QTest::addColumn<double>("reserve"); // 0: none

    QTest::addRow("below") << 5.0 << 0.0;
    QTest::addRow("at value") << 10.0 << 0.0;
    QTest::addRow("far over") << 50.0 << 0.0;
    QTest::addRow("over, with reserve") << 50.0 << 5.0;
}

void TestLimits::softLimit_neverDenies()
{
    QFETCH(double, used);
    QFETCH(double, reserve);

    TestStore store;
    QVERIFY(setUp(store, {planLimit(Tokens, Period::Month, 10, LimitMode::Soft)}));
    QVERIFY(record(store, used));

    const auto r = check(store, Tokens, reserve > 0 ? std::optional<double>(reserve) : std::nullopt);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, true);
    QCOMPARE(r->reason, QString());
    QCOMPARE(r->limits.size(), 1);
    const LimitStatus& s = r->limits.first();
    QCOMPARE(int(s.mode), int(LimitMode::Soft));
    QCOMPARE(s.allowed, true);
    QCOMPARE(s.used, used);
    QCOMPARE(s.limit, 10.0);
    if (reserve == 0)
        QCOMPARE(s.remaining, std::max(0.0, 10 - used));
    QCOMPARE(r->used, used);
    QCOMPARE(r->limit.value_or(-1), 10.0);
    QCOMPARE(r->reservation.has_value(), reserve > 0);
}

// --- several limits on one check ------------------------------------------------------------------

void TestLimits::multipleLimits_combine_data()
{
    // Two hard limits on llm-tokens. "earlier" is recorded on 2026-03-02 (this month, not this week or day),
    // "today" at now (Sunday 2026-03-15 12:00Z).
    QTest::addColumn<int>("periodA");
    QTest::addColumn<double>("valueA");
    QTest::addColumn<int>("periodB");
    QTest::addColumn<double>("valueB");
    QTest::addColumn<double>("earlier");
    QTest::addColumn<double>("today");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<double>("used");
    QTest::addColumn<double>("limit");
    QTest::addColumn<double>("remaining");
    QTest::addColumn<QString>("resetsAt");

    const int day = int(Period::Day);
    const int month = int(Period::Month);
    const int lifetime = int(Period::Lifetime);

    QTest::addRow("day denies, month allows: day's reset")
        << day << 10.0 << month << 1000.0 << 0.0 << 10.0 << false << 10.0 << 10.0 << 0.0
        << QStringLiteral("2026-03-16T00:00:00Z");
    QTest::addRow("month denies, day allows: month's reset")
        << day << 100.0 << month << 20.0 << 15.0 << 6.0 << false << 21.0 << 20.0 << 0.0
        << QStringLiteral("2026-04-01T00:00:00Z");
    // Both at remaining 0: the figures tie and go to the first listed (day); resetsAt is the latest.
    QTest::addRow("both deny: latest reset") << day << 10.0 << month << 12.0 << 2.0 << 10.0 << false << 10.0 << 10.0
                                             << 0.0 << QStringLiteral("2026-04-01T00:00:00Z");
    QTest::addRow("lifetime denies, month allows: null reset")
        << month << 100.0 << lifetime << 5.0 << 0.0 << 5.0 << false << 5.0 << 5.0 << 0.0 << QStringLiteral("null");
    QTest::addRow("lifetime and day deny: null reset")
        << day << 5.0 << lifetime << 5.0 << 0.0 << 5.0 << false << 5.0 << 5.0 << 0.0 << QStringLiteral("null");
    QTest::addRow("allowed: month has least remaining") << day << 50.0 << month << 100.0 << 60.0 << 30.0 << true << 90.0
                                                        << 100.0 << 10.0 << QStringLiteral("2026-04-01T00:00:00Z");
    QTest::addRow("allowed: day has least remaining") << day << 50.0 << month << 1000.0 << 0.0 << 30.0 << true << 30.0
                                                      << 50.0 << 20.0 << QStringLiteral("2026-03-16T00:00:00Z");
    QTest::addRow("allowed: lifetime has least remaining")
        << month << 100.0 << lifetime << 50.0 << 10.0 << 30.0 << true << 40.0 << 50.0 << 10.0 << QStringLiteral("null");
}

void TestLimits::multipleLimits_combine()
{
    QFETCH(int, periodA);
    QFETCH(double, valueA);
    QFETCH(int, periodB);
    QFETCH(double, valueB);
    QFETCH(double, earlier);
    QFETCH(double, today);
    QFETCH(bool, allowed);
    QFETCH(double, used);
    QFETCH(double, limit);
    QFETCH(double, remaining);
    QFETCH(QString, resetsAt);

    TestStore store;
    // Given in the reverse of the listing order, so the listing is core's doing.
    QVERIFY(setUp(store, {planLimit(Tokens, Period(periodB), valueB), planLimit(Tokens, Period(periodA), valueA)}));
    if (earlier > 0)
        QVERIFY(record(store, earlier, utc(2026, 3, 2, 10)));
    if (today > 0)
        QVERIFY(record(store, today));

    const auto r = check(store);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, allowed);
    QCOMPARE(r->reason, allowed ? QString() : QStringLiteral("limit_exceeded"));
    QCOMPARE(r->used, used);
    QCOMPARE(r->limit.value_or(-1), limit);
    QCOMPARE(r->remaining.value_or(-1), remaining);
    QCOMPARE(show(r->resetsAt), resetsAt);

    QCOMPARE(r->limits.size(), 2);
    QCOMPARE(int(r->limits.at(0).period), periodA); // shorter period first
    QCOMPARE(int(r->limits.at(1).period), periodB);
    for (const LimitStatus& s : r->limits) {
        const QByteArray which = toString(s.period).toUtf8();
        QVERIFY2(s.allowed == (s.used < s.limit), which);
        QVERIFY2(s.remaining == std::max(0.0, s.limit - s.used), which);
        QCOMPARE(show(s.resetsAt), expectedReset(s.period));
        QCOMPARE(s.limit, s.period == Period(periodA) ? valueA : valueB);
    }
}

// --- check without meter, without limits ------------------------------------------------------------

void TestLimits::checkWithoutMeter_coversAllLimits()
{
    TestStore store;
    QVERIFY(setUp(store, {planLimit(Tokens, Period::Month, 100), planLimit(Requests, Period::Day, 3)}));
    QVERIFY(record(store, 40));
    QVERIFY(record(store, 50, {}, RequestEvent));
    QVERIFY(record(store, 50, {}, RequestEvent));

    auto all = check(store, QString());
    QVERIFY2(all.ok(), why(all));
    QCOMPARE(all->limits.size(), 2);
    QCOMPARE(all->limits.at(0).meterId, Tokens); // by meter id
    QCOMPARE(all->limits.at(1).meterId, Requests);
    QCOMPARE(all->limits.at(0).used, 40.0);
    QCOMPARE(all->limits.at(1).used, 2.0); // count meter: two events
    QCOMPARE(all->allowed, true);
    // least remaining: requests (1 of 3 left)
    QCOMPARE(all->used, 2.0);
    QCOMPARE(all->limit.value_or(-1), 3.0);
    QCOMPARE(all->remaining.value_or(-1), 1.0);
    QCOMPARE(show(all->resetsAt), QStringLiteral("2026-03-16T00:00:00Z"));

    QVERIFY(record(store, 1, {}, RequestEvent));
    all = check(store, QString());
    QVERIFY2(all.ok(), why(all));
    QCOMPARE(all->allowed, false);
    QCOMPARE(all->reason, QStringLiteral("limit_exceeded"));
    QCOMPARE(all->limits.at(1).allowed, false);
    QCOMPARE(show(all->resetsAt), QStringLiteral("2026-03-16T00:00:00Z"));

    // Naming the tokens meter checks only its limits.
    const auto tokens = check(store, Tokens);
    QVERIFY2(tokens.ok(), why(tokens));
    QCOMPARE(tokens->limits.size(), 1);
    QCOMPARE(tokens->allowed, true);
    QCOMPARE(tokens->used, 40.0);
    QCOMPARE(tokens->remaining.value_or(-1), 60.0);
}

void TestLimits::noLimit_figuresAreNull()
{
    TestStore store;
    QVERIFY(setUp(store, {}));
    QVERIFY(record(store, 10, utc(2026, 2, 20))); // last month: not counted
    QVERIFY(record(store, 42));

    const auto r = check(store);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, true);
    QCOMPARE(r->reason, QString());
    QVERIFY(r->limits.isEmpty());
    QVERIFY(!r->limit.has_value());
    QVERIFY(!r->remaining.has_value());
    QVERIFY(!r->resetsAt.has_value());
    QCOMPARE(r->used, 42.0); // the meter's usage this calendar month

    const auto all = check(store, QString());
    QVERIFY2(all.ok(), why(all));
    QCOMPARE(all->allowed, true);
    QVERIFY(all->limits.isEmpty());
    QVERIFY(!all->limit.has_value());
    QVERIFY(!all->remaining.has_value());
    QVERIFY(!all->resetsAt.has_value());
    QCOMPARE(all->used, 0.0);

    // A customer without a plan: no limit either.
    Customer solo;
    solo.id = QStringLiteral("cust_solo");
    solo.name = QStringLiteral("Solo");
    QVERIFY(must(store->createCustomer(solo), "createCustomer"));
    const auto noPlan = check(store, Tokens, {}, solo.id);
    QVERIFY2(noPlan.ok(), why(noPlan));
    QCOMPARE(noPlan->allowed, true);
    QVERIFY(noPlan->limits.isEmpty());
    QVERIFY(!noPlan->limit.has_value());
    QCOMPARE(noPlan->used, 0.0);
}

// --- errors -------------------------------------------------------------------------------------------

void TestLimits::errors_unknownCustomerOrMeter_data()
{
    QTest::addColumn<QString>("customerId");
    QTest::addColumn<QString>("meterId");
    QTest::addColumn<QString>("code");

    QTest::addRow("unknown customer") << QStringLiteral("cust_nobody") << Tokens
                                      << QStringLiteral("customer_not_found");
    QTest::addRow("unknown customer, no meter")
        << QStringLiteral("cust_nobody") << QString() << QStringLiteral("customer_not_found");
    QTest::addRow("unknown meter") << Cust << QStringLiteral("no-such-meter") << QStringLiteral("meter_not_found");
}

void TestLimits::errors_unknownCustomerOrMeter()
{
    QFETCH(QString, customerId);
    QFETCH(QString, meterId);
    QFETCH(QString, code);

    TestStore store;
    QVERIFY(setUp(store, {planLimit(Tokens, Period::Month, 100)}));
    const auto r = check(store, meterId, 5.0, customerId);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, code);

    // Nothing was held.
    const auto after = check(store);
    QVERIFY2(after.ok(), why(after));
    QCOMPARE(after->limits.first().held, 0.0);
    QCOMPARE(after->remaining.value_or(-1), 100.0);
}

void TestLimits::errors_invalidReserve_data()
{
    QTest::addColumn<double>("reserve");
    QTest::addRow("zero") << 0.0;
    QTest::addRow("negative") << -1.0;
    QTest::addRow("tiny negative") << -0.000001;
    QTest::addRow("NaN") << std::numeric_limits<double>::quiet_NaN();
    QTest::addRow("infinity") << std::numeric_limits<double>::infinity();
}

void TestLimits::errors_invalidReserve()
{
    QFETCH(double, reserve);

    TestStore store;
    QVERIFY(setUp(store, {planLimit(Tokens, Period::Month, 100)}, {creditPrice(Tokens, 1'000'000)}));
    BalanceChange topUp;
    topUp.amount = Money::fromMicros(50'000'000);
    topUp.reason = QStringLiteral("top-up");
    topUp.actor = QStringLiteral("test");
    QVERIFY(must(store->credit(Cust, topUp), "credit"));

    const auto r = check(store, Tokens, reserve);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, QStringLiteral("invalid_request"));

    // A failed check changes nothing: no hold on the limit, none on the credits, no event.
    const auto after = check(store);
    QVERIFY2(after.ok(), why(after));
    QCOMPARE(after->limits.first().held, 0.0);
    QCOMPARE(after->remaining.value_or(-1), 100.0);
    const auto balance = store->balance(Cust);
    QVERIFY2(balance.ok(), why(balance));
    QCOMPARE(balance->held.micros(), qint64(0));
    QCOMPARE(balance->balance.micros(), qint64(50'000'000));
    QCOMPARE(balance->available().micros(), qint64(50'000'000));
    QCOMPARE(eventCount(store), 0);
}

// --- aggregations through limits ----------------------------------------------------------------------

void TestLimits::countMeter_limitCountsEvents_data()
{
    QTest::addColumn<int>("events");
    QTest::addColumn<bool>("allowed");
    QTest::addRow("2 of 3") << 2 << true;
    QTest::addRow("3 of 3") << 3 << false;
    QTest::addRow("4 of 3") << 4 << false;
}

void TestLimits::countMeter_limitCountsEvents()
{
    QFETCH(int, events);
    QFETCH(bool, allowed);

    TestStore store;
    QVERIFY(setUp(store, {planLimit(Requests, Period::Day, 3)}));
    for (int i = 0; i < events; ++i)
        QVERIFY(record(store, 25, {}, RequestEvent));                      // the value does not matter to a count
    QVERIFY(record(store, 1, utc(2026, 3, 14, 23, 59, 59), RequestEvent)); // yesterday

    const auto r = check(store, Requests);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->used, double(events));
    QCOMPARE(r->allowed, allowed);
    QCOMPARE(r->remaining.value_or(-1), std::max(0.0, 3.0 - events));
    QCOMPARE(r->reason, allowed ? QString() : QStringLiteral("limit_exceeded"));
}

void TestLimits::maxMeter_limitUsesMaximum_data()
{
    QTest::addColumn<QList<double>>("values");
    QTest::addColumn<double>("used");
    QTest::addColumn<bool>("allowed");
    QTest::addRow("max 99") << QList<double>{40, 99, 3} << 99.0 << true;
    QTest::addRow("max 100") << QList<double>{40, 100, 3} << 100.0 << false;
    QTest::addRow("sum over cap, max under") << QList<double>{60, 60, 60} << 60.0 << true;
}

void TestLimits::maxMeter_limitUsesMaximum()
{
    QFETCH(QList<double>, values);
    QFETCH(double, used);
    QFETCH(bool, allowed);

    TestStore store;
    QVERIFY(setUp(store, {planLimit(Peak, Period::Month, 100)}));
    for (double v : values)
        QVERIFY(record(store, v));

    const auto r = check(store, Peak);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->used, used);
    QCOMPARE(r->allowed, allowed);
    QCOMPARE(r->remaining.value_or(-1), std::max(0.0, 100 - used));
}

// --- balance rule -----------------------------------------------------------------------------------------

void TestLimits::balanceRule_deniesWhenCreditsShort_data()
{
    // llm-tokens burns 0.002 credits per unit; no limits.
    QTest::addColumn<qint64>("creditMicros");
    QTest::addColumn<qint64>("keptBackMicros"); // the balance's reserve
    QTest::addColumn<double>("units");          // check reserve; 0: none
    QTest::addColumn<bool>("allowed");

    QTest::addRow("no credits: available 0") << qint64(0) << qint64(0) << 0.0 << false;
    QTest::addRow("1 micro available") << qint64(1) << qint64(0) << 0.0 << true;
    QTest::addRow("reserve keeps all back: available 0") << qint64(5'000'000) << qint64(5'000'000) << 0.0 << false;
    QTest::addRow("reserve keeps all but 1 micro") << qint64(5'000'001) << qint64(5'000'000) << 0.0 << true;
    QTest::addRow("500 units: available exactly 1.000000") << qint64(1'000'000) << qint64(0) << 500.0 << true;
    QTest::addRow("500 units: available 0.999999") << qint64(999'999) << qint64(0) << 500.0 << false;
    QTest::addRow("500 units, kept back: exactly") << qint64(3'000'000) << qint64(2'000'000) << 500.0 << true;
    QTest::addRow("500 units, kept back: one micro short") << qint64(2'999'999) << qint64(2'000'000) << 500.0 << false;
}

void TestLimits::balanceRule_deniesWhenCreditsShort()
{
    QFETCH(qint64, creditMicros);
    QFETCH(qint64, keptBackMicros);
    QFETCH(double, units);
    QFETCH(bool, allowed);

    TestStore store;
    QVERIFY(setUp(store, {}, {creditPrice(Tokens, 2'000)}));
    if (creditMicros > 0) {
        BalanceChange topUp;
        topUp.amount = Money::fromMicros(creditMicros);
        topUp.reason = QStringLiteral("top-up");
        topUp.actor = QStringLiteral("test");
        QVERIFY(must(store->credit(Cust, topUp), "credit"));
    }
    if (keptBackMicros > 0)
        QVERIFY(must(store->setReserve(Cust, Money::fromMicros(keptBackMicros), QStringLiteral("test")), "setReserve"));

    const auto r = check(store, Tokens, units > 0 ? std::optional<double>(units) : std::nullopt);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, allowed);
    QCOMPARE(r->reason, allowed ? QString() : QStringLiteral("insufficient_balance"));
    QVERIFY(r->limits.isEmpty());
    QVERIFY(r->balance.has_value());
    QCOMPARE(r->balance->balance.micros(), creditMicros);
    QCOMPARE(r->balance->reserve.micros(), keptBackMicros);
    if (units == 0)
        QCOMPARE(r->balance->available().micros(), creditMicros - keptBackMicros);
    QCOMPARE(r->reservation.has_value(), allowed && units > 0);
    if (r->reservation)
        QCOMPARE(r->reservation->credits.micros(), qint64(units * 2'000));

    // The credits of an allowed reservation are held; a denied check holds nothing.
    const auto b = store->balance(Cust);
    QVERIFY2(b.ok(), why(b));
    const qint64 held = (allowed && units > 0) ? qint64(units * 2'000) : 0;
    QCOMPARE(b->held.micros(), held);
    QCOMPARE(b->balance.micros(), creditMicros);
    QCOMPARE(b->available().micros(), creditMicros - keptBackMicros - held);
}

void TestLimits::balanceRule_limitReasonWinsWhenBothDeny()
{
    TestStore store;
    QVERIFY(setUp(store, {planLimit(Tokens, Period::Month, 100)}, {creditPrice(Tokens, 2'000)}));
    QVERIFY(record(store, 100)); // burns nothing: the balance is 0, the burn is unpaid

    const auto r = check(store);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, false);
    QCOMPARE(r->reason, QStringLiteral("limit_exceeded"));
    QVERIFY(r->balance.has_value());
    QCOMPARE(r->balance->balance.micros(), qint64(0));

    // The balance alone denies once the limit has room.
    QVERIFY(must(store->createLimit(customerLimit(QStringLiteral("acme-big"), Cust, Tokens, Period::Month, 1000)),
                 "createLimit"));
    const auto balanceOnly = check(store);
    QVERIFY2(balanceOnly.ok(), why(balanceOnly));
    QCOMPARE(balanceOnly->allowed, false);
    QCOMPARE(balanceOnly->reason, QStringLiteral("insufficient_balance"));
    QCOMPARE(balanceOnly->limits.size(), 1);
    QCOMPARE(balanceOnly->limits.first().allowed, true);
}

// --- limit CRUD ---------------------------------------------------------------------------------------------

void TestLimits::limitCrud_createReplaceDelete()
{
    TestStore store;
    QVERIFY(setUp(store, {planLimit(Tokens, Period::Month, 100)}));
    QVERIFY(record(store, 150));

    // The plan's limit got its stable id.
    const auto plan = store->plan(Pro);
    QVERIFY2(plan.ok(), why(plan));
    QCOMPARE(plan->limits.size(), 1);
    QCOMPARE(plan->limits.first().id, QStringLiteral("pro:llm-tokens:month"));
    QCOMPARE(int(plan->limits.first().mode), int(LimitMode::Hard));

    // create
    const auto created =
        store->createLimit(customerLimit(QStringLiteral("acme-month"), Cust, Tokens, Period::Month, 500));
    QVERIFY2(created.ok(), why(created));
    QCOMPARE(created->id, QStringLiteral("acme-month"));
    QCOMPARE(int(created->scope), int(LimitScope::Customer));
    QCOMPARE(created->customerId, Cust);
    QCOMPARE(created->meterId, Tokens);
    QCOMPARE(int(created->period), int(Period::Month));
    QCOMPARE(created->value, 500.0);
    QCOMPARE(int(created->mode), int(LimitMode::Hard));
    QCOMPARE(created->createdAt, store.now());

    const auto fetched = store->limit(QStringLiteral("acme-month"));
    QVERIFY2(fetched.ok(), why(fetched));
    QCOMPARE(fetched->value, 500.0);
    QCOMPARE(fetched->customerId, Cust);

    const auto all = store->limits();
    QVERIFY2(all.ok(), why(all));
    QVERIFY(std::any_of(all->begin(), all->end(), [](const Limit& l) { return l.id == QStringLiteral("acme-month"); }));

    auto r = check(store);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, true);
    QCOMPARE(r->limits.size(), 1);
    QCOMPARE(r->limits.first().id, QStringLiteral("acme-month"));
    QCOMPARE(int(r->limits.first().source), int(LimitScope::Customer));

    // replace: a hard cap of 120 now denies the 150 used
    Limit changed = customerLimit(QStringLiteral("acme-month"), Cust, Tokens, Period::Month, 120);
    const auto replaced = store->replaceLimit(changed);
    QVERIFY2(replaced.ok(), why(replaced));
    QCOMPARE(replaced->value, 120.0);
    const auto refetched = store->limit(QStringLiteral("acme-month"));
    QVERIFY2(refetched.ok(), why(refetched));
    QCOMPARE(refetched->value, 120.0);
    r = check(store);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, false);
    QCOMPARE(r->limit.value_or(-1), 120.0);

    // replace to soft: allowed again
    changed.mode = LimitMode::Soft;
    QVERIFY(must(store->replaceLimit(changed), "replaceLimit soft"));
    r = check(store);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, true);
    QCOMPARE(int(r->limits.first().mode), int(LimitMode::Soft));

    // delete: the plan's limit applies again
    const auto deleted = store->deleteLimit(QStringLiteral("acme-month"));
    QVERIFY2(deleted.ok(), why(deleted));
    const auto gone = store->limit(QStringLiteral("acme-month"));
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().code, QStringLiteral("limit_not_found"));
    r = check(store);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->limits.size(), 1);
    QCOMPARE(r->limits.first().id, QStringLiteral("pro:llm-tokens:month"));
    QCOMPARE(int(r->limits.first().source), int(LimitScope::Plan));
    QCOMPARE(r->allowed, false);

    // replace / delete of an unknown id
    const auto replaceMissing = store->replaceLimit(changed);
    QVERIFY(!replaceMissing.ok());
    QCOMPARE(replaceMissing.error().code, QStringLiteral("limit_not_found"));
    const auto deleteMissing = store->deleteLimit(QStringLiteral("acme-month"));
    QVERIFY(!deleteMissing.ok());
    QCOMPARE(deleteMissing.error().code, QStringLiteral("limit_not_found"));
}

void TestLimits::limitCrud_existingIdIsConflict()
{
    TestStore store;
    QVERIFY(setUp(store, {}));
    QVERIFY(must(store->createLimit(customerLimit(QStringLiteral("acme-month"), Cust, Tokens, Period::Month, 500)),
                 "createLimit"));

    const auto again = store->createLimit(customerLimit(QStringLiteral("acme-month"), Beta, Tokens, Period::Day, 7));
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, QStringLiteral("conflict"));

    // The first one is untouched.
    const auto kept = store->limit(QStringLiteral("acme-month"));
    QVERIFY2(kept.ok(), why(kept));
    QCOMPARE(kept->customerId, Cust);
    QCOMPARE(int(kept->period), int(Period::Month));
    QCOMPARE(kept->value, 500.0);
    const auto beta = check(store, Tokens, {}, Beta);
    QVERIFY2(beta.ok(), why(beta));
    QVERIFY(beta->limits.isEmpty());
}

void TestLimits::limitCrud_rejectsInvalidInput_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("scope");
    QTest::addColumn<QString>("owner"); // planId or customerId
    QTest::addColumn<QString>("meterId");
    QTest::addColumn<int>("period");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("field"); // empty: not checked

    const int customer = int(LimitScope::Customer);
    const int month = int(Period::Month);
    QTest::addRow("unknown meter") << QStringLiteral("l1") << customer << Cust << QStringLiteral("no-such-meter")
                                   << month << 10.0 << QStringLiteral("meter_not_found") << QString();
    QTest::addRow("unknown customer") << QStringLiteral("l1") << customer << QStringLiteral("cust_nobody") << Tokens
                                      << month << 10.0 << QStringLiteral("customer_not_found") << QString();
    QTest::addRow("unknown plan") << QString() << int(LimitScope::Plan) << QStringLiteral("no-such-plan") << Tokens
                                  << month << 10.0 << QStringLiteral("plan_not_found") << QString();
    QTest::addRow("period out of range") << QStringLiteral("l1") << customer << Cust << Tokens << 99 << 10.0
                                         << QStringLiteral("invalid_request") << QString();
    QTest::addRow("bad id") << QStringLiteral("bad id!") << customer << Cust << Tokens << month << 10.0
                            << QStringLiteral("invalid_request") << QStringLiteral("id");
    QTest::addRow("NaN value") << QStringLiteral("l1") << customer << Cust << Tokens << month
                               << std::numeric_limits<double>::quiet_NaN() << QStringLiteral("invalid_request")
                               << QString();
}

void TestLimits::limitCrud_rejectsInvalidInput()
{
    QFETCH(QString, id);
    QFETCH(int, scope);
    QFETCH(QString, owner);
    QFETCH(QString, meterId);
    QFETCH(int, period);
    QFETCH(double, value);
    QFETCH(QString, code);
    QFETCH(QString, field);

    TestStore store;
    QVERIFY(setUp(store, {planLimit(Tokens, Period::Month, 100)}));
    const auto before = store->limits();
    QVERIFY2(before.ok(), why(before));

    Limit l;
    l.id = id;
    l.scope = LimitScope(scope);
    if (l.scope == LimitScope::Plan)
        l.planId = owner;
    else
        l.customerId = owner;
    l.meterId = meterId;
    l.period = Period(period);
    l.value = value;

    const auto r = store->createLimit(l);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, code);
    if (!field.isEmpty())
        QCOMPARE(r.error().field, field);

    const auto after = store->limits();
    QVERIFY2(after.ok(), why(after));
    QCOMPARE(after->size(), before->size());
    const auto c = check(store);
    QVERIFY2(c.ok(), why(c));
    QCOMPARE(c->limits.size(), 1);
    QCOMPARE(c->limits.first().limit, 100.0);
}

QTEST_GUILESS_MAIN(TestLimits)
#include "testlimits.moc"
