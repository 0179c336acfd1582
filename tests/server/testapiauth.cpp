// The auth matrix of SPEC §3 as a table: every route family × {no key, ingest, read, admin}. Ingest keys
// check, record and reserve (and read their reservation); read keys take every GET and export but not ingest;
// admin keys everything;
// /healthz and /metrics are public. An allowed call answers its own success status, so a wrong scope rule
// fails either way (a 403 where 2xx is due, or a 2xx where 403 is due).

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

struct Family
{
    const char* name;
    QByteArray method;
    QString path; // "{reservation}" is replaced by a held reservation's id
    QByteArray body;
    int success; // the status of an allowed call
    // Who may call with which scope; isPublic: also without a key.
    bool ingest;
    bool read;
    bool admin;
    bool isPublic = false;
};

QList<Family> families()
{
    const QByteArray event = R"({"customerId":"acme","eventType":"llm.completion","value":5})";
    return {
        {"check", "POST", u"/v1/limits/check"_s, R"({"customerId":"acme","meterId":"tokens"})", 200, true, false, true},
        {"check with reserve",
         "POST",
         u"/v1/limits/check"_s,
         R"({"customerId":"acme","meterId":"tokens","reserve":1})",
         200,
         true,
         false,
         true},
        {"record", "POST", u"/v1/events"_s, event, 201, true, false, true},
        {"batch", "POST", u"/v1/events/batch"_s, "{\"events\":[" + event + "]}", 200, true, false, true},
        {"reservation GET", "GET", u"/v1/reservations/{reservation}"_s, {}, 200, true, true, true},
        {"events GET", "GET", u"/v1/events?customerId=acme"_s, {}, 200, false, true, true},
        {"usage", "GET", u"/v1/meters/tokens/usage?period=current_month"_s, {}, 200, false, true, true},
        {"summary", "GET", u"/v1/usage/summary?period=current_month"_s, {}, 200, false, true, true},
        {"invoices.csv", "GET", u"/v1/exports/invoices.csv?period=current_month"_s, {}, 200, false, true, true},
        {"usage.csv",
         "GET",
         u"/v1/exports/usage.csv?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z"_s,
         {},
         200,
         false,
         true,
         true},
        {"customers GET", "GET", u"/v1/customers"_s, {}, 200, false, true, true},
        {"customer GET", "GET", u"/v1/customers/acme"_s, {}, 200, false, true, true},
        {"customers POST", "POST", u"/v1/customers"_s, R"({"id":"newco","name":"NewCo"})", 201, false, false, true},
        {"customer PATCH", "PATCH", u"/v1/customers/acme"_s, R"({"name":"Acme 2"})", 200, false, false, true},
        {"customer DELETE", "DELETE", u"/v1/customers/acme"_s, {}, 204, false, false, true},
        {"plans GET", "GET", u"/v1/plans"_s, {}, 200, false, true, true},
        {"plan GET", "GET", u"/v1/plans/pro"_s, {}, 200, false, true, true},
        {"meters GET", "GET", u"/v1/meters"_s, {}, 200, false, true, true},
        {"meter GET", "GET", u"/v1/meters/tokens"_s, {}, 200, false, true, true},
        {"meter PUT",
         "PUT",
         u"/v1/meters/tokens"_s,
         R"({"name":"Tokens 2","aggregation":"sum"})",
         200,
         false,
         false,
         true},
        {"limits GET", "GET", u"/v1/limits"_s, {}, 200, false, true, true},
        {"limit GET", "GET", u"/v1/limits/pro:tokens:month"_s, {}, 200, false, true, true},
        {"plans PUT", "PUT", u"/v1/plans/pro"_s, R"({"name":"Pro 2"})", 200, false, false, true},
        {"meters POST",
         "POST",
         u"/v1/meters"_s,
         R"({"id":"calls","name":"Calls","aggregation":"count"})",
         201,
         false,
         false,
         true},
        {"limits POST",
         "POST",
         u"/v1/limits"_s,
         R"({"scope":"customer","customerId":"acme","meterId":"tokens","period":"day","value":5})",
         201,
         false,
         false,
         true},
        {"balance GET", "GET", u"/v1/customers/acme/balance"_s, {}, 200, false, true, true},
        {"balance credit",
         "POST",
         u"/v1/customers/acme/balance/credit"_s,
         R"({"amount":"5"})",
         201,
         false,
         false,
         true},
        {"balance debit", "POST", u"/v1/customers/acme/balance/debit"_s, R"({"amount":"5"})", 201, false, false, true},
        {"balance reserve PUT",
         "PUT",
         u"/v1/customers/acme/balance/reserve"_s,
         R"({"reserve":"5"})",
         200,
         false,
         false,
         true},
        {"transactions GET", "GET", u"/v1/customers/acme/balance/transactions"_s, {}, 200, false, true, true},
        {"api-keys GET", "GET", u"/v1/api-keys"_s, {}, 200, false, true, true},
        {"api-keys POST", "POST", u"/v1/api-keys"_s, R"({"name":"ci","scope":"read"})", 201, false, false, true},
        {"webhooks GET", "GET", u"/v1/webhooks"_s, {}, 200, false, true, true},
        {"webhook deliveries GET", "GET", u"/v1/webhooks/{webhook}/deliveries"_s, {}, 200, false, true, true},
        {"webhook DELETE", "DELETE", u"/v1/webhooks/{webhook}"_s, {}, 204, false, false, true},
        {"api-key DELETE", "DELETE", u"/v1/api-keys/{apikey}"_s, {}, 204, false, false, true},
        {"webhooks POST",
         "POST",
         u"/v1/webhooks"_s,
         R"({"url":"https://example.com/hook","events":["limit.exceeded"]})",
         201,
         false,
         false,
         true},
        {"changes", "GET", u"/v1/changes"_s, {}, 200, false, true, true},
        {"usage changes", "GET", u"/v1/usage/changes"_s, {}, 200, false, true, true},
        {"healthz", "GET", u"/healthz"_s, {}, 200, true, true, true, true},
        {"metrics", "GET", u"/metrics"_s, {}, 200, true, true, true, true},
    };
}

} // namespace

class TestApiAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matrix_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("key"); // none, ingest, read, admin
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code"); // unauthorized, forbidden, or empty for an allowed call
        for (const Family& f : families()) {
            const auto add = [&](const char* key, bool allowed) {
                const QString code = allowed                     ? QString()
                                     : qstrcmp(key, "none") == 0 ? u"unauthorized"_s
                                                                 : u"forbidden"_s;
                const int status = allowed ? f.success : qstrcmp(key, "none") == 0 ? 401 : 403;
                QTest::addRow("%s / %s", f.name, key)
                    << f.method << f.path << f.body << QString::fromLatin1(key) << status << code;
            };
            add("none", f.isPublic);
            add("ingest", f.ingest);
            add("read", f.read);
            add("admin", f.admin);
        }
    }
    void matrix()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(QString, key);
        QFETCH(int, status);
        QFETCH(QString, code);

        ApiTestServer server;
        Service& service = server.service();
        Meter meter;
        meter.id = u"tokens"_s;
        meter.name = u"Tokens"_s;
        QVERIFY(service.createMeter(meter).ok());
        Plan plan;
        plan.id = u"pro"_s;
        plan.name = u"Pro"_s;
        Limit limit;
        limit.scope = LimitScope::Plan;
        limit.planId = plan.id;
        limit.meterId = meter.id;
        limit.period = Period::Month;
        limit.value = 1000;
        plan.limits << limit;
        Price price;
        price.meterId = meter.id;
        price.unitPrice = *Money::parse(u"0.01");
        plan.prices << price;
        QVERIFY(service.createPlan(plan).ok());
        Customer customer;
        customer.id = u"acme"_s;
        customer.name = u"Acme"_s;
        customer.planId = plan.id;
        QVERIFY(service.createCustomer(customer).ok());
        BalanceChange credit;
        credit.amount = *Money::parse(u"100");
        QVERIFY(service.credit(customer.id, credit).ok());
        CheckRequest hold;
        hold.customerId = customer.id;
        hold.meterId = meter.id;
        hold.reserve = 1;
        const auto held = service.check(hold);
        QVERIFY(held.ok() && held->reservation);
        path.replace(u"{reservation}"_s, held->reservation->id);
        WebhookEndpoint endpoint;
        endpoint.url = u"https://example.com/hook"_s;
        endpoint.events = QStringList{u"balance.low"_s};
        const auto webhook = service.createWebhook(endpoint);
        QVERIFY(webhook.ok());
        path.replace(u"{webhook}"_s, webhook->id);
        const auto spare = service.createApiKey(u"spare"_s, KeyScope::Read);
        QVERIFY(spare.ok());
        path.replace(u"{apikey}"_s, spare->key.id);

        QString secret = u"-"_s;
        if (key == u"ingest"_s)
            secret = server.key(KeyScope::Ingest);
        else if (key == u"read"_s)
            secret = server.key(KeyScope::Read);
        else if (key == u"admin"_s)
            secret = server.key(KeyScope::Admin);
        QVERIFY(!secret.isEmpty());

        const HttpResult r = server.request(method, path, body, secret);
        QVERIFY2(r.status == status,
                 qPrintable(u"%1 %2 with %3 -> %4 %5"_s.arg(QString::fromLatin1(method), path, key)
                                .arg(r.status)
                                .arg(QString::fromUtf8(r.body.left(300)))));
        if (!code.isEmpty()) {
            QCOMPARE(r.errorCode(), code);
            QCOMPARE(r.json.keys(), QStringList{u"error"_s});
        } else {
            QVERIFY2(r.errorCode().isEmpty(), r.body.constData());
        }
    }

    // A key that is not valid is refused even on a route any scope could use; public routes ignore keys.
    void invalidKey_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addRow("customers") << u"/v1/customers"_s << 401;
        QTest::addRow("changes") << u"/v1/changes"_s << 401;
        QTest::addRow("healthz") << u"/healthz"_s << 200;
        QTest::addRow("metrics") << u"/metrics"_s << 200;
    }
    void invalidKey()
    {
        QFETCH(QString, path);
        QFETCH(int, status);
        ApiTestServer server;
        const HttpResult r = server.get(path, u"mlk_000000000000000000_nope"_s);
        QCOMPARE(r.status, status);
        if (status == 401)
            QCOMPARE(r.errorCode(), u"unauthorized"_s);
    }

    // /metrics is Prometheus text, /healthz JSON; neither needs a key.
    void publicRoutes_answerTheirFormats()
    {
        ApiTestServer server;
        const HttpResult health = server.get(u"/healthz"_s, u"-"_s);
        QCOMPARE(health.status, 200);
        QVERIFY(health.contentType.startsWith("application/json"));
        QCOMPARE(health.json.value("status").toString(), u"ok"_s);
        const HttpResult metrics = server.get(u"/metrics"_s, u"-"_s);
        QCOMPARE(metrics.status, 200);
        QVERIFY2(metrics.contentType.startsWith("text/plain"), metrics.contentType.constData());
        QVERIFY(metrics.body.contains("# TYPE"));
    }
};

QTEST_GUILESS_MAIN(TestApiAuth)
#include "testapiauth.moc"
