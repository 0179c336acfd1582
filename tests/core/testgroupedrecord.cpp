// Events recorded as one group (Service::recordEach, what the server's group commit runs): every rule gives
// the same stored state as recording the events one by one — rollups to the last bit, rejected events writing
// nothing, limit.threshold notifications at the event that crosses — and dimensions are stored as
// StoredJson writes them.

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <limits>

#include "core/storedjson.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

// Meters tokens (sum), requests (count) and peak (max) on every event type; plan "pro" with a monthly limit
// of 100 tokens; customers acme and globex on it. With thresholds, an endpoint subscribed to limit.threshold.
QString setUp(TestStore& store, bool thresholds = false)
{
    for (const auto& [id, aggregation] : {std::pair{u"tokens"_s, Aggregation::Sum},
                                          std::pair{u"requests"_s, Aggregation::Count},
                                          std::pair{u"peak"_s, Aggregation::Max}}) {
        Meter meter;
        meter.id = id;
        meter.name = id;
        meter.aggregation = aggregation;
        if (!store->createMeter(meter).ok())
            return {};
    }
    Plan plan;
    plan.id = u"pro"_s;
    plan.name = u"Pro"_s;
    Limit limit;
    limit.meterId = u"tokens"_s;
    limit.period = Period::Month;
    limit.value = 100;
    plan.limits << limit;
    if (!store->createPlan(plan).ok())
        return {};
    for (const QString& id : {u"acme"_s, u"globex"_s}) {
        Customer customer;
        customer.id = id;
        customer.name = id;
        customer.planId = u"pro"_s;
        if (!store->createCustomer(customer).ok())
            return {};
    }
    if (!thresholds)
        return u"ready"_s;
    WebhookEndpoint endpoint;
    endpoint.url = u"https://example.com/hooks"_s;
    endpoint.events = {u"limit.threshold"_s};
    auto created = store->createWebhook(endpoint);
    return created.ok() ? created->id : QString();
}

EventInput eventOf(const QString& customerId, double value, const QDateTime& at = {})
{
    EventInput input;
    input.customerId = customerId;
    input.eventType = u"llm.completion"_s;
    input.value = value;
    if (at.isValid())
        input.timestamp = at;
    return input;
}

// Every rollup row, in key order, as text that keeps every bit of the doubles.
QStringList rollupRows(TestStore& store)
{
    QStringList rows;
    QSqlQuery q(store.db().connection());
    if (!q.exec(u"SELECT meter_id, customer_id, grain, bucket, total, events, maximum FROM rollups"
                " ORDER BY meter_id, customer_id, grain, bucket"_s))
        return {u"query failed: "_s + q.lastError().text()};
    while (q.next()) {
        rows << u"%1 %2 %3 %4 total=%5 events=%6 max=%7"_s.arg(q.value(0).toString(),
                                                               q.value(1).toString(),
                                                               q.value(2).toString(),
                                                               q.value(3).toString(),
                                                               QString::number(q.value(4).toDouble(), 'g', 17),
                                                               q.value(5).toString(),
                                                               QString::number(q.value(6).toDouble(), 'g', 17));
    }
    return rows;
}

QString storedDimensions(TestStore& store, const QString& eventId)
{
    QSqlQuery q(store.db().connection());
    q.prepare(u"SELECT dimensions FROM events WHERE id = ?"_s);
    q.addBindValue(eventId);
    if (!q.exec() || !q.next())
        return u"(no event)"_s;
    return q.value(0).toString();
}

// Values whose floating-point sums depend on the order they are added in.
QList<EventInput> awkwardEvents(int count)
{
    const QDateTime base = utc(2026, 3, 15, 11, 0, 0);
    const double values[] = {0.1, 0.2, 0.3, 1e16, 1, 1, -0.7, 3.3333333333333335, 2.5e-3, 7};
    QList<EventInput> events;
    for (int i = 0; i < count; ++i) {
        // Mostly acme in one hour (the same rollup rows again and again), some globex, some earlier hours and days.
        const QString customer = i % 5 == 4 ? u"globex"_s : u"acme"_s;
        const QDateTime at = i % 7 == 6 ? base.addSecs(-3600 * 30) : i % 3 == 2 ? base.addSecs(-3600) : base;
        events << eventOf(customer, values[i % std::size(values)], at);
    }
    return events;
}

} // namespace

class TestGroupedRecord : public QObject
{
    Q_OBJECT

private slots:
    void group_rollupsEqualOneByOne_data();
    void group_rollupsEqualOneByOne();
    void group_rejectedEventsWriteNothing();
    void group_thresholdFiresAtTheCrossingEvent();
    void dimensions_storedAsStoredJsonWrites_data();
    void dimensions_storedAsStoredJsonWrites();
};

void TestGroupedRecord::group_rollupsEqualOneByOne_data()
{
    QTest::addColumn<int>("events");
    QTest::newRow("one") << 1;
    QTest::newRow("three") << 3;
    QTest::newRow("70 (280 rows: several statements)") << 70;
    QTest::newRow("150 (600 rows)") << 150;
}

void TestGroupedRecord::group_rollupsEqualOneByOne()
{
    QFETCH(int, events);
    TestStore oneByOne;
    TestStore grouped;
    QVERIFY(!setUp(oneByOne).isEmpty());
    QVERIFY(!setUp(grouped).isEmpty());
    // Rows that exist before the group, so that the group's increments add to stored totals.
    for (TestStore* store : {&oneByOne, &grouped}) {
        VERIFY_OK((*store)->record(eventOf(u"acme"_s, 1e16 + 2, utc(2026, 3, 15, 11, 0, 0))));
        VERIFY_OK((*store)->record(eventOf(u"acme"_s, 0.7, utc(2026, 3, 15, 10, 0, 0))));
    }

    const QList<EventInput> inputs = awkwardEvents(events);
    for (const EventInput& input : inputs)
        VERIFY_OK(oneByOne->record(input));
    const QList<Result<RecordResult>> results = grouped->recordEach(inputs);
    QCOMPARE(results.size(), inputs.size());
    for (const auto& result : results) {
        VERIFY_OK(result);
        QVERIFY(!result->duplicate);
    }

    const QStringList expected = rollupRows(oneByOne);
    QVERIFY(expected.size() >= 12);
    QCOMPARE(rollupRows(grouped), expected);
}

void TestGroupedRecord::group_rejectedEventsWriteNothing()
{
    TestStore oneByOne;
    TestStore grouped;
    QVERIFY(!setUp(oneByOne).isEmpty());
    QVERIFY(!setUp(grouped).isEmpty());

    QList<EventInput> inputs;
    inputs << eventOf(u"acme"_s, 5);
    inputs << eventOf(u"nobody"_s, 5);                                      // customer_not_found
    inputs << eventOf(u"acme"_s, std::numeric_limits<double>::quiet_NaN()); // invalid value
    inputs << eventOf(u"globex"_s, 3, utc(2026, 3, 15, 12, 6, 0));          // more than 5 minutes ahead
    EventInput settles = eventOf(u"acme"_s, 2);
    settles.reservationId = u"res_unknown"_s; // reservation_not_found
    inputs << settles;
    EventInput keyed = eventOf(u"acme"_s, 7);
    keyed.idempotencyKey = u"k1"_s;
    inputs << keyed;
    EventInput conflicting = keyed;
    conflicting.value = 8; // idempotency_conflict
    inputs << conflicting;
    inputs << keyed; // a replay within the group
    inputs << eventOf(u"globex"_s, 4);

    const QList<Result<RecordResult>> results = grouped->recordEach(inputs);
    QCOMPARE(results.size(), inputs.size());
    const QList<QString> codes{{},
                               ErrorCode::CustomerNotFound,
                               ErrorCode::InvalidRequest,
                               ErrorCode::InvalidRequest,
                               ErrorCode::ReservationNotFound,
                               {},
                               ErrorCode::IdempotencyConflict,
                               {},
                               {}};
    for (int i = 0; i < inputs.size(); ++i) {
        const auto& grouped = results.at(i);
        const auto single = oneByOne->record(inputs.at(i));
        QVERIFY2(grouped.ok() == codes.at(i).isEmpty(), qPrintable(u"event %1: "_s.arg(i) + describe(grouped)));
        QCOMPARE(single.ok(), grouped.ok());
        if (!grouped.ok()) {
            QCOMPARE(grouped.error().code, codes.at(i));
            QCOMPARE(single.error().code, codes.at(i));
        } else {
            QCOMPARE(grouped->duplicate, single->duplicate);
        }
    }
    QVERIFY(results.at(7)->duplicate);
    QCOMPARE(results.at(7)->event.id, results.at(5)->event.id);

    QCOMPARE(rollupRows(grouped), rollupRows(oneByOne));
    auto usage = grouped->events(EventQuery{});
    VERIFY_OK(usage);
    QCOMPARE(usage->data.size(), 3); // acme 5, acme 7 (once), globex 4
}

void TestGroupedRecord::group_thresholdFiresAtTheCrossingEvent()
{
    TestStore oneByOne;
    TestStore grouped;
    const QString endpointSingle = setUp(oneByOne, true);
    const QString endpointGrouped = setUp(grouped, true);
    QVERIFY(!endpointSingle.isEmpty());
    QVERIFY(!endpointGrouped.isEmpty());

    // 50, 90 (crosses 80), 95, 110 (crosses 100), 130: globex's events between do not count for acme.
    QList<EventInput> inputs{eventOf(u"acme"_s, 50),
                             eventOf(u"globex"_s, 85),
                             eventOf(u"acme"_s, 40),
                             eventOf(u"acme"_s, 5),
                             eventOf(u"acme"_s, 15),
                             eventOf(u"acme"_s, 20)};
    for (const EventInput& input : inputs)
        VERIFY_OK(oneByOne->record(input));
    for (const auto& result : grouped->recordEach(inputs))
        VERIFY_OK(result);

    const auto notifications = [](TestStore& store, const QString& endpointId) {
        QStringList list;
        auto deliveries = store->webhookDeliveries(endpointId, 100);
        if (!deliveries.ok())
            return QStringList{u"no deliveries: "_s + deliveries.error().message};
        for (const WebhookDelivery& d : deliveries.value()) {
            const QJsonObject data = QJsonDocument::fromJson(d.payload.toUtf8()).object().value(u"data"_s).toObject();
            list.prepend(u"%1 %2 threshold=%3 used=%4"_s.arg(d.eventType,
                                                             data.value(u"customerId"_s).toString(),
                                                             QString::number(data.value(u"threshold"_s).toInt()),
                                                             QString::number(data.value(u"used"_s).toDouble())));
        }
        return list;
    };
    const QStringList expected{u"limit.threshold globex threshold=80 used=85"_s,
                               u"limit.threshold acme threshold=80 used=90"_s,
                               u"limit.threshold acme threshold=100 used=110"_s};
    QCOMPARE(notifications(oneByOne, endpointSingle), expected);
    QCOMPARE(notifications(grouped, endpointGrouped), expected);
}

void TestGroupedRecord::dimensions_storedAsStoredJsonWrites_data()
{
    QTest::addColumn<Dimensions>("dimensions");
    QTest::newRow("none") << Dimensions{};
    QTest::newRow("one") << Dimensions{{u"model"_s, u"gpt-4o"_s}};
    QTest::newRow("key order") << Dimensions{
        {u"bb"_s, u"1"_s}, {u"a"_s, u"2"_s}, {u"B"_s, u"3"_s}, {u"ab"_s, u"4"_s}, {u"a-b"_s, u"5"_s}};
    QTest::newRow("empty value, punctuation") << Dimensions{{u"k"_s, u""_s}, {u"p"_s, u"a/b <c> & {d}: 'e' ~"_s}};
    QTest::newRow("quote") << Dimensions{{u"k\"q"_s, u"say \"hi\""_s}};
    QTest::newRow("backslash") << Dimensions{{u"path"_s, u"C:\\temp\\"_s}};
    QTest::newRow("control characters") << Dimensions{{u"t"_s, u"a\tb\nc\u0001"_s}};
    QTest::newRow("delete character") << Dimensions{{u"d"_s, u"x\u007fy"_s}};
    QTest::newRow("non-ASCII") << Dimensions{{u"région"_s, u"Zürich"_s}, {u"emoji"_s, u"\U0001F600"_s}};
}

void TestGroupedRecord::dimensions_storedAsStoredJsonWrites()
{
    QFETCH(Dimensions, dimensions);
    TestStore store;
    QVERIFY(!setUp(store).isEmpty());
    EventInput input = eventOf(u"acme"_s, 1);
    input.dimensions = dimensions;
    input.idempotencyKey = u"dims"_s;
    auto recorded = store->record(input);
    VERIFY_OK(recorded);
    QCOMPARE(storedDimensions(store, recorded->event.id), StoredJson::fromMap(dimensions));
    const QList<Result<RecordResult>> replays = store->recordEach({input});
    QCOMPARE(replays.size(), 1);
    const auto& replay = replays.at(0);
    VERIFY_OK(replay);
    QVERIFY(replay->duplicate);
    QCOMPARE(replay->event.dimensions, dimensions);
}

QTEST_GUILESS_MAIN(TestGroupedRecord)
#include "testgroupedrecord.moc"
