// The query parameters of the API's reads (server/api/queryparams) at their edges: limit at 0, 1, its max and
// past it, negative and not a number; from == to and a one-millisecond range; a named period's exact names;
// since's cursors; filter.<dim> repeated, empty and percent-encoded; groupBy repeated; window. Each query is a
// QUrlQuery made as the HTTP engine makes Request::query, from the target's text after '?'. tests/fuzz/query_params
// checks the same functions on any bytes.

#include <QTest>
#include <QUrlQuery>

#include "core/periods.h"
#include "server/api/queryparams.h"

using namespace Meterline;
using namespace Meterline::Api;

namespace
{

QUrlQuery query(const char* text)
{
    return QUrlQuery(QString::fromLatin1(text));
}

const QDateTime Now = QDateTime(QDate(2026, 11, 26), QTime(12, 34, 56), Qt::UTC);

Result<TimeRange> resolve(NamedPeriod period)
{
    return Periods::namedRange(period, Now);
}

QDateTime utc(const char* iso)
{
    return Periods::parseIso(QString::fromLatin1(iso));
}

} // namespace

class TestQueryParams : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void limit_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("max");
        QTest::addColumn<int>("expected"); // 0: refused
        QTest::addRow("absent: the default") << QByteArray("cursor=x") << 1000 << 100;
        QTest::addRow("empty: the default") << QByteArray("limit=") << 1000 << 100;
        QTest::addRow("one") << QByteArray("limit=1") << 1000 << 1;
        QTest::addRow("exactly the max") << QByteArray("limit=1000") << 1000 << 1000;
        QTest::addRow("one past the max") << QByteArray("limit=1001") << 1000 << 0;
        QTest::addRow("exactly the larger max") << QByteArray("limit=10000") << 10000 << 10000;
        QTest::addRow("one past the larger max") << QByteArray("limit=10001") << 10000 << 0;
        QTest::addRow("zero") << QByteArray("limit=0") << 1000 << 0;
        QTest::addRow("negative") << QByteArray("limit=-5") << 1000 << 0;
        QTest::addRow("not a number") << QByteArray("limit=ten") << 1000 << 0;
        QTest::addRow("a fraction") << QByteArray("limit=2.5") << 1000 << 0;
        QTest::addRow("hexadecimal") << QByteArray("limit=0x10") << 1000 << 0;
        QTest::addRow("past int") << QByteArray("limit=4294967297") << 1000 << 0;
        QTest::addRow("percent-encoded digits") << QByteArray("limit=%31%30") << 1000 << 10;
        QTest::addRow("repeated: the first") << QByteArray("limit=5&limit=7") << 1000 << 5;
    }
    void limit()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, max);
        QFETCH(int, expected);
        const auto limit = limitParam(query(text.constData()), 100, max);
        if (expected == 0) {
            QVERIFY(!limit.ok());
            QCOMPARE(limit.error().code, QStringLiteral("invalid_request"));
            QCOMPARE(limit.error().field, QStringLiteral("limit"));
            QCOMPARE(limit.error().message, QStringLiteral("limit must be 1-%1").arg(max));
        } else {
            QVERIFY(limit.ok());
            QCOMPARE(limit.value(), expected);
        }
    }

    void range_bounds()
    {
        // Both, either or neither (rangeFrom); a zone is required.
        auto both = rangeFrom(query("from=2026-11-24T00:00:00Z&to=2026-11-27T00:00:00%2B02:00"));
        QVERIFY(both.ok());
        QCOMPARE(both->from, utc("2026-11-24T00:00:00Z"));
        QCOMPARE(both->to, utc("2026-11-26T22:00:00Z"));
        auto fromOnly = rangeFrom(query("from=2026-11-24T00:00:00Z"));
        QVERIFY(fromOnly.ok());
        QVERIFY(fromOnly->from.isValid());
        QVERIFY(!fromOnly->to.isValid());
        auto noZone = rangeFrom(query("from=2026-11-24T00:00:00"));
        QVERIFY(!noZone.ok());
        QCOMPARE(noZone.error().field, QStringLiteral("from"));
        auto badTo = rangeFrom(query("from=2026-11-24T00:00:00Z&to=tomorrow"));
        QVERIFY(!badTo.ok());
        QCOMPARE(badTo.error().field, QStringLiteral("to"));
    }

    void periodOrRange_fromEqualsTo()
    {
        const auto equal = periodOrRange(query("from=2026-11-26T00:00:00Z&to=2026-11-26T00:00:00Z"), true, resolve);
        QVERIFY(!equal.ok());
        QCOMPARE(equal.error().field, QStringLiteral("from"));
        QCOMPARE(equal.error().message, QStringLiteral("from must be before to"));
        // The same instant in another zone is still from == to.
        const auto sameInstant =
            periodOrRange(query("from=2026-11-26T02:00:00%2B02:00&to=2026-11-26T00:00:00Z"), true, resolve);
        QVERIFY(!sameInstant.ok());
        QCOMPARE(sameInstant.error().field, QStringLiteral("from"));
        QCOMPARE(sameInstant.error().message, QStringLiteral("from must be before to"));
        const auto reversed = periodOrRange(query("from=2026-11-27T00:00:00Z&to=2026-11-26T00:00:00Z"), false, resolve);
        QVERIFY(!reversed.ok());
        QCOMPARE(reversed.error().field, QStringLiteral("from"));
        QCOMPARE(reversed.error().message, QStringLiteral("from must be before to"));
        // One millisecond is a range.
        const auto oneMs =
            periodOrRange(query("from=2026-11-26T00:00:00.000Z&to=2026-11-26T00:00:00.001Z"), true, resolve);
        QVERIFY(oneMs.ok());
        QCOMPARE(Periods::toMs(oneMs->to) - Periods::toMs(oneMs->from), qint64(1));
    }

    void periodOrRange_requiredAndTogether()
    {
        const auto none = periodOrRange(query("customerId=acme"), true, resolve);
        QVERIFY(!none.ok());
        QCOMPARE(none.error().field, QStringLiteral("period"));
        const auto optional = periodOrRange(query("customerId=acme"), false, resolve);
        QVERIFY(optional.ok());
        QVERIFY(!optional->from.isValid() && !optional->to.isValid());
        const auto half = periodOrRange(query("to=2026-11-26T00:00:00Z"), false, resolve);
        QVERIFY(!half.ok());
        QCOMPARE(half.error().message, QStringLiteral("from and to go together"));
        QCOMPARE(half.error().field, QStringLiteral("from"));
        const auto fromOnly = periodOrRange(query("from=2026-11-26T00:00:00Z"), false, resolve);
        QVERIFY(!fromOnly.ok());
        QCOMPARE(fromOnly.error().message, QStringLiteral("from and to go together"));
        // Where a period is required (summary, exports), half a range asks for the whole of one.
        for (const char* text : {"from=2026-11-26T00:00:00Z", "to=2026-11-26T00:00:00Z", "period=&from=&to="}) {
            const auto required = periodOrRange(query(text), true, resolve);
            QVERIFY2(!required.ok(), text);
            QCOMPARE(required.error().field, QStringLiteral("period"));
            QCOMPARE(required.error().message, QStringLiteral("give a period, or from and to"));
        }
        // A repeated parameter: the first value counts.
        const auto repeated =
            periodOrRange(query("from=2026-11-26T00:00:00Z&from=bad&to=2026-11-27T00:00:00Z&to=bad"), true, resolve);
        QVERIFY(repeated.ok());
        QCOMPARE(Periods::toIso(repeated->from), QStringLiteral("2026-11-26T00:00:00Z"));
    }

    void periodOrRange_namedPeriods()
    {
        // A period wins over from/to; the names are exact (no case folding).
        const auto month = periodOrRange(query("period=current_month&from=bad"), true, resolve);
        QVERIFY(month.ok());
        QCOMPARE(month->from, utc("2026-11-01T00:00:00Z"));
        QCOMPARE(month->to, utc("2026-12-01T00:00:00Z"));
        const auto previous = periodOrRange(query("period=previous_month"), true, resolve);
        QVERIFY(previous.ok());
        QCOMPARE(previous->from, utc("2026-10-01T00:00:00Z"));
        QCOMPARE(previous->to, utc("2026-11-01T00:00:00Z"));
        const auto week = periodOrRange(query("period=current_week"), true, resolve);
        QVERIFY(week.ok());
        QCOMPARE(week->from, utc("2026-11-23T00:00:00Z")); // the Monday
        const auto lifetime = periodOrRange(query("period=lifetime"), true, resolve);
        QVERIFY(lifetime.ok());
        QVERIFY(!lifetime->from.isValid() && !lifetime->to.isValid());
        for (const char* text : {"period=Current_Month", "period=current_month%20", "period=month"}) {
            const auto refused = periodOrRange(query(text), true, resolve);
            QVERIFY2(!refused.ok(), text);
            QCOMPARE(refused.error().field, QStringLiteral("period"));
        }
    }

    // The month edge: "now" on the first millisecond of a month is in that month, the last in the one before.
    void periodOrRange_monthEdge()
    {
        const auto at = [](const QDateTime& now) {
            return periodOrRange(query("period=current_month"), true, [now](NamedPeriod p) -> Result<TimeRange> {
                return Periods::namedRange(p, now);
            });
        };
        const auto first = at(utc("2026-12-01T00:00:00Z"));
        QVERIFY(first.ok());
        QCOMPARE(first->from, utc("2026-12-01T00:00:00Z"));
        const auto last = at(utc("2026-11-30T23:59:59.999Z"));
        QVERIFY(last.ok());
        QCOMPARE(last->from, utc("2026-11-01T00:00:00Z"));
        QCOMPARE(last->to, utc("2026-12-01T00:00:00Z"));
    }

    void since()
    {
        QCOMPARE(sinceParam(query("")).value().seq, qint64(0));
        QVERIFY(sinceParam(query("since=latest")).value().latest);
        QCOMPARE(sinceParam(query("since=0")).value().seq, qint64(0));
        QCOMPARE(sinceParam(query("since=9223372036854775807")).value().seq, qint64(9223372036854775807));
        for (const char* text : {"since=-1", "since=Latest", "since=abc", "since=9223372036854775808"}) {
            const auto refused = sinceParam(query(text));
            QVERIFY2(!refused.ok(), text);
            QCOMPARE(refused.error().field, QStringLiteral("since"));
        }
    }

    void filters()
    {
        // Repeated: the last value; a percent-encoded key is the same key; "filter." alone is no filter; an empty
        // value is a filter on "".
        const Dimensions f = dimensionFilters(
            query("filter.model=a&filter.model=b&fil%74er%2Eregion=eu%2Dwest&filter.=x&filter.tier=&Filter.x=1"));
        QCOMPARE(f,
                 (Dimensions{{QStringLiteral("model"), QStringLiteral("b")},
                             {QStringLiteral("region"), QStringLiteral("eu-west")},
                             {QStringLiteral("tier"), QString()}}));
        // Values keep '+' (a query is not a form) and decode UTF-8.
        QCOMPARE(dimensionFilters(query("filter.m=a+b%20c%C3%A9")).value(QStringLiteral("m")),
                 QStringLiteral("a+b c\u00e9"));
    }

    void percentEncodedKeys()
    {
        // The unreserved characters of a name may come percent-encoded.
        QCOMPARE(queryValue(query("cust%6FmerId=acme"), QStringLiteral("customerId")), QStringLiteral("acme"));
        QCOMPARE(limitParam(query("li%6Dit=7"), 100, 1000).value(), 7);
        // An encoded '=' or '&' is part of the value, not a separator; cursors end in an encoded '='.
        QCOMPARE(queryValue(query("cursor=MTc2NA%3D%3D&x=1"), QStringLiteral("cursor")), QStringLiteral("MTc2NA=="));
        QCOMPARE(queryValue(query("customerId=a%26b"), QStringLiteral("customerId")), QStringLiteral("a&b"));
    }

    void eventQuery()
    {
        const auto q = eventQueryFrom(query("customerId=acme&eventType=llm.call&from=2026-11-24T00:00:00Z"
                                            "&limit=1000&cursor=abc&filter.model=gpt-4o"));
        QVERIFY(q.ok());
        QCOMPARE(q->customerId, QStringLiteral("acme"));
        QCOMPARE(q->eventType, QStringLiteral("llm.call"));
        QCOMPARE(q->cursor, QStringLiteral("abc"));
        QCOMPARE(q->from, utc("2026-11-24T00:00:00Z"));
        QVERIFY(!q->to.isValid());
        QCOMPARE(q->limit, 1000);
        QCOMPARE(q->dimensions, (Dimensions{{QStringLiteral("model"), QStringLiteral("gpt-4o")}}));
        QCOMPARE(eventQueryFrom(query("")).value().limit, 100);
        QCOMPARE(eventQueryFrom(query("limit=1001")).error().field, QStringLiteral("limit"));
        QCOMPARE(eventQueryFrom(query("to=x")).error().field, QStringLiteral("to"));
    }

    void usageQuery()
    {
        const auto q = usageQueryFrom(
            query("period=current_day&groupBy=customerId&groupBy=model&groupBy=model&window=hour&filter.region=eu"),
            QStringLiteral("llm-tokens"));
        QVERIFY(q.ok());
        QCOMPARE(q->meterId, QStringLiteral("llm-tokens"));
        QCOMPARE(q->period, std::optional(NamedPeriod::CurrentDay));
        QCOMPARE(q->groupBy,
                 (QStringList{QStringLiteral("customerId"), QStringLiteral("model"), QStringLiteral("model")}));
        QCOMPARE(q->window, std::optional(Window::Hour));
        QCOMPARE(q->filters, (Dimensions{{QStringLiteral("region"), QStringLiteral("eu")}}));
        // from/to are left to core's rules (a missing half is core's error), the period's name is checked here.
        const auto half = usageQueryFrom(query("from=2026-11-24T00:00:00Z"), QStringLiteral("m"));
        QVERIFY(half.ok());
        const auto unknown = usageQueryFrom(query("period=yesterday"), QStringLiteral("m"));
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().message, QStringLiteral("unknown period 'yesterday'"));
        for (const char* text : {"window=week", "window=Day", "window=%20day"}) {
            const auto refused = usageQueryFrom(query(text), QStringLiteral("m"));
            QVERIFY2(!refused.ok(), text);
            QCOMPARE(refused.error().field, QStringLiteral("window"));
        }
    }
};

QTEST_GUILESS_MAIN(TestQueryParams)
#include "testqueryparams.moc"
