// Calendar windows in UTC (SPEC §2: hour, day, week from Monday 00:00Z, month, lifetime; half-open [from, to)),
// the named periods of queries (SPEC §3), series buckets, ISO 8601 text and the enums' wire names.

#include <QTest>

#include "core/periods.h"
#include "core/types.h"
#include "testsupport.h"

using namespace Meterline;
using Meterline::Testing::utc;

class TestPeriods : public QObject
{
    Q_OBJECT

private slots:
    void window_boundaries_data();
    void window_boundaries();
    void window_lifetimeHasNoBounds();
    void window_isHalfOpen();

    void namedRange_eachPeriod_data();
    void namedRange_eachPeriod();

    void buckets_startAndNext_data();
    void buckets_startAndNext();

    void iso_formatsUtcWithZ_data();
    void iso_formatsUtcWithZ();
    void iso_roundTrips_data();
    void iso_roundTrips();
    void iso_acceptsOffset();
    void iso_spellsAsQtDoesEverywhere();
    void iso_rejectsGarbage_data();
    void iso_rejectsGarbage();
    void ms_roundTrips();

    void enums_roundTripWireNames();
    void enums_unknownNamesAreNullopt_data();
    void enums_unknownNamesAreNullopt();
};

void TestPeriods::window_boundaries_data()
{
    QTest::addColumn<int>("period"); // Meterline::Period
    QTest::addColumn<QDateTime>("at");
    QTest::addColumn<QDateTime>("from");
    QTest::addColumn<QDateTime>("to");

    const int hour = int(Period::Hour);
    const int day = int(Period::Day);
    const int week = int(Period::Week);
    const int month = int(Period::Month);

    // hour
    QTest::addRow("hour: 12:59:59.999") << hour << utc(2026, 3, 15, 12, 59, 59, 999) << utc(2026, 3, 15, 12)
                                        << utc(2026, 3, 15, 13);
    QTest::addRow("hour: 13:00:00 starts the next")
        << hour << utc(2026, 3, 15, 13) << utc(2026, 3, 15, 13) << utc(2026, 3, 15, 14);
    QTest::addRow("hour: 23:59:59 -> next day")
        << hour << utc(2026, 3, 15, 23, 59, 59) << utc(2026, 3, 15, 23) << utc(2026, 3, 16);
    // day
    QTest::addRow("day: 23:59:59.999") << day << utc(2026, 3, 15, 23, 59, 59, 999) << utc(2026, 3, 15)
                                       << utc(2026, 3, 16);
    QTest::addRow("day: 00:00:00 starts the next") << day << utc(2026, 3, 16) << utc(2026, 3, 16) << utc(2026, 3, 17);
    QTest::addRow("day: Dec 31 23:59:59")
        << day << utc(2026, 12, 31, 23, 59, 59) << utc(2026, 12, 31) << utc(2027, 1, 1);
    QTest::addRow("day: Jan 1 00:00:00") << day << utc(2027, 1, 1) << utc(2027, 1, 1) << utc(2027, 1, 2);
    QTest::addRow("day: leap Feb 28 23:59:59")
        << day << utc(2028, 2, 28, 23, 59, 59) << utc(2028, 2, 28) << utc(2028, 2, 29);
    QTest::addRow("day: leap Feb 29 00:00:00") << day << utc(2028, 2, 29) << utc(2028, 2, 29) << utc(2028, 3, 1);
    QTest::addRow("day: leap Feb 29 23:59:59")
        << day << utc(2028, 2, 29, 23, 59, 59) << utc(2028, 2, 29) << utc(2028, 3, 1);
    QTest::addRow("day: non-leap Feb 28 23:59:59")
        << day << utc(2027, 2, 28, 23, 59, 59) << utc(2027, 2, 28) << utc(2027, 3, 1);
    QTest::addRow("day: non-leap Mar 1 00:00:00") << day << utc(2027, 3, 1) << utc(2027, 3, 1) << utc(2027, 3, 2);
    // week: Monday 00:00Z. 2026-03-22 is a Sunday, 2026-03-23 a Monday.
    QTest::addRow("week: Sunday 23:59:59")
        << week << utc(2026, 3, 22, 23, 59, 59) << utc(2026, 3, 16) << utc(2026, 3, 23);
    QTest::addRow("week: Sunday 23:59:59.999")
        << week << utc(2026, 3, 22, 23, 59, 59, 999) << utc(2026, 3, 16) << utc(2026, 3, 23);
    QTest::addRow("week: Monday 00:00:00") << week << utc(2026, 3, 23) << utc(2026, 3, 23) << utc(2026, 3, 30);
    QTest::addRow("week: Wednesday midweek")
        << week << utc(2026, 3, 18, 10, 30) << utc(2026, 3, 16) << utc(2026, 3, 23);
    // 2026-12-31 is a Thursday: its week runs Mon 2026-12-28 .. Mon 2027-01-04.
    QTest::addRow("week: across the year") << week << utc(2027, 1, 1) << utc(2026, 12, 28) << utc(2027, 1, 4);
    QTest::addRow("week: Sunday Jan 3 23:59:59")
        << week << utc(2027, 1, 3, 23, 59, 59) << utc(2026, 12, 28) << utc(2027, 1, 4);
    QTest::addRow("week: Monday Jan 4") << week << utc(2027, 1, 4) << utc(2027, 1, 4) << utc(2027, 1, 11);
    // month
    QTest::addRow("month: Mar 31 23:59:59.999")
        << month << utc(2026, 3, 31, 23, 59, 59, 999) << utc(2026, 3, 1) << utc(2026, 4, 1);
    QTest::addRow("month: Apr 1 00:00:00") << month << utc(2026, 4, 1) << utc(2026, 4, 1) << utc(2026, 5, 1);
    QTest::addRow("month: Dec 31 23:59:59")
        << month << utc(2026, 12, 31, 23, 59, 59) << utc(2026, 12, 1) << utc(2027, 1, 1);
    QTest::addRow("month: Jan 1 00:00:00") << month << utc(2027, 1, 1) << utc(2027, 1, 1) << utc(2027, 2, 1);
    QTest::addRow("month: leap Feb 29 23:59:59")
        << month << utc(2028, 2, 29, 23, 59, 59) << utc(2028, 2, 1) << utc(2028, 3, 1);
    QTest::addRow("month: leap Mar 1 00:00:00") << month << utc(2028, 3, 1) << utc(2028, 3, 1) << utc(2028, 4, 1);
    QTest::addRow("month: non-leap Feb 28 23:59:59")
        << month << utc(2027, 2, 28, 23, 59, 59) << utc(2027, 2, 1) << utc(2027, 3, 1);
    QTest::addRow("month: non-leap Mar 1 00:00:00") << month << utc(2027, 3, 1) << utc(2027, 3, 1) << utc(2027, 4, 1);
}

void TestPeriods::window_boundaries()
{
    QFETCH(int, period);
    QFETCH(QDateTime, at);
    QFETCH(QDateTime, from);
    QFETCH(QDateTime, to);

    const TimeRange range = Periods::window(Period(period), at);
    QCOMPARE(range.from, from);
    QCOMPARE(range.to, to);
    QVERIFY(range.contains(at));
}

void TestPeriods::window_lifetimeHasNoBounds()
{
    const TimeRange range = Periods::window(Period::Lifetime, utc(2026, 3, 15, 12));
    QVERIFY(!range.from.isValid());
    QVERIFY(!range.to.isValid());
    QVERIFY(range.contains(utc(1990, 1, 1)));
    QVERIFY(range.contains(utc(2100, 1, 1)));
}

void TestPeriods::window_isHalfOpen()
{
    // [from, to): the end instant belongs to the next window, one ms before it to this one.
    const TimeRange range = Periods::window(Period::Day, utc(2026, 3, 15, 12));
    QVERIFY(range.contains(utc(2026, 3, 15)));
    QVERIFY(range.contains(utc(2026, 3, 15, 23, 59, 59, 999)));
    QVERIFY(!range.contains(utc(2026, 3, 16)));
    QVERIFY(!range.contains(utc(2026, 3, 14, 23, 59, 59, 999)));
}

void TestPeriods::namedRange_eachPeriod_data()
{
    QTest::addColumn<int>("period"); // Meterline::NamedPeriod
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<QDateTime>("from"); // invalid: open
    QTest::addColumn<QDateTime>("to");

    const QDateTime wednesday = utc(2026, 3, 18, 10, 30, 15);
    QTest::addRow("current_hour") << int(NamedPeriod::CurrentHour) << wednesday << utc(2026, 3, 18, 10)
                                  << utc(2026, 3, 18, 11);
    QTest::addRow("current_day") << int(NamedPeriod::CurrentDay) << wednesday << utc(2026, 3, 18) << utc(2026, 3, 19);
    QTest::addRow("current_week") << int(NamedPeriod::CurrentWeek) << wednesday << utc(2026, 3, 16) << utc(2026, 3, 23);
    QTest::addRow("current_month") << int(NamedPeriod::CurrentMonth) << wednesday << utc(2026, 3, 1) << utc(2026, 4, 1);
    QTest::addRow("previous_month") << int(NamedPeriod::PreviousMonth) << wednesday << utc(2026, 2, 1)
                                    << utc(2026, 3, 1);
    QTest::addRow("previous_month in January")
        << int(NamedPeriod::PreviousMonth) << utc(2027, 1, 10, 8) << utc(2026, 12, 1) << utc(2027, 1, 1);
    QTest::addRow("previous_month at Jan 1 00:00")
        << int(NamedPeriod::PreviousMonth) << utc(2027, 1, 1) << utc(2026, 12, 1) << utc(2027, 1, 1);
    QTest::addRow("previous_month at Jan 31 23:59:59")
        << int(NamedPeriod::PreviousMonth) << utc(2027, 1, 31, 23, 59, 59) << utc(2026, 12, 1) << utc(2027, 1, 1);
    QTest::addRow("previous_month is leap February")
        << int(NamedPeriod::PreviousMonth) << utc(2028, 3, 1) << utc(2028, 2, 1) << utc(2028, 3, 1);
    QTest::addRow("current_week on Sunday 23:59:59")
        << int(NamedPeriod::CurrentWeek) << utc(2026, 3, 22, 23, 59, 59) << utc(2026, 3, 16) << utc(2026, 3, 23);
    QTest::addRow("current_week on Monday 00:00")
        << int(NamedPeriod::CurrentWeek) << utc(2026, 3, 23) << utc(2026, 3, 23) << utc(2026, 3, 30);
    QTest::addRow("lifetime") << int(NamedPeriod::Lifetime) << wednesday << QDateTime() << QDateTime();
}

void TestPeriods::namedRange_eachPeriod()
{
    QFETCH(int, period);
    QFETCH(QDateTime, now);
    QFETCH(QDateTime, from);
    QFETCH(QDateTime, to);

    const TimeRange range = Periods::namedRange(NamedPeriod(period), now);
    QCOMPARE(range.from.isValid(), from.isValid());
    QCOMPARE(range.to.isValid(), to.isValid());
    if (from.isValid())
        QCOMPARE(range.from, from);
    if (to.isValid())
        QCOMPARE(range.to, to);
}

void TestPeriods::buckets_startAndNext_data()
{
    QTest::addColumn<int>("window"); // Meterline::Window
    QTest::addColumn<QDateTime>("t");
    QTest::addColumn<QDateTime>("start");
    QTest::addColumn<QDateTime>("next");

    QTest::addRow("hour: mid-hour") << int(Window::Hour) << utc(2026, 3, 15, 10, 30, 15, 500) << utc(2026, 3, 15, 10)
                                    << utc(2026, 3, 15, 11);
    QTest::addRow("hour: on the hour") << int(Window::Hour) << utc(2026, 3, 15, 11) << utc(2026, 3, 15, 11)
                                       << utc(2026, 3, 15, 12);
    QTest::addRow("hour: last ms of the day")
        << int(Window::Hour) << utc(2026, 12, 31, 23, 59, 59, 999) << utc(2026, 12, 31, 23) << utc(2027, 1, 1);
    QTest::addRow("day: mid-day") << int(Window::Day) << utc(2026, 3, 15, 12) << utc(2026, 3, 15) << utc(2026, 3, 16);
    QTest::addRow("day: leap Feb 29") << int(Window::Day) << utc(2028, 2, 29, 23, 59, 59) << utc(2028, 2, 29)
                                      << utc(2028, 3, 1);
    QTest::addRow("day: non-leap Feb 28")
        << int(Window::Day) << utc(2027, 2, 28, 1) << utc(2027, 2, 28) << utc(2027, 3, 1);
    QTest::addRow("month: mid-month") << int(Window::Month) << utc(2026, 3, 15, 12) << utc(2026, 3, 1)
                                      << utc(2026, 4, 1);
    QTest::addRow("month: leap February")
        << int(Window::Month) << utc(2028, 2, 15) << utc(2028, 2, 1) << utc(2028, 3, 1);
    QTest::addRow("month: December -> January")
        << int(Window::Month) << utc(2026, 12, 31, 23, 59, 59) << utc(2026, 12, 1) << utc(2027, 1, 1);
    QTest::addRow("month: on the 1st") << int(Window::Month) << utc(2027, 1, 1) << utc(2027, 1, 1) << utc(2027, 2, 1);
}

void TestPeriods::buckets_startAndNext()
{
    QFETCH(int, window);
    QFETCH(QDateTime, t);
    QFETCH(QDateTime, start);
    QFETCH(QDateTime, next);

    const QDateTime gotStart = Periods::bucketStart(Window(window), t);
    QCOMPARE(gotStart, start);
    QCOMPARE(Periods::nextBucket(Window(window), gotStart), next);
    // The next bucket's start is its own bucket start.
    QCOMPARE(Periods::bucketStart(Window(window), next), next);
}

void TestPeriods::iso_formatsUtcWithZ_data()
{
    QTest::addColumn<QDateTime>("t");
    QTest::addColumn<QString>("text");

    QTest::addRow("whole seconds") << utc(2026, 11, 26, 3, 37, 33) << QStringLiteral("2026-11-26T03:37:33Z");
    QTest::addRow("milliseconds") << utc(2026, 11, 26, 3, 37, 33, 250) << QStringLiteral("2026-11-26T03:37:33.250Z");
    QTest::addRow("one millisecond") << utc(2026, 1, 1, 0, 0, 0, 1) << QStringLiteral("2026-01-01T00:00:00.001Z");
    QTest::addRow("leap day") << utc(2028, 2, 29, 23, 59, 59) << QStringLiteral("2028-02-29T23:59:59Z");
    // A non-UTC QDateTime is written as the same instant in UTC.
    QTest::addRow("offset +02:00 converted")
        << QDateTime(QDate(2026, 3, 15), QTime(14, 0), QTimeZone(2 * 3600)) << QStringLiteral("2026-03-15T12:00:00Z");
}

void TestPeriods::iso_formatsUtcWithZ()
{
    QFETCH(QDateTime, t);
    QFETCH(QString, text);
    QCOMPARE(Periods::toIso(t), text);
}

void TestPeriods::iso_roundTrips_data()
{
    QTest::addColumn<QDateTime>("t");
    QTest::addRow("whole seconds") << utc(2026, 11, 26, 3, 37, 33);
    QTest::addRow("milliseconds") << utc(2026, 11, 26, 3, 37, 33, 250);
    QTest::addRow("epoch") << utc(1970, 1, 1);
    QTest::addRow("leap day") << utc(2028, 2, 29, 12, 0, 0, 999);
}

void TestPeriods::iso_roundTrips()
{
    QFETCH(QDateTime, t);
    const QDateTime parsed = Periods::parseIso(Periods::toIso(t));
    QVERIFY(parsed.isValid());
    QCOMPARE(parsed, t);
    QCOMPARE(parsed.toMSecsSinceEpoch(), t.toMSecsSinceEpoch());
    QCOMPARE(Periods::toIso(parsed), Periods::toIso(t));
}

// toIso computes the civil date itself (for speed); Qt's ISO spelling is the reference, from before the epoch
// to the last millisecond of year 9999, across leap days, century years and every millisecond remainder.
void TestPeriods::iso_spellsAsQtDoesEverywhere()
{
    const auto qtSpelling = [](qint64 ms) {
        const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toUTC(); // Qt::UTC spells 'Z'
        return t.toString(t.time().msec() ? Qt::ISODateWithMs : Qt::ISODate);
    };
    QList<qint64> instants{0,
                           -1,
                           1,
                           999,
                           -86'400'000,
                           utc(1900, 3, 1).toMSecsSinceEpoch() - 1,
                           utc(2000, 2, 29, 23, 59, 59, 999).toMSecsSinceEpoch(),
                           utc(2028, 2, 29).toMSecsSinceEpoch(),
                           utc(2100, 3, 1).toMSecsSinceEpoch(),
                           utc(9999, 12, 31, 23, 59, 59, 999).toMSecsSinceEpoch(),
                           utc(1, 1, 1).toMSecsSinceEpoch()};
    // A walk over four centuries in steps that hit every day-of-month and every millisecond remainder.
    for (qint64 ms = utc(1800, 1, 1).toMSecsSinceEpoch(); ms < utc(2200, 1, 1).toMSecsSinceEpoch();
         ms += 86'400'000LL * 7 + 3'600'000 * 5 + 61'001)
        instants << ms;
    for (qint64 ms : std::as_const(instants)) {
        const QString expected = qtSpelling(ms);
        QCOMPARE(Periods::toIso(QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())), expected);
        QByteArray appended("x");
        Periods::appendIso(appended, ms);
        QCOMPARE(appended, "x" + expected.toLatin1());
    }
}

void TestPeriods::iso_acceptsOffset()
{
    const QDateTime plusTwo = Periods::parseIso(QStringLiteral("2026-03-15T14:00:00+02:00"));
    QVERIFY(plusTwo.isValid());
    QCOMPARE(plusTwo.toMSecsSinceEpoch(), utc(2026, 3, 15, 12).toMSecsSinceEpoch());
    QCOMPARE(Periods::toIso(plusTwo), QStringLiteral("2026-03-15T12:00:00Z"));

    const QDateTime minusFive = Periods::parseIso(QStringLiteral("2026-12-31T20:30:00-05:00"));
    QVERIFY(minusFive.isValid());
    QCOMPARE(minusFive.toMSecsSinceEpoch(), utc(2027, 1, 1, 1, 30).toMSecsSinceEpoch());

    const QDateTime zulu = Periods::parseIso(QStringLiteral("2026-03-15T12:00:00.500Z"));
    QCOMPARE(zulu.toMSecsSinceEpoch(), utc(2026, 3, 15, 12, 0, 0, 500).toMSecsSinceEpoch());
}

void TestPeriods::iso_rejectsGarbage_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("empty") << QString();
    QTest::addRow("word") << QStringLiteral("garbage");
    QTest::addRow("number") << QStringLiteral("1773576000");
    QTest::addRow("month 13") << QStringLiteral("2026-13-01T00:00:00Z");
    QTest::addRow("Feb 30") << QStringLiteral("2026-02-30T00:00:00Z");
    QTest::addRow("non-leap Feb 29") << QStringLiteral("2027-02-29T00:00:00Z");
    QTest::addRow("hour 25") << QStringLiteral("2026-03-15T25:00:00Z");
    QTest::addRow("trailing junk") << QStringLiteral("2026-03-15T12:00:00Zjunk");
    QTest::addRow("no zone") << QStringLiteral("2026-03-15T12:00:00"); // header: 'Z' or an offset, else invalid
}

void TestPeriods::iso_rejectsGarbage()
{
    QFETCH(QString, text);
    QVERIFY2(!Periods::parseIso(text).isValid(), qPrintable(text));
}

void TestPeriods::ms_roundTrips()
{
    const QDateTime t = utc(2026, 3, 15, 12, 34, 56, 789);
    QCOMPARE(Periods::toMs(t), t.toMSecsSinceEpoch());
    QCOMPARE(Periods::toMs(utc(1970, 1, 1)), qint64(0));
    const QDateTime back = Periods::fromMs(Periods::toMs(t));
    QCOMPARE(back, t);
    QCOMPARE(back.timeSpec(), Qt::UTC);
    QCOMPARE(Periods::fromMs(0), utc(1970, 1, 1));
}

void TestPeriods::enums_roundTripWireNames()
{
    const QList<std::pair<Aggregation, QString>> aggregations = {
        {Aggregation::Sum, QStringLiteral("sum")},
        {Aggregation::Count, QStringLiteral("count")},
        {Aggregation::Max, QStringLiteral("max")},
        {Aggregation::UniqueCount, QStringLiteral("unique_count")}};
    for (const auto& [value, name] : aggregations) {
        QCOMPARE(toString(value), name);
        QCOMPARE(parseAggregation(name), std::optional<Aggregation>(value));
    }

    const QList<std::pair<Period, QString>> periods = {{Period::Hour, QStringLiteral("hour")},
                                                       {Period::Day, QStringLiteral("day")},
                                                       {Period::Week, QStringLiteral("week")},
                                                       {Period::Month, QStringLiteral("month")},
                                                       {Period::Lifetime, QStringLiteral("lifetime")}};
    for (const auto& [value, name] : periods) {
        QCOMPARE(toString(value), name);
        QCOMPARE(parsePeriod(name), std::optional<Period>(value));
    }

    const QList<std::pair<LimitMode, QString>> modes = {{LimitMode::Hard, QStringLiteral("hard")},
                                                        {LimitMode::Soft, QStringLiteral("soft")}};
    for (const auto& [value, name] : modes) {
        QCOMPARE(toString(value), name);
        QCOMPARE(parseLimitMode(name), std::optional<LimitMode>(value));
    }

    const QList<std::pair<LimitScope, QString>> scopes = {{LimitScope::Plan, QStringLiteral("plan")},
                                                          {LimitScope::Customer, QStringLiteral("customer")}};
    for (const auto& [value, name] : scopes) {
        QCOMPARE(toString(value), name);
        QCOMPARE(parseLimitScope(name), std::optional<LimitScope>(value));
    }

    const QList<std::pair<TransactionKind, QString>> kinds = {
        {TransactionKind::Credit, QStringLiteral("credit")},
        {TransactionKind::Debit, QStringLiteral("debit")},
        {TransactionKind::Usage, QStringLiteral("usage")},
        {TransactionKind::Adjustment, QStringLiteral("adjustment")},
        {TransactionKind::Expiry, QStringLiteral("expiry")}};
    for (const auto& [value, name] : kinds) {
        QCOMPARE(toString(value), name);
        QCOMPARE(parseTransactionKind(name), std::optional<TransactionKind>(value));
    }

    // ReservationState has a wire name but no parser.
    QCOMPARE(toString(ReservationState::Held), QStringLiteral("held"));
    QCOMPARE(toString(ReservationState::Settled), QStringLiteral("settled"));
    QCOMPARE(toString(ReservationState::Expired), QStringLiteral("expired"));

    const QList<std::pair<NamedPeriod, QString>> named = {
        {NamedPeriod::CurrentHour, QStringLiteral("current_hour")},
        {NamedPeriod::CurrentDay, QStringLiteral("current_day")},
        {NamedPeriod::CurrentWeek, QStringLiteral("current_week")},
        {NamedPeriod::CurrentMonth, QStringLiteral("current_month")},
        {NamedPeriod::PreviousMonth, QStringLiteral("previous_month")},
        {NamedPeriod::Lifetime, QStringLiteral("lifetime")}};
    for (const auto& [value, name] : named) {
        QCOMPARE(toString(value), name);
        QCOMPARE(parseNamedPeriod(name), std::optional<NamedPeriod>(value));
    }

    const QList<std::pair<Window, QString>> windows = {{Window::Hour, QStringLiteral("hour")},
                                                       {Window::Day, QStringLiteral("day")},
                                                       {Window::Month, QStringLiteral("month")}};
    for (const auto& [value, name] : windows) {
        QCOMPARE(toString(value), name);
        QCOMPARE(parseWindow(name), std::optional<Window>(value));
    }
}

void TestPeriods::enums_unknownNamesAreNullopt_data()
{
    QTest::addColumn<QString>("name");
    QTest::addRow("empty") << QString();
    QTest::addRow("word") << QStringLiteral("bogus");
    QTest::addRow("plural") << QStringLiteral("months");
    QTest::addRow("camelCase") << QStringLiteral("uniqueCount");
    QTest::addRow("padded") << QStringLiteral(" hour");
}

void TestPeriods::enums_unknownNamesAreNullopt()
{
    QFETCH(QString, name);
    QVERIFY(!parseAggregation(name));
    QVERIFY(!parsePeriod(name));
    QVERIFY(!parseLimitMode(name));
    QVERIFY(!parseLimitScope(name));
    QVERIFY(!parseTransactionKind(name));
    QVERIFY(!parseNamedPeriod(name));
    QVERIFY(!parseWindow(name));
}

QTEST_GUILESS_MAIN(TestPeriods)
#include "testperiods.moc"
