// Concurrency over HTTP (SPEC §2): idempotent records and replays, batches with bad events, racing debits
// that must never overdraw, racing reservations against a hard cap, and 1,000 concurrent records (group commit).
// QNetworkAccessManager opens at most 6 connections per host, so the racing tests spread their requests over
// many managers and start them all before any answer is read.

#include <QSet>
#include <memory>
#include <vector>

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

struct Call
{
    QByteArray method;
    QString path;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
};

// Sends every call at once over `managers` QNetworkAccessManagers (6 connections each) and waits for all answers
// (at most 30 s). Answers come back in call order.
QList<HttpResult> sendAll(ApiTestServer& server, const QString& key, const QList<Call>& calls, int managers)
{
    std::vector<std::unique_ptr<QNetworkAccessManager>> nams;
    for (int i = 0; i < managers; ++i)
        nams.push_back(std::make_unique<QNetworkAccessManager>());
    QList<HttpResult> results(calls.size());
    qsizetype pending = calls.size();
    QEventLoop loop;
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const Call& call = calls.at(i);
        QNetworkRequest request(server.url(call.path));
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        request.setRawHeader("Authorization", "Bearer " + key.toLatin1());
        if (!call.body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        for (const auto& [name, value] : call.headers)
            request.setRawHeader(name, value);
        QNetworkReply* reply = nams[size_t(i % managers)]->sendCustomRequest(request, call.method, call.body);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&results, &pending, &loop, reply, i] {
            HttpResult& r = results[i];
            r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            r.body = reply->readAll();
            r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
            r.error = reply->error();
            r.json = QJsonDocument::fromJson(r.body).object();
            reply->deleteLater();
            if (--pending == 0)
                loop.quit();
        });
    }
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    if (pending > 0)
        loop.exec();
    return results;
}

QMap<int, int> statusCounts(const QList<HttpResult>& results)
{
    QMap<int, int> counts;
    for (const HttpResult& r : results)
        ++counts[r.status];
    return counts;
}

QByteArray compactJson(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// Meter "tokens" (sum of every event type); plan "capped" with a hard month cap of `cap` tokens; customer acme
// on it.
void seed(ApiTestServer& server, double cap = 1000000)
{
    QCOMPARE(
        server.post(u"/v1/meters"_s, QJsonObject{{"id", "tokens"}, {"name", "Tokens"}, {"aggregation", "sum"}}).status,
        201);
    QJsonObject plan{{"id", "capped"}, {"name", "Capped"}};
    plan.insert("limits",
                QJsonArray{QJsonObject{{"meterId", "tokens"}, {"period", "month"}, {"value", cap}, {"mode", "hard"}}});
    QCOMPARE(server.post(u"/v1/plans"_s, plan).status, 201);
    QCOMPARE(
        server.post(u"/v1/customers"_s, QJsonObject{{"id", "acme"}, {"name", "Acme"}, {"planId", "capped"}}).status,
        201);
}

double usageOf(ApiTestServer& server, const QString& customerId)
{
    const HttpResult r = server.get(u"/v1/meters/tokens/usage?period=lifetime&customerId="_s + customerId);
    return r.status == 200 ? r.json.value("value").toDouble() : -1;
}

qsizetype eventCount(ApiTestServer& server, const QString& customerId)
{
    EventQuery query;
    query.customerId = customerId;
    query.limit = 1000;
    const auto page = server.service().events(query);
    return page.ok() ? page->data.size() : -1;
}

} // namespace

class TestApiConcurrency : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void idempotency_replayAnsweredAsTheFirstTime()
    {
        ApiTestServer server;
        seed(server);
        STOP_IF_FAILED();
        const QString ingest = server.key(KeyScope::Ingest);
        const QJsonObject first{{"customerId", "acme"},
                                {"eventType", "llm.completion"},
                                {"value", 7},
                                {"dimensions", QJsonObject{{"model", "gpt-4o"}}},
                                {"idempotencyKey", "req-1"}};
        HttpResult r = server.post(u"/v1/events"_s, first, ingest);
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value("duplicate").toBool(true), false);
        const QString id = r.json.value("id").toString();
        const QString timestamp = r.json.value("timestamp").toString();
        QVERIFY(!id.isEmpty());

        r = server.post(u"/v1/events"_s, first, ingest);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("duplicate").toBool(), true);
        QCOMPARE(r.json.value("id").toString(), id);
        QCOMPARE(r.json.value("timestamp").toString(), timestamp);
        QCOMPARE(r.json.value("value").toDouble(), 7.0);

        // The Idempotency-Key header works the same, and names the same key as the body's field.
        const QJsonObject second{{"customerId", "acme"}, {"eventType", "llm.completion"}, {"value", 11}};
        const QList<QPair<QByteArray, QByteArray>> header{{"Idempotency-Key", "req-2"},
                                                          {"Content-Type", "application/json"}};
        r = server.request("POST", u"/v1/events"_s, compactJson(second), ingest, header);
        QCOMPARE(r.status, 201);
        const QString secondId = r.json.value("id").toString();
        QVERIFY(secondId != id);
        r = server.request("POST", u"/v1/events"_s, compactJson(second), ingest, header);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("duplicate").toBool(), true);
        QCOMPARE(r.json.value("id").toString(), secondId);
        QJsonObject secondInBody = second;
        secondInBody.insert("idempotencyKey", "req-2");
        r = server.post(u"/v1/events"_s, secondInBody, ingest);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("id").toString(), secondId);

        // Same key, another payload.
        QJsonObject changed = first;
        changed.insert("value", 8);
        r = server.post(u"/v1/events"_s, changed, ingest);
        QCOMPARE(r.status, 409);
        QCOMPARE(r.errorCode(), u"idempotency_conflict"_s);
        QJsonObject secondChanged = second;
        secondChanged.insert("value", 12);
        r = server.request("POST", u"/v1/events"_s, compactJson(secondChanged), ingest, header);
        QCOMPARE(r.status, 409);
        QCOMPARE(r.errorCode(), u"idempotency_conflict"_s);

        // The key is per customer: another customer may use it.
        QCOMPARE(server.post(u"/v1/customers"_s, QJsonObject{{"id", "globex"}, {"name", "Globex"}}).status, 201);
        QJsonObject other = first;
        other.insert("customerId", "globex");
        r = server.post(u"/v1/events"_s, other, ingest);
        QCOMPARE(r.status, 201);
        QVERIFY(r.json.value("id").toString() != id);

        // Counted once each.
        QCOMPARE(usageOf(server, u"acme"_s), 18.0);
        QCOMPARE(eventCount(server, u"acme"_s), 2);
    }

    // The same key sent many times at once: one new event, every other answer a replay of it.
    void idempotency_concurrentReplaysLandOnce()
    {
        ApiTestServer server(4);
        seed(server);
        STOP_IF_FAILED();
        const QByteArray body = compactJson(
            QJsonObject{{"customerId", "acme"}, {"eventType", "e"}, {"value", 5}, {"idempotencyKey", "once"}});
        QList<Call> calls;
        for (int i = 0; i < 60; ++i)
            calls << Call{"POST", u"/v1/events"_s, body, {}};
        const QList<HttpResult> results = sendAll(server, server.key(KeyScope::Ingest), calls, 10);
        QCOMPARE(statusCounts(results), (QMap<int, int>{{200, 59}, {201, 1}}));
        QSet<QString> ids;
        int duplicates = 0;
        for (const HttpResult& r : results) {
            ids << r.json.value("id").toString();
            duplicates += r.json.value("duplicate").toBool() ? 1 : 0;
        }
        QCOMPARE(ids.size(), 1);
        QCOMPARE(duplicates, 59);
        QCOMPARE(usageOf(server, u"acme"_s), 5.0);
    }

    void batch_validEventsLandBesideRejectedOnes()
    {
        ApiTestServer server;
        seed(server);
        STOP_IF_FAILED();
        const QString future = QDateTime::currentDateTimeUtc().addSecs(10 * 60).toString(Qt::ISODate);
        const QJsonObject keyed{{"customerId", "acme"}, {"eventType", "e"}, {"value", 2}, {"idempotencyKey", "b-1"}};
        const QJsonArray events{
            QJsonObject{{"customerId", "acme"}, {"eventType", "e"}, {"value", 1}},          // 0 valid
            QJsonObject{{"customerId", "acme"}, {"eventType", "e"}, {"value", "x"}},        // 1 wrong type
            QJsonObject{{"customerId", "nobody"}, {"eventType", "e"}, {"value", 100}},      // 2 unknown customer
            keyed,                                                                          // 3 valid, keyed
            QJsonObject{{"customerId", "acme"}, {"eventType", "e"}, {"timestamp", future}}, // 4 too far ahead
            5,                                                                              // 5 not an object
            keyed,                                                                          // 6 replay of 3
            QJsonObject{{"customerId", "acme"}, {"eventType", "bad type!"}},                // 7 bad event type
        };
        const QString ingest = server.key(KeyScope::Ingest);
        HttpResult r = server.post(u"/v1/events/batch"_s, QJsonObject{{"events", events}}, ingest);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("accepted").toInt(), 2);
        QCOMPARE(r.json.value("duplicates").toInt(), 1);
        QStringList rejected;
        for (const QJsonValue& v : r.json.value("rejected").toArray()) {
            const QJsonObject error = v.toObject().value("error").toObject();
            QVERIFY(!error.value("message").toString().isEmpty());
            rejected << u"%1:%2"_s.arg(v.toObject().value("index").toInt()).arg(error.value("code").toString());
        }
        QCOMPARE(rejected,
                 (QStringList{"1:invalid_request",
                              "2:customer_not_found",
                              "4:invalid_request",
                              "5:invalid_request",
                              "7:invalid_request"}));
        const QJsonArray list = r.json.value("rejected").toArray();
        QCOMPARE(list.at(0).toObject().value("error").toObject().value("field").toString(), u"events[1].value"_s);
        QCOMPARE(list.at(3).toObject().value("error").toObject().value("field").toString(), u"events[5]"_s);

        QCOMPARE(usageOf(server, u"acme"_s), 3.0);
        QCOMPARE(eventCount(server, u"acme"_s), 2);

        // The same batch again: the unkeyed event is new, the keyed one a replay (twice).
        r = server.post(u"/v1/events/batch"_s, QJsonObject{{"events", events}}, ingest);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value("accepted").toInt(), 1);
        QCOMPARE(r.json.value("duplicates").toInt(), 2);
        QCOMPARE(r.json.value("rejected").toArray().size(), 5);
        QCOMPARE(usageOf(server, u"acme"_s), 4.0);
    }

    // SPEC §2: an explicit debit never takes available below zero; no race can overdraw.
    void racingDebits_neverOverdraw_data()
    {
        QTest::addColumn<QString>("balance");
        QTest::addColumn<QString>("amount");
        QTest::addColumn<int>("debits");
        QTest::addColumn<int>("managers");
        QTest::addColumn<int>("succeed");
        QTest::addRow("100 by 1, 200 tries") << u"100"_s << u"1.000000"_s << 200 << 8 << 100;
        QTest::addRow("10.5 by 1.5, 40 tries") << u"10.5"_s << u"1.5"_s << 40 << 8 << 7;
        QTest::addRow("0.000003 by 0.000001, 30 tries") << u"0.000003"_s << u"0.000001"_s << 30 << 6 << 3;
    }
    void racingDebits_neverOverdraw()
    {
        QFETCH(QString, balance);
        QFETCH(QString, amount);
        QFETCH(int, debits);
        QFETCH(int, managers);
        QFETCH(int, succeed);
        ApiTestServer server(4);
        seed(server);
        STOP_IF_FAILED();
        QCOMPARE(server.post(u"/v1/customers/acme/balance/credit"_s, QJsonObject{{"amount", balance}}).status, 201);

        QList<Call> calls;
        const QByteArray body = compactJson(QJsonObject{{"amount", amount}, {"reason", "race"}});
        for (int i = 0; i < debits; ++i)
            calls << Call{"POST", u"/v1/customers/acme/balance/debit"_s, body, {}};
        const QList<HttpResult> results = sendAll(server, server.adminKey(), calls, managers);
        QCOMPARE(statusCounts(results), (QMap<int, int>{{201, succeed}, {402, debits - succeed}}));
        for (const HttpResult& r : results) {
            if (r.status == 402)
                QCOMPARE(r.errorCode(), u"insufficient_balance"_s);
        }

        const HttpResult now = server.get(u"/v1/customers/acme/balance"_s);
        QCOMPARE(now.status, 200);
        const Money start = *Money::parse(balance);
        const Money step = *Money::parse(amount);
        const Money left = Money::fromMicros(start.micros() - succeed * step.micros());
        QCOMPARE(now.json.value("balance").toString(), left.toString());

        // The ledger: balance == the sum of its amounts, every balanceAfter ≥ 0 and each one seen once (the
        // debits were serialised).
        const HttpResult ledger = server.get(u"/v1/customers/acme/balance/transactions?limit=1000"_s);
        QCOMPARE(ledger.status, 200);
        const QJsonArray transactions = ledger.json.value("data").toArray();
        QCOMPARE(transactions.size(), succeed + 1);
        qint64 sum = 0;
        QSet<qint64> after;
        for (const QJsonValue& v : transactions) {
            const QJsonObject t = v.toObject();
            sum += Money::parse(t.value("amount").toString())->micros();
            const qint64 balanceAfter = Money::parse(t.value("balanceAfter").toString())->micros();
            QVERIFY(balanceAfter >= 0);
            after << balanceAfter;
        }
        QCOMPARE(sum, left.micros());
        QCOMPARE(after.size(), succeed + 1);
        for (int k = 0; k <= succeed; ++k)
            QVERIFY(after.contains(left.micros() + k * step.micros()));
    }

    // Racing checks with reserve against a hard cap: exactly as many holds as fit.
    void racingReservations_holdNoMoreThanTheCap_data()
    {
        QTest::addColumn<double>("cap");
        QTest::addColumn<double>("reserve");
        QTest::addColumn<int>("checks");
        QTest::addColumn<int>("allowed");
        QTest::addRow("cap 50, reserve 1, 150 checks") << 50.0 << 1.0 << 150 << 50;
        QTest::addRow("cap 10, reserve 3, 40 checks") << 10.0 << 3.0 << 40 << 3;
    }
    void racingReservations_holdNoMoreThanTheCap()
    {
        QFETCH(double, cap);
        QFETCH(double, reserve);
        QFETCH(int, checks);
        QFETCH(int, allowed);
        ApiTestServer server(4);
        seed(server, cap);
        STOP_IF_FAILED();
        const QByteArray body =
            compactJson(QJsonObject{{"customerId", "acme"}, {"meterId", "tokens"}, {"reserve", reserve}});
        QList<Call> calls;
        for (int i = 0; i < checks; ++i)
            calls << Call{"POST", u"/v1/limits/check"_s, body, {}};
        const QList<HttpResult> results = sendAll(server, server.key(KeyScope::Ingest), calls, 10);
        QCOMPARE(statusCounts(results), (QMap<int, int>{{200, checks}}));
        int yes = 0;
        QSet<QString> reservations;
        for (const HttpResult& r : results) {
            if (r.json.value("allowed").toBool()) {
                ++yes;
                reservations << r.json.value("reservation").toObject().value("id").toString();
            } else {
                QCOMPARE(r.json.value("reason").toString(), u"limit_exceeded"_s);
                QVERIFY(!r.json.contains("reservation"));
            }
        }
        QCOMPARE(yes, allowed);
        QCOMPARE(reservations.size(), allowed);

        const HttpResult after = server.post(u"/v1/limits/check"_s,
                                             QJsonObject{{"customerId", "acme"}, {"meterId", "tokens"}},
                                             server.key(KeyScope::Ingest));
        QCOMPARE(after.status, 200);
        const QJsonObject status = after.json.value("limits").toArray().at(0).toObject();
        QCOMPARE(status.value("held").toDouble(), allowed * reserve);
        QCOMPARE(status.value("used").toDouble(), 0.0);
        QCOMPARE(after.json.value("remaining").toDouble(), cap - allowed * reserve);
    }

    // Credits take an idempotency key: the same top-up sent many times at once is applied once.
    void concurrentCreditReplays_applyOnce()
    {
        ApiTestServer server(4);
        seed(server);
        STOP_IF_FAILED();
        const QByteArray body = compactJson(QJsonObject{{"amount", "5"}, {"idempotencyKey", "topup-1"}});
        QList<Call> calls;
        for (int i = 0; i < 40; ++i)
            calls << Call{"POST", u"/v1/customers/acme/balance/credit"_s, body, {}};
        const QList<HttpResult> results = sendAll(server, server.adminKey(), calls, 8);
        QCOMPARE(statusCounts(results), (QMap<int, int>{{200, 39}, {201, 1}}));
        QSet<QString> ids;
        for (const HttpResult& r : results)
            ids << r.json.value("id").toString();
        QCOMPARE(ids.size(), 1);
        const HttpResult now = server.get(u"/v1/customers/acme/balance"_s);
        QCOMPARE(now.json.value("balance").toString(), u"5.000000"_s);
    }

    // SPEC §2: usage burns credits in the event's transaction, never takes the balance below zero, and the
    // shortfall is recorded as unpaid. Racing records must keep balance == sum of the ledger.
    void racingBurns_neverTakeTheBalanceBelowZero()
    {
        ApiTestServer server(4);
        QCOMPARE(server.post(u"/v1/meters"_s, QJsonObject{{"id", "tokens"}, {"name", "Tokens"}, {"aggregation", "sum"}})
                     .status,
                 201);
        QJsonObject plan{{"id", "prepaid"}, {"name", "Prepaid"}};
        plan.insert("prices",
                    QJsonArray{QJsonObject{{"meterId", "tokens"}, {"unitPrice", "0"}, {"creditsPerUnit", "1"}}});
        QCOMPARE(server.post(u"/v1/plans"_s, plan).status, 201);
        QCOMPARE(server.post(u"/v1/customers"_s, QJsonObject{{"id", "acme"}, {"name", "Acme"}, {"planId", "prepaid"}})
                     .status,
                 201);
        QCOMPARE(server.post(u"/v1/customers/acme/balance/credit"_s, QJsonObject{{"amount", "10"}}).status, 201);

        QList<Call> calls;
        const QByteArray body = compactJson(QJsonObject{{"customerId", "acme"}, {"eventType", "e"}, {"value", 1}});
        for (int i = 0; i < 30; ++i)
            calls << Call{"POST", u"/v1/events"_s, body, {}};
        const QList<HttpResult> results = sendAll(server, server.key(KeyScope::Ingest), calls, 8);
        QCOMPARE(statusCounts(results), (QMap<int, int>{{201, 30}}));
        qint64 unpaidReported = 0;
        for (const HttpResult& r : results) {
            QVERIFY2(r.json.contains("balance"), r.body.constData()); // the event burned credits
            QVERIFY(Money::parse(r.json.value("balance").toObject().value("balance").toString())->micros() >= 0);
            unpaidReported += Money::parse(r.json.value("unpaid").toString())->micros();
        }
        QCOMPARE(unpaidReported, qint64(20) * Money::Scale);

        const HttpResult now = server.get(u"/v1/customers/acme/balance"_s);
        QCOMPARE(now.json.value("balance").toString(), u"0.000000"_s);
        const HttpResult ledger = server.get(u"/v1/customers/acme/balance/transactions?limit=1000"_s);
        QCOMPARE(ledger.status, 200);
        const QJsonArray transactions = ledger.json.value("data").toArray();
        QCOMPARE(transactions.size(), 31); // the credit and one usage transaction per event
        qint64 sum = 0;
        qint64 unpaid = 0;
        for (const QJsonValue& v : transactions) {
            const QJsonObject t = v.toObject();
            sum += Money::parse(t.value("amount").toString())->micros();
            unpaid += Money::parse(t.value("unpaid").toString())->micros();
            QVERIFY(Money::parse(t.value("balanceAfter").toString())->micros() >= 0);
        }
        QCOMPARE(sum, qint64(0));
        QCOMPARE(unpaid, qint64(20) * Money::Scale);
    }

    // Racing reservations on a meter that burns credits: holds never exceed the available balance.
    void racingCreditHolds_neverExceedTheBalance()
    {
        ApiTestServer server(4);
        QCOMPARE(server.post(u"/v1/meters"_s, QJsonObject{{"id", "tokens"}, {"name", "Tokens"}, {"aggregation", "sum"}})
                     .status,
                 201);
        QJsonObject plan{{"id", "prepaid"}, {"name", "Prepaid"}};
        plan.insert("prices",
                    QJsonArray{QJsonObject{{"meterId", "tokens"}, {"unitPrice", "0"}, {"creditsPerUnit", "2"}}});
        QCOMPARE(server.post(u"/v1/plans"_s, plan).status, 201);
        QCOMPARE(server.post(u"/v1/customers"_s, QJsonObject{{"id", "acme"}, {"name", "Acme"}, {"planId", "prepaid"}})
                     .status,
                 201);
        QCOMPARE(server.post(u"/v1/customers/acme/balance/credit"_s, QJsonObject{{"amount", "20"}}).status, 201);

        // Each hold of 1 unit holds 2 credits: 10 fit in 20.
        const QByteArray body = compactJson(QJsonObject{{"customerId", "acme"}, {"meterId", "tokens"}, {"reserve", 1}});
        QList<Call> calls;
        for (int i = 0; i < 40; ++i)
            calls << Call{"POST", u"/v1/limits/check"_s, body, {}};
        const QList<HttpResult> results = sendAll(server, server.key(KeyScope::Ingest), calls, 8);
        QCOMPARE(statusCounts(results), (QMap<int, int>{{200, 40}}));
        int allowed = 0;
        for (const HttpResult& r : results) {
            if (r.json.value("allowed").toBool())
                ++allowed;
            else
                QCOMPARE(r.json.value("reason").toString(), u"insufficient_balance"_s);
        }
        QCOMPARE(allowed, 10);
        const HttpResult now = server.get(u"/v1/customers/acme/balance"_s);
        QCOMPARE(now.json.value("held").toString(), u"20.000000"_s);
        QCOMPARE(now.json.value("available").toString(), u"0.000000"_s);
    }

    // 1,000 records at once: every one acknowledged with 201, every one stored (group commit answers only after
    // the commit that holds the event).
    void thousandConcurrentRecords_allAcknowledgedAndPresent()
    {
        ApiTestServer server(4);
        seed(server);
        STOP_IF_FAILED();
        QList<Call> calls;
        for (int i = 0; i < 1000; ++i) {
            calls << Call{"POST",
                          u"/v1/events"_s,
                          compactJson(QJsonObject{{"customerId", "acme"},
                                                  {"eventType", "llm.completion"},
                                                  {"value", 1},
                                                  {"dimensions", QJsonObject{{"n", QString::number(i)}}}}),
                          {}};
        }
        const QList<HttpResult> results = sendAll(server, server.key(KeyScope::Ingest), calls, 16);
        QCOMPARE(statusCounts(results), (QMap<int, int>{{201, 1000}}));
        QSet<QString> ids;
        for (const HttpResult& r : results)
            ids << r.json.value("id").toString();
        QCOMPARE(ids.size(), 1000);

        QCOMPARE(usageOf(server, u"acme"_s), 1000.0);
        // Every acknowledged id is listed by GET /v1/events.
        QSet<QString> listed;
        QString cursor;
        int pages = 0;
        do {
            QString path = u"/v1/events?customerId=acme&limit=400"_s;
            if (!cursor.isEmpty())
                path += u"&cursor="_s + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
            const HttpResult page = server.get(path);
            QCOMPARE(page.status, 200);
            for (const QJsonValue& v : page.json.value("data").toArray())
                listed << v.toObject().value("id").toString();
            cursor = page.json.value("nextCursor").toString();
            QVERIFY(++pages <= 3);
        } while (!cursor.isEmpty());
        QCOMPARE(listed, ids);
    }
};

QTEST_GUILESS_MAIN(TestApiConcurrency)
#include "testapiconcurrency.moc"
