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

    void rateLimitedKey_getsTooManyRequestsPastItsBurst()
    {
        ApiTestServer server;
        auto limited = server.service().createApiKey(QStringLiteral("limited"), KeyScope::Read, 3);
        QVERIFY(limited.ok());
        int ok = 0;
        int limitedCount = 0;
        for (int i = 0; i < 10; ++i) {
            auto r = server.get(QStringLiteral("/v1/customers"), limited->secret);
            if (r.status == 200) {
                ++ok;
            } else {
                QCOMPARE(r.status, 429);
                QCOMPARE(r.errorCode(), QStringLiteral("rate_limited"));
                ++limitedCount;
            }
        }
        QVERIFY2(ok >= 3 && ok <= 5, qPrintable(QString::number(ok))); // a burst of 3, refilled at 3/s
        QVERIFY(limitedCount >= 5);
        // A key without a limit is never limited; the limited key recovers after a second.
        for (int i = 0; i < 20; ++i)
            QCOMPARE(server.get(QStringLiteral("/v1/customers")).status, 200);
        QTest::qWait(1100);
        QCOMPARE(server.get(QStringLiteral("/v1/customers"), limited->secret).status, 200);
    }

    void keyUse_isRecorded()
    {
        ApiTestServer server;
        auto key = server.service().createApiKey(QStringLiteral("used"), KeyScope::Read);
        QVERIFY(key.ok());
        QVERIFY(!server.service().apiKeys()->last().lastUsedAt.isValid());
        QCOMPARE(server.get(QStringLiteral("/v1/customers"), key->secret).status, 200);
        const auto keys = server.service().apiKeys();
        for (const ApiKey& k : keys.value()) {
            if (k.id == key->key.id)
                QVERIFY(k.lastUsedAt.isValid());
        }
    }

    void apiKeyCreate_takesARateLimit()
    {
        ApiTestServer server;
        auto r = server.post(QStringLiteral("/v1/api-keys"),
                             QJsonObject{{"name", "n"}, {"scope", "ingest"}, {"rateLimit", 50}});
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value("rateLimit").toInt(), 50);
        auto bad = server.post(QStringLiteral("/v1/api-keys"),
                               QJsonObject{{"name", "n"}, {"scope", "ingest"}, {"rateLimit", -1}});
        QCOMPARE(bad.status, 400);
        QCOMPARE(bad.errorField(), QStringLiteral("rateLimit"));
    }
};

QTEST_GUILESS_MAIN(TestApiSmoke)
#include "testapismoke.moc"
