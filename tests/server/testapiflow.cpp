// The seed's flow over HTTP (SPEC §2, §3, §4): catalog, check · record · check at the cap, usage reads,
// summary, invoice and usage CSV, event paging, balances, reservations and the change feed.

#include <QDate>
#include <QMap>

#include "apitestserver.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

// A helper's QCOMPARE returns from the helper only; the caller stops here.
#define STOP_IF_FAILED()                                                                                               \
    do {                                                                                                               \
        if (QTest::currentTestFailed())                                                                                \
            return;                                                                                                    \
    } while (false)

QString isoDay(QDate day)
{
    return day.toString(u"yyyy-MM-dd"_s) + u"T00:00:00Z"_s;
}

QDate monthStart()
{
    const QDate today = QDateTime::currentDateTimeUtc().date();
    return QDate(today.year(), today.month(), 1);
}

QString monthStartIso()
{
    return isoDay(monthStart());
}

QString nextMonthIso()
{
    return isoDay(monthStart().addMonths(1));
}

QJsonObject eventBody(const QString& customerId,
                      const QString& eventType,
                      double value,
                      const QJsonObject& dimensions = {},
                      const QString& timestamp = {})
{
    QJsonObject e{{"customerId", customerId}, {"eventType", eventType}, {"value", value}};
    if (!dimensions.isEmpty())
        e.insert("dimensions", dimensions);
    if (!timestamp.isEmpty())
        e.insert("timestamp", timestamp);
    return e;
}

// Meters llm-tokens (sum of llm.completion), llm-calls (count of llm.*), images (sum, unpriced); plan "pro"
// (month cap 1000 tokens; tokens 2.50 per 1000 after 100 included, calls 0.01 each); customers acme and
// globex on pro, initech without a plan.
void seedCatalog(ApiTestServer& server)
{
    auto r = server.post(u"/v1/meters"_s,
                         QJsonObject{{"id", "llm-tokens"},
                                     {"name", "LLM tokens"},
                                     {"aggregation", "sum"},
                                     {"eventTypes", QJsonArray{"llm.completion"}}});
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value("id").toString(), u"llm-tokens"_s);
    QCOMPARE(r.json.value("aggregation").toString(), u"sum"_s);
    QCOMPARE(r.json.value("eventTypes").toArray(), QJsonArray{"llm.completion"});
    r = server.post(
        u"/v1/meters"_s,
        QJsonObject{
            {"id", "llm-calls"}, {"name", "LLM calls"}, {"aggregation", "count"}, {"eventTypes", QJsonArray{"llm.*"}}});
    QCOMPARE(r.status, 201);
    r = server.post(u"/v1/meters"_s,
                    QJsonObject{{"id", "images"},
                                {"name", "Images"},
                                {"aggregation", "sum"},
                                {"eventTypes", QJsonArray{"image.generation"}}});
    QCOMPARE(r.status, 201);

    QJsonObject plan{{"id", "pro"}, {"name", "Pro"}, {"currency", "USD"}};
    plan.insert("limits", QJsonArray{QJsonObject{{"meterId", "llm-tokens"}, {"period", "month"}, {"value", 1000}}});
    plan.insert(
        "prices",
        QJsonArray{
            QJsonObject{{"meterId", "llm-tokens"}, {"unitPrice", "2.50"}, {"perUnits", 1000}, {"includedUnits", 100}},
            QJsonObject{{"meterId", "llm-calls"}, {"unitPrice", "0.01"}}});
    r = server.post(u"/v1/plans"_s, plan);
    QCOMPARE(r.status, 201);
    const QJsonArray limits = r.json.value("limits").toArray();
    QCOMPARE(limits.size(), 1);
    QCOMPARE(limits.at(0).toObject().value("id").toString(), u"pro:llm-tokens:month"_s);
    QCOMPARE(limits.at(0).toObject().value("mode").toString(), u"hard"_s); // mode defaults to hard
    const QJsonArray prices = r.json.value("prices").toArray();
    QCOMPARE(prices.size(), 2);

    r = server.post(u"/v1/customers"_s,
                    QJsonObject{{"id", "acme"}, {"name", "Acme"}, {"planId", "pro"}, {"externalId", "cus_123"}});
    QCOMPARE(r.status, 201);
    QCOMPARE(r.json.value("planId").toString(), u"pro"_s);
    QCOMPARE(r.json.value("externalId").toString(), u"cus_123"_s);
    r = server.post(u"/v1/customers"_s, QJsonObject{{"id", "globex"}, {"name", "Globex, Inc."}, {"planId", "pro"}});
    QCOMPARE(r.status, 201);
    r = server.post(u"/v1/customers"_s, QJsonObject{{"id", "initech"}, {"name", "Initech"}});
    QCOMPARE(r.status, 201);
    QVERIFY(r.json.value("planId").isNull());
}

void record(ApiTestServer& server, const QJsonObject& body, const QString& key = {})
{
    const auto r = server.post(u"/v1/events"_s, body, key);
    QVERIFY2(r.status == 201, r.body.constData());
}

// Current month: acme 400 (gpt-4o) + 599 + 1 (claude-3) tokens and 3 images; globex 50 (gpt-4o).
// January 2026, initech: 19 @ 01-04T23:59:59 (before the ranges below), 5 @ 01-05T00:00, 7 @ 01-05T23:59:59,
// 11 @ 01-06T00:00, 13 @ 01-08T12:00, 17 @ 01-09T00:00 (the range's end, excluded).
void seedUsage(ApiTestServer& server)
{
    seedCatalog(server);
    STOP_IF_FAILED();
    const QString ingest = server.key(KeyScope::Ingest);
    record(server, eventBody("acme", "llm.completion", 400, {{"model", "gpt-4o"}}), ingest);
    record(server, eventBody("acme", "llm.completion", 599, {{"model", "claude-3"}}), ingest);
    record(server, eventBody("acme", "llm.completion", 1, {{"model", "claude-3"}}), ingest);
    record(server, eventBody("acme", "image.generation", 3), ingest);
    record(server, eventBody("globex", "llm.completion", 50, {{"model", "gpt-4o"}}), ingest);
    const QList<QPair<QString, double>> january{{"2026-01-04T23:59:59Z", 19},
                                                {"2026-01-05T00:00:00Z", 5},
                                                {"2026-01-05T23:59:59Z", 7},
                                                {"2026-01-06T00:00:00Z", 11},
                                                {"2026-01-08T12:00:00Z", 13},
                                                {"2026-01-09T00:00:00Z", 17}};
    for (const auto& [timestamp, value] : january)
        record(server, eventBody("initech", "llm.completion", value, {{"model", "gpt-4o"}}, timestamp), ingest);
}

QMap<QString, double> groupValues(const QJsonArray& groups, const QString& dimension)
{
    QMap<QString, double> values;
    for (const QJsonValue& g : groups) {
        const QJsonObject o = g.toObject();
        values.insert(o.value("dimensions").toObject().value(dimension).toString(), o.value("value").toDouble());
    }
    return values;
}

QJsonObject check(ApiTestServer& server, const QJsonObject& body, const QString& key)
{
    const auto r = server.post(u"/v1/limits/check"_s, body, key);
    if (r.status != 200)
        qWarning() << "check answered" << r.status << r.body;
    return r.status == 200 ? r.json : QJsonObject{};
}

QStringList csvLines(const QByteArray& body)
{
    QStringList lines = QString::fromUtf8(body).split(u"\r\n"_s);
    if (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast();
    return lines;
}

} // namespace

class TestApiFlow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seed_checkRecordCheckUntilDenied()
    {
        ApiTestServer server;
        seedCatalog(server);
        STOP_IF_FAILED();
        const QString ingest = server.key(KeyScope::Ingest);
        const QJsonObject ask{{"customerId", "acme"}, {"meterId", "llm-tokens"}};

        QJsonObject c = check(server, ask, ingest);
        QCOMPARE(c.value("allowed").toBool(), true);
        QCOMPARE(c.value("customerId").toString(), u"acme"_s);
        QCOMPARE(c.value("meterId").toString(), u"llm-tokens"_s);
        QCOMPARE(c.value("used").toDouble(), 0.0);
        QCOMPARE(c.value("limit").toDouble(), 1000.0);
        QCOMPARE(c.value("remaining").toDouble(), 1000.0);
        QCOMPARE(c.value("resetsAt").toString(), nextMonthIso());
        QVERIFY(c.value("reason").isNull());
        QCOMPARE(c.value("limits").toArray().size(), 1);
        const QJsonObject status = c.value("limits").toArray().at(0).toObject();
        QCOMPARE(status.value("id").toString(), u"pro:llm-tokens:month"_s);
        QCOMPARE(status.value("meterId").toString(), u"llm-tokens"_s);
        QCOMPARE(status.value("period").toString(), u"month"_s);
        QCOMPARE(status.value("mode").toString(), u"hard"_s);
        QCOMPARE(status.value("source").toString(), u"plan"_s);
        QCOMPARE(status.value("limit").toDouble(), 1000.0);
        QCOMPARE(status.value("held").toDouble(), 0.0);
        QCOMPARE(status.value("resetsAt").toString(), nextMonthIso());

        auto r = server.post(u"/v1/events"_s, eventBody("acme", "llm.completion", 400, {{"model", "gpt-4o"}}), ingest);
        QCOMPARE(r.status, 201);
        QVERIFY(!r.json.value("id").toString().isEmpty());
        QCOMPARE(r.json.value("customerId").toString(), u"acme"_s);
        QCOMPARE(r.json.value("eventType").toString(), u"llm.completion"_s);
        QCOMPARE(r.json.value("value").toDouble(), 400.0);
        QCOMPARE(r.json.value("duplicate").toBool(true), false);
        const QDateTime stamped = QDateTime::fromString(r.json.value("timestamp").toString(), Qt::ISODate);
        QVERIFY(r.json.value("timestamp").toString().endsWith(u'Z'));
        QVERIFY(qAbs(stamped.secsTo(QDateTime::currentDateTimeUtc())) < 60); // default: now

        c = check(server, ask, ingest);
        QCOMPARE(c.value("allowed").toBool(), true);
        QCOMPARE(c.value("used").toDouble(), 400.0);
        QCOMPARE(c.value("remaining").toDouble(), 600.0);

        record(server, eventBody("acme", "llm.completion", 600, {{"model", "claude-3"}}), ingest);
        STOP_IF_FAILED();
        c = check(server, ask, ingest);
        QCOMPARE(c.value("allowed").toBool(true), false);
        QCOMPARE(c.value("reason").toString(), u"limit_exceeded"_s);
        QCOMPARE(c.value("used").toDouble(), 1000.0);
        QCOMPARE(c.value("limit").toDouble(), 1000.0);
        QCOMPARE(c.value("remaining").toDouble(), 0.0);
        QCOMPARE(c.value("resetsAt").toString(), nextMonthIso());

        // No meterId: all of the customer's limits.
        c = check(server, QJsonObject{{"customerId", "acme"}}, ingest);
        QCOMPARE(c.value("allowed").toBool(true), false);
        QCOMPARE(c.value("reason").toString(), u"limit_exceeded"_s);

        // Another customer on the same plan is not affected.
        c = check(server, QJsonObject{{"customerId", "globex"}, {"meterId", "llm-tokens"}}, ingest);
        QCOMPARE(c.value("allowed").toBool(), true);
        QCOMPARE(c.value("used").toDouble(), 0.0);

        // No limit applies: limit, remaining and resetsAt are null.
        c = check(server, QJsonObject{{"customerId", "initech"}, {"meterId", "llm-tokens"}}, ingest);
        QCOMPARE(c.value("allowed").toBool(), true);
        QVERIFY(c.value("limit").isNull());
        QVERIFY(c.value("remaining").isNull());
        QVERIFY(c.value("resetsAt").isNull());
        QCOMPARE(c.value("limits").toArray().size(), 0);
    }

    // Hard cap 1000 a month (SPEC §2: allowed while used + held < value; with reserve N when used + held + N <= value).
    void check_atTheCap_data()
    {
        QTest::addColumn<double>("used");
        QTest::addColumn<double>("reserve"); // 0: none
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<double>("remaining");
        QTest::addRow("one below") << 999.0 << 0.0 << true << 1.0;
        QTest::addRow("at the cap") << 1000.0 << 0.0 << false << 0.0;
        QTest::addRow("over the cap") << 1001.0 << 0.0 << false << 0.0;
        QTest::addRow("reserve fills the cap") << 990.0 << 10.0 << true << 10.0;
        QTest::addRow("reserve one over") << 990.0 << 11.0 << false << 10.0;
    }
    void check_atTheCap()
    {
        QFETCH(double, used);
        QFETCH(double, reserve);
        QFETCH(bool, allowed);
        QFETCH(double, remaining);
        ApiTestServer server;
        seedCatalog(server);
        STOP_IF_FAILED();
        const QString ingest = server.key(KeyScope::Ingest);
        record(server, eventBody("acme", "llm.completion", used), ingest);
        STOP_IF_FAILED();
        QJsonObject ask{{"customerId", "acme"}, {"meterId", "llm-tokens"}};
        if (reserve > 0)
            ask.insert("reserve", reserve);
        const QJsonObject c = check(server, ask, ingest);
        QCOMPARE(c.value("allowed").toBool(!allowed), allowed);
        QCOMPARE(c.value("used").toDouble(), used);
        QCOMPARE(c.value("limit").toDouble(), 1000.0);
        QCOMPARE(c.value("remaining").toDouble(), remaining);
        QCOMPARE(c.value("resetsAt").toString(), nextMonthIso());
        if (allowed) {
            QVERIFY(c.value("reason").isNull());
            QCOMPARE(c.contains("reservation"), reserve > 0);
            if (reserve > 0)
                QCOMPARE(c.value("reservation").toObject().value("amount").toDouble(), reserve);
        } else {
            QCOMPARE(c.value("reason").toString(), u"limit_exceeded"_s);
            QVERIFY(!c.contains("reservation")); // created only when the check allows
        }
    }

    void usage_currentMonthRangeGroupsAndFilters()
    {
        ApiTestServer server;
        seedUsage(server);
        STOP_IF_FAILED();
        const QString read = server.key(KeyScope::Read);

        auto r = server.get(u"/v1/meters/llm-tokens/usage?customerId=acme&period=current_month"_s, read);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("meterId").toString(), u"llm-tokens"_s);
        QCOMPARE(r.json.value("customerId").toString(), u"acme"_s);
        QCOMPARE(r.json.value("aggregation").toString(), u"sum"_s);
        QCOMPARE(r.json.value("from").toString(), monthStartIso());
        QCOMPARE(r.json.value("to").toString(), nextMonthIso());
        QCOMPARE(r.json.value("value").toDouble(), 1000.0);
        QVERIFY(!r.json.contains("groups"));
        QVERIFY(!r.json.contains("series"));

        // The same window as from/to.
        r = server.get(
            u"/v1/meters/llm-tokens/usage?customerId=acme&from=%1&to=%2"_s.arg(monthStartIso(), nextMonthIso()), read);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("value").toDouble(), 1000.0);
        QCOMPARE(r.json.value("from").toString(), monthStartIso());

        // A count meter over the same events; the unpriced images do not match llm.*.
        r = server.get(u"/v1/meters/llm-calls/usage?customerId=acme&period=current_month"_s, read);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("aggregation").toString(), u"count"_s);
        QCOMPARE(r.json.value("value").toDouble(), 3.0);

        // All customers.
        r = server.get(u"/v1/meters/llm-tokens/usage?period=current_month"_s, read);
        QCOMPARE(r.status, 200);
        QVERIFY(r.json.value("customerId").isNull());
        QCOMPARE(r.json.value("value").toDouble(), 1050.0);

        r = server.get(u"/v1/meters/llm-tokens/usage?customerId=acme&period=current_month&groupBy=model"_s, read);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("value").toDouble(), 1000.0);
        QCOMPARE(groupValues(r.json.value("groups").toArray(), u"model"_s),
                 (QMap<QString, double>{{"claude-3", 600.0}, {"gpt-4o", 400.0}}));

        r = server.get(u"/v1/meters/llm-tokens/usage?period=current_month&groupBy=customerId"_s, read);
        QCOMPARE(r.status, 200);
        QCOMPARE(groupValues(r.json.value("groups").toArray(), u"customerId"_s),
                 (QMap<QString, double>{{"acme", 1000.0}, {"globex", 50.0}}));

        r = server.get(u"/v1/meters/llm-tokens/usage?period=current_month&filter.model=gpt-4o"_s, read);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("value").toDouble(), 450.0);

        r = server.get(u"/v1/meters/llm-tokens/usage?period=current_month&filter.model=gpt-4o&groupBy=customerId"_s,
                       read);
        QCOMPARE(r.status, 200);
        QCOMPARE(groupValues(r.json.value("groups").toArray(), u"customerId"_s),
                 (QMap<QString, double>{{"acme", 400.0}, {"globex", 50.0}}));

        // Two groupBy keys.
        r = server.get(u"/v1/meters/llm-tokens/usage?period=current_month&groupBy=customerId&groupBy=model"_s, read);
        QCOMPARE(r.status, 200);
        const QJsonArray groups = r.json.value("groups").toArray();
        QCOMPARE(groups.size(), 3);
        QMap<QString, double> pairs;
        for (const QJsonValue& g : groups) {
            const QJsonObject d = g.toObject().value("dimensions").toObject();
            pairs.insert(d.value("customerId").toString() + u'/' + d.value("model").toString(),
                         g.toObject().value("value").toDouble());
        }
        QCOMPARE(pairs,
                 (QMap<QString, double>{{"acme/claude-3", 600.0}, {"acme/gpt-4o", 400.0}, {"globex/gpt-4o", 50.0}}));

        // Lifetime: null bounds, January included.
        r = server.get(u"/v1/meters/llm-tokens/usage?period=lifetime"_s, read);
        QCOMPARE(r.status, 200);
        QVERIFY(r.json.value("from").isNull());
        QVERIFY(r.json.value("to").isNull());
        QCOMPARE(r.json.value("value").toDouble(), 1050.0 + 19 + 5 + 7 + 11 + 13 + 17);
    }

    // SPEC §2: periods are calendar-aligned in UTC, the week starts on Monday; ranges are half-open.
    void usage_namedPeriodBounds_data()
    {
        QTest::addColumn<QString>("period");
        QTest::addRow("current_hour") << u"current_hour"_s;
        QTest::addRow("current_day") << u"current_day"_s;
        QTest::addRow("current_week") << u"current_week"_s;
        QTest::addRow("current_month") << u"current_month"_s;
        QTest::addRow("previous_month") << u"previous_month"_s;
        QTest::addRow("lifetime") << u"lifetime"_s;
    }
    void usage_namedPeriodBounds()
    {
        QFETCH(QString, period);
        const auto bounds = [&period](const QDateTime& now) -> QPair<QString, QString> {
            const QDate day = now.date();
            const QDate month(day.year(), day.month(), 1);
            const auto at = [](QDate d, int hour = 0) {
                return QDateTime(d, QTime(hour, 0), Qt::UTC).toString(Qt::ISODate);
            };
            if (period == u"current_hour"_s)
                return {at(day, now.time().hour()),
                        QDateTime(day, QTime(now.time().hour(), 0), Qt::UTC).addSecs(3600).toString(Qt::ISODate)};
            if (period == u"current_day"_s)
                return {at(day), at(day.addDays(1))};
            if (period == u"current_week"_s) {
                const QDate monday = day.addDays(1 - day.dayOfWeek());
                return {at(monday), at(monday.addDays(7))};
            }
            if (period == u"current_month"_s)
                return {at(month), at(month.addMonths(1))};
            if (period == u"previous_month"_s)
                return {at(month.addMonths(-1)), at(month)};
            return {};
        };
        ApiTestServer server;
        seedCatalog(server);
        STOP_IF_FAILED();
        const auto before = bounds(QDateTime::currentDateTimeUtc());
        const auto r = server.get(u"/v1/meters/llm-tokens/usage?period="_s + period);
        const auto after = bounds(QDateTime::currentDateTimeUtc());
        QCOMPARE(r.status, 200);
        const QPair<QString, QString> got{r.json.value("from").toString(), r.json.value("to").toString()};
        QVERIFY2(got == before || got == after, qPrintable(got.first + u' ' + got.second));
        if (period == u"lifetime"_s) {
            QVERIFY(r.json.value("from").isNull());
            QVERIFY(r.json.value("to").isNull());
        }
        // The summary and the invoice export resolve the same names to the same window.
        const auto summary = server.get(u"/v1/usage/summary?period="_s + period);
        QCOMPARE(summary.status, 200);
        QCOMPARE(summary.json.value("from").toString(), got.first);
        QCOMPARE(summary.json.value("to").toString(), got.second);
    }

    void usage_daySeries_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QStringList>("starts");
        QTest::addColumn<QStringList>("ends");
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<double>("total");
        QTest::addRow("whole days, an empty one at 0") << u"2026-01-05T00:00:00Z"_s << u"2026-01-09T00:00:00Z"_s
                                                       << QStringList{"2026-01-05T00:00:00Z",
                                                                      "2026-01-06T00:00:00Z",
                                                                      "2026-01-07T00:00:00Z",
                                                                      "2026-01-08T00:00:00Z"}
                                                       << QStringList{"2026-01-06T00:00:00Z",
                                                                      "2026-01-07T00:00:00Z",
                                                                      "2026-01-08T00:00:00Z",
                                                                      "2026-01-09T00:00:00Z"}
                                                       << QList<double>{12, 11, 0, 13} << 36.0;
        QTest::addRow("clipped to a mid-day start")
            << u"2026-01-05T12:00:00Z"_s << u"2026-01-07T00:00:00Z"_s
            << QStringList{"2026-01-05T12:00:00Z", "2026-01-06T00:00:00Z"}
            << QStringList{"2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z"} << QList<double>{7, 11} << 18.0;
        QTest::addRow("end is exclusive")
            << u"2026-01-08T00:00:00Z"_s << u"2026-01-09T00:00:00Z"_s << QStringList{"2026-01-08T00:00:00Z"}
            << QStringList{"2026-01-09T00:00:00Z"} << QList<double>{13} << 13.0;
        QTest::addRow("start is inclusive")
            << u"2026-01-09T00:00:00Z"_s << u"2026-01-10T00:00:00Z"_s << QStringList{"2026-01-09T00:00:00Z"}
            << QStringList{"2026-01-10T00:00:00Z"} << QList<double>{17} << 17.0;
    }
    void usage_daySeries()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QStringList, starts);
        QFETCH(QStringList, ends);
        QFETCH(QList<double>, values);
        QFETCH(double, total);
        ApiTestServer server;
        seedUsage(server);
        STOP_IF_FAILED();
        const auto r =
            server.get(u"/v1/meters/llm-tokens/usage?customerId=initech&from=%1&to=%2&window=day"_s.arg(from, to),
                       server.key(KeyScope::Read));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("value").toDouble(), total);
        const QJsonArray series = r.json.value("series").toArray();
        QCOMPARE(series.size(), starts.size());
        for (int i = 0; i < series.size(); ++i) {
            const QJsonObject bucket = series.at(i).toObject();
            QCOMPARE(bucket.value("start").toString(), starts.at(i));
            QCOMPARE(bucket.value("end").toString(), ends.at(i));
            QCOMPARE(bucket.value("value").toDouble(), values.at(i));
        }
    }

    void summary_listsEachCustomerAndMeterWithUsage()
    {
        ApiTestServer server;
        seedUsage(server);
        STOP_IF_FAILED();
        const QString read = server.key(KeyScope::Read);
        const QStringList expected{
            "acme/images=3", "acme/llm-calls=3", "acme/llm-tokens=1000", "globex/llm-calls=1", "globex/llm-tokens=50"};
        const auto rows = [](const QJsonArray& data) {
            QStringList out;
            for (const QJsonValue& v : data) {
                const QJsonObject o = v.toObject();
                out << u"%1/%2=%3"_s.arg(o.value("customerId").toString(), o.value("meterId").toString())
                           .arg(o.value("value").toDouble());
            }
            return out;
        };

        auto r = server.get(u"/v1/usage/summary?period=current_month"_s, read);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("from").toString(), monthStartIso());
        QCOMPARE(r.json.value("to").toString(), nextMonthIso());
        QCOMPARE(rows(r.json.value("data").toArray()), expected);
        QVERIFY(r.json.value("nextCursor").isNull());

        // Pages of 2 with the cursor: the same rows, none twice, none left out.
        QStringList paged;
        QString cursor;
        int pages = 0;
        do {
            QString path = u"/v1/usage/summary?period=current_month&limit=2"_s;
            if (!cursor.isEmpty())
                path += u"&cursor="_s + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
            r = server.get(path, read);
            QCOMPARE(r.status, 200);
            QVERIFY(r.json.value("data").toArray().size() <= 2);
            paged << rows(r.json.value("data").toArray());
            cursor = r.json.value("nextCursor").toString();
            QVERIFY(++pages <= 3);
        } while (!cursor.isEmpty());
        QCOMPARE(pages, 3);
        QCOMPARE(paged, expected);

        r = server.get(u"/v1/usage/summary?period=current_month&customerId=globex"_s, read);
        QCOMPARE(r.status, 200);
        QCOMPARE(rows(r.json.value("data").toArray()), (QStringList{"globex/llm-calls=1", "globex/llm-tokens=50"}));

        r = server.get(u"/v1/usage/summary?from=2026-01-05T00:00:00Z&to=2026-01-09T00:00:00Z"_s, read);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("from").toString(), u"2026-01-05T00:00:00Z"_s);
        QCOMPARE(rows(r.json.value("data").toArray()), (QStringList{"initech/llm-calls=4", "initech/llm-tokens=36"}));
    }

    void invoiceCsv_oneRowPerCustomerAndPricedMeter()
    {
        ApiTestServer server;
        seedUsage(server);
        STOP_IF_FAILED();
        // RFC 4180: a field with a quote, comma or line break is quoted, quotes doubled.
        QCOMPARE(
            server
                .post(u"/v1/customers"_s,
                      QJsonObject{
                          {"id", "zeta"}, {"name", "Zeta \"Z\"\nCorp"}, {"planId", "pro"}, {"externalId", "cus_9,1"}})
                .status,
            201);
        const auto r = server.get(u"/v1/exports/invoices.csv?period=current_month"_s, server.key(KeyScope::Read));
        QCOMPARE(r.status, 200);
        QVERIFY2(r.contentType.startsWith("text/csv"), r.contentType.constData());
        const QString p = monthStartIso() + u',' + nextMonthIso();
        // SPEC §4: billable = max(0, quantity − included); amount = billable / per_units × unit_price.
        const QStringList expected{
            u"period_start,period_end,customer_id,customer_name,external_id,plan_id,meter_id,meter_name,quantity,"
            u"included_units,billable_units,unit_price,per_units,amount,currency"_s,
            p + u",acme,Acme,cus_123,pro,llm-calls,LLM calls,3,0,3,0.010000,1,0.030000,USD"_s,
            p + u",acme,Acme,cus_123,pro,llm-tokens,LLM tokens,1000,100,900,2.500000,1000,2.250000,USD"_s,
            p + u",globex,\"Globex, Inc.\",,pro,llm-calls,LLM calls,1,0,1,0.010000,1,0.010000,USD"_s,
            p + u",globex,\"Globex, Inc.\",,pro,llm-tokens,LLM tokens,50,100,0,2.500000,1000,0.000000,USD"_s,
            p + u",zeta,\"Zeta \"\"Z\"\"\nCorp\",\"cus_9,1\",pro,llm-calls,LLM calls,0,0,0,0.010000,1,0.000000,USD"_s,
            p + u",zeta,\"Zeta \"\"Z\"\"\nCorp\",\"cus_9,1\",pro,llm-tokens,LLM tokens,0,100,0,2.500000,1000,0.000000,USD"_s,
        };
        QCOMPARE(csvLines(r.body), expected);
        QVERIFY(r.body.endsWith("\r\n"));
    }

    void invoiceCsv_fromToRangeListsRowsAtZero()
    {
        ApiTestServer server;
        seedUsage(server);
        STOP_IF_FAILED();
        const auto r = server.get(u"/v1/exports/invoices.csv?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z"_s,
                                  server.key(KeyScope::Read));
        QCOMPARE(r.status, 200);
        const QStringList lines = csvLines(r.body);
        QCOMPARE(lines.size(), 5); // initech has no plan: no rows
        QCOMPARE(lines.at(2),
                 u"2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,acme,Acme,cus_123,pro,llm-tokens,LLM tokens,0,100,0,"
                 u"2.500000,1000,0.000000,USD"_s);
        for (int i = 1; i < lines.size(); ++i)
            QVERIFY2(lines.at(i).contains(u",0.000000,USD"_s), qPrintable(lines.at(i)));
    }

    void usageCsv_dailyRowsInRange()
    {
        ApiTestServer server;
        seedUsage(server);
        STOP_IF_FAILED();
        const QString read = server.key(KeyScope::Read);
        auto r = server.get(u"/v1/exports/usage.csv?from=2026-01-05T00:00:00Z&to=2026-01-09T00:00:00Z"_s, read);
        QCOMPARE(r.status, 200);
        QVERIFY2(r.contentType.startsWith("text/csv"), r.contentType.constData());
        const QStringList expected{
            u"day_start,day_end,customer_id,meter_id,meter_name,aggregation,value"_s,
            u"2026-01-05T00:00:00Z,2026-01-06T00:00:00Z,initech,llm-calls,LLM calls,count,2"_s,
            u"2026-01-06T00:00:00Z,2026-01-07T00:00:00Z,initech,llm-calls,LLM calls,count,1"_s,
            u"2026-01-08T00:00:00Z,2026-01-09T00:00:00Z,initech,llm-calls,LLM calls,count,1"_s,
            u"2026-01-05T00:00:00Z,2026-01-06T00:00:00Z,initech,llm-tokens,LLM tokens,sum,12"_s,
            u"2026-01-06T00:00:00Z,2026-01-07T00:00:00Z,initech,llm-tokens,LLM tokens,sum,11"_s,
            u"2026-01-08T00:00:00Z,2026-01-09T00:00:00Z,initech,llm-tokens,LLM tokens,sum,13"_s,
        };
        QCOMPARE(csvLines(r.body), expected);

        // customerId narrows it: nobody else has January usage, acme has none.
        r = server.get(u"/v1/exports/usage.csv?from=2026-01-05T00:00:00Z&to=2026-01-09T00:00:00Z&customerId=acme"_s,
                       read);
        QCOMPARE(r.status, 200);
        QCOMPARE(csvLines(r.body), QStringList{expected.first()});
    }

    void events_pageNewestFirstWithoutGapsOrRepeats_data()
    {
        QTest::addColumn<int>("pageSize");
        QTest::addColumn<int>("pages");
        QTest::addRow("1") << 1 << 23;
        QTest::addRow("5") << 5 << 5;
        QTest::addRow("22, one left") << 22 << 2;
        QTest::addRow("23, exactly all") << 23 << 1;
        QTest::addRow("1000") << 1000 << 1;
    }
    void events_pageNewestFirstWithoutGapsOrRepeats()
    {
        QFETCH(int, pageSize);
        QFETCH(int, pages);
        ApiTestServer server;
        seedCatalog(server);
        STOP_IF_FAILED();
        const QString ingest = server.key(KeyScope::Ingest);
        // 23 events, three to a timestamp, so the order inside one timestamp counts too.
        QStringList recorded;
        const QDateTime base(QDate(2026, 2, 1), QTime(0, 0), Qt::UTC);
        for (int i = 0; i < 23; ++i) {
            const QString ts = base.addSecs(60 * (i / 3)).toString(Qt::ISODate);
            const auto r = server.post(u"/v1/events"_s, eventBody("acme", "llm.completion", i + 1, {}, ts), ingest);
            QCOMPARE(r.status, 201);
            recorded << r.json.value("id").toString();
        }
        record(server, eventBody("globex", "llm.completion", 1), ingest); // another customer's: filtered out
        STOP_IF_FAILED();
        QStringList expected = recorded;
        std::reverse(expected.begin(), expected.end());

        const QString read = server.key(KeyScope::Read);
        QStringList seen;
        QString cursor;
        int pageCount = 0;
        do {
            QString path = u"/v1/events?customerId=acme&limit=%1"_s.arg(pageSize);
            if (!cursor.isEmpty())
                path += u"&cursor="_s + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
            const auto r = server.get(path, read);
            QCOMPARE(r.status, 200);
            const QJsonArray data = r.json.value("data").toArray();
            QVERIFY(data.size() <= pageSize);
            QVERIFY(!data.isEmpty());
            for (const QJsonValue& v : data) {
                QCOMPARE(v.toObject().value("customerId").toString(), u"acme"_s);
                seen << v.toObject().value("id").toString();
            }
            QVERIFY(r.json.contains("nextCursor"));
            cursor = r.json.value("nextCursor").toString();
            QVERIFY(++pageCount <= pages);
        } while (!cursor.isEmpty());
        QCOMPARE(pageCount, pages);
        QCOMPARE(seen, expected);
    }

    void balance_creditDebitReserveAndTransactions()
    {
        ApiTestServer server;
        seedCatalog(server);
        STOP_IF_FAILED();
        auto r = server.get(u"/v1/customers/initech/balance"_s, server.key(KeyScope::Read));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("balance").toString(), u"0.000000"_s);
        QCOMPARE(r.json.value("available").toString(), u"0.000000"_s);

        r = server.post(u"/v1/customers/initech/balance/credit"_s,
                        QJsonObject{{"amount", "100"}, {"reason", "top-up"}});
        QCOMPARE(r.status, 201);
        QVERIFY(!r.json.value("id").toString().isEmpty());
        QCOMPARE(r.json.value("kind").toString(), u"credit"_s);
        QCOMPARE(r.json.value("amount").toString(), u"100.000000"_s);
        QCOMPARE(r.json.value("balanceAfter").toString(), u"100.000000"_s);
        QCOMPARE(r.json.value("reason").toString(), u"top-up"_s);
        QVERIFY(!r.json.value("actor").toString().isEmpty()); // the admin key's id
        QCOMPARE(r.json.value("duplicate").toBool(true), false);
        QCOMPARE(r.json.value("balance").toObject().value("balance").toString(), u"100.000000"_s);

        r = server.post(u"/v1/customers/initech/balance/debit"_s, QJsonObject{{"amount", "30.5"}});
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value("kind").toString(), u"debit"_s);
        QCOMPARE(r.json.value("amount").toString(), u"-30.500000"_s);
        QCOMPARE(r.json.value("balanceAfter").toString(), u"69.500000"_s);

        r = server.put(u"/v1/customers/initech/balance/reserve"_s, QJsonObject{{"reserve", "50"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("balance").toString(), u"69.500000"_s);
        QCOMPARE(r.json.value("reserve").toString(), u"50.000000"_s);
        QCOMPARE(r.json.value("available").toString(), u"19.500000"_s);

        // available − amount < 0 fails whole; exactly 0 is fine.
        r = server.post(u"/v1/customers/initech/balance/debit"_s, QJsonObject{{"amount", "19.500001"}});
        QCOMPARE(r.status, 402);
        QCOMPARE(r.errorCode(), u"insufficient_balance"_s);
        r = server.post(u"/v1/customers/initech/balance/debit"_s, QJsonObject{{"amount", "19.5"}});
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value("balance").toObject().value("available").toString(), u"0.000000"_s);
        QCOMPARE(r.json.value("balance").toObject().value("balance").toString(), u"50.000000"_s);

        r = server.get(u"/v1/customers/initech/balance/transactions"_s, server.key(KeyScope::Read));
        QCOMPARE(r.status, 200);
        const QJsonArray data = r.json.value("data").toArray();
        QCOMPARE(data.size(), 3); // the failed debit left nothing
        QStringList amounts;
        QStringList after;
        for (const QJsonValue& v : data) {
            amounts << v.toObject().value("amount").toString();
            after << v.toObject().value("balanceAfter").toString();
        }
        QCOMPARE(amounts, (QStringList{"-19.500000", "-30.500000", "100.000000"})); // newest first
        QCOMPARE(after, (QStringList{"50.000000", "69.500000", "100.000000"}));
        QVERIFY(r.json.value("nextCursor").isNull());

        // Pages of 2.
        r = server.get(u"/v1/customers/initech/balance/transactions?limit=2"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("data").toArray().size(), 2);
        const QString cursor = r.json.value("nextCursor").toString();
        QVERIFY(!cursor.isEmpty());
        r = server.get(u"/v1/customers/initech/balance/transactions?limit=2&cursor="_s
                       + QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("data").toArray().size(), 1);
        QCOMPARE(r.json.value("data").toArray().at(0).toObject().value("kind").toString(), u"credit"_s);
        QVERIFY(r.json.value("nextCursor").isNull());
    }

    void reservation_settledByTheRecordThatNamesIt()
    {
        ApiTestServer server;
        seedCatalog(server);
        STOP_IF_FAILED();
        QJsonObject plan{{"id", "small"}, {"name", "Small"}};
        plan.insert("limits", QJsonArray{QJsonObject{{"meterId", "llm-tokens"}, {"period", "day"}, {"value", 10}}});
        QCOMPARE(server.post(u"/v1/plans"_s, plan).status, 201);
        QCOMPARE(
            server.post(u"/v1/customers"_s, QJsonObject{{"id", "tiny"}, {"name", "Tiny"}, {"planId", "small"}}).status,
            201);
        const QString ingest = server.key(KeyScope::Ingest);
        const QJsonObject ask{{"customerId", "tiny"}, {"meterId", "llm-tokens"}};

        QJsonObject c =
            check(server, QJsonObject{{"customerId", "tiny"}, {"meterId", "llm-tokens"}, {"reserve", 4}}, ingest);
        QCOMPARE(c.value("allowed").toBool(), true);
        const QJsonObject reservation = c.value("reservation").toObject();
        const QString id = reservation.value("id").toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(reservation.value("amount").toDouble(), 4.0);
        const QDateTime expires = QDateTime::fromString(reservation.value("expiresAt").toString(), Qt::ISODate);
        const qint64 secondsLeft = QDateTime::currentDateTimeUtc().secsTo(expires);
        QVERIFY2(secondsLeft > 280 && secondsLeft <= 300, qPrintable(QString::number(secondsLeft))); // default 300 s

        auto r = server.get(u"/v1/reservations/"_s + id, ingest);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("id").toString(), id);
        QCOMPARE(r.json.value("customerId").toString(), u"tiny"_s);
        QCOMPARE(r.json.value("meterId").toString(), u"llm-tokens"_s);
        QCOMPARE(r.json.value("state").toString(), u"held"_s);

        // The hold counts from the next check on.
        c = check(server, ask, ingest);
        QCOMPARE(c.value("limits").toArray().at(0).toObject().value("held").toDouble(), 4.0);
        QCOMPARE(c.value("remaining").toDouble(), 6.0);
        c = check(server, QJsonObject{{"customerId", "tiny"}, {"meterId", "llm-tokens"}, {"reserve", 7}}, ingest);
        QCOMPARE(c.value("allowed").toBool(true), false);
        QCOMPARE(c.value("reason").toString(), u"limit_exceeded"_s);

        QJsonObject settle = eventBody("tiny", "llm.completion", 3);
        settle.insert("reservationId", id);
        r = server.post(u"/v1/events"_s, settle, ingest);
        QCOMPARE(r.status, 201);

        r = server.get(u"/v1/reservations/"_s + id, ingest);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("state").toString(), u"settled"_s);

        // Actual usage counts, the hold is gone.
        c = check(server, ask, ingest);
        QCOMPARE(c.value("used").toDouble(), 3.0);
        QCOMPARE(c.value("limits").toArray().at(0).toObject().value("held").toDouble(), 0.0);
        QCOMPARE(c.value("remaining").toDouble(), 7.0);

        // rules.md: a reservation settled by another event is a conflict.
        settle.insert("value", 1);
        r = server.post(u"/v1/events"_s, settle, ingest);
        QCOMPARE(r.status, 409);
        QCOMPARE(r.errorCode(), u"conflict"_s);
    }

    void usageChanges_listExactlyTheCustomerThatRecorded()
    {
        ApiTestServer server;
        seedCatalog(server);
        STOP_IF_FAILED();
        const QString read = server.key(KeyScope::Read);
        const QString ingest = server.key(KeyScope::Ingest);
        auto r = server.get(u"/v1/usage/changes?since=latest"_s, read);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("customers").toArray().size(), 0);
        const QString cursor = r.json.value("nextCursor").toString();
        QVERIFY(!cursor.isEmpty());

        r = server.post(u"/v1/events"_s, eventBody("globex", "llm.completion", 321, {{"model", "gpt-4o"}}), ingest);
        QCOMPARE(r.status, 201);
        r = server.get(u"/v1/usage/changes?since="_s + cursor, read);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("customers").toArray(), QJsonArray{"globex"});
        QCOMPARE(r.json.value("truncated").toBool(), false);
        const QJsonArray windows = r.json.value("windows").toArray();
        QCOMPARE(windows.size(), 5);
        for (const QJsonValue& w : windows) {
            for (const QJsonValue& figure : w.toObject().value("data").toArray())
                QCOMPARE(figure.toObject().value("customerId").toString(), u"globex"_s);
        }
        const QJsonObject month = windows.at(3).toObject();
        QCOMPARE(month.value("period").toString(), u"month"_s);
        bool tokens = false;
        for (const QJsonValue& figure : month.value("data").toArray()) {
            if (figure.toObject().value("meterId").toString() == u"llm-tokens"_s) {
                QCOMPARE(figure.toObject().value("value").toDouble(), 321.0);
                tokens = true;
            }
        }
        QVERIFY(tokens);
        const QString next = r.json.value("nextCursor").toString();
        QVERIFY(next != cursor);
        r = server.get(u"/v1/usage/changes?since="_s + next, read);
        QCOMPARE(r.json.value("customers").toArray().size(), 0);
        QCOMPARE(r.json.value("nextCursor").toString(), next);
    }

    void changes_sinceCursorReturnsNewEntries()
    {
        ApiTestServer server;
        seedCatalog(server);
        STOP_IF_FAILED();
        const QString read = server.key(KeyScope::Read);
        auto r = server.get(u"/v1/changes"_s, read);
        QCOMPARE(r.status, 200);
        const QJsonArray all = r.json.value("data").toArray();
        QStringList entries;
        qint64 lastSeq = 0;
        for (const QJsonValue& v : all) {
            const QJsonObject o = v.toObject();
            QVERIFY(o.value("seq").toInteger() > lastSeq); // increasing
            lastSeq = o.value("seq").toInteger();
            entries << o.value("entity").toString() + u':' + o.value("entityId").toString() + u':'
                           + o.value("op").toString();
        }
        for (const char* wanted : {"meter:llm-tokens:upsert",
                                   "meter:llm-calls:upsert",
                                   "meter:images:upsert",
                                   "plan:pro:upsert",
                                   "customer:acme:upsert",
                                   "customer:globex:upsert",
                                   "customer:initech:upsert"})
            QVERIFY2(entries.contains(QLatin1String(wanted)), wanted);
        QCOMPARE(r.json.value("nextCursor").toString(), QString::number(lastSeq));
        const QString cursor = r.json.value("nextCursor").toString();

        // Nothing new: empty, the same cursor.
        r = server.get(u"/v1/changes?since="_s + cursor, read);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("data").toArray().size(), 0);
        QCOMPARE(r.json.value("nextCursor").toString(), cursor);

        QCOMPARE(server.post(u"/v1/customers"_s, QJsonObject{{"id", "late"}, {"name", "Late"}}).status, 201);
        QCOMPARE(server.post(u"/v1/customers/acme/balance/credit"_s, QJsonObject{{"amount", "5"}}).status, 201);
        QCOMPARE(server.request("DELETE", u"/v1/customers/late"_s).status, 204);
        r = server.get(u"/v1/changes?since="_s + cursor, read);
        QCOMPARE(r.status, 200);
        QStringList fresh;
        for (const QJsonValue& v : r.json.value("data").toArray()) {
            const QJsonObject o = v.toObject();
            fresh << o.value("entity").toString() + u':' + o.value("entityId").toString() + u':'
                         + o.value("op").toString();
        }
        QCOMPARE(fresh, (QStringList{"customer:late:upsert", "balance:acme:upsert", "customer:late:delete"}));
        QVERIFY(r.json.value("nextCursor").toString().toLongLong() > cursor.toLongLong());
    }
};

QTEST_GUILESS_MAIN(TestApiFlow)
#include "testapiflow.moc"
