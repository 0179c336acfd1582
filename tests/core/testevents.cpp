// TestEvents: recording events through the Service facade (SPEC §2 Event, Meter; docs/rules.md "Events"),
// idempotency, meters over events, batches, the event listing and customer CRUD.

#include <QTest>
#include <cmath>
#include <limits>

#include "core/service.h"
#include "core/types.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

const QString CustA = u"cust_a"_s;
const QString CustB = u"cust_b"_s;
const QString CountMeter = u"all_count"_s;
const QString SumMeter = u"all_sum"_s;

EventInput makeEvent(const QString& customerId,
                     const QString& eventType,
                     std::optional<double> value = {},
                     const Dimensions& dimensions = {},
                     std::optional<QDateTime> timestamp = {},
                     const QString& idempotencyKey = {})
{
    EventInput in;
    in.customerId = customerId;
    in.eventType = eventType;
    in.value = value;
    in.dimensions = dimensions;
    in.timestamp = timestamp;
    in.idempotencyKey = idempotencyKey;
    return in;
}

Customer customer(const QString& id, const QString& name = u"Customer"_s, const QString& planId = {})
{
    Customer c;
    c.id = id;
    c.name = name;
    c.planId = planId;
    return c;
}

// Two customers and two meters over every event type: a count and a sum.
void setUpBasics(TestStore& store)
{
    auto a = store->createCustomer(customer(CustA, u"Acme"_s));
    VERIFY_OK(a);
    auto b = store->createCustomer(customer(CustB, u"Beta"_s));
    VERIFY_OK(b);
    auto count = store->createMeter(meter(CountMeter, Aggregation::Count));
    VERIFY_OK(count);
    auto sum = store->createMeter(meter(SumMeter, Aggregation::Sum));
    VERIFY_OK(sum);
}

// Lifetime usage of a meter (all customers when customerId is empty). -1 and a test failure on error.
double lifetimeUsage(TestStore& store, const QString& meterId, const QString& customerId = {})
{
    UsageQuery q;
    q.meterId = meterId;
    q.customerId = customerId;
    q.period = NamedPeriod::Lifetime;
    auto r = store->usage(q);
    if (!r.ok()) {
        QTest::qFail(qPrintable(u"usage: "_s + describe(r)), __FILE__, __LINE__);
        return -1;
    }
    return r->value;
}

// Every event the query selects, following nextCursor. Fails the test on an error or a runaway cursor.
QList<Event> allEvents(TestStore& store, EventQuery query = {}, int* pages = nullptr)
{
    QList<Event> out;
    if (query.limit == 100)
        query.limit = 1000;
    int n = 0;
    for (;;) {
        auto r = store->events(query);
        if (!r.ok()) {
            QTest::qFail(qPrintable(u"events: "_s + describe(r)), __FILE__, __LINE__);
            return out;
        }
        ++n;
        if (r->data.size() > query.limit) {
            QTest::qFail("page larger than limit", __FILE__, __LINE__);
            return out;
        }
        out += r->data;
        if (r->nextCursor.isEmpty())
            break;
        if (n > 10'000) {
            QTest::qFail("cursor never ends", __FILE__, __LINE__);
            break;
        }
        query.cursor = r->nextCursor;
    }
    if (pages)
        *pages = n;
    return out;
}

// After a rejected record: the error names the field, and neither the event list nor usage changed.
void verifyRejected(TestStore& store,
                    const Result<RecordResult>& r,
                    const QString& code,
                    const QString& field,
                    qsizetype eventsBefore,
                    double countBefore)
{
    QVERIFY2(!r.ok(), "rejected input was accepted");
    QCOMPARE(r.error().code, code);
    if (field == u"dimensions"_s) // the key may be named too: "dimensions" or "dimensions.<key>"
        QVERIFY2(r.error().field == field || r.error().field.startsWith(field + u'.'), qPrintable(r.error().field));
    else
        QCOMPARE(r.error().field, field);
    QCOMPARE(allEvents(store).size(), eventsBefore);
    QCOMPARE(lifetimeUsage(store, CountMeter), countBefore);
}

Dimensions dimensionsOfCount(int count)
{
    Dimensions d;
    for (int i = 0; i < count; ++i)
        d.insert(u"k%1"_s.arg(i, 2, 10, QChar(u'0')), u"v"_s);
    return d;
}

} // namespace

class TestEvents : public QObject
{
    Q_OBJECT

private slots:
    // Recording and defaults
    void record_appliesDefaults();
    void record_keepsGivenFields();
    void record_acceptsZeroAndNegativeValues();
    void record_unknownCustomerIsCustomerNotFound();
    void record_deletedCustomerIsCustomerNotFound();

    // Validation: each rejection names its field and stores nothing
    void record_rejectsNonFiniteValue_data();
    void record_rejectsNonFiniteValue();
    void record_dimensionCountBoundary_data();
    void record_dimensionCountBoundary();
    void record_dimensionKeyLengthBoundary_data();
    void record_dimensionKeyLengthBoundary();
    void record_dimensionValueLengthBoundary_data();
    void record_dimensionValueLengthBoundary();
    void record_customerIdFormat_data();
    void record_customerIdFormat();
    void record_eventTypeFormat_data();
    void record_eventTypeFormat();
    void record_timestampWindow_data();
    void record_timestampWindow();

    // Idempotency
    void idempotency_replayIsDuplicateCountedOnce();
    void idempotency_differentPayloadConflicts_data();
    void idempotency_differentPayloadConflicts();
    void idempotency_keyIsPerCustomer();
    void idempotency_omittedTimestampReplaysLater();
    void idempotency_keyKeptSevenDays();

    // Meters
    void meter_eventTypesSelectEvents_data();
    void meter_eventTypesSelectEvents();
    void meter_dimensionFiltersSelectEvents_data();
    void meter_dimensionFiltersSelectEvents();
    void meter_dimensionFiltersCombineWithAnd();
    void meter_aggregations_data();
    void meter_aggregations();
    void meter_createdAfterEventsBackfills();
    void meter_replaceReaggregates();

    // Batches
    void batch_landsValidAndListsRejected();
    void batch_duplicateWithinBatchCountedOnce();

    // Listing
    void events_newestFirst();
    void events_filters();
    void events_pagesWithoutGapsOrRepeats_data();
    void events_pagesWithoutGapsOrRepeats();
    void events_limitBounds_data();
    void events_limitBounds();

    // Customers
    void customer_createGetUpdateDelete();
    void customer_patchChangesOnlyGivenFields();
    void customer_createExistingIsConflict();
    void customer_unknownPlanIsPlanNotFound();
    void customer_rejectsBadId_data();
    void customer_rejectsBadId();
    void customer_listHoldsAll();
};

// ---------------------------------------------------------------------------------------------------------------
// Recording and defaults

void TestEvents::record_appliesDefaults()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    auto first = store->record(makeEvent(CustA, u"llm.completion"_s));
    VERIFY_OK(first);
    QVERIFY(!first->duplicate);
    QVERIFY(!first->event.id.isEmpty());
    QCOMPARE(first->event.customerId, CustA);
    QCOMPARE(first->event.eventType, u"llm.completion"_s);
    QCOMPARE(first->event.value, 1.0);             // SPEC §2: value defaults to 1
    QCOMPARE(first->event.timestamp, store.now()); // timestamp defaults to now
    QVERIFY(first->event.dimensions.isEmpty());

    store.advance(1000);
    auto second = store->record(makeEvent(CustA, u"llm.completion"_s));
    VERIFY_OK(second);
    QVERIFY(!second->duplicate);
    QVERIFY(second->event.id != first->event.id);
    QCOMPARE(second->event.timestamp, store.now());

    const auto listed = allEvents(store);
    QCOMPARE(listed.size(), 2);
    QCOMPARE(listed.at(0).id, second->event.id); // newest first
    QCOMPARE(listed.at(1).id, first->event.id);
    QCOMPARE(listed.at(1).value, 1.0);
    QCOMPARE(listed.at(1).timestamp, first->event.timestamp);
    QCOMPARE(lifetimeUsage(store, SumMeter, CustA), 2.0);
    QCOMPARE(lifetimeUsage(store, CountMeter, CustA), 2.0);
}

void TestEvents::record_keepsGivenFields()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto ts = store.now().addDays(-1).addMSecs(250);
    const Dimensions dims{{u"model"_s, u"gpt-4o"_s}, {u"region"_s, u"eu-west"_s}};
    auto r = store->record(makeEvent(CustA, u"llm.tokens"_s, 1234.5, dims, ts, u"key-1"_s));
    VERIFY_OK(r);
    QCOMPARE(r->event.value, 1234.5);
    QCOMPARE(r->event.timestamp, ts);
    QCOMPARE(r->event.dimensions, dims);
    QCOMPARE(r->event.idempotencyKey, u"key-1"_s);

    const auto listed = allEvents(store);
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.at(0).id, r->event.id);
    QCOMPARE(listed.at(0).customerId, CustA);
    QCOMPARE(listed.at(0).eventType, u"llm.tokens"_s);
    QCOMPARE(listed.at(0).value, 1234.5);
    QCOMPARE(listed.at(0).timestamp, ts);
    QCOMPARE(listed.at(0).dimensions, dims);
}

void TestEvents::record_acceptsZeroAndNegativeValues()
{
    // SPEC §2: value is any finite number.
    TestStore store;
    CHECKED(setUpBasics(store));

    auto zero = store->record(makeEvent(CustA, u"adjust"_s, 0.0));
    VERIFY_OK(zero);
    QCOMPARE(zero->event.value, 0.0);
    auto negative = store->record(makeEvent(CustA, u"adjust"_s, -2.5));
    VERIFY_OK(negative);
    QCOMPARE(negative->event.value, -2.5);
    auto positive = store->record(makeEvent(CustA, u"adjust"_s, 10.0));
    VERIFY_OK(positive);

    QCOMPARE(lifetimeUsage(store, SumMeter, CustA), 7.5);
    QCOMPARE(lifetimeUsage(store, CountMeter, CustA), 3.0);
}

void TestEvents::record_unknownCustomerIsCustomerNotFound()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    auto r = store->record(makeEvent(u"cust_nobody"_s, u"llm.completion"_s));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::CustomerNotFound);
    QCOMPARE(allEvents(store).size(), 0);
    QCOMPARE(lifetimeUsage(store, CountMeter), 0.0);
}

void TestEvents::record_deletedCustomerIsCustomerNotFound()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    auto del = store->deleteCustomer(CustB);
    VERIFY_OK(del);
    auto r = store->record(makeEvent(CustB, u"llm.completion"_s));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::CustomerNotFound);
    QCOMPARE(allEvents(store).size(), 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

void TestEvents::record_rejectsNonFiniteValue_data()
{
    QTest::addColumn<double>("value");
    QTest::addRow("NaN") << std::numeric_limits<double>::quiet_NaN();
    QTest::addRow("+inf") << std::numeric_limits<double>::infinity();
    QTest::addRow("-inf") << -std::numeric_limits<double>::infinity();
}

void TestEvents::record_rejectsNonFiniteValue()
{
    QFETCH(double, value);
    TestStore store;
    CHECKED(setUpBasics(store));

    auto r = store->record(makeEvent(CustA, u"llm.completion"_s, value));
    CHECKED(verifyRejected(store, r, ErrorCode::InvalidRequest, u"value"_s, 0, 0.0));
    QCOMPARE(lifetimeUsage(store, SumMeter), 0.0);
}

void TestEvents::record_dimensionCountBoundary_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("valid");
    QTest::addRow("none") << 0 << true;
    QTest::addRow("one") << 1 << true;
    QTest::addRow("32 (max)") << 32 << true;
    QTest::addRow("33") << 33 << false;
    QTest::addRow("100") << 100 << false;
}

void TestEvents::record_dimensionCountBoundary()
{
    QFETCH(int, count);
    QFETCH(bool, valid);
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto dims = dimensionsOfCount(count);
    QCOMPARE(dims.size(), count);
    auto r = store->record(makeEvent(CustA, u"llm.completion"_s, 1.0, dims));
    if (valid) {
        VERIFY_OK(r);
        QCOMPARE(r->event.dimensions.size(), count);
        const auto listed = allEvents(store);
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0).dimensions, dims);
    } else {
        CHECKED(verifyRejected(store, r, ErrorCode::InvalidRequest, u"dimensions"_s, 0, 0.0));
    }
}

void TestEvents::record_dimensionKeyLengthBoundary_data()
{
    QTest::addColumn<int>("length");
    QTest::addColumn<bool>("valid");
    QTest::addRow("empty key") << 0 << false;
    QTest::addRow("1") << 1 << true;
    QTest::addRow("64 (max)") << 64 << true;
    QTest::addRow("65") << 65 << false;
    QTest::addRow("300") << 300 << false;
}

void TestEvents::record_dimensionKeyLengthBoundary()
{
    QFETCH(int, length);
    QFETCH(bool, valid);
    TestStore store;
    CHECKED(setUpBasics(store));

    const Dimensions dims{{QString(length, u'k'), u"v"_s}, {u"other"_s, u"x"_s}};
    auto r = store->record(makeEvent(CustA, u"llm.completion"_s, 1.0, dims));
    if (valid) {
        VERIFY_OK(r);
        QCOMPARE(r->event.dimensions, dims);
        QCOMPARE(allEvents(store).size(), 1);
    } else {
        CHECKED(verifyRejected(store, r, ErrorCode::InvalidRequest, u"dimensions"_s, 0, 0.0));
    }
}

void TestEvents::record_dimensionValueLengthBoundary_data()
{
    QTest::addColumn<int>("length");
    QTest::addColumn<bool>("valid");
    QTest::addRow("1") << 1 << true;
    QTest::addRow("256 (max)") << 256 << true;
    QTest::addRow("257") << 257 << false;
    QTest::addRow("10000") << 10000 << false;
}

void TestEvents::record_dimensionValueLengthBoundary()
{
    QFETCH(int, length);
    QFETCH(bool, valid);
    TestStore store;
    CHECKED(setUpBasics(store));

    const Dimensions dims{{u"prompt"_s, QString(length, u'v')}};
    auto r = store->record(makeEvent(CustA, u"llm.completion"_s, 1.0, dims));
    if (valid) {
        VERIFY_OK(r);
        const auto listed = allEvents(store);
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0).dimensions.value(u"prompt"_s).size(), length);
    } else {
        CHECKED(verifyRejected(store, r, ErrorCode::InvalidRequest, u"dimensions"_s, 0, 0.0));
    }
}

void TestEvents::record_customerIdFormat_data()
{
    QTest::addColumn<QString>("customerId");
    QTest::addColumn<bool>("valid");
    QTest::addRow("128 chars (max)") << QString(128, u'c') << true;
    QTest::addRow("one char") << u"c"_s << true;
    QTest::addRow("all allowed punctuation") << u"A.b_C:d-9"_s << true;
    QTest::addRow("129 chars") << QString(129, u'c') << false;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("space") << u"cust acme"_s << false;
    QTest::addRow("slash") << u"cust/acme"_s << false;
    QTest::addRow("non-ascii") << u"cüst"_s << false;
    QTest::addRow("quote") << u"cust'1"_s << false;
    QTest::addRow("star") << u"cust*"_s << false;
}

void TestEvents::record_customerIdFormat()
{
    QFETCH(QString, customerId);
    QFETCH(bool, valid);
    TestStore store;
    CHECKED(setUpBasics(store));

    if (valid) {
        auto created = store->createCustomer(customer(customerId));
        VERIFY_OK(created);
        auto r = store->record(makeEvent(customerId, u"llm.completion"_s));
        VERIFY_OK(r);
        QCOMPARE(r->event.customerId, customerId);
        QCOMPARE(lifetimeUsage(store, CountMeter, customerId), 1.0);
    } else {
        auto r = store->record(makeEvent(customerId, u"llm.completion"_s));
        // A malformed id is invalid_request (rules.md), not customer_not_found.
        CHECKED(verifyRejected(store, r, ErrorCode::InvalidRequest, u"customerId"_s, 0, 0.0));
    }
}

void TestEvents::record_eventTypeFormat_data()
{
    QTest::addColumn<QString>("eventType");
    QTest::addColumn<bool>("valid");
    QTest::addRow("dotted") << u"llm.completion"_s << true;
    QTest::addRow("one char") << u"x"_s << true;
    QTest::addRow("all allowed punctuation") << u"A.b_C:d-9"_s << true;
    QTest::addRow("128 chars (max)") << QString(128, u'e') << true;
    QTest::addRow("129 chars") << QString(129, u'e') << false;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("space") << u"llm completion"_s << false;
    QTest::addRow("slash") << u"llm/completion"_s << false;
    QTest::addRow("star") << u"llm.*"_s << false;
}

void TestEvents::record_eventTypeFormat()
{
    QFETCH(QString, eventType);
    QFETCH(bool, valid);
    TestStore store;
    CHECKED(setUpBasics(store));

    auto r = store->record(makeEvent(CustA, eventType));
    if (valid) {
        VERIFY_OK(r);
        QCOMPARE(r->event.eventType, eventType);
        QCOMPARE(allEvents(store).size(), 1);
    } else {
        CHECKED(verifyRejected(store, r, ErrorCode::InvalidRequest, u"eventType"_s, 0, 0.0));
    }
}

void TestEvents::record_timestampWindow_data()
{
    QTest::addColumn<qint64>("offsetMs");
    QTest::addColumn<bool>("valid");
    const qint64 fiveMinutes = 5 * 60 * 1000;
    QTest::addRow("now") << qint64(0) << true;
    QTest::addRow("1 ms ahead") << qint64(1) << true;
    QTest::addRow("5 min - 1 ms ahead") << fiveMinutes - 1 << true;
    QTest::addRow("exactly 5 min ahead") << fiveMinutes << true;
    QTest::addRow("5 min + 1 ms ahead") << fiveMinutes + 1 << false;
    QTest::addRow("1 hour ahead") << qint64(3600 * 1000) << false;
    QTest::addRow("1 ms ago") << qint64(-1) << true;
    QTest::addRow("a year ago") << qint64(-365LL * 24 * 3600 * 1000) << true;
    QTest::addRow("ten years ago") << qint64(-3650LL * 24 * 3600 * 1000) << true;
}

void TestEvents::record_timestampWindow()
{
    QFETCH(qint64, offsetMs);
    QFETCH(bool, valid);
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto ts = store.now().addMSecs(offsetMs);
    auto r = store->record(makeEvent(CustA, u"llm.completion"_s, 1.0, {}, ts));
    if (valid) {
        VERIFY_OK(r);
        QCOMPARE(r->event.timestamp, ts);
        const auto listed = allEvents(store);
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0).timestamp, ts);
        QCOMPARE(lifetimeUsage(store, CountMeter, CustA), 1.0);
    } else {
        CHECKED(verifyRejected(store, r, ErrorCode::InvalidRequest, u"timestamp"_s, 0, 0.0));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Idempotency

void TestEvents::idempotency_replayIsDuplicateCountedOnce()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto ts = store.now().addSecs(-30);
    const auto in = makeEvent(CustA, u"llm.tokens"_s, 5.0, {{u"model"_s, u"gpt"_s}}, ts, u"req-1"_s);
    auto first = store->record(in);
    VERIFY_OK(first);
    QVERIFY(!first->duplicate);

    store.advance(10'000);
    auto replay = store->record(in);
    VERIFY_OK(replay);
    QVERIFY(replay->duplicate);
    QCOMPARE(replay->event.id, first->event.id);
    QCOMPARE(replay->event.value, 5.0);
    QCOMPARE(replay->event.timestamp, ts);

    auto third = store->record(in);
    VERIFY_OK(third);
    QVERIFY(third->duplicate);
    QCOMPARE(third->event.id, first->event.id);

    QCOMPARE(allEvents(store).size(), 1);
    QCOMPARE(lifetimeUsage(store, SumMeter, CustA), 5.0);
    QCOMPARE(lifetimeUsage(store, CountMeter, CustA), 1.0);
}

void TestEvents::idempotency_differentPayloadConflicts_data()
{
    QTest::addColumn<QString>("change");
    QTest::addRow("value") << u"value"_s;
    QTest::addRow("eventType") << u"eventType"_s;
    QTest::addRow("extra dimension") << u"extraDimension"_s;
    QTest::addRow("dimension value") << u"dimensionValue"_s;
    QTest::addRow("timestamp") << u"timestamp"_s;
}

void TestEvents::idempotency_differentPayloadConflicts()
{
    QFETCH(QString, change);
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto ts = store.now().addSecs(-30);
    const auto original = makeEvent(CustA, u"llm.tokens"_s, 5.0, {{u"model"_s, u"gpt"_s}}, ts, u"req-1"_s);
    auto first = store->record(original);
    VERIFY_OK(first);

    auto changed = original;
    if (change == u"value")
        changed.value = 6.0;
    else if (change == u"eventType")
        changed.eventType = u"llm.other"_s;
    else if (change == u"extraDimension")
        changed.dimensions.insert(u"region"_s, u"eu"_s);
    else if (change == u"dimensionValue")
        changed.dimensions[u"model"_s] = u"claude"_s;
    else if (change == u"timestamp")
        changed.timestamp = ts.addMSecs(1);

    auto r = store->record(changed);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::IdempotencyConflict);

    const auto listed = allEvents(store);
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.at(0).id, first->event.id);
    QCOMPARE(listed.at(0).value, 5.0);
    QCOMPARE(lifetimeUsage(store, SumMeter, CustA), 5.0);

    // The original is still replayable after the conflict.
    auto replay = store->record(original);
    VERIFY_OK(replay);
    QVERIFY(replay->duplicate);
    QCOMPARE(replay->event.id, first->event.id);
}

void TestEvents::idempotency_keyIsPerCustomer()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto ts = store.now().addSecs(-30);
    auto a = store->record(makeEvent(CustA, u"llm.tokens"_s, 5.0, {}, ts, u"shared-key"_s));
    VERIFY_OK(a);
    // Same key, other customer (and a different value): independent, not a conflict.
    auto b = store->record(makeEvent(CustB, u"llm.tokens"_s, 7.0, {}, ts, u"shared-key"_s));
    VERIFY_OK(b);
    QVERIFY(!a->duplicate);
    QVERIFY(!b->duplicate);
    QVERIFY(a->event.id != b->event.id);

    QCOMPARE(allEvents(store).size(), 2);
    QCOMPARE(lifetimeUsage(store, SumMeter, CustA), 5.0);
    QCOMPARE(lifetimeUsage(store, SumMeter, CustB), 7.0);
}

void TestEvents::idempotency_omittedTimestampReplaysLater()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto in = makeEvent(CustA, u"llm.tokens"_s, 3.0, {}, std::nullopt, u"retry-me"_s);
    const auto firstNow = store.now();
    auto first = store->record(in);
    VERIFY_OK(first);
    QCOMPARE(first->event.timestamp, firstNow);

    // The client retries a minute later without a timestamp: the payload it sent is the same.
    store.advance(60'000);
    auto replay = store->record(in);
    VERIFY_OK(replay);
    QVERIFY(replay->duplicate);
    QCOMPARE(replay->event.id, first->event.id);
    QCOMPARE(replay->event.timestamp, firstNow); // answered as the first time

    QCOMPARE(allEvents(store).size(), 1);
    QCOMPARE(lifetimeUsage(store, SumMeter, CustA), 3.0);
}

void TestEvents::idempotency_keyKeptSevenDays()
{
    // SPEC §2: keys are kept at least 7 days.
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto in = makeEvent(CustA, u"llm.tokens"_s, 3.0, {}, std::nullopt, u"weekly"_s);
    auto first = store->record(in);
    VERIFY_OK(first);

    store.advance(7LL * 24 * 3600 * 1000);
    auto replay = store->record(in);
    VERIFY_OK(replay);
    QVERIFY(replay->duplicate);
    QCOMPARE(replay->event.id, first->event.id);
    QCOMPARE(lifetimeUsage(store, SumMeter, CustA), 3.0);
}

// ---------------------------------------------------------------------------------------------------------------
// Meters

void TestEvents::meter_eventTypesSelectEvents_data()
{
    // Events: llm.completion 2, llm.embedding 3, llmx.other 5, image.gen 7, llm 11 (total 28).
    QTest::addColumn<QStringList>("eventTypes");
    QTest::addColumn<double>("expected");
    QTest::addRow("exact") << QStringList{u"llm.completion"_s} << 2.0;
    QTest::addRow("prefix llm.*") << QStringList{u"llm.*"_s} << 5.0;
    QTest::addRow("empty = all") << QStringList{} << 28.0;
    QTest::addRow("two exact") << QStringList{u"llm.embedding"_s, u"image.gen"_s} << 10.0;
    QTest::addRow("prefix and exact") << QStringList{u"llm.*"_s, u"image.gen"_s} << 12.0;
    QTest::addRow("exact does not prefix") << QStringList{u"llm"_s} << 11.0;
    QTest::addRow("prefix llm*") << QStringList{u"llm*"_s} << 21.0;
    QTest::addRow("no match") << QStringList{u"audio.speech"_s} << 0.0;
}

void TestEvents::meter_eventTypesSelectEvents()
{
    QFETCH(QStringList, eventTypes);
    QFETCH(double, expected);
    TestStore store;
    CHECKED(setUpBasics(store));

    const QList<std::pair<QString, double>> events{
        {u"llm.completion"_s, 2}, {u"llm.embedding"_s, 3}, {u"llmx.other"_s, 5}, {u"image.gen"_s, 7}, {u"llm"_s, 11}};
    for (const auto& [type, value] : events) {
        auto r = store->record(makeEvent(CustA, type, value));
        VERIFY_OK(r);
    }
    auto created = store->createMeter(meter(u"selected"_s, Aggregation::Sum, eventTypes));
    VERIFY_OK(created);
    QCOMPARE(created->eventTypes, eventTypes);
    QCOMPARE(lifetimeUsage(store, u"selected"_s, CustA), expected);
    QCOMPARE(lifetimeUsage(store, u"selected"_s), expected);
}

void TestEvents::meter_dimensionFiltersSelectEvents_data()
{
    // Events: model gpt-4 1, gpt-4o 2, claude 4, no model 8, GPT-4 16.
    QTest::addColumn<QStringList>("allowedModels");
    QTest::addColumn<double>("expected");
    QTest::addRow("one value") << QStringList{u"gpt-4"_s} << 1.0;
    QTest::addRow("two values") << QStringList{u"gpt-4"_s, u"gpt-4o"_s} << 3.0;
    QTest::addRow("other value") << QStringList{u"claude"_s} << 4.0;
    QTest::addRow("case-sensitive") << QStringList{u"GPT-4"_s} << 16.0;
    QTest::addRow("no event has it") << QStringList{u"mistral"_s} << 0.0;
}

void TestEvents::meter_dimensionFiltersSelectEvents()
{
    QFETCH(QStringList, allowedModels);
    QFETCH(double, expected);
    TestStore store;
    CHECKED(setUpBasics(store));

    const QList<std::pair<QString, double>> events{
        {u"gpt-4"_s, 1}, {u"gpt-4o"_s, 2}, {u"claude"_s, 4}, {QString(), 8}, {u"GPT-4"_s, 16}};
    for (const auto& [model, value] : events) {
        Dimensions dims{{u"region"_s, u"eu"_s}};
        if (!model.isNull())
            dims.insert(u"model"_s, model);
        auto r = store->record(makeEvent(CustA, u"llm.tokens"_s, value, dims));
        VERIFY_OK(r);
    }
    auto created = store->createMeter(meter(u"filtered"_s, Aggregation::Sum, {}, {}, {{u"model"_s, allowedModels}}));
    VERIFY_OK(created);
    QCOMPARE(created->dimensionFilters.value(u"model"_s), allowedModels);
    QCOMPARE(lifetimeUsage(store, u"filtered"_s, CustA), expected);
}

void TestEvents::meter_dimensionFiltersCombineWithAnd()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    struct Row
    {
        QString model;
        QString region;
        double value;
    };
    const QList<Row> rows{{u"gpt-4"_s, u"eu"_s, 1},
                          {u"gpt-4"_s, u"us"_s, 2},
                          {u"claude"_s, u"eu"_s, 4},
                          {u"gpt-4"_s, QString(), 8},
                          {u"mistral"_s, u"eu"_s, 16}};
    for (const auto& row : rows) {
        Dimensions dims{{u"model"_s, row.model}};
        if (!row.region.isNull())
            dims.insert(u"region"_s, row.region);
        auto r = store->record(makeEvent(CustA, u"llm.tokens"_s, row.value, dims));
        VERIFY_OK(r);
    }
    const QMap<QString, QStringList> filters{{u"model"_s, {u"gpt-4"_s, u"claude"_s}}, {u"region"_s, {u"eu"_s}}};
    auto created = store->createMeter(meter(u"both"_s, Aggregation::Sum, {u"llm.*"_s}, {}, filters));
    VERIFY_OK(created);
    // Every filter must pass; an event without the key (region) is excluded.
    QCOMPARE(lifetimeUsage(store, u"both"_s, CustA), 5.0);
}

void TestEvents::meter_aggregations_data()
{
    // cust_a: 2 {user u1}, 7.5 {user u2}, 3 {user u1}, 0.25 {user u3}, 4 {}; cust_b: 100 {user u9}.
    QTest::addColumn<int>("aggregation");
    QTest::addColumn<QString>("customerId");
    QTest::addColumn<double>("expected");
    QTest::addRow("sum") << int(Aggregation::Sum) << CustA << 16.75;
    QTest::addRow("count") << int(Aggregation::Count) << CustA << 5.0;
    QTest::addRow("max") << int(Aggregation::Max) << CustA << 7.5;
    QTest::addRow("unique_count") << int(Aggregation::UniqueCount) << CustA << 3.0;
    QTest::addRow("sum all customers") << int(Aggregation::Sum) << QString() << 116.75;
    QTest::addRow("count all customers") << int(Aggregation::Count) << QString() << 6.0;
    QTest::addRow("max all customers") << int(Aggregation::Max) << QString() << 100.0;
    QTest::addRow("unique_count all customers") << int(Aggregation::UniqueCount) << QString() << 4.0;
}

void TestEvents::meter_aggregations()
{
    QFETCH(int, aggregation);
    QFETCH(QString, customerId);
    QFETCH(double, expected);
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto agg = static_cast<Aggregation>(aggregation);
    auto created = store->createMeter(
        meter(u"agg"_s, agg, {u"llm.tokens"_s}, agg == Aggregation::UniqueCount ? u"user"_s : QString()));
    VERIFY_OK(created);
    QCOMPARE(toString(created->aggregation), toString(agg));

    const QList<std::tuple<QString, double, QString>> events{{CustA, 2, u"u1"_s},
                                                             {CustA, 7.5, u"u2"_s},
                                                             {CustA, 3, u"u1"_s},
                                                             {CustA, 0.25, u"u3"_s},
                                                             {CustA, 4, QString()},
                                                             {CustB, 100, u"u9"_s}};
    for (const auto& [cust, value, user] : events) {
        Dimensions dims;
        if (!user.isNull())
            dims.insert(u"user"_s, user);
        auto r = store->record(makeEvent(cust, u"llm.tokens"_s, value, dims));
        VERIFY_OK(r);
    }
    // An event of another type does not count for any aggregation.
    auto other = store->record(makeEvent(CustA, u"image.gen"_s, 1000.0, {{u"user"_s, u"u7"_s}}));
    VERIFY_OK(other);

    QCOMPARE(lifetimeUsage(store, u"agg"_s, customerId), expected);
}

void TestEvents::meter_createdAfterEventsBackfills()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto past = store.now().addDays(-40);
    auto old1 = store->record(makeEvent(CustA, u"llm.tokens"_s, 10.0, {}, past));
    VERIFY_OK(old1);
    auto old2 = store->record(makeEvent(CustA, u"llm.tokens"_s, 5.0, {}, past.addDays(1)));
    VERIFY_OK(old2);
    auto old3 = store->record(makeEvent(CustB, u"llm.tokens"_s, 1.0));
    VERIFY_OK(old3);

    store.advance(3600 * 1000);
    auto created = store->createMeter(meter(u"late"_s, Aggregation::Sum, {u"llm.tokens"_s}));
    VERIFY_OK(created);
    QCOMPARE(lifetimeUsage(store, u"late"_s, CustA), 15.0);
    QCOMPARE(lifetimeUsage(store, u"late"_s), 16.0);

    auto newer = store->record(makeEvent(CustA, u"llm.tokens"_s, 2.0));
    VERIFY_OK(newer);
    QCOMPARE(lifetimeUsage(store, u"late"_s, CustA), 17.0);
}

void TestEvents::meter_replaceReaggregates()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    const QList<std::tuple<QString, double, QString>> events{{u"llm.completion"_s, 2, u"gpt"_s},
                                                             {u"llm.completion"_s, 3, u"claude"_s},
                                                             {u"llm.embedding"_s, 5, u"gpt"_s},
                                                             {u"image.gen"_s, 7, u"gpt"_s}};
    for (const auto& [type, value, model] : events) {
        auto r = store->record(makeEvent(CustA, type, value, {{u"model"_s, model}}));
        VERIFY_OK(r);
    }
    auto created = store->createMeter(meter(u"m"_s, Aggregation::Sum, {u"llm.completion"_s}));
    VERIFY_OK(created);
    QCOMPARE(lifetimeUsage(store, u"m"_s, CustA), 5.0);

    auto m = meter(u"m"_s, Aggregation::Sum, {u"llm.*"_s});
    auto widened = store->replaceMeter(m);
    VERIFY_OK(widened);
    QCOMPARE(lifetimeUsage(store, u"m"_s, CustA), 10.0);

    m.aggregation = Aggregation::Count;
    auto counted = store->replaceMeter(m);
    VERIFY_OK(counted);
    QCOMPARE(lifetimeUsage(store, u"m"_s, CustA), 3.0);

    m.aggregation = Aggregation::Max;
    m.eventTypes = {};
    m.dimensionFilters = {{u"model"_s, {u"gpt"_s}}};
    auto filtered = store->replaceMeter(m);
    VERIFY_OK(filtered);
    QCOMPARE(lifetimeUsage(store, u"m"_s, CustA), 7.0);

    auto stored = store->meter(u"m"_s);
    VERIFY_OK(stored);
    QCOMPARE(toString(stored->aggregation), u"max"_s);
    QVERIFY(stored->eventTypes.isEmpty());
    QCOMPARE(stored->dimensionFilters, m.dimensionFilters);

    // Replacing an unknown meter is meter_not_found.
    auto unknown = store->replaceMeter(meter(u"nope"_s, Aggregation::Sum));
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().code, ErrorCode::MeterNotFound);
}

// ---------------------------------------------------------------------------------------------------------------
// Batches

void TestEvents::batch_landsValidAndListsRejected()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto ts = store.now().addSecs(-60);
    const auto keyed = makeEvent(CustA, u"llm.tokens"_s, 4.0, {}, ts, u"k1"_s);
    auto first = store->record(keyed);
    VERIFY_OK(first);

    auto conflicting = keyed;
    conflicting.value = 40.0;
    const QList<EventInput> batch{
        makeEvent(CustA, u"llm.tokens"_s, 1.0),                                      // 0 ok
        makeEvent(CustA, u"llm.tokens"_s, std::numeric_limits<double>::quiet_NaN()), // 1 bad value
        makeEvent(CustB, u"llm.tokens"_s, 2.0, {}, std::nullopt, u"k2"_s),           // 2 ok
        makeEvent(u"cust_nobody"_s, u"llm.tokens"_s, 8.0),                           // 3 unknown customer
        keyed,                                                                       // 4 replay
        makeEvent(CustA, u"bad type"_s, 16.0),                                       // 5 bad eventType
        conflicting,                                                                 // 6 idempotency conflict
        makeEvent(CustA, u"llm.tokens"_s, 32.0, {}, store.now().addSecs(301)),       // 7 too far ahead
    };
    auto r = store->recordBatch(batch);
    VERIFY_OK(r);
    QCOMPARE(r->accepted, 2);
    QCOMPARE(r->duplicates, 1);
    QCOMPARE(r->rejected.size(), 5);

    QMap<int, Error> rejected;
    for (const auto& rej : r->rejected)
        rejected.insert(rej.index, rej.error);
    QCOMPARE(rejected.keys(), (QList<int>{1, 3, 5, 6, 7}));
    QCOMPARE(rejected.value(1).code, ErrorCode::InvalidRequest);
    QCOMPARE(rejected.value(1).field, u"value"_s);
    QCOMPARE(rejected.value(3).code, ErrorCode::CustomerNotFound);
    QCOMPARE(rejected.value(5).code, ErrorCode::InvalidRequest);
    QCOMPARE(rejected.value(5).field, u"eventType"_s);
    QCOMPARE(rejected.value(6).code, ErrorCode::IdempotencyConflict);
    QCOMPARE(rejected.value(7).code, ErrorCode::InvalidRequest);
    QCOMPARE(rejected.value(7).field, u"timestamp"_s);

    QCOMPARE(allEvents(store).size(), 3);                 // the first record + two accepted
    QCOMPARE(lifetimeUsage(store, SumMeter, CustA), 5.0); // 4 (once) + 1
    QCOMPARE(lifetimeUsage(store, SumMeter, CustB), 2.0);
    QCOMPARE(lifetimeUsage(store, CountMeter), 3.0);
}

void TestEvents::batch_duplicateWithinBatchCountedOnce()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto in = makeEvent(CustA, u"llm.tokens"_s, 9.0, {}, store.now().addSecs(-5), u"same"_s);
    auto r = store->recordBatch({in, in, makeEvent(CustA, u"llm.tokens"_s, 1.0)});
    VERIFY_OK(r);
    QCOMPARE(r->accepted, 2);
    QCOMPARE(r->duplicates, 1);
    QVERIFY(r->rejected.isEmpty());
    QCOMPARE(allEvents(store).size(), 2);
    QCOMPARE(lifetimeUsage(store, SumMeter, CustA), 10.0);

    // A later single record with the key is a replay of the batch's event.
    auto replay = store->record(in);
    VERIFY_OK(replay);
    QVERIFY(replay->duplicate);
}

// ---------------------------------------------------------------------------------------------------------------
// Listing

void TestEvents::events_newestFirst()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    // Recorded out of order: the listing sorts by timestamp, newest first.
    const auto base = store.now().addSecs(-3600);
    const QList<int> minutes{10, 50, 0, 30, 20};
    for (int m : minutes) {
        auto r = store->record(makeEvent(CustA, u"llm.tokens"_s, double(m), {}, base.addSecs(m * 60)));
        VERIFY_OK(r);
    }
    const auto listed = allEvents(store);
    QCOMPARE(listed.size(), 5);
    QList<double> values;
    for (const auto& e : listed)
        values << e.value;
    QCOMPARE(values, (QList<double>{50, 30, 20, 10, 0}));
}

void TestEvents::events_filters()
{
    TestStore store;
    CHECKED(setUpBasics(store));

    const auto t0 = utc(2026, 3, 10);
    const auto t1 = utc(2026, 3, 11);
    const auto t2 = utc(2026, 3, 12);
    const QList<std::tuple<QString, QString, QDateTime>> events{
        {CustA, u"llm.completion"_s, t0.addMSecs(-1)},
        {CustA, u"llm.completion"_s, t0},
        {CustA, u"llm.embedding"_s, t1},
        {CustB, u"llm.completion"_s, t1},
        {CustA, u"llm.completion"_s, t2.addMSecs(-1)},
        {CustA, u"llm.completion"_s, t2},
    };
    QList<QString> ids;
    for (const auto& [cust, type, ts] : events) {
        auto r = store->record(makeEvent(cust, type, 1.0, {}, ts));
        VERIFY_OK(r);
        ids << r->event.id;
    }

    auto idsOf = [](const QList<Event>& list) {
        QStringList out;
        for (const auto& e : list)
            out << e.id;
        return out;
    };

    EventQuery byCustomer;
    byCustomer.customerId = CustB;
    QCOMPARE(idsOf(allEvents(store, byCustomer)), QStringList{ids[3]});

    EventQuery byType;
    byType.eventType = u"llm.embedding"_s;
    QCOMPARE(idsOf(allEvents(store, byType)), QStringList{ids[2]});

    // Half-open [from, to): the event at t0 is in, the one at t2 is out.
    EventQuery range;
    range.from = t0;
    range.to = t2;
    // ids[2] and ids[3] share a timestamp: compared as a set, the order elsewhere.
    const auto inRange = allEvents(store, range);
    QCOMPARE(inRange.size(), 4);
    QCOMPARE(inRange.first().id, ids[4]);
    QCOMPARE(inRange.last().id, ids[1]);
    QCOMPARE((QSet<QString>{inRange[1].id, inRange[2].id}), (QSet<QString>{ids[2], ids[3]}));

    EventQuery fromOnly;
    fromOnly.from = t2;
    QCOMPARE(idsOf(allEvents(store, fromOnly)), QStringList{ids[5]});

    EventQuery toOnly;
    toOnly.to = t0;
    QCOMPARE(idsOf(allEvents(store, toOnly)), QStringList{ids[0]});

    EventQuery combined;
    combined.customerId = CustA;
    combined.eventType = u"llm.completion"_s;
    combined.from = t0;
    combined.to = t2;
    QCOMPARE(idsOf(allEvents(store, combined)), (QStringList{ids[4], ids[1]}));
}

void TestEvents::events_pagesWithoutGapsOrRepeats_data()
{
    QTest::addColumn<int>("limit");
    QTest::addRow("1") << 1;
    QTest::addRow("2") << 2;
    QTest::addRow("7") << 7;
    QTest::addRow("24 (one short)") << 24;
    QTest::addRow("25 (exactly all)") << 25;
    QTest::addRow("1000 (max)") << 1000;
}

void TestEvents::events_pagesWithoutGapsOrRepeats()
{
    QFETCH(int, limit);
    TestStore store;
    CHECKED(setUpBasics(store));

    // 25 events, in runs of three sharing one timestamp, so the cursor has ties to break.
    QSet<QString> recorded;
    const auto base = store.now().addSecs(-3600);
    for (int i = 0; i < 25; ++i) {
        auto r = store->record(makeEvent(i % 2 ? CustA : CustB, u"llm.tokens"_s, double(i), {}, base.addSecs(i / 3)));
        VERIFY_OK(r);
        recorded.insert(r->event.id);
    }
    QCOMPARE(recorded.size(), 25);

    EventQuery q;
    q.limit = limit;
    QList<Event> seen;
    int pages = 0;
    for (;;) {
        auto r = store->events(q);
        VERIFY_OK(r);
        ++pages;
        QVERIFY(pages <= 30);
        QVERIFY(r->data.size() <= limit);
        if (!r->nextCursor.isEmpty())
            QCOMPARE(r->data.size(), qsizetype(limit)); // only the last page may be short
        seen += r->data;
        if (r->nextCursor.isEmpty())
            break;
        q.cursor = r->nextCursor;
    }
    QCOMPARE(seen.size(), 25);
    QSet<QString> ids;
    for (int i = 0; i < seen.size(); ++i) {
        ids.insert(seen[i].id);
        if (i > 0)
            QVERIFY2(seen[i - 1].timestamp >= seen[i].timestamp, "not newest first across pages");
    }
    QCOMPARE(ids, recorded); // no gaps, no repeats
    QVERIFY(pages >= (25 + limit - 1) / limit);
    QVERIFY(pages <= (25 + limit - 1) / limit + 1); // at most one trailing empty page
}

void TestEvents::events_limitBounds_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<bool>("valid");
    QTest::addRow("-1") << -1 << false;
    QTest::addRow("0") << 0 << false;
    QTest::addRow("1") << 1 << true;
    QTest::addRow("1000") << 1000 << true;
    QTest::addRow("1001") << 1001 << false;
}

void TestEvents::events_limitBounds()
{
    QFETCH(int, limit);
    QFETCH(bool, valid);
    TestStore store;
    CHECKED(setUpBasics(store));
    auto rec = store->record(makeEvent(CustA, u"llm.tokens"_s));
    VERIFY_OK(rec);

    EventQuery q;
    q.limit = limit;
    auto r = store->events(q);
    if (valid) {
        VERIFY_OK(r);
        QCOMPARE(r->data.size(), 1);
    } else {
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidRequest);
        QCOMPARE(r.error().field, u"limit"_s);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Customers

void TestEvents::customer_createGetUpdateDelete()
{
    TestStore store;
    Plan pro;
    pro.id = u"pro"_s;
    pro.name = u"Pro"_s;
    auto plan = store->createPlan(pro);
    VERIFY_OK(plan);

    Customer c;
    c.id = u"cust_acme"_s;
    c.name = u"Acme, Inc."_s;
    c.planId = u"pro"_s;
    c.externalId = u"cus_123"_s;
    c.metadata = {{u"tier"_s, u"gold"_s}, {u"region"_s, u"eu"_s}};
    auto created = store->createCustomer(c);
    VERIFY_OK(created);
    QCOMPARE(created->id, c.id);
    QCOMPARE(created->name, c.name);
    QCOMPARE(created->planId, c.planId);
    QCOMPARE(created->externalId, c.externalId);
    QCOMPARE(created->metadata, c.metadata);
    QCOMPARE(created->createdAt, store.now());

    store.advance(5000);
    auto got = store->customer(c.id);
    VERIFY_OK(got);
    QCOMPARE(got->name, c.name);
    QCOMPARE(got->planId, c.planId);
    QCOMPARE(got->externalId, c.externalId);
    QCOMPARE(got->metadata, c.metadata);
    QCOMPARE(got->createdAt, created->createdAt);

    CustomerPatch patch;
    patch.name = u"Acme Corp"_s;
    auto updated = store->updateCustomer(c.id, patch);
    VERIFY_OK(updated);
    QCOMPARE(updated->name, u"Acme Corp"_s);
    QCOMPARE(updated->planId, c.planId);
    QCOMPARE(updated->createdAt, created->createdAt);

    auto deleted = store->deleteCustomer(c.id);
    VERIFY_OK(deleted);
    auto gone = store->customer(c.id);
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().code, ErrorCode::CustomerNotFound);
    auto again = store->deleteCustomer(c.id);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, ErrorCode::CustomerNotFound);
    auto patchGone = store->updateCustomer(c.id, patch);
    QVERIFY(!patchGone.ok());
    QCOMPARE(patchGone.error().code, ErrorCode::CustomerNotFound);
}

void TestEvents::customer_patchChangesOnlyGivenFields()
{
    TestStore store;
    Plan pro;
    pro.id = u"pro"_s;
    pro.name = u"Pro"_s;
    auto p1 = store->createPlan(pro);
    VERIFY_OK(p1);
    Plan free;
    free.id = u"free"_s;
    free.name = u"Free"_s;
    auto p2 = store->createPlan(free);
    VERIFY_OK(p2);

    Customer c;
    c.id = u"cust_acme"_s;
    c.name = u"Acme"_s;
    c.planId = u"free"_s;
    c.externalId = u"cus_1"_s;
    c.metadata = {{u"a"_s, u"1"_s}};
    auto created = store->createCustomer(c);
    VERIFY_OK(created);

    CustomerPatch planOnly;
    planOnly.planId = u"pro"_s;
    auto r1 = store->updateCustomer(c.id, planOnly);
    VERIFY_OK(r1);
    QCOMPARE(r1->planId, u"pro"_s);
    QCOMPARE(r1->name, u"Acme"_s);
    QCOMPARE(r1->externalId, u"cus_1"_s);
    QCOMPARE(r1->metadata, c.metadata);

    CustomerPatch metadataOnly;
    metadataOnly.metadata = Metadata{{u"b"_s, u"2"_s}};
    auto r2 = store->updateCustomer(c.id, metadataOnly);
    VERIFY_OK(r2);
    QCOMPARE(r2->metadata, (Metadata{{u"b"_s, u"2"_s}}));
    QCOMPARE(r2->planId, u"pro"_s);

    CustomerPatch externalOnly;
    externalOnly.externalId = u"cus_2"_s;
    auto r3 = store->updateCustomer(c.id, externalOnly);
    VERIFY_OK(r3);
    QCOMPARE(r3->externalId, u"cus_2"_s);

    // An empty planId removes the plan.
    CustomerPatch removePlan;
    removePlan.planId = QString();
    auto r4 = store->updateCustomer(c.id, removePlan);
    VERIFY_OK(r4);
    QVERIFY(r4->planId.isEmpty());

    auto got = store->customer(c.id);
    VERIFY_OK(got);
    QCOMPARE(got->name, u"Acme"_s);
    QVERIFY(got->planId.isEmpty());
    QCOMPARE(got->externalId, u"cus_2"_s);
    QCOMPARE(got->metadata, (Metadata{{u"b"_s, u"2"_s}}));

    // An empty patch changes nothing.
    auto r5 = store->updateCustomer(c.id, CustomerPatch{});
    VERIFY_OK(r5);
    QCOMPARE(r5->name, u"Acme"_s);
    QCOMPARE(r5->externalId, u"cus_2"_s);
}

void TestEvents::customer_createExistingIsConflict()
{
    TestStore store;
    auto first = store->createCustomer(customer(CustA, u"Original"_s));
    VERIFY_OK(first);
    auto second = store->createCustomer(customer(CustA, u"Impostor"_s));
    QVERIFY(!second.ok());
    QCOMPARE(second.error().code, ErrorCode::Conflict);
    auto got = store->customer(CustA);
    VERIFY_OK(got);
    QCOMPARE(got->name, u"Original"_s);
}

void TestEvents::customer_unknownPlanIsPlanNotFound()
{
    TestStore store;
    auto created = store->createCustomer(customer(CustA, u"Acme"_s, u"no_such_plan"_s));
    QVERIFY(!created.ok());
    QCOMPARE(created.error().code, ErrorCode::PlanNotFound);
    auto got = store->customer(CustA);
    QVERIFY(!got.ok());
    QCOMPARE(got.error().code, ErrorCode::CustomerNotFound);

    auto plain = store->createCustomer(customer(CustA, u"Acme"_s));
    VERIFY_OK(plain);
    CustomerPatch patch;
    patch.planId = u"no_such_plan"_s;
    patch.name = u"Renamed"_s;
    auto updated = store->updateCustomer(CustA, patch);
    QVERIFY(!updated.ok());
    QCOMPARE(updated.error().code, ErrorCode::PlanNotFound);
    auto after = store->customer(CustA);
    VERIFY_OK(after);
    QCOMPARE(after->name, u"Acme"_s); // rejected input changes nothing
    QVERIFY(after->planId.isEmpty());
}

void TestEvents::customer_rejectsBadId_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("valid");
    QTest::addRow("128 chars") << QString(128, u'x') << true;
    QTest::addRow("129 chars") << QString(129, u'x') << false;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("space") << u"a b"_s << false;
    QTest::addRow("comma") << u"a,b"_s << false;
}

void TestEvents::customer_rejectsBadId()
{
    QFETCH(QString, id);
    QFETCH(bool, valid);
    TestStore store;
    auto r = store->createCustomer(customer(id));
    if (valid) {
        VERIFY_OK(r);
        auto got = store->customer(id);
        VERIFY_OK(got);
    } else {
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidRequest);
        QCOMPARE(r.error().field, u"id"_s);
        auto all = store->customers();
        VERIFY_OK(all);
        QVERIFY(all->isEmpty());
    }
}

void TestEvents::customer_listHoldsAll()
{
    TestStore store;
    for (const auto& id : {u"c3"_s, u"c1"_s, u"c2"_s}) {
        auto r = store->createCustomer(customer(id, u"Name "_s + id));
        VERIFY_OK(r);
    }
    auto all = store->customers();
    VERIFY_OK(all);
    QSet<QString> ids;
    for (const auto& c : *all)
        ids.insert(c.id);
    QCOMPARE(ids, (QSet<QString>{u"c1"_s, u"c2"_s, u"c3"_s}));
}

QTEST_GUILESS_MAIN(TestEvents)
#include "testevents.moc"
