// Every error of SPEC §3 over HTTP, with its status and the exact body {"error":{"code","message","field"?}};
// bad input never answers 5xx; body caps (413); and what the engine answers to bytes that are not HTTP.

#include <QFile>
#include <QHostAddress>
#include <QRandomGenerator>
#include <QTcpSocket>

#include "apitestserver.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

#define STOP_IF_FAILED()                                                                                               \
    do {                                                                                                               \
        if (QTest::currentTestFailed())                                                                                \
            return;                                                                                                    \
    } while (false)

const QString NoField = u"-"_s;  // the error must have no "field"
const QString AnyField = u"*"_s; // SPEC leaves the field open

// Meter "tokens" (sum of every event type), plan "pro" (month cap 100, priced), customer acme on pro with a
// balance of 10.
void seed(ApiTestServer& server)
{
    QCOMPARE(
        server.post(u"/v1/meters"_s, QJsonObject{{"id", "tokens"}, {"name", "Tokens"}, {"aggregation", "sum"}}).status,
        201);
    QJsonObject plan{{"id", "pro"}, {"name", "Pro"}};
    plan.insert("limits", QJsonArray{QJsonObject{{"meterId", "tokens"}, {"period", "month"}, {"value", 100}}});
    plan.insert("prices", QJsonArray{QJsonObject{{"meterId", "tokens"}, {"unitPrice", "0.01"}}});
    QCOMPARE(server.post(u"/v1/plans"_s, plan).status, 201);
    QCOMPARE(server.post(u"/v1/customers"_s, QJsonObject{{"id", "acme"}, {"name", "Acme"}, {"planId", "pro"}}).status,
             201);
    QCOMPARE(server.post(u"/v1/customers/acme/balance/credit"_s, QJsonObject{{"amount", "10"}}).status, 201);
}

// SPEC §3: {"error": {"code": "...", "message": "...", "field": "..."}} and nothing else.
void verifyError(const HttpResult& r, const QString& code, const QString& field)
{
    QVERIFY2(r.contentType.startsWith("application/json"), r.contentType.constData());
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError && doc.isObject(), r.body.constData());
    QCOMPARE(doc.object().keys(), QStringList{u"error"_s});
    const QJsonObject error = doc.object().value("error").toObject();
    QCOMPARE(error.value("code").toString(), code);
    QVERIFY2(error.value("message").isString() && !error.value("message").toString().isEmpty(), r.body.constData());
    for (const QString& key : error.keys())
        QVERIFY2(key == u"code"_s || key == u"message"_s || key == u"field"_s, qPrintable(key));
    if (field == NoField)
        QVERIFY2(!error.contains("field"), r.body.constData());
    else if (field != AnyField)
        QCOMPARE(error.value("field").toString(), field);
}

// key: admin, ingest, read, none, unknown (well-formed, never issued), tampered (a real key id, wrong
// secret), basic (Authorization: Basic).
HttpResult
call(ApiTestServer& server, const QString& key, const QByteArray& method, const QString& path, const QByteArray& body)
{
    if (key == u"admin"_s)
        return server.request(method, path, body);
    if (key == u"ingest"_s)
        return server.request(method, path, body, server.key(KeyScope::Ingest));
    if (key == u"read"_s)
        return server.request(method, path, body, server.key(KeyScope::Read));
    if (key == u"none"_s)
        return server.request(method, path, body, u"-"_s);
    if (key == u"unknown"_s)
        return server.request(
            method, path, body, u"mlk_000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"_s);
    if (key == u"tampered"_s) {
        QString secret = server.key(KeyScope::Admin);
        secret[secret.size() - 1] = secret.endsWith(u'A') ? u'B' : u'A';
        return server.request(method, path, body, secret);
    }
    if (key == u"basic"_s)
        return server.request(method, path, body, u"-"_s, {{"Authorization", "Basic YWRtaW46YWRtaW4="}});
    qFatal("unknown key kind");
}

// A raw exchange on a fresh TCP connection: writes bytes, reads until the server closes (or timeout).
struct RawAnswer
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    bool closedByServer = false;

    QByteArray header(const QByteArray& name) const
    {
        for (const QByteArray& line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
    HttpResult asResult() const
    {
        HttpResult r;
        r.status = status;
        r.body = body;
        r.contentType = header("content-type");
        r.json = QJsonDocument::fromJson(body).object();
        return r;
    }
};

RawAnswer rawExchange(quint16 port, const QByteArray& bytes, int timeoutMs = 10000)
{
    QTcpSocket socket;
    QByteArray in;
    RawAnswer answer;
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] { socket.write(bytes); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] { in += socket.readAll(); });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, [&] {
        answer.closedByServer = true;
        loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &loop, [&](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError)
            answer.closedByServer = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    socket.connectToHost(QHostAddress::LocalHost, port);
    loop.exec();
    in += socket.readAll();
    socket.abort();

    const qsizetype end = in.indexOf("\r\n\r\n");
    if (end < 0)
        return answer;
    answer.head = in.left(end);
    const QList<QByteArray> statusLine = in.left(in.indexOf("\r\n")).split(' ');
    if (statusLine.size() >= 2 && statusLine.at(0).startsWith("HTTP/1."))
        answer.status = statusLine.at(1).toInt();
    QByteArray rest = in.mid(end + 4);
    if (answer.header("transfer-encoding").toLower() == "chunked") {
        QByteArray body;
        while (true) {
            const qsizetype eol = rest.indexOf("\r\n");
            if (eol < 0)
                break;
            bool ok = false;
            const qsizetype size = rest.left(eol).toLongLong(&ok, 16);
            if (!ok || size == 0)
                break;
            body += rest.mid(eol + 2, size);
            rest = rest.mid(eol + 2 + size + 2);
        }
        answer.body = body;
    } else {
        bool ok = false;
        const qsizetype length = answer.header("content-length").toLongLong(&ok);
        answer.body = ok ? rest.left(length) : rest;
    }
    return answer;
}

QByteArray postHead(const QByteArray& path, qint64 contentLength, const QByteArray& key)
{
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
           + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(contentLength) + "\r\n\r\n";
}

// One event padded with an ignored field to exactly `size` bytes (SPEC §3: unknown fields are ignored).
QByteArray paddedEvent(qint64 size)
{
    const QByteArray prefix = R"({"customerId":"acme","eventType":"llm.completion","value":1,"pad":")";
    const QByteArray suffix = R"("})";
    return prefix + QByteArray(size - prefix.size() - suffix.size(), 'x') + suffix;
}

// A batch of events padded to exactly `size` bytes: n events with four 200-character dimensions, then an
// ignored pad field.
QByteArray paddedBatch(qint64 size, int events)
{
    const QByteArray one = R"({"customerId":"acme","eventType":"llm.completion","value":1,"dimensions":{"a":")"
                           + QByteArray(200, 'a') + R"(","b":")" + QByteArray(200, 'b') + R"(","c":")"
                           + QByteArray(200, 'c') + R"(","d":")" + QByteArray(200, 'd') + R"("}})";
    QByteArray body = R"({"events":[)";
    for (int i = 0; i < events; ++i) {
        if (i > 0)
            body += ',';
        body += one;
    }
    body += R"(],"pad":")";
    const QByteArray suffix = R"("})";
    Q_ASSERT(body.size() + suffix.size() <= size);
    return body + QByteArray(size - body.size() - suffix.size(), 'x') + suffix;
}

QByteArray jsonBody(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class TestApiErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void errors_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("field");
        const QString admin = u"admin"_s;
        const QString bad = u"invalid_request"_s;
        const auto row = [](const char* name,
                            const QString& key,
                            const QByteArray& method,
                            const QString& path,
                            const QByteArray& body,
                            int status,
                            const QString& code,
                            const QString& field) {
            QTest::newRow(name) << key << method << path << body << status << code << field;
        };

        // 400 invalid_request: bodies that are not a JSON object
        row("malformed JSON", admin, "POST", u"/v1/customers"_s, R"({"id": "x",)", 400, bad, NoField);
        row("truncated event", admin, "POST", u"/v1/events"_s, R"({"customerId":"acme")", 400, bad, NoField);
        row("empty body", admin, "POST", u"/v1/customers"_s, "", 400, bad, NoField);
        row("JSON array body", admin, "POST", u"/v1/customers"_s, R"([{"id":"x","name":"X"}])", 400, bad, NoField);
        row("JSON array body on check", admin, "POST", u"/v1/limits/check"_s, "[]", 400, bad, NoField);
        row("JSON array body on batch", admin, "POST", u"/v1/events/batch"_s, "[{}]", 400, bad, NoField);
        row("number body", admin, "POST", u"/v1/events"_s, "42", 400, bad, NoField);
        row("not UTF-8", admin, "POST", u"/v1/events"_s, "\xff\xfe{\x01}", 400, bad, NoField);
        // 400: wrong types, named by their JSON path
        row("value as a string",
            admin,
            "POST",
            u"/v1/events"_s,
            R"({"customerId":"acme","eventType":"llm.completion","value":"12"})",
            400,
            bad,
            u"value"_s);
        row("customerId as a number",
            admin,
            "POST",
            u"/v1/events"_s,
            R"({"customerId":5,"eventType":"llm.completion"})",
            400,
            bad,
            u"customerId"_s);
        row("dimension value as a number",
            admin,
            "POST",
            u"/v1/events"_s,
            R"({"customerId":"acme","eventType":"e","dimensions":{"model":5}})",
            400,
            bad,
            u"dimensions.model"_s);
        row("dimensions as an array",
            admin,
            "POST",
            u"/v1/events"_s,
            R"({"customerId":"acme","eventType":"e","dimensions":["model"]})",
            400,
            bad,
            u"dimensions"_s);
        row("timestamp not ISO 8601",
            admin,
            "POST",
            u"/v1/events"_s,
            R"({"customerId":"acme","eventType":"e","timestamp":"yesterday"})",
            400,
            bad,
            u"timestamp"_s);
        const QString sixMinutesAhead = QDateTime::currentDateTimeUtc().addSecs(6 * 60).toString(Qt::ISODate);
        row("timestamp 6 minutes ahead",
            admin,
            "POST",
            u"/v1/events"_s,
            jsonBody(QJsonObject{{"customerId", "acme"}, {"eventType", "e"}, {"timestamp", sixMinutesAhead}}),
            400,
            bad,
            u"timestamp"_s);
        row("value 1e999",
            admin,
            "POST",
            u"/v1/events"_s,
            R"({"customerId":"acme","eventType":"e","value":1e999})",
            400,
            bad,
            AnyField);
        row("value -1e999",
            admin,
            "POST",
            u"/v1/events"_s,
            R"({"customerId":"acme","eventType":"e","value":-1e999})",
            400,
            bad,
            AnyField);
        row("value NaN",
            admin,
            "POST",
            u"/v1/events"_s,
            R"({"customerId":"acme","eventType":"e","value":NaN})",
            400,
            bad,
            AnyField);
        row("plan limit value as a string",
            admin,
            "POST",
            u"/v1/plans"_s,
            R"({"id":"p2","name":"P","limits":[{"meterId":"tokens","period":"month","value":"ten"}]})",
            400,
            bad,
            u"limits[0].value"_s);
        row("second plan limit with an unknown period",
            admin,
            "POST",
            u"/v1/plans"_s,
            R"({"id":"p2","name":"P","limits":[{"meterId":"tokens","period":"day","value":1},)"
            R"({"meterId":"tokens","period":"fortnight","value":1}]})",
            400,
            bad,
            u"limits[1].period"_s);
        row("plan limit not an object",
            admin,
            "POST",
            u"/v1/plans"_s,
            R"({"id":"p2","name":"P","limits":[5]})",
            400,
            bad,
            u"limits[0]"_s);
        row("price unitPrice as a number",
            admin,
            "POST",
            u"/v1/plans"_s,
            R"({"id":"p2","name":"P","prices":[{"meterId":"tokens","unitPrice":0.5}]})",
            400,
            bad,
            u"prices[0].unitPrice"_s);
        row("meter eventTypes with a number",
            admin,
            "POST",
            u"/v1/meters"_s,
            R"({"id":"m2","name":"M","aggregation":"sum","eventTypes":["a",1]})",
            400,
            bad,
            u"eventTypes[1]"_s);
        row("unknown aggregation",
            admin,
            "POST",
            u"/v1/meters"_s,
            R"({"id":"m2","name":"M","aggregation":"avg"})",
            400,
            bad,
            u"aggregation"_s);
        row("missing id", admin, "POST", u"/v1/customers"_s, R"({"name":"X"})", 400, bad, u"id"_s);
        row("id with a space", admin, "POST", u"/v1/customers"_s, R"({"id":"a b","name":"X"})", 400, bad, u"id"_s);
        row("unknown key scope",
            admin,
            "POST",
            u"/v1/api-keys"_s,
            R"({"name":"k","scope":"root"})",
            400,
            bad,
            u"scope"_s);
        row("amount as a number",
            admin,
            "POST",
            u"/v1/customers/acme/balance/credit"_s,
            R"({"amount":5})",
            400,
            bad,
            u"amount"_s);
        row("amount with 7 places",
            admin,
            "POST",
            u"/v1/customers/acme/balance/credit"_s,
            R"({"amount":"1.0000001"})",
            400,
            bad,
            u"amount"_s);
        row("debit of zero",
            admin,
            "POST",
            u"/v1/customers/acme/balance/debit"_s,
            R"({"amount":"0"})",
            400,
            bad,
            u"amount"_s);
        row("reserve as a string",
            admin,
            "POST",
            u"/v1/limits/check"_s,
            R"({"customerId":"acme","reserve":"4"})",
            400,
            bad,
            u"reserve"_s);
        row("reserve negative",
            admin,
            "POST",
            u"/v1/limits/check"_s,
            R"({"customerId":"acme","reserve":-1})",
            400,
            bad,
            u"reserve"_s);
        row("batch events not an array",
            admin,
            "POST",
            u"/v1/events/batch"_s,
            R"({"events":{}})",
            400,
            bad,
            u"events"_s);
        row("batch without events", admin, "POST", u"/v1/events/batch"_s, "{}", 400, bad, u"events"_s);
        // 400: query parameters
        row("unknown period on usage",
            admin,
            "GET",
            u"/v1/meters/tokens/usage?period=current_year"_s,
            {},
            400,
            bad,
            u"period"_s);
        row("unknown period on summary",
            admin,
            "GET",
            u"/v1/usage/summary?period=last_week"_s,
            {},
            400,
            bad,
            u"period"_s);
        row("unknown period on invoices",
            admin,
            "GET",
            u"/v1/exports/invoices.csv?period=yesterday"_s,
            {},
            400,
            bad,
            u"period"_s);
        row("summary without a period", admin, "GET", u"/v1/usage/summary"_s, {}, 400, bad, u"period"_s);
        row("from equals to on summary",
            admin,
            "GET",
            u"/v1/usage/summary?from=2026-01-05T00:00:00Z&to=2026-01-05T00:00:00Z"_s,
            {},
            400,
            bad,
            u"from"_s);
        row("from after to on usage",
            admin,
            "GET",
            u"/v1/meters/tokens/usage?from=2026-01-06T00:00:00Z&to=2026-01-05T00:00:00Z"_s,
            {},
            400,
            bad,
            u"from"_s);
        row("from after to on events",
            admin,
            "GET",
            u"/v1/events?from=2026-01-06T00:00:00Z&to=2026-01-05T00:00:00Z"_s,
            {},
            400,
            bad,
            u"from"_s);
        row("from equals to on invoices",
            admin,
            "GET",
            u"/v1/exports/invoices.csv?from=2026-01-05T00:00:00Z&to=2026-01-05T00:00:00Z"_s,
            {},
            400,
            bad,
            u"from"_s);
        row("from after to on usage.csv",
            admin,
            "GET",
            u"/v1/exports/usage.csv?from=2026-01-06T00:00:00Z&to=2026-01-05T00:00:00Z"_s,
            {},
            400,
            bad,
            u"from"_s);
        row("from without to", admin, "GET", u"/v1/usage/summary?from=2026-01-05T00:00:00Z"_s, {}, 400, bad, AnyField);
        row("from not a time",
            admin,
            "GET",
            u"/v1/usage/summary?from=monday&to=2026-01-05T00:00:00Z"_s,
            {},
            400,
            bad,
            u"from"_s);
        row("to not a time",
            admin,
            "GET",
            u"/v1/usage/summary?from=2026-01-05T00:00:00Z&to=2026-13-40T00:00:00Z"_s,
            {},
            400,
            bad,
            u"to"_s);
        row("events limit 0", admin, "GET", u"/v1/events?limit=0"_s, {}, 400, bad, u"limit"_s);
        row("events limit 1001", admin, "GET", u"/v1/events?limit=1001"_s, {}, 400, bad, u"limit"_s);
        row("events limit not a number", admin, "GET", u"/v1/events?limit=ten"_s, {}, 400, bad, u"limit"_s);
        row("events cursor not ours", admin, "GET", u"/v1/events?cursor=zzz"_s, {}, 400, bad, u"cursor"_s);
        row("unknown window",
            admin,
            "GET",
            u"/v1/meters/tokens/usage?period=current_month&window=week"_s,
            {},
            400,
            bad,
            u"window"_s);
        row("changes since negative", admin, "GET", u"/v1/changes?since=-1"_s, {}, 400, bad, u"since"_s);
        row("changes since not a number", admin, "GET", u"/v1/changes?since=abc"_s, {}, 400, bad, u"since"_s);
        row("usage changes since not a number",
            admin,
            "GET",
            u"/v1/usage/changes?since=abc"_s,
            {},
            400,
            bad,
            u"since"_s);
        row("usage changes limit 0", admin, "GET", u"/v1/usage/changes?limit=0"_s, {}, 400, bad, u"limit"_s);
        row("usage changes limit 10001", admin, "GET", u"/v1/usage/changes?limit=10001"_s, {}, 400, bad, u"limit"_s);

        // 401 unauthorized
        const QString unauthorized = u"unauthorized"_s;
        row("no key", u"none"_s, "GET", u"/v1/customers"_s, {}, 401, unauthorized, NoField);
        row("no key on record",
            u"none"_s,
            "POST",
            u"/v1/events"_s,
            R"({"customerId":"acme","eventType":"e"})",
            401,
            unauthorized,
            NoField);
        row("key never issued", u"unknown"_s, "GET", u"/v1/customers"_s, {}, 401, unauthorized, NoField);
        row("real key id, wrong secret", u"tampered"_s, "GET", u"/v1/customers"_s, {}, 401, unauthorized, NoField);
        row("Basic instead of Bearer", u"basic"_s, "GET", u"/v1/customers"_s, {}, 401, unauthorized, NoField);
        row("no key on an unknown customer",
            u"none"_s,
            "GET",
            u"/v1/customers/nobody"_s,
            {},
            401,
            unauthorized,
            NoField);

        // 403 forbidden
        const QString forbidden = u"forbidden"_s;
        row("ingest key reads customers", u"ingest"_s, "GET", u"/v1/customers"_s, {}, 403, forbidden, NoField);
        row("read key records",
            u"read"_s,
            "POST",
            u"/v1/events"_s,
            R"({"customerId":"acme","eventType":"e"})",
            403,
            forbidden,
            NoField);
        row("read key creates a customer",
            u"read"_s,
            "POST",
            u"/v1/customers"_s,
            R"({"id":"new","name":"New"})",
            403,
            forbidden,
            NoField);
        row("ingest key credits",
            u"ingest"_s,
            "POST",
            u"/v1/customers/acme/balance/credit"_s,
            R"({"amount":"5"})",
            403,
            forbidden,
            NoField);
        row("read key creates an API key",
            u"read"_s,
            "POST",
            u"/v1/api-keys"_s,
            R"({"name":"k","scope":"admin"})",
            403,
            forbidden,
            NoField);

        // 404
        row("record for an unknown customer",
            admin,
            "POST",
            u"/v1/events"_s,
            R"({"customerId":"nobody","eventType":"e"})",
            404,
            u"customer_not_found"_s,
            AnyField);
        row("check for an unknown customer",
            admin,
            "POST",
            u"/v1/limits/check"_s,
            R"({"customerId":"nobody"})",
            404,
            u"customer_not_found"_s,
            AnyField);
        row("get an unknown customer",
            admin,
            "GET",
            u"/v1/customers/nobody"_s,
            {},
            404,
            u"customer_not_found"_s,
            AnyField);
        row("balance of an unknown customer",
            admin,
            "GET",
            u"/v1/customers/nobody/balance"_s,
            {},
            404,
            u"customer_not_found"_s,
            AnyField);
        row("credit an unknown customer",
            admin,
            "POST",
            u"/v1/customers/nobody/balance/credit"_s,
            R"({"amount":"1"})",
            404,
            u"customer_not_found"_s,
            AnyField);
        row("usage of an unknown customer",
            admin,
            "GET",
            u"/v1/meters/tokens/usage?period=current_month&customerId=nobody"_s,
            {},
            404,
            u"customer_not_found"_s,
            AnyField);
        row("usage of an unknown meter",
            admin,
            "GET",
            u"/v1/meters/nometer/usage?period=current_month"_s,
            {},
            404,
            u"meter_not_found"_s,
            AnyField);
        row("get an unknown meter", admin, "GET", u"/v1/meters/nometer"_s, {}, 404, u"meter_not_found"_s, AnyField);
        row("check an unknown meter",
            admin,
            "POST",
            u"/v1/limits/check"_s,
            R"({"customerId":"acme","meterId":"nometer"})",
            404,
            u"meter_not_found"_s,
            AnyField);
        row("customer on an unknown plan",
            admin,
            "POST",
            u"/v1/customers"_s,
            R"({"id":"new","name":"New","planId":"nope"})",
            404,
            u"plan_not_found"_s,
            AnyField);
        row("unknown reservation",
            admin,
            "GET",
            u"/v1/reservations/nope"_s,
            {},
            404,
            u"reservation_not_found"_s,
            AnyField);
        row("record naming an unknown reservation",
            admin,
            "POST",
            u"/v1/events"_s,
            R"({"customerId":"acme","eventType":"e","reservationId":"nope"})",
            404,
            u"reservation_not_found"_s,
            AnyField);
        const QString notFound = u"not_found"_s;
        row("unknown route", admin, "GET", u"/v1/nothing"_s, {}, 404, notFound, NoField);
        row("unknown version", admin, "GET", u"/v2/customers"_s, {}, 404, notFound, NoField);
        row("unknown sub-route", admin, "POST", u"/v1/customers/acme/balance/refund"_s, "{}", 404, notFound, NoField);
        row("root", u"none"_s, "GET", u"/"_s, {}, 404, notFound, NoField);

        // 405: a known path, another method
        const QString notAllowed = u"method_not_allowed"_s;
        row("DELETE events", admin, "DELETE", u"/v1/events"_s, {}, 405, notAllowed, NoField);
        row("GET batch", admin, "GET", u"/v1/events/batch"_s, {}, 405, notAllowed, NoField);
        row("POST healthz", u"none"_s, "POST", u"/healthz"_s, "{}", 405, notAllowed, NoField);
        row("PATCH a plan", admin, "PATCH", u"/v1/plans/pro"_s, "{}", 405, notAllowed, NoField);

        // 409 conflict: create with an id that exists
        const QString conflict = u"conflict"_s;
        row("existing customer",
            admin,
            "POST",
            u"/v1/customers"_s,
            R"({"id":"acme","name":"Acme 2"})",
            409,
            conflict,
            AnyField);
        row("existing meter",
            admin,
            "POST",
            u"/v1/meters"_s,
            R"({"id":"tokens","name":"T","aggregation":"count"})",
            409,
            conflict,
            AnyField);
        row("existing plan", admin, "POST", u"/v1/plans"_s, R"({"id":"pro","name":"Pro 2"})", 409, conflict, AnyField);

        // 402: the balance is 10
        row("debit over the balance",
            admin,
            "POST",
            u"/v1/customers/acme/balance/debit"_s,
            R"({"amount":"10.000001"})",
            402,
            u"insufficient_balance"_s,
            AnyField);
    }
    void errors()
    {
        QFETCH(QString, key);
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, field);
        ApiTestServer server;
        seed(server);
        STOP_IF_FAILED();
        const auto before = server.service().changes(0, 10000);
        QVERIFY(before.ok());
        const HttpResult r = call(server, key, method, path, body);
        QVERIFY2(r.status == status,
                 qPrintable(u"%1 %2 -> %3 %4"_s.arg(QString::fromLatin1(method), path)
                                .arg(r.status)
                                .arg(QString::fromUtf8(r.body))));
        verifyError(r, code, field);
        STOP_IF_FAILED();
        // rules.md: rejected input changes nothing.
        const auto after = server.service().changes(0, 10000);
        QVERIFY(after.ok());
        QCOMPARE(after->data.size(), before->data.size());
        const auto events = server.service().events(EventQuery{});
        QVERIFY(events.ok());
        QCOMPARE(events->data.size(), 0);
        const auto balance = server.service().balance(u"acme"_s);
        QVERIFY(balance.ok());
        QCOMPARE(balance->balance.toString(), u"10.000000"_s);
    }

    // The 405 answer names the methods the path takes.
    // The Request-Id of an answer, an error's included, is on the access log's line of that request: what a client
    // reports (the SDK's MeterlineError.requestId) finds the server's record of it.
    void requestId_isOnTheAccessLogLineOfItsRequest()
    {
        QTemporaryDir logDir;
        const QString logPath = logDir.filePath(u"access.log"_s);
        ApiTestServer server(2, logPath);
        const HttpResult missing = server.get(u"/v1/customers/nobody"_s);
        QCOMPARE(missing.status, 404);
        const HttpResult listed = server.get(u"/v1/customers"_s);
        QCOMPARE(listed.status, 200);
        QVERIFY(missing.requestId.startsWith("req_"));
        QVERIFY(listed.requestId.startsWith("req_"));
        QVERIFY(missing.requestId != listed.requestId);
        server.stop();

        QFile log(logPath);
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = log.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[0].contains(" GET /v1/customers/{id} 404 ") && lines[0].endsWith(" id=" + missing.requestId),
                 lines[0].constData());
        QVERIFY2(lines[1].contains(" GET /v1/customers 200 ") && lines[1].endsWith(" id=" + listed.requestId),
                 lines[1].constData());
    }

    void methodNotAllowed_listsAllowedMethods()
    {
        ApiTestServer server;
        const RawAnswer a = rawExchange(server.port(),
                                        "DELETE /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                                            + server.adminKey().toLatin1() + "\r\nConnection: close\r\n\r\n");
        QCOMPARE(a.status, 405);
        const QList<QByteArray> allowed = a.header("allow").split(',');
        QStringList methods;
        for (const QByteArray& m : allowed)
            methods << QString::fromLatin1(m.trimmed());
        methods.sort();
        QCOMPARE(methods, (QStringList{"GET", "POST"}));
        verifyError(a.asResult(), u"method_not_allowed"_s, NoField);
    }

    // A revoked key fails at once (SPEC §3: 401 unauthorized).
    void revokedKey_failsAtOnce()
    {
        ApiTestServer server;
        auto created = server.post(u"/v1/api-keys"_s, QJsonObject{{"name", "temp"}, {"scope", "read"}});
        QCOMPARE(created.status, 201);
        const QString id = created.json.value("id").toString();
        const QString secret = created.json.value("key").toString();
        QCOMPARE(created.json.value("scope").toString(), u"read"_s);
        QVERIFY(!id.isEmpty());
        QVERIFY(!secret.isEmpty());
        QCOMPARE(server.get(u"/v1/customers"_s, secret).status, 200);

        // The key is shown once: the listing has no secret.
        auto list = server.get(u"/v1/api-keys"_s);
        QCOMPARE(list.status, 200);
        QVERIFY(!list.body.contains(secret.toUtf8()));

        QCOMPARE(server.request("DELETE", u"/v1/api-keys/"_s + id).status, 204);
        const HttpResult r = server.get(u"/v1/customers"_s, secret);
        QCOMPARE(r.status, 401);
        verifyError(r, u"unauthorized"_s, NoField);
        STOP_IF_FAILED();

        list = server.get(u"/v1/api-keys"_s);
        bool found = false;
        for (const QJsonValue& v : list.json.value("data").toArray()) {
            if (v.toObject().value("id").toString() == id) {
                found = true;
                QVERIFY(v.toObject().value("revokedAt").isString());
            }
        }
        QVERIFY(found);
        // Other keys keep working.
        QCOMPARE(server.get(u"/v1/customers"_s).status, 200);
    }

    void idempotencyConflict_sameKeyDifferentPayload()
    {
        ApiTestServer server;
        seed(server);
        STOP_IF_FAILED();
        const QString ingest = server.key(KeyScope::Ingest);
        QJsonObject e{{"customerId", "acme"}, {"eventType", "llm.completion"}, {"value", 1}, {"idempotencyKey", "k1"}};
        QCOMPARE(server.post(u"/v1/events"_s, e, ingest).status, 201);
        e.insert("value", 2);
        HttpResult r = server.post(u"/v1/events"_s, e, ingest);
        QCOMPARE(r.status, 409);
        verifyError(r, u"idempotency_conflict"_s, AnyField);
        STOP_IF_FAILED();

        // The header and the body naming different keys is a bad request, not a replay.
        r = server.request("POST",
                           u"/v1/events"_s,
                           jsonBody(e),
                           ingest,
                           {{"Idempotency-Key", "k2"}, {"Content-Type", "application/json"}});
        QCOMPARE(r.status, 400);
        verifyError(r, u"invalid_request"_s, u"idempotencyKey"_s);
        STOP_IF_FAILED();

        // Credits take an idempotency key too.
        QJsonObject credit{{"amount", "5"}, {"idempotencyKey", "top-1"}};
        QCOMPARE(server.post(u"/v1/customers/acme/balance/credit"_s, credit).status, 201);
        credit.insert("amount", "6");
        r = server.post(u"/v1/customers/acme/balance/credit"_s, credit);
        QCOMPARE(r.status, 409);
        verifyError(r, u"idempotency_conflict"_s, AnyField);
        STOP_IF_FAILED();
        QCOMPARE(server.service().balance(u"acme"_s)->balance.toString(), u"15.000000"_s);
    }

    // Garbage of every shape to every write route: a 4xx with the error body, never a 5xx.
    void badBodies_neverAnswer5xx()
    {
        ApiTestServer server;
        seed(server);
        STOP_IF_FAILED();
        const QList<QPair<QByteArray, QString>> routes{
            {"POST", u"/v1/limits/check"_s},
            {"POST", u"/v1/events"_s},
            {"POST", u"/v1/events/batch"_s},
            {"POST", u"/v1/customers"_s},
            {"PATCH", u"/v1/customers/acme"_s},
            {"POST", u"/v1/plans"_s},
            {"PUT", u"/v1/plans/pro"_s},
            {"POST", u"/v1/meters"_s},
            {"PUT", u"/v1/meters/tokens"_s},
            {"POST", u"/v1/limits"_s},
            {"PUT", u"/v1/limits/pro:tokens:month"_s},
            {"POST", u"/v1/customers/acme/balance/credit"_s},
            {"POST", u"/v1/customers/acme/balance/debit"_s},
            {"PUT", u"/v1/customers/acme/balance/reserve"_s},
            {"POST", u"/v1/api-keys"_s},
            {"POST", u"/v1/webhooks"_s},
        };
        const QByteArray wrongTypes =
            R"({"id":5,"name":[],"customerId":{},"eventType":7,"value":"x","amount":true,"reserve":"x",)"
            R"("events":5,"url":1,"scope":2,"aggregation":3,"period":4,"limits":"x","prices":{},"meterId":[],)"
            R"("planId":6,"metadata":"m","dimensions":"d","events":"e"})";
        const QByteArray nulls =
            R"({"id":null,"name":null,"customerId":null,"eventType":null,"amount":null,"reserve":null,)"
            R"("events":null,"url":null,"scope":null,"aggregation":null,"meterId":null,"period":null,"value":null})";
        const QList<QByteArray> bodies{
            "",
            "null",
            "[]",
            "\"text\"",
            "{",
            "{\"id\":",
            "\xff\xfe\x00\x01",
            R"({"value":1e999})",
            QByteArray(100000, '['),
            QByteArray("{\"a\":").repeated(5000),
            wrongTypes,
            nulls,
        };
        int calls = 0;
        for (const auto& [method, path] : routes) {
            for (const QByteArray& body : bodies) {
                const HttpResult r = server.request(method, path, body);
                const QString what =
                    u"%1 %2 with %3 -> %4 %5"_s
                        .arg(QString::fromLatin1(method), path, QString::fromUtf8(body.left(60).toPercentEncoding()))
                        .arg(r.status)
                        .arg(QString::fromUtf8(r.body.left(200)));
                QVERIFY2(r.status >= 400 && r.status < 500, qPrintable(what));
                QVERIFY2(r.status == 400, qPrintable(what));
                verifyError(r, u"invalid_request"_s, AnyField);
                STOP_IF_FAILED();
                ++calls;
            }
        }
        QCOMPARE(calls, routes.size() * bodies.size());
        // Nothing of it landed.
        QCOMPARE(server.service().balance(u"acme"_s)->balance.toString(), u"10.000000"_s);
        QCOMPARE(server.service().events(EventQuery{})->data.size(), 0);
    }

    // Odd query strings and paths on the read routes: never a 5xx.
    void badQueries_neverAnswer5xx()
    {
        ApiTestServer server;
        seed(server);
        STOP_IF_FAILED();
        const QStringList paths{
            u"/v1/events?from=%ZZ&to=%00"_s,
            u"/v1/events?limit=99999999999999999999"_s,
            u"/v1/events?limit=-1"_s,
            u"/v1/events?cursor=%00%01"_s,
            u"/v1/events?cursor=MTox"_s, // base64url of "1:1": well-formed, points nowhere
            u"/v1/events?customerId=%E2%82%AC&eventType=a%20b"_s,
            u"/v1/meters/tokens/usage?from=2026-01-01T00:00:00Z&to=2126-01-01T00:00:00Z&window=hour"_s,
            u"/v1/meters/tokens/usage?period=current_month&groupBy="_s,
            u"/v1/meters/tokens/usage?period=current_month&filter.=x"_s,
            u"/v1/meters/%2e%2e/usage?period=current_month"_s,
            u"/v1/usage/summary?period=current_month&cursor=!!!"_s,
            u"/v1/usage/summary?period=current_month&limit=0"_s,
            u"/v1/customers/acme/balance/transactions?cursor=abc"_s,
            u"/v1/customers/acme/balance/transactions?limit=100000"_s,
            u"/v1/changes?since=99999999999999999999999"_s,
            u"/v1/changes?limit=0"_s,
            u"/v1/exports/usage.csv?period=lifetime"_s,
            u"/v1/exports/invoices.csv"_s,
            u"/v1/webhooks/nope/deliveries"_s,
            u"/v1/customers/a%20b"_s,
            u"/v1/customers/"_s + QString(200, u'x'),
        };
        for (const QString& path : paths) {
            const HttpResult r = server.get(path);
            const QString what = u"GET %1 -> %2 %3"_s.arg(path).arg(r.status).arg(QString::fromUtf8(r.body.left(200)));
            QVERIFY2(r.status >= 200 && r.status < 500, qPrintable(what));
            if (r.status >= 400) {
                verifyError(r, r.errorCode(), AnyField);
                STOP_IF_FAILED();
            }
        }
    }

    // Body caps (apiserver.cpp): 1 MiB for single calls, 16 MiB for a batch; over the cap is 413 at once.
    void bodyCap_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<qint64>("declared");
        QTest::addColumn<bool>("sendBody");
        QTest::addRow("event, 2 MiB sent") << QByteArray("/v1/events") << qint64(2 * 1024 * 1024) << true;
        QTest::addRow("event, 1 MiB + 1 declared") << QByteArray("/v1/events") << qint64(1024 * 1024 + 1) << false;
        QTest::addRow("customer, 2 MiB sent") << QByteArray("/v1/customers") << qint64(2 * 1024 * 1024) << true;
        QTest::addRow("batch, 16 MiB + 1 declared")
            << QByteArray("/v1/events/batch") << qint64(16 * 1024 * 1024 + 1) << false;
    }
    void bodyCap()
    {
        QFETCH(QByteArray, path);
        QFETCH(qint64, declared);
        QFETCH(bool, sendBody);
        ApiTestServer server;
        seed(server);
        STOP_IF_FAILED();
        QByteArray bytes = postHead(path, declared, server.adminKey().toLatin1());
        if (sendBody)
            bytes += paddedEvent(declared);
        const RawAnswer a = rawExchange(server.port(), bytes);
        QCOMPARE(a.status, 413);
        verifyError(a.asResult(), u"payload_too_large"_s, AnyField);
        STOP_IF_FAILED();
        QVERIFY(a.closedByServer);
        QCOMPARE(server.service().events(EventQuery{})->data.size(), 0);
        // The server keeps serving.
        QCOMPARE(server.get(u"/healthz"_s, u"-"_s).status, 200);
    }

    // The same through an ordinary HTTP client that sends the whole body.
    void bodyCap_seenByAnHttpClient()
    {
        ApiTestServer server;
        seed(server);
        STOP_IF_FAILED();
        const HttpResult r = server.request("POST", u"/v1/events"_s, paddedEvent(2 * 1024 * 1024));
        QCOMPARE(r.status, 413);
        verifyError(r, u"payload_too_large"_s, AnyField);
        STOP_IF_FAILED();
        QCOMPARE(server.get(u"/v1/customers"_s).status, 200);
    }

    void bodyAtTheCap_isAccepted_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<qint64>("size");
        QTest::addColumn<int>("events"); // of a batch; 0: one event
        QTest::addColumn<int>("status");
        QTest::addRow("event of exactly 1 MiB") << u"/v1/events"_s << qint64(1024 * 1024) << 0 << 201;
        QTest::addRow("batch of 2 MiB") << u"/v1/events/batch"_s << qint64(2 * 1024 * 1024) << 2000 << 200;
        QTest::addRow("batch of exactly 16 MiB") << u"/v1/events/batch"_s << qint64(16 * 1024 * 1024) << 100 << 200;
    }
    void bodyAtTheCap_isAccepted()
    {
        QFETCH(QString, path);
        QFETCH(qint64, size);
        QFETCH(int, events);
        QFETCH(int, status);
        ApiTestServer server;
        seed(server);
        STOP_IF_FAILED();
        const QByteArray body = events == 0 ? paddedEvent(size) : paddedBatch(size, events);
        QCOMPARE(body.size(), size);
        const HttpResult r = server.request("POST", path, body, server.key(KeyScope::Ingest));
        QVERIFY2(r.status == status, qPrintable(u"%1 %2"_s.arg(r.status).arg(QString::fromUtf8(r.body.left(300)))));
        const int expected = events == 0 ? 1 : events;
        if (events > 0) {
            QCOMPARE(r.json.value("accepted").toInt(), events);
            QCOMPARE(r.json.value("rejected").toArray().size(), 0);
        }
        const auto usage = server.get(u"/v1/meters/tokens/usage?customerId=acme&period=current_month"_s);
        QCOMPARE(usage.status, 200);
        QCOMPARE(usage.json.value("value").toDouble(), double(expected));
    }

    // A batch holds at most 10000 events.
    void batchSize_data()
    {
        QTest::addColumn<int>("events");
        QTest::addColumn<int>("status");
        QTest::addRow("10000") << 10000 << 200;
        QTest::addRow("10001") << 10001 << 400;
    }
    void batchSize()
    {
        QFETCH(int, events);
        QFETCH(int, status);
        ApiTestServer server;
        seed(server);
        STOP_IF_FAILED();
        QByteArray body = R"({"events":[)";
        for (int i = 0; i < events; ++i)
            body += (i > 0 ? "," : "") + QByteArray(R"({"customerId":"acme","eventType":"e"})");
        body += "]}";
        const HttpResult r = server.request("POST", u"/v1/events/batch"_s, body, server.key(KeyScope::Ingest));
        QCOMPARE(r.status, status);
        if (status == 200) {
            QCOMPARE(r.json.value("accepted").toInt(), events);
        } else {
            verifyError(r, u"invalid_request"_s, u"events"_s);
            STOP_IF_FAILED();
            QCOMPARE(server.service().events(EventQuery{})->data.size(), 0);
        }
    }

    // Bytes that are not an HTTP request: a 400 JSON error, the connection closed, the next client served.
    void notHttp_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        QByteArray allBytes;
        for (int round = 0; round < 4; ++round) {
            for (int b = 0; b < 256; ++b)
                allBytes += char(b);
        }
        QByteArray noise(4096, Qt::Uninitialized);
        QRandomGenerator random(20260101);
        for (char& c : noise)
            c = char(random.bounded(256));
        QTest::addRow("a word") << QByteArray("GARBAGE\r\n\r\n") << 400;
        QTest::addRow("method only") << QByteArray("GET\r\n\r\n") << 400;
        QTest::addRow("no version") << QByteArray("GET /healthz\r\n\r\n") << 400;
        QTest::addRow("two spaces") << QByteArray("GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::addRow("relative target") << QByteArray("GET healthz HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::addRow("not HTTP") << QByteArray("GET /healthz HTTX/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::addRow("bad percent-encoding") << QByteArray("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::addRow("header without a colon")
            << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nBroken\r\n\r\n") << 400;
        QTest::addRow("no Host in HTTP/1.1") << QByteArray("GET /healthz HTTP/1.1\r\n\r\n") << 400;
        QTest::addRow("bad Content-Length")
            << QByteArray("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n") << 400;
        QTest::addRow("every byte value") << allBytes + "\r\n\r\n" << 400;
        QTest::addRow("random bytes") << noise + "\r\n\r\n" << 400;
        QTest::addRow("TLS client hello")
            << QByteArray::fromHex("160301020001000200030300000000000000000000000000000000000000000000000000000000")
                   + "\r\n\r\n"
            << 400;
    }
    void notHttp()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        ApiTestServer server;
        const RawAnswer a = rawExchange(server.port(), bytes);
        QVERIFY2(a.status == status, a.head.constData());
        verifyError(a.asResult(), u"invalid_request"_s, NoField);
        STOP_IF_FAILED();
        QCOMPARE(a.header("connection").toLower(), QByteArray("close"));
        QVERIFY(a.closedByServer);

        // The next clients are served: a raw one and QNetworkAccessManager.
        const RawAnswer next =
            rawExchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        QCOMPARE(next.status, 200);
        QCOMPARE(QJsonDocument::fromJson(next.body).object().value("status").toString(), u"ok"_s);
        QCOMPARE(server.get(u"/healthz"_s, u"-"_s).status, 200);
        QCOMPARE(server.get(u"/v1/customers"_s).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestApiErrors)
#include "testapierrors.moc"
