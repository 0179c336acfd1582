// Webhook emission (SPEC §5): which changes put which events in the outbox, once per period per limit, in the
// same transaction as the change.

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

#include "core/periods.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

// A sum meter "tokens", plan "pro" with a monthly hard limit of 100 tokens burning 1 credit per token, customer
// "acme" on it, and one endpoint subscribed to every event type with a balance-low threshold of 5.
QString setUp(TestStore& store,
              const QStringList& events = {
                  u"limit.threshold"_s, u"limit.exceeded"_s, u"balance.low"_s, u"balance.depleted"_s})
{
    Meter meter;
    meter.id = u"tokens"_s;
    meter.name = u"Tokens"_s;
    meter.aggregation = Aggregation::Sum;
    if (!store->createMeter(meter).ok())
        return {};
    Plan plan;
    plan.id = u"pro"_s;
    plan.name = u"Pro"_s;
    Limit limit;
    limit.meterId = u"tokens"_s;
    limit.period = Period::Month;
    limit.value = 100;
    plan.limits << limit;
    Price price;
    price.meterId = u"tokens"_s;
    price.creditsPerUnit = Money::fromMicros(1'000'000);
    plan.prices << price;
    if (!store->createPlan(plan).ok())
        return {};
    Customer customer;
    customer.id = u"acme"_s;
    customer.name = u"Acme"_s;
    customer.planId = u"pro"_s;
    if (!store->createCustomer(customer).ok())
        return {};
    WebhookEndpoint endpoint;
    endpoint.url = u"https://example.com/hooks"_s;
    endpoint.events = events;
    endpoint.balanceLowThreshold = Money::fromMicros(5'000'000);
    auto created = store->createWebhook(endpoint);
    return created.ok() ? created->id : QString();
}

Result<RecordResult> record(TestStore& store, double value)
{
    EventInput input;
    input.customerId = u"acme"_s;
    input.eventType = u"tokens"_s;
    input.value = value;
    return store->record(input);
}

// A customer limit of acme on tokens per month: it overrides the plan's.
Limit monthlyLimitOfAcme(double value, LimitMode mode)
{
    Limit l;
    l.scope = LimitScope::Customer;
    l.customerId = u"acme"_s;
    l.meterId = u"tokens"_s;
    l.period = Period::Month;
    l.value = value;
    l.mode = mode;
    return l;
}

BalanceChange amount(qint64 units)
{
    BalanceChange change;
    change.amount = Money::fromMicros(units * 1'000'000);
    return change;
}

// The payloads queued for the endpoint, oldest first, of one event type.
QList<QJsonObject> queued(TestStore& store, const QString& endpointId, const QString& type)
{
    QList<QJsonObject> payloads;
    auto deliveries = store->webhookDeliveries(endpointId, 1000);
    if (!deliveries.ok())
        return payloads;
    for (const WebhookDelivery& d : deliveries.value()) {
        if (d.eventType == type)
            payloads.prepend(QJsonDocument::fromJson(d.payload.toUtf8()).object());
    }
    return payloads;
}

QList<int> thresholds(TestStore& store, const QString& endpointId)
{
    QList<int> levels;
    for (const QJsonObject& p : queued(store, endpointId, u"limit.threshold"_s))
        levels << p.value(u"data"_s).toObject().value(u"threshold"_s).toInt();
    return levels;
}

qint64 count(TestStore& store, const QString& table)
{
    QSqlQuery q(store.db().connection());
    if (!q.exec(u"SELECT COUNT(*) FROM "_s + table) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

} // namespace

class TestWebhookOutbox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void threshold_firesAtTheBoundaries_data()
    {
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<QList<int>>("fired");
        QTest::addRow("79: none") << QList<double>{79} << QList<int>{};
        QTest::addRow("80 exactly: 80 percent") << QList<double>{79, 1} << QList<int>{80};
        QTest::addRow("99.9: 80 percent only") << QList<double>{99.9} << QList<int>{80};
        QTest::addRow("100 exactly: both") << QList<double>{100} << QList<int>{80, 100};
        QTest::addRow("step by step") << QList<double>{50, 30, 10, 10, 10} << QList<int>{80, 100};
        QTest::addRow("far over: each once") << QList<double>{150, 50, 1} << QList<int>{80, 100};
        QTest::addRow("zero and negative values move nothing") << QList<double>{79, 0, -5, 5} << QList<int>{};
        QTest::addRow("down and up again: still once") << QList<double>{85, -10, 10} << QList<int>{80};
    }
    void threshold_firesAtTheBoundaries()
    {
        QFETCH(QList<double>, values);
        QFETCH(QList<int>, fired);
        TestStore store;
        const QString endpoint = setUp(store);
        QVERIFY(!endpoint.isEmpty());
        VERIFY_OK(store->credit(u"acme"_s, amount(1000)));
        for (double v : values)
            VERIFY_OK(record(store, v));
        QCOMPARE(thresholds(store, endpoint), fired);
    }

    void threshold_payloadNamesTheCustomerAndTheLimit()
    {
        TestStore store(utc(2026, 3, 15, 12));
        const QString endpoint = setUp(store);
        VERIFY_OK(store->credit(u"acme"_s, amount(1000)));
        VERIFY_OK(record(store, 85));
        const QList<QJsonObject> payloads = queued(store, endpoint, u"limit.threshold"_s);
        QCOMPARE(payloads.size(), 1);
        QCOMPARE(payloads.first().value(u"type"_s).toString(), u"limit.threshold"_s);
        QCOMPARE(payloads.first().value(u"timestamp"_s).toString(), Periods::toIso(utc(2026, 3, 15, 12)));
        const QJsonObject data = payloads.first().value(u"data"_s).toObject();
        QCOMPARE(data.value(u"customerId"_s).toString(), u"acme"_s);
        QCOMPARE(data.value(u"limitId"_s).toString(), u"pro:tokens:month"_s);
        QCOMPARE(data.value(u"meterId"_s).toString(), u"tokens"_s);
        QCOMPARE(data.value(u"period"_s).toString(), u"month"_s);
        QCOMPARE(data.value(u"threshold"_s).toInt(), 80);
        QCOMPARE(data.value(u"used"_s).toDouble(), 85.0);
        QCOMPARE(data.value(u"limit"_s).toDouble(), 100.0);
        QCOMPARE(data.value(u"periodStart"_s).toString(), Periods::toIso(utc(2026, 3, 1, 0)));
        QCOMPARE(data.value(u"resetsAt"_s).toString(), Periods::toIso(utc(2026, 4, 1, 0)));
    }

    void threshold_firesAgainInTheNextPeriod()
    {
        TestStore store(utc(2026, 3, 31, 23, 59));
        const QString endpoint = setUp(store);
        VERIFY_OK(store->credit(u"acme"_s, amount(1000)));
        VERIFY_OK(record(store, 100));
        VERIFY_OK(record(store, 10));
        QCOMPARE(thresholds(store, endpoint), (QList<int>{80, 100}));
        store.setNow(utc(2026, 4, 1, 0, 1));
        VERIFY_OK(record(store, 79));
        QCOMPARE(thresholds(store, endpoint), (QList<int>{80, 100}));
        VERIFY_OK(record(store, 1));
        QCOMPARE(thresholds(store, endpoint), (QList<int>{80, 100, 80}));
        // A late event of March does not move April's used.
        EventInput late;
        late.customerId = u"acme"_s;
        late.eventType = u"tokens"_s;
        late.value = 500;
        late.timestamp = utc(2026, 3, 20);
        VERIFY_OK(store->record(late));
        QCOMPARE(thresholds(store, endpoint), (QList<int>{80, 100, 80}));
        const auto april = queued(store, endpoint, u"limit.threshold"_s).last();
        QCOMPARE(april.value(u"data"_s).toObject().value(u"periodStart"_s).toString(),
                 Periods::toIso(utc(2026, 4, 1, 0)));
    }

    void threshold_customerLimitOverridesThePlans()
    {
        TestStore store;
        const QString endpoint = setUp(store);
        VERIFY_OK(store->credit(u"acme"_s, amount(1000)));
        auto created = store->createLimit(monthlyLimitOfAcme(1000, LimitMode::Hard));
        VERIFY_OK(created);
        VERIFY_OK(record(store, 100)); // 100 % of the plan's limit, 10 % of the customer's
        QCOMPARE(thresholds(store, endpoint), QList<int>{});
        VERIFY_OK(record(store, 700));
        const auto payloads = queued(store, endpoint, u"limit.threshold"_s);
        QCOMPARE(payloads.size(), 1);
        QCOMPARE(payloads.first().value(u"data"_s).toObject().value(u"limitId"_s).toString(), created->id);
    }

    void unsubscribed_writesNothing()
    {
        TestStore store;
        const QString endpoint = setUp(store, {u"balance.low"_s});
        VERIFY_OK(store->credit(u"acme"_s, amount(1000)));
        VERIFY_OK(record(store, 150));
        CheckRequest check;
        check.customerId = u"acme"_s;
        check.meterId = u"tokens"_s;
        QVERIFY(!store->check(check)->allowed);
        QCOMPARE(count(store, u"webhook_fired"_s), 0);
        QCOMPARE(count(store, u"webhook_deliveries"_s), 0);
    }

    void exceeded_firesOncePerPeriodOnADeniedCheck()
    {
        TestStore store(utc(2026, 3, 31, 23));
        const QString endpoint = setUp(store);
        VERIFY_OK(store->credit(u"acme"_s, amount(1000)));
        CheckRequest check;
        check.customerId = u"acme"_s;
        check.meterId = u"tokens"_s;
        VERIFY_OK(record(store, 99));
        QVERIFY(store->check(check)->allowed);
        QCOMPARE(queued(store, endpoint, u"limit.exceeded"_s).size(), 0);
        VERIFY_OK(record(store, 1));
        for (int i = 0; i < 3; ++i)
            QVERIFY(!store->check(check)->allowed);
        auto exceeded = queued(store, endpoint, u"limit.exceeded"_s);
        QCOMPARE(exceeded.size(), 1);
        const QJsonObject data = exceeded.first().value(u"data"_s).toObject();
        QCOMPARE(data.value(u"customerId"_s).toString(), u"acme"_s);
        QCOMPARE(data.value(u"limitId"_s).toString(), u"pro:tokens:month"_s);
        QCOMPARE(data.value(u"used"_s).toDouble(), 100.0);
        QCOMPARE(data.value(u"remaining"_s).toDouble(), 0.0);
        QCOMPARE(data.value(u"mode"_s).toString(), u"hard"_s);

        store.setNow(utc(2026, 4, 1, 1));
        QVERIFY(store->check(check)->allowed);
        VERIFY_OK(record(store, 100));
        QVERIFY(!store->check(check)->allowed);
        QCOMPARE(queued(store, endpoint, u"limit.exceeded"_s).size(), 2);
    }

    void exceeded_notForSoftLimitsNorForTheBalance()
    {
        TestStore store;
        const QString endpoint = setUp(store);
        VERIFY_OK(store->createLimit(monthlyLimitOfAcme(10, LimitMode::Soft)));
        VERIFY_OK(store->credit(u"acme"_s, amount(20)));
        VERIFY_OK(record(store, 20)); // over the soft limit, balance now 0
        CheckRequest check;
        check.customerId = u"acme"_s;
        check.meterId = u"tokens"_s;
        const auto answer = store->check(check);
        QVERIFY(!answer->allowed);
        QCOMPARE(answer->reason, u"insufficient_balance"_s);
        QCOMPARE(queued(store, endpoint, u"limit.exceeded"_s).size(), 0);
        QCOMPARE(thresholds(store, endpoint), (QList<int>{80, 100})); // soft limits still notify thresholds
    }

    void balance_lowAndDepletedOnTheWayDown()
    {
        TestStore store;
        const QString endpoint = setUp(store);
        VERIFY_OK(store->credit(u"acme"_s, amount(10)));
        VERIFY_OK(record(store, 4)); // available 6
        QCOMPARE(queued(store, endpoint, u"balance.low"_s).size(), 0);
        VERIFY_OK(record(store, 1)); // 5: not below 5
        QCOMPARE(queued(store, endpoint, u"balance.low"_s).size(), 0);
        VERIFY_OK(record(store, 1)); // 4: below
        auto low = queued(store, endpoint, u"balance.low"_s);
        QCOMPARE(low.size(), 1);
        const QJsonObject data = low.first().value(u"data"_s).toObject();
        QCOMPARE(data.value(u"customerId"_s).toString(), u"acme"_s);
        QCOMPARE(data.value(u"available"_s).toString(), u"4.000000"_s);
        QCOMPARE(data.value(u"previousAvailable"_s).toString(), u"5.000000"_s);
        QCOMPARE(data.value(u"balanceLowThreshold"_s).toString(), u"5.000000"_s);
        VERIFY_OK(store->debit(u"acme"_s, amount(3))); // 1: still low, no new notice
        QCOMPARE(queued(store, endpoint, u"balance.low"_s).size(), 1);
        QCOMPARE(queued(store, endpoint, u"balance.depleted"_s).size(), 0);
        VERIFY_OK(store->debit(u"acme"_s, amount(1))); // 0: depleted
        auto depleted = queued(store, endpoint, u"balance.depleted"_s);
        QCOMPARE(depleted.size(), 1);
        QCOMPARE(depleted.first().value(u"data"_s).toObject().value(u"available"_s).toString(), u"0.000000"_s);
        VERIFY_OK(record(store, 1)); // usage on an empty balance: not depleted again
        QCOMPARE(queued(store, endpoint, u"balance.depleted"_s).size(), 1);

        // A top-up re-arms both; a reserve that takes available down counts like a debit.
        VERIFY_OK(store->credit(u"acme"_s, amount(20)));
        VERIFY_OK(store->setReserve(u"acme"_s, Money::fromMicros(17'000'000)));
        QCOMPARE(queued(store, endpoint, u"balance.low"_s).size(), 2);
        VERIFY_OK(store->setReserve(u"acme"_s, Money::fromMicros(20'000'000)));
        QCOMPARE(queued(store, endpoint, u"balance.depleted"_s).size(), 2);
    }

    void balance_holdOfACheckLowersAvailable()
    {
        TestStore store;
        const QString endpoint = setUp(store);
        VERIFY_OK(store->credit(u"acme"_s, amount(10)));
        CheckRequest check;
        check.customerId = u"acme"_s;
        check.meterId = u"tokens"_s;
        check.reserve = 6;
        const auto held = store->check(check);
        VERIFY_OK(held);
        QVERIFY(held->reservation);
        QCOMPARE(queued(store, endpoint, u"balance.low"_s).size(), 1);
        // Settling the hold with the usage it was for moves available no further: nothing new.
        EventInput input;
        input.customerId = u"acme"_s;
        input.eventType = u"tokens"_s;
        input.value = 6;
        input.reservationId = held->reservation->id;
        VERIFY_OK(store->record(input));
        QCOMPARE(queued(store, endpoint, u"balance.low"_s).size(), 1);
    }

    void emission_sharesTheTransactionOfTheChange()
    {
        TestStore store;
        const QString endpoint = setUp(store);
        VERIFY_OK(store->credit(u"acme"_s, amount(1000)));
        VERIFY_OK(record(store, 50));
        // Break the outbox: the event that would notify must fail whole, leaving no event, rollup or burn.
        QSqlQuery q(store.db().connection());
        QVERIFY(q.exec(u"ALTER TABLE webhook_deliveries RENAME TO webhook_deliveries_away"_s));
        const qint64 events = count(store, u"events"_s);
        const QString balance = store->balance(u"acme"_s)->balance.toString();
        QVERIFY(!record(store, 40).ok());
        QCOMPARE(count(store, u"events"_s), events);
        QCOMPARE(count(store, u"webhook_fired"_s), 0);
        QCOMPARE(store->balance(u"acme"_s)->balance.toString(), balance);
        QVERIFY(q.exec(u"ALTER TABLE webhook_deliveries_away RENAME TO webhook_deliveries"_s));
        VERIFY_OK(record(store, 40));
        QCOMPARE(thresholds(store, endpoint), QList<int>{80});
    }

    void testEventAndRetry_needAKnownLiveEndpoint()
    {
        TestStore store;
        const QString endpoint = setUp(store);
        auto test = store->sendTestWebhook(endpoint);
        VERIFY_OK(test);
        QCOMPARE(test->eventType, u"webhook.test"_s);
        QCOMPARE(test->state, u"pending"_s);
        QVERIFY(test->id.startsWith(u"msg_"_s));
        QCOMPARE(store->sendTestWebhook(u"we_nope"_s).error().code, u"not_found"_s);
        auto retried = store->retryWebhookDelivery(endpoint, test->id);
        VERIFY_OK(retried);
        QCOMPARE(retried->id, test->id);
        QCOMPARE(store->retryWebhookDelivery(endpoint, u"msg_nope"_s).error().code, u"not_found"_s);
        // Deleting the endpoint fails what it still had pending.
        VERIFY_OK(store->deleteWebhook(endpoint));
        QSqlQuery q(store.db().connection());
        QVERIFY(q.exec(u"SELECT state, last_error FROM webhook_deliveries"_s) && q.next());
        QCOMPARE(q.value(0).toString(), u"failed"_s);
        QCOMPARE(q.value(1).toString(), u"endpoint deleted"_s);
        // The dashboard's sync sees the endpoint come and go.
        const auto changes = store->changes(0);
        VERIFY_OK(changes);
        QStringList ops;
        for (const Change& c : changes->data) {
            if (c.entity == u"webhook"_s && c.entityId == endpoint)
                ops << c.op;
        }
        QCOMPARE(ops, (QStringList{u"upsert"_s, u"delete"_s}));
    }
};

QTEST_GUILESS_MAIN(TestWebhookOutbox)
#include "testwebhookoutbox.moc"
