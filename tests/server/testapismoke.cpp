// Smoke test of the API stack: health, auth, one create, the seed flow's first steps.

#include "apitestserver.h"

using namespace Meterline;
using namespace Meterline::Testing;

class TestApiSmoke : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void healthz_needsNoKey()
    {
        ApiTestServer server;
        auto r = server.get(QStringLiteral("/healthz"), QStringLiteral("-"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    }

    void customers_needAKey()
    {
        ApiTestServer server;
        auto r = server.get(QStringLiteral("/v1/customers"), QStringLiteral("-"));
        QCOMPARE(r.status, 401);
        QCOMPARE(r.errorCode(), QStringLiteral("unauthorized"));
    }

    void checkRecordCheck()
    {
        ApiTestServer server;
        QCOMPARE(server
                     .post(QStringLiteral("/v1/meters"),
                           QJsonObject{{"id", "llm-tokens"}, {"name", "Tokens"}, {"aggregation", "sum"}})
                     .status,
                 201);
        QJsonObject plan{{"id", "pro"}, {"name", "Pro"}};
        plan.insert("limits", QJsonArray{QJsonObject{{"meterId", "llm-tokens"}, {"period", "month"}, {"value", 100}}});
        QCOMPARE(server.post(QStringLiteral("/v1/plans"), plan).status, 201);
        QCOMPARE(
            server
                .post(QStringLiteral("/v1/customers"), QJsonObject{{"id", "acme"}, {"name", "Acme"}, {"planId", "pro"}})
                .status,
            201);
        const QString ingest = server.key(KeyScope::Ingest);
        auto check = server.post(
            QStringLiteral("/v1/limits/check"), QJsonObject{{"customerId", "acme"}, {"meterId", "llm-tokens"}}, ingest);
        QCOMPARE(check.status, 200);
        QCOMPARE(check.json.value("allowed").toBool(), true);
        auto record = server.post(QStringLiteral("/v1/events"),
                                  QJsonObject{{"customerId", "acme"}, {"eventType", "llm.completion"}, {"value", 100}},
                                  ingest);
        QCOMPARE(record.status, 201);
        check = server.post(
            QStringLiteral("/v1/limits/check"), QJsonObject{{"customerId", "acme"}, {"meterId", "llm-tokens"}}, ingest);
        QCOMPARE(check.json.value("allowed").toBool(), false);
        QCOMPARE(check.json.value("reason").toString(), QStringLiteral("limit_exceeded"));
    }
};

QTEST_GUILESS_MAIN(TestApiSmoke)
#include "testapismoke.moc"
