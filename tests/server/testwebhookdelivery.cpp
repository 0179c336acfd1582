// Webhook delivery end to end: the API and the dispatcher in this process, a loopback receiver that checks
// every signature with its own HMAC. Retries run on the real schedule scaled down (5 s → 5 ms); the real
// schedule's values are checked on their own.

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include "apitestserver.h"
#include "core/periods.h"
#include "core/webhookretryschedule.h"
#include "server/api/webhookdispatcher.h"
#include "testsupport.h"
#include "webhookreceiver.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

using Meterline::Api::WebhookDispatcher;
using Meterline::Api::WebhookSender;
using Meterline::Api::WebhookTargets;

namespace
{

WebhookSender::Options fastOptions(double retryScale = 0.001, int timeoutMs = 2000)
{
    WebhookSender::Options o;
    o.pollIntervalMs = 20;
    o.timeoutMs = timeoutMs;
    o.retryScale = retryScale;
    QString error;
    o.targets = *WebhookTargets::fromAllowList(u"127.0.0.1"_s, &error); // the receiver's address
    return o;
}

} // namespace

class TestWebhookDelivery : public QObject
{
    Q_OBJECT

    // Creates an endpoint over the API for the receiver; returns {id, secret}.
    static QPair<QString, QString> createEndpoint(ApiTestServer& api, const WebhookReceiver& receiver)
    {
        const auto created = api.post(
            u"/v1/webhooks"_s,
            QJsonObject{
                {u"url"_s, receiver.url()},
                {u"events"_s,
                 QJsonArray{u"limit.threshold"_s, u"limit.exceeded"_s, u"balance.low"_s, u"balance.depleted"_s}},
                {u"balanceLowThreshold"_s, u"5"_s}});
        if (created.status != 201)
            qWarning() << created.body;
        return {created.json.value(u"id"_s).toString(), created.json.value(u"secret"_s).toString()};
    }

    static QJsonObject onlyDelivery(ApiTestServer& api, const QString& endpointId)
    {
        const auto listed = api.get(u"/v1/webhooks/%1/deliveries"_s.arg(endpointId));
        const QJsonArray data = listed.json.value(u"data"_s).toArray();
        return data.size() == 1 ? data.first().toObject() : QJsonObject();
    }

    static QString stateOf(ApiTestServer& api, const QString& endpointId)
    {
        return onlyDelivery(api, endpointId).value(u"state"_s).toString();
    }

private Q_SLOTS:
    void testEvent_isSignedAndCarriesTheStandardHeaders()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        const auto [endpointId, secret] = createEndpoint(api, receiver);
        QVERIFY(secret.startsWith(u"whsec_"_s));
        WebhookDispatcher dispatcher(api.db(), fastOptions());
        dispatcher.start();

        const auto queued = api.post(u"/v1/webhooks/%1/test"_s.arg(endpointId), {});
        QCOMPARE(queued.status, 202);
        QCOMPARE(queued.json.value(u"eventType"_s).toString(), u"webhook.test"_s);
        QTRY_COMPARE_WITH_TIMEOUT(receiver.received().size(), 1, 10000);
        const ReceivedWebhook hook = receiver.received().first();
        QVERIFY(WebhookReceiver::verify(secret, hook));
        QCOMPARE(hook.id(), queued.json.value(u"id"_s).toString().toUtf8());
        QVERIFY(qAbs(hook.timestamp() - QDateTime::currentSecsSinceEpoch()) < 10);
        QVERIFY(hook.headers.value("content-type").startsWith("application/json"));
        const QJsonObject payload = QJsonDocument::fromJson(hook.body).object();
        QCOMPARE(payload.value(u"type"_s).toString(), u"webhook.test"_s);
        QCOMPARE(payload.value(u"data"_s).toObject().value(u"endpointId"_s).toString(), endpointId);
        QVERIFY(Periods::parseIso(payload.value(u"timestamp"_s).toString()).isValid());

        QTRY_COMPARE_WITH_TIMEOUT(stateOf(api, endpointId), u"delivered"_s, 5000);
        const QJsonObject delivery = onlyDelivery(api, endpointId);
        QCOMPARE(delivery.value(u"attempts"_s).toInt(), 1);
        QCOMPARE(delivery.value(u"lastStatus"_s).toInt(), 200);
        const QJsonArray log = delivery.value(u"attemptLog"_s).toArray();
        QCOMPARE(log.size(), 1);
        QCOMPARE(log.first().toObject().value(u"status"_s).toInt(), 200);
        QVERIFY(log.first().toObject().value(u"durationMs"_s).toInteger() >= 0);
        QVERIFY(log.first().toObject().value(u"error"_s).isNull());
    }

    void tamperedBody_failsVerification()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        const auto [endpointId, secret] = createEndpoint(api, receiver);
        WebhookDispatcher dispatcher(api.db(), fastOptions());
        dispatcher.start();
        QCOMPARE(api.post(u"/v1/webhooks/%1/test"_s.arg(endpointId), {}).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(receiver.received().size(), 1, 10000);
        const ReceivedWebhook real = receiver.received().first();
        QVERIFY(WebhookReceiver::verify(secret, real));

        ReceivedWebhook tampered = real;
        tampered.body.replace("webhook.test", "webhook.tesT");
        QVERIFY(tampered.body != real.body);
        QVERIFY(!WebhookReceiver::verify(secret, tampered));
        ReceivedWebhook otherId = real;
        otherId.headers.insert("webhook-id", "msg_forged");
        QVERIFY(!WebhookReceiver::verify(secret, otherId));
        const auto otherEndpoint =
            api.service().createWebhook(WebhookEndpoint{{}, receiver.url(), {u"balance.low"_s}, {}, {}, false, {}});
        VERIFY_OK(otherEndpoint);
        QVERIFY(!WebhookReceiver::verify(otherEndpoint->secret, real));
        // The signature binds the timestamp: an old one is refused even with its own valid signature.
        QVERIFY(!WebhookReceiver::verify(secret, real, real.timestamp() + 301));
        QVERIFY(WebhookReceiver::verify(secret, real, real.timestamp() + 299));
    }

    void failingReceiver_getsTheFourthTryWithTheSameId()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        receiver.answerWith({500, 503, 500});
        const auto [endpointId, secret] = createEndpoint(api, receiver);
        WebhookDispatcher dispatcher(api.db(), fastOptions());
        dispatcher.start();
        const auto queued = api.post(u"/v1/webhooks/%1/test"_s.arg(endpointId), {});
        QCOMPARE(queued.status, 202);

        QTRY_COMPARE_WITH_TIMEOUT(stateOf(api, endpointId), u"delivered"_s, 10000);
        QCOMPARE(receiver.received().size(), 4);
        for (const ReceivedWebhook& hook : receiver.received()) {
            QCOMPARE(hook.id(), queued.json.value(u"id"_s).toString().toUtf8());
            QVERIFY(WebhookReceiver::verify(secret, hook));
            QCOMPARE(hook.body, receiver.received().first().body);
        }
        const QJsonObject delivery = onlyDelivery(api, endpointId);
        QCOMPARE(delivery.value(u"attempts"_s).toInt(), 4);
        const QJsonArray log = delivery.value(u"attemptLog"_s).toArray();
        QCOMPARE(log.size(), 4);
        const QList<int> statuses{500, 503, 500, 200};
        for (int i = 0; i < 4; ++i) {
            const QJsonObject attempt = log.at(i).toObject();
            QCOMPARE(attempt.value(u"attempt"_s).toInt(), i + 1);
            QCOMPARE(attempt.value(u"status"_s).toInt(), statuses.at(i));
            QCOMPARE(attempt.value(u"error"_s).toString(),
                     statuses.at(i) == 200 ? QString() : u"HTTP %1"_s.arg(statuses.at(i)));
        }
    }

    void hangingReceiver_timesOutAndIsTriedAgain()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        receiver.answerWith({WebhookReceiver::Hang});
        const auto [endpointId, secret] = createEndpoint(api, receiver);
        WebhookDispatcher dispatcher(api.db(), fastOptions(0.001, 300));
        dispatcher.start();
        QCOMPARE(api.post(u"/v1/webhooks/%1/test"_s.arg(endpointId), {}).status, 202);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(api, endpointId), u"delivered"_s, 10000);
        const QJsonArray log = onlyDelivery(api, endpointId).value(u"attemptLog"_s).toArray();
        QCOMPARE(log.size(), 2);
        QVERIFY(log.at(0).toObject().value(u"status"_s).isNull());
        QCOMPARE(log.at(0).toObject().value(u"error"_s).toString(), u"no answer within 300 ms"_s);
        QVERIFY(log.at(0).toObject().value(u"durationMs"_s).toInteger() >= 250); // Qt's timer is coarse
        QCOMPARE(log.at(1).toObject().value(u"status"_s).toInt(), 200);
        QCOMPARE(receiver.received().at(0).id(), receiver.received().at(1).id());
    }

    void gone410_disablesTheEndpoint()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        receiver.answerWith({410});
        const auto [endpointId, secret] = createEndpoint(api, receiver);
        QVERIFY(api.service().sendTestWebhook(endpointId).ok());
        WebhookDispatcher dispatcher(api.db(), fastOptions());
        dispatcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(api, endpointId), u"failed"_s, 10000);
        QCOMPARE(receiver.received().size(), 1);
        const auto listed = api.get(u"/v1/webhooks"_s);
        QCOMPARE(listed.json.value(u"data"_s).toArray().first().toObject().value(u"disabled"_s).toBool(), true);
        QCOMPARE(onlyDelivery(api, endpointId).value(u"lastStatus"_s).toInt(), 410);

        // A disabled endpoint gets nothing more: no test event, no retry, no emission.
        const auto test = api.post(u"/v1/webhooks/%1/test"_s.arg(endpointId), {});
        QCOMPARE(test.status, 409);
        const QString deliveryId = onlyDelivery(api, endpointId).value(u"id"_s).toString();
        QCOMPARE(api.post(u"/v1/webhooks/%1/deliveries/%2/retry"_s.arg(endpointId, deliveryId), {}).status, 409);
        QVERIFY(api.service().createCustomer(Customer{u"acme"_s, u"Acme"_s, {}, {}, {}, {}}).ok());
        QVERIFY(api.service().credit(u"acme"_s, BalanceChange{Money::fromMicros(10'000'000), {}, {}, {}}).ok());
        QVERIFY(api.service().debit(u"acme"_s, BalanceChange{Money::fromMicros(10'000'000), {}, {}, {}}).ok());
        QCOMPARE(api.service().webhookDeliveries(endpointId)->size(), 1);
    }

    void retryNow_sendsAtOnceUnderTheSameId()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        receiver.answerWith({500});
        const auto [endpointId, secret] = createEndpoint(api, receiver);
        // The real schedule: after the first failure the next try is about 5 s away.
        WebhookDispatcher dispatcher(api.db(), fastOptions(1.0));
        dispatcher.start();
        const auto queued = api.post(u"/v1/webhooks/%1/test"_s.arg(endpointId), {});
        const QString deliveryId = queued.json.value(u"id"_s).toString();
        QTRY_COMPARE_WITH_TIMEOUT(onlyDelivery(api, endpointId).value(u"attempts"_s).toInt(), 1, 10000);
        const QDateTime next = Periods::parseIso(onlyDelivery(api, endpointId).value(u"nextAttemptAt"_s).toString());
        const qint64 wait = QDateTime::currentDateTimeUtc().msecsTo(next);
        QVERIFY2(wait > 1000 && wait <= 6000, qPrintable(QString::number(wait)));

        const QString retryPath = u"/v1/webhooks/%1/deliveries/%2/retry"_s.arg(endpointId, deliveryId);
        QCOMPARE(api.post(retryPath, {}, api.key(KeyScope::Read)).status, 403);
        const auto retried = api.post(retryPath, {});
        QCOMPARE(retried.status, 202);
        QCOMPARE(retried.json.value(u"state"_s).toString(), u"pending"_s);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(api, endpointId), u"delivered"_s, 5000);
        QVERIFY(QDateTime::currentDateTimeUtc() < next); // sent before its scheduled retry
        QCOMPARE(receiver.received().size(), 2);
        QCOMPARE(receiver.received().at(1).id(), deliveryId.toUtf8());
        QVERIFY(WebhookReceiver::verify(secret, receiver.received().at(1)));

        QCOMPARE(api.post(u"/v1/webhooks/%1/deliveries/msg_nope/retry"_s.arg(endpointId), {}).status, 404);
        QCOMPARE(api.post(u"/v1/webhooks/we_nope/test"_s, {}).status, 404);
    }

    void limitCrossing_overTheApi_reachesTheReceiver()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        const auto [endpointId, secret] = createEndpoint(api, receiver);
        QCOMPARE(
            api.post(u"/v1/meters"_s, {{u"id"_s, u"tokens"_s}, {u"name"_s, u"Tokens"_s}, {u"aggregation"_s, u"sum"_s}})
                .status,
            201);
        QCOMPARE(api.post(u"/v1/plans"_s,
                          {{u"id"_s, u"pro"_s},
                           {u"name"_s, u"Pro"_s},
                           {u"limits"_s,
                            QJsonArray{QJsonObject{
                                {u"meterId"_s, u"tokens"_s}, {u"period"_s, u"month"_s}, {u"value"_s, 100}}}}})
                     .status,
                 201);
        QCOMPARE(api.post(u"/v1/customers"_s, {{u"id"_s, u"acme"_s}, {u"name"_s, u"Acme"_s}, {u"planId"_s, u"pro"_s}})
                     .status,
                 201);
        WebhookDispatcher dispatcher(api.db(), fastOptions());
        dispatcher.start();
        QCOMPARE(
            api.post(u"/v1/events"_s, {{u"customerId"_s, u"acme"_s}, {u"eventType"_s, u"tokens"_s}, {u"value"_s, 85}})
                .status,
            201);
        QTRY_COMPARE_WITH_TIMEOUT(receiver.received().size(), 1, 10000);
        const ReceivedWebhook hook = receiver.received().first();
        QVERIFY(WebhookReceiver::verify(secret, hook));
        const QJsonObject payload = QJsonDocument::fromJson(hook.body).object();
        QCOMPARE(payload.value(u"type"_s).toString(), u"limit.threshold"_s);
        const QJsonObject data = payload.value(u"data"_s).toObject();
        QCOMPARE(data.value(u"customerId"_s).toString(), u"acme"_s);
        QCOMPARE(data.value(u"threshold"_s).toInt(), 80);
        QCOMPARE(data.value(u"used"_s).toDouble(), 85.0);
        QCOMPARE(data.value(u"limit"_s).toDouble(), 100.0);
    }

    void twoDispatchersOnOneDatabase_sendEachDeliveryOnce()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        const auto [endpointId, secret] = createEndpoint(api, receiver);
        QSet<QByteArray> queued;
        for (int i = 0; i < 40; ++i) {
            const auto test = api.service().sendTestWebhook(endpointId);
            QVERIFY(test.ok());
            queued.insert(test->id.toUtf8());
        }
        // Two senders polling the same outbox, as two servers on one database would.
        WebhookDispatcher first(api.db(), fastOptions());
        WebhookDispatcher second(api.db(), fastOptions());
        first.start();
        second.start();
        QTRY_COMPARE_WITH_TIMEOUT(receiver.received().size(), 40, 20000);
        QTest::qWait(300); // a second copy would arrive within a few polls
        QSet<QByteArray> ids;
        for (const ReceivedWebhook& hook : receiver.received())
            ids.insert(hook.id());
        QCOMPARE(receiver.received().size(), 40);
        QCOMPARE(ids, queued);
    }

    void retrySchedule_realValues()
    {
        const WebhookRetrySchedule real(1.0, 0.0);
        const QList<qint64> expected{5'000, 30'000, 120'000, 600'000, 1'800'000, 3'600'000, 3'600'000, 3'600'000};
        for (int failed = 1; failed <= expected.size(); ++failed)
            QCOMPARE(real.baseDelayMs(failed), expected.at(failed - 1));
        QCOMPARE(real.retryWindowMs(), qint64(24) * 3'600'000);

        // Jitter stays within ±20 %, and the first retry starts within 10 s of the failure (SPEC §5).
        const WebhookRetrySchedule jittered;
        QSet<qint64> seen;
        for (int i = 0; i < 200; ++i) {
            const qint64 first = jittered.delayMs(1);
            QVERIFY(first >= 4'000 && first <= 6'000);
            seen.insert(first);
            const qint64 later = jittered.delayMs(9);
            QVERIFY(later >= 2'880'000 && later <= 4'320'000);
        }
        QVERIFY(seen.size() > 10);

        // Tries go on for at least 24 h: not given up one millisecond before, given up at 24 h.
        QVERIFY(!real.givesUp(0, 24 * 3'600'000 - 1));
        QVERIFY(real.givesUp(0, 24 * 3'600'000));
        // Walking the schedule: the last try is at or after 24 h, and there are 29 of them after the first.
        qint64 at = 0;
        int tries = 1;
        while (!real.givesUp(0, at)) {
            at += real.baseDelayMs(tries);
            ++tries;
        }
        QVERIFY(at >= 24 * 3'600'000 && at < 25 * 3'600'000);
        QCOMPARE(tries, 30);

        const WebhookRetrySchedule scaled(0.001, 0.0);
        QCOMPARE(scaled.baseDelayMs(1), qint64(5));
        QCOMPARE(scaled.retryWindowMs(), qint64(86'400));
    }
};

QTEST_GUILESS_MAIN(TestWebhookDelivery)
#include "testwebhookdelivery.moc"
