// TestJsonCodec: the JSON layer of the HTTP API (SPEC §3). Decoders name the exact JSON path of the first wrong
// value ("Unknown fields are ignored; wrong types are 400"); encoders write exactly SPEC's keys, money as decimal
// strings with 6 places, usage values as JSON numbers and timestamps as ISO 8601 UTC with 'Z'.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QTimeZone>
#include <cmath>
#include <limits>

#include "server/api/errorstatus.h"
#include "server/api/hotanswers.h"
#include "server/api/hotrequests.h"
#include "server/api/jsonwriter.h"
#include "wire/answers.h"
#include "wire/jsonreader.h"
#include "wire/jsonvalues.h"
#include "wire/requests.h"

using namespace Meterline;
using namespace Meterline::Api;
using namespace Meterline::Wire;
using namespace Qt::StringLiterals;

namespace
{

QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), QTimeZone::utc());
}

// A JSON object from literal text; empty when the text is not an object (the comparison then fails loudly).
QJsonObject obj(const QByteArray& text)
{
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &e);
    if (e.error != QJsonParseError::NoError || !doc.isObject())
        qWarning("test literal is not a JSON object: %s at %d", qPrintable(e.errorString()), e.offset);
    return doc.object();
}

// An encoder's bytes as an object; they must be exactly one valid JSON object.
QJsonObject parsed(const QByteArray& bytes)
{
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &e);
    if (e.error != QJsonParseError::NoError || !doc.isObject())
        qWarning("encoder wrote invalid JSON: %s at %d: %s", qPrintable(e.errorString()), e.offset, bytes.constData());
    return doc.object();
}

Money money(const char* text)
{
    return *Money::parse(QString::fromLatin1(text));
}

template <typename T> Error errorOf(const Result<T>& r)
{
    return r.ok() ? Error{} : r.error();
}

// Runs the named decoder; the batch's error is its envelope's, else its first rejected element's.
Error decodeError(const QString& decoder, const QJsonObject& body)
{
    if (decoder == u"customer")
        return errorOf(customerFrom(body));
    if (decoder == u"customerPatch")
        return errorOf(customerPatchFrom(body));
    if (decoder == u"plan")
        return errorOf(planFrom(body));
    if (decoder == u"meter")
        return errorOf(meterFrom(body));
    if (decoder == u"limit")
        return errorOf(limitFrom(body));
    if (decoder == u"event")
        return errorOf(eventInputFrom(body));
    if (decoder == u"batch") {
        const auto batch = eventBatchFrom(body);
        if (!batch.ok())
            return batch.error();
        for (const auto& e : batch.value()) {
            if (!e.ok())
                return e.error();
        }
        return {};
    }
    if (decoder == u"check")
        return errorOf(checkRequestFrom(body));
    if (decoder == u"balanceChange")
        return errorOf(balanceChangeFrom(body));
    if (decoder == u"reserve")
        return errorOf(reserveFrom(body));
    if (decoder == u"apiKey")
        return errorOf(apiKeyRequestFrom(body));
    if (decoder == u"webhook")
        return errorOf(webhookFrom(body));
    qFatal("unknown decoder");
}

} // namespace

class TestJsonCodec : public QObject
{
    Q_OBJECT

private slots:
    // parseObject
    void parseObject_rejectsNonObjects_data();
    void parseObject_rejectsNonObjects();
    void parseObject_acceptsObject();

    // decoders: wrong types and missing fields, with the exact field path
    void decoders_rejectWithFieldPath_data();
    void decoders_rejectWithFieldPath();
    void decoders_acceptMinimalBodies_data();
    void decoders_acceptMinimalBodies();

    void customer_fullBody();
    void customer_nullIsAbsent();
    void customerPatch_onlyPresentFields();
    void customerPatch_nullRemoves();
    void plan_fullBody();
    void plan_defaults();
    void plan_pathId();
    void meter_fullBody();
    void limit_scopes();
    void event_fullBody();
    void event_defaultsAndNulls();
    void event_timestampOffsetBecomesUtc();
    void batch_decodesEachEventOnItsOwn();
    void batch_atMostTenThousand();
    void check_fullBody();
    void balanceChange_moneyRoundTrip();
    void webhookAndApiKey_fullBodies();
    void unknownFields_areIgnored();
    void reader_integerRange();

    // encoders: exactly SPEC's keys
    void jsonWriter_matchesQJsonDocument_data();
    void jsonWriter_matchesQJsonDocument();
    void jsonWriter_integersMatchQJsonDocument_data();
    void jsonWriter_integersMatchQJsonDocument();
    void jsonWriter_loneSurrogatesAsQJsonDocument_data();
    void jsonWriter_loneSurrogatesAsQJsonDocument();
    void jsonWriter_growsAndStartsAfresh();
    void jsonWriter_nestsAndSeparates();
    void encode_checkAllowed();
    void encode_checkDenied();
    void encode_checkNoLimit();
    void encode_recordResult();
    void encode_recordResultWithBurn();
    void encode_batchResult();
    void encode_balance();
    void encode_balanceChangeResult();
    void encode_usageResult_data();
    void encode_usageResult();
    void encode_summaryPage();
    void encode_customerPlanMeterLimit();
    void encode_eventPage();
    void encode_reservation();
    void encode_apiKeys();
    void encode_webhooks();
    void encode_changePage();
    void encode_timestampsWithMilliseconds();

    // errors
    void httpStatus_table_data();
    void httpStatus_table();
    void errorResponse_body();
};

// ---- parseObject ----

void TestJsonCodec::parseObject_rejectsNonObjects_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("messageStart");

    QTest::addRow("empty") << QByteArray() << u"the body is empty"_s;
    QTest::addRow("whitespace") << QByteArray(" \r\n") << u"the body is empty"_s;
    QTest::addRow("truncated") << QByteArray(R"({"customerId": "c")") << u"body is not valid JSON: "_s;
    QTest::addRow("trailing comma") << QByteArray(R"({"a": 1,})") << u"body is not valid JSON: "_s;
    QTest::addRow("1e999 overflows") << QByteArray(R"({"value": 1e999})") << u"body is not valid JSON: "_s;
    QTest::addRow("NaN literal") << QByteArray(R"({"value": NaN})") << u"body is not valid JSON: "_s;
    QTest::addRow("array") << QByteArray(R"([{"a": 1}])") << u"the body must be a JSON object"_s;
    QTest::addRow("string") << QByteArray(R"("text")") << u"the body must be a JSON object"_s;
    QTest::addRow("number") << QByteArray("5") << u"the body must be a JSON object"_s;
}

void TestJsonCodec::parseObject_rejectsNonObjects()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, messageStart);

    const auto r = parseObject(body);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, u"invalid_request"_s);
    QVERIFY2(r.error().message.startsWith(messageStart), qPrintable(r.error().message));
    if (messageStart.startsWith(u"body is not valid JSON"))
        QVERIFY2(r.error().message.contains(u" at offset "), qPrintable(r.error().message));
}

void TestJsonCodec::parseObject_acceptsObject()
{
    const auto r = parseObject(R"({"customerId": "cust_acme", "value": 12})");
    QVERIFY(r.ok());
    QCOMPARE(r.value().value(u"customerId"_s).toString(), u"cust_acme"_s);
    QCOMPARE(r.value().value(u"value"_s).toDouble(), 12.0);
}

// ---- decoders ----

void TestJsonCodec::decoders_rejectWithFieldPath_data()
{
    QTest::addColumn<QString>("decoder");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("messagePart");

    // events
    const QByteArray ev = R"("customerId": "cust_acme", "eventType": "llm.completion")";
    QTest::addRow("event value as string")
        << u"event"_s << "{" + ev + R"(, "value": "5"})" << u"value"_s << u"value must be a number, not a string"_s;
    QTest::addRow("event value as bool") << u"event"_s << "{" + ev + R"(, "value": true})" << u"value"_s
                                         << u"must be a number"_s;
    QTest::addRow("event value as object")
        << u"event"_s << "{" + ev + R"(, "value": {}})" << u"value"_s << u"must be a number"_s;
    QTest::addRow("event dimension value number")
        << u"event"_s << "{" + ev + R"(, "dimensions": {"model": 5}})" << u"dimensions.model"_s
        << u"dimensions.model must be a string, not a number"_s;
    QTest::addRow("event dimension value null") << u"event"_s << "{" + ev + R"(, "dimensions": {"model": null}})"
                                                << u"dimensions.model"_s << u"must be a string"_s;
    QTest::addRow("event dimensions array")
        << u"event"_s << "{" + ev + R"(, "dimensions": ["model"]})" << u"dimensions"_s << u"an object of strings"_s;
    QTest::addRow("event missing customerId")
        << u"event"_s << QByteArray(R"({"eventType": "t"})") << u"customerId"_s << u"customerId is required"_s;
    QTest::addRow("event null customerId") << u"event"_s << QByteArray(R"({"customerId": null, "eventType": "t"})")
                                           << u"customerId"_s << u"customerId is required"_s;
    QTest::addRow("event customerId number") << u"event"_s << QByteArray(R"({"customerId": 7, "eventType": "t"})")
                                             << u"customerId"_s << u"customerId must be a string"_s;
    QTest::addRow("event missing eventType")
        << u"event"_s << QByteArray(R"({"customerId": "c"})") << u"eventType"_s << u"eventType is required"_s;
    QTest::addRow("event timestamp without zone")
        << u"event"_s << "{" + ev + R"(, "timestamp": "2026-03-15T12:00:00"})" << u"timestamp"_s << u"ISO 8601"_s;
    QTest::addRow("event timestamp date only")
        << u"event"_s << "{" + ev + R"(, "timestamp": "2026-03-15"})" << u"timestamp"_s << u"ISO 8601"_s;
    QTest::addRow("event timestamp as number")
        << u"event"_s << "{" + ev + R"(, "timestamp": 1773576000})" << u"timestamp"_s << u"not a number"_s;
    QTest::addRow("event idempotencyKey number")
        << u"event"_s << "{" + ev + R"(, "idempotencyKey": 12})" << u"idempotencyKey"_s << u"must be a string"_s;
    QTest::addRow("event reservationId array")
        << u"event"_s << "{" + ev + R"(, "reservationId": []})" << u"reservationId"_s << u"must be a string"_s;

    // batch
    QTest::addRow("batch events[3].value string")
        << u"batch"_s << "{\"events\": [{" + ev + "}, {" + ev + "}, {" + ev + "}, {" + ev + R"(, "value": "5"}]})"
        << u"events[3].value"_s << u"events[3].value must be a number"_s;
    QTest::addRow("batch events[0].dimensions.model number")
        << u"batch"_s << "{\"events\": [{" + ev + R"(, "dimensions": {"model": 1}}]})"
        << u"events[0].dimensions.model"_s << u"must be a string"_s;
    QTest::addRow("batch element not an object") << u"batch"_s << "{\"events\": [{" + ev + "}, 5]}" << u"events[1]"_s
                                                 << u"events[1] must be an object, not a number"_s;
    QTest::addRow("batch events missing") << u"batch"_s << QByteArray("{}") << u"events"_s << u"events is required"_s;
    QTest::addRow("batch events object") << u"batch"_s << QByteArray(R"({"events": {}})") << u"events"_s
                                         << u"must be an array"_s;

    // balance
    QTest::addRow("amount as number") << u"balanceChange"_s << QByteArray(R"({"amount": 12.5})") << u"amount"_s
                                      << u"amounts are decimal strings such as \"12.50\""_s;
    QTest::addRow("amount integer number") << u"balanceChange"_s << QByteArray(R"({"amount": 12})") << u"amount"_s
                                           << u"amounts are decimal strings such as \"12.50\""_s;
    QTest::addRow("amount with 7 places")
        << u"balanceChange"_s << QByteArray(R"({"amount": "1.0000001"})") << u"amount"_s << u"at most 6 places"_s;
    QTest::addRow("amount exponent") << u"balanceChange"_s << QByteArray(R"({"amount": "1e3"})") << u"amount"_s
                                     << u"at most 6 places"_s;
    QTest::addRow("amount empty string") << u"balanceChange"_s << QByteArray(R"({"amount": ""})") << u"amount"_s
                                         << u"at most 6 places"_s;
    QTest::addRow("amount missing") << u"balanceChange"_s << QByteArray(R"({"reason": "top-up"})") << u"amount"_s
                                    << u"amount is required"_s;
    QTest::addRow("amount null") << u"balanceChange"_s << QByteArray(R"({"amount": null})") << u"amount"_s
                                 << u"amount is required"_s;
    QTest::addRow("reason number") << u"balanceChange"_s << QByteArray(R"({"amount": "1", "reason": 5})") << u"reason"_s
                                   << u"must be a string"_s;
    QTest::addRow("reserve as number") << u"reserve"_s << QByteArray(R"({"reserve": 5})") << u"reserve"_s
                                       << u"amounts are decimal strings"_s;
    QTest::addRow("reserve missing") << u"reserve"_s << QByteArray("{}") << u"reserve"_s << u"reserve is required"_s;

    // plans
    const QByteArray plan = R"("id": "pro", "name": "Pro")";
    QTest::addRow("plan missing id") << u"plan"_s << QByteArray(R"({"name": "Pro"})") << u"id"_s << u"id is required"_s;
    QTest::addRow("plan name number") << u"plan"_s << QByteArray(R"({"id": "pro", "name": 1})") << u"name"_s
                                      << u"must be a string"_s;
    QTest::addRow("plan limits[0].period yearly")
        << u"plan"_s << "{" + plan + R"(, "limits": [{"meterId": "m", "period": "yearly", "value": 10}]})"
        << u"limits[0].period"_s << u"limits[0].period must be hour, day, week, month or lifetime, not \"yearly\""_s;
    QTest::addRow("plan limits[1].value string")
        << u"plan"_s << "{" + plan + R"(, "limits": [{"meterId": "m", "period": "day", "value": 1},
                                     {"meterId": "m", "period": "month", "value": "10"}]})"
        << u"limits[1].value"_s << u"must be a number"_s;
    QTest::addRow("plan limits[0].mode strict")
        << u"plan"_s << "{" + plan + R"(, "limits": [{"meterId": "m", "period": "day", "value": 1, "mode": "strict"}]})"
        << u"limits[0].mode"_s << u"hard or soft"_s;
    QTest::addRow("plan limits[0].meterId missing")
        << u"plan"_s << "{" + plan + R"(, "limits": [{"period": "day", "value": 1}]})" << u"limits[0].meterId"_s
        << u"limits[0].meterId is required"_s;
    QTest::addRow("plan limits[0].value missing")
        << u"plan"_s << "{" + plan + R"(, "limits": [{"meterId": "m", "period": "day"}]})" << u"limits[0].value"_s
        << u"is required"_s;
    QTest::addRow("plan limits object") << u"plan"_s << "{" + plan + R"(, "limits": {}})" << u"limits"_s
                                        << u"must be an array"_s;
    QTest::addRow("plan limits[0] string")
        << u"plan"_s << "{" + plan + R"(, "limits": ["m"]})" << u"limits[0]"_s << u"must be an object"_s;
    QTest::addRow("plan prices[1].unitPrice number")
        << u"plan"_s
        << "{" + plan + R"(, "prices": [{"meterId": "a", "unitPrice": "1"}, {"meterId": "b", "unitPrice": 0.5}]})"
        << u"prices[1].unitPrice"_s << u"amounts are decimal strings"_s;
    QTest::addRow("plan prices[0].unitPrice 7 places")
        << u"plan"_s << "{" + plan + R"(, "prices": [{"meterId": "a", "unitPrice": "0.0000001"}]})"
        << u"prices[0].unitPrice"_s << u"at most 6 places"_s;
    QTest::addRow("plan prices[0].perUnits zero")
        << u"plan"_s << "{" + plan + R"(, "prices": [{"meterId": "a", "unitPrice": "1", "perUnits": 0}]})"
        << u"prices[0].perUnits"_s << u"whole number from 1"_s;
    QTest::addRow("plan prices[0].perUnits fraction")
        << u"plan"_s << "{" + plan + R"(, "prices": [{"meterId": "a", "unitPrice": "1", "perUnits": 1.5}]})"
        << u"prices[0].perUnits"_s << u"whole number"_s;
    QTest::addRow("plan prices[0].includedUnits string")
        << u"plan"_s << "{" + plan + R"(, "prices": [{"meterId": "a", "unitPrice": "1", "includedUnits": "100"}]})"
        << u"prices[0].includedUnits"_s << u"must be a number"_s;
    QTest::addRow("plan prices[0].creditsPerUnit number")
        << u"plan"_s << "{" + plan + R"(, "prices": [{"meterId": "a", "unitPrice": "1", "creditsPerUnit": 1}]})"
        << u"prices[0].creditsPerUnit"_s << u"amounts are decimal strings"_s;
    QTest::addRow("plan prices[0].unitPrice missing") << u"plan"_s << "{" + plan + R"(, "prices": [{"meterId": "a"}]})"
                                                      << u"prices[0].unitPrice"_s << u"is required"_s;
    QTest::addRow("plan currency number")
        << u"plan"_s << "{" + plan + R"(, "currency": 840})" << u"currency"_s << u"must be a string"_s;

    // customers
    QTest::addRow("customer missing id") << u"customer"_s << QByteArray(R"({"name": "Acme"})") << u"id"_s
                                         << u"id is required"_s;
    QTest::addRow("customer missing name")
        << u"customer"_s << QByteArray(R"({"id": "cust_acme"})") << u"name"_s << u"name is required"_s;
    QTest::addRow("customer planId number") << u"customer"_s << QByteArray(R"({"id": "c", "name": "n", "planId": 1})")
                                            << u"planId"_s << u"must be a string"_s;
    QTest::addRow("customer metadata value number")
        << u"customer"_s << QByteArray(R"({"id": "c", "name": "n", "metadata": {"tier": 2}})") << u"metadata.tier"_s
        << u"must be a string"_s;
    QTest::addRow("customer metadata string")
        << u"customer"_s << QByteArray(R"({"id": "c", "name": "n", "metadata": "x"})") << u"metadata"_s
        << u"an object of strings"_s;
    QTest::addRow("patch name null") << u"customerPatch"_s << QByteArray(R"({"name": null})") << u"name"_s
                                     << u"name cannot be removed"_s;
    QTest::addRow("patch name number") << u"customerPatch"_s << QByteArray(R"({"name": 5})") << u"name"_s
                                       << u"must be a string"_s;
    QTest::addRow("patch metadata array")
        << u"customerPatch"_s << QByteArray(R"({"metadata": []})") << u"metadata"_s << u"an object of strings"_s;
    QTest::addRow("patch planId bool") << u"customerPatch"_s << QByteArray(R"({"planId": false})") << u"planId"_s
                                       << u"must be a string"_s;

    // meters
    const QByteArray meter = R"("id": "llm-tokens", "name": "LLM tokens")";
    QTest::addRow("meter aggregation avg") << u"meter"_s << "{" + meter + R"(, "aggregation": "avg"})"
                                           << u"aggregation"_s << u"sum, count, max or unique_count"_s;
    QTest::addRow("meter aggregation missing")
        << u"meter"_s << "{" + meter + "}" << u"aggregation"_s << u"aggregation is required"_s;
    QTest::addRow("meter eventTypes[1] number")
        << u"meter"_s << "{" + meter + R"(, "aggregation": "sum", "eventTypes": ["llm.*", 5]})" << u"eventTypes[1]"_s
        << u"eventTypes[1] must be a string"_s;
    QTest::addRow("meter eventTypes string")
        << u"meter"_s << "{" + meter + R"(, "aggregation": "sum", "eventTypes": "llm.*"})" << u"eventTypes"_s
        << u"an array of strings"_s;
    QTest::addRow("meter dimensionFilters value string")
        << u"meter"_s << "{" + meter + R"(, "aggregation": "sum", "dimensionFilters": {"model": "gpt-4o"}})"
        << u"dimensionFilters.model"_s << u"an array of strings"_s;
    QTest::addRow("meter dimensionFilters value number in list")
        << u"meter"_s << "{" + meter + R"(, "aggregation": "sum", "dimensionFilters": {"model": ["a", 4]}})"
        << u"dimensionFilters.model[1]"_s << u"must be a string"_s;
    QTest::addRow("meter dimension number")
        << u"meter"_s << "{" + meter + R"(, "aggregation": "unique_count", "dimension": 1})" << u"dimension"_s
        << u"must be a string"_s;

    // limits
    const QByteArray terms = R"("meterId": "m", "period": "day", "value": 10)";
    QTest::addRow("limit scope missing") << u"limit"_s << "{\"customerId\": \"c\", " + terms + "}" << u"scope"_s
                                         << u"scope is required"_s;
    QTest::addRow("limit scope global") << u"limit"_s << "{\"scope\": \"global\", " + terms + "}" << u"scope"_s
                                        << u"plan or customer"_s;
    QTest::addRow("limit plan without planId") << u"limit"_s << "{\"scope\": \"plan\", " + terms + "}" << u"planId"_s
                                               << u"planId is required when scope is plan"_s;
    QTest::addRow("limit customer without customerId") << u"limit"_s << "{\"scope\": \"customer\", " + terms + "}"
                                                       << u"customerId"_s << u"required when scope is customer"_s;
    QTest::addRow("limit plan with customerId")
        << u"limit"_s << "{\"scope\": \"plan\", \"planId\": \"p\", \"customerId\": \"c\", " + terms + "}"
        << u"customerId"_s << u"does not go with scope plan"_s;
    QTest::addRow("limit period yearly")
        << u"limit"_s
        << QByteArray(R"({"scope": "customer", "customerId": "c", "meterId": "m", "period": "yearly", "value": 1})")
        << u"period"_s << u"hour, day, week, month or lifetime"_s;
    QTest::addRow("limit value string")
        << u"limit"_s
        << QByteArray(R"({"scope": "customer", "customerId": "c", "meterId": "m", "period": "day", "value": "1"})")
        << u"value"_s << u"must be a number"_s;
    QTest::addRow("limit value missing")
        << u"limit"_s << QByteArray(R"({"scope": "customer", "customerId": "c", "meterId": "m", "period": "day"})")
        << u"value"_s << u"value is required"_s;
    QTest::addRow("limit customerId number")
        << u"limit"_s << "{\"scope\": \"customer\", \"customerId\": 4, " + terms + "}" << u"customerId"_s
        << u"must be a string"_s;

    // check
    QTest::addRow("check customerId missing")
        << u"check"_s << QByteArray(R"({"meterId": "m"})") << u"customerId"_s << u"customerId is required"_s;
    QTest::addRow("check reserve string") << u"check"_s << QByteArray(R"({"customerId": "c", "reserve": "5"})")
                                          << u"reserve"_s << u"reserve must be a number, not a string"_s;
    QTest::addRow("check meterId number")
        << u"check"_s << QByteArray(R"({"customerId": "c", "meterId": 5})") << u"meterId"_s << u"must be a string"_s;
    QTest::addRow("check reserveSeconds fraction")
        << u"check"_s << QByteArray(R"({"customerId": "c", "reserveSeconds": 1.5})") << u"reserveSeconds"_s
        << u"whole number"_s;
    QTest::addRow("check reserveSeconds string")
        << u"check"_s << QByteArray(R"({"customerId": "c", "reserveSeconds": "300"})") << u"reserveSeconds"_s
        << u"whole number"_s;
    QTest::addRow("check reserveSeconds beyond int")
        << u"check"_s << QByteArray(R"({"customerId": "c", "reserveSeconds": 4294967296})") << u"reserveSeconds"_s
        << u"whole number"_s;

    // keys and webhooks
    QTest::addRow("apiKey scope root") << u"apiKey"_s << QByteArray(R"({"name": "n", "scope": "root"})") << u"scope"_s
                                       << u"ingest, read or admin"_s;
    QTest::addRow("apiKey name missing") << u"apiKey"_s << QByteArray(R"({"scope": "read"})") << u"name"_s
                                         << u"name is required"_s;
    QTest::addRow("apiKey scope number") << u"apiKey"_s << QByteArray(R"({"name": "n", "scope": 1})") << u"scope"_s
                                         << u"must be a string"_s;
    QTest::addRow("webhook events missing")
        << u"webhook"_s << QByteArray(R"({"url": "https://x.test/h"})") << u"events"_s << u"events is required"_s;
    QTest::addRow("webhook events[0] number")
        << u"webhook"_s << QByteArray(R"({"url": "https://x.test/h", "events": [1]})") << u"events[0]"_s
        << u"must be a string"_s;
    QTest::addRow("webhook url number") << u"webhook"_s << QByteArray(R"({"url": 1, "events": ["balance.low"]})")
                                        << u"url"_s << u"must be a string"_s;
    QTest::addRow("webhook threshold number")
        << u"webhook"_s
        << QByteArray(R"({"url": "https://x.test/h", "events": ["balance.low"], "balanceLowThreshold": 5})")
        << u"balanceLowThreshold"_s << u"amounts are decimal strings"_s;
}

void TestJsonCodec::decoders_rejectWithFieldPath()
{
    QFETCH(QString, decoder);
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    QFETCH(QString, messagePart);

    const auto parsed = parseObject(body);
    QVERIFY2(parsed.ok(), body.constData());
    const Error e = decodeError(decoder, parsed.value());
    QCOMPARE(e.code, u"invalid_request"_s);
    QCOMPARE(e.field, field);
    QVERIFY2(e.message.contains(messagePart), qPrintable(e.message));
    QCOMPARE(httpStatus(e.code), 400);
}

void TestJsonCodec::decoders_acceptMinimalBodies_data()
{
    QTest::addColumn<QString>("decoder");
    QTest::addColumn<QByteArray>("body");

    QTest::addRow("customer") << u"customer"_s << QByteArray(R"({"id": "cust_acme", "name": "Acme"})");
    QTest::addRow("customerPatch empty") << u"customerPatch"_s << QByteArray("{}");
    QTest::addRow("plan") << u"plan"_s << QByteArray(R"({"id": "free", "name": "Free"})");
    QTest::addRow("meter") << u"meter"_s << QByteArray(R"({"id": "m", "name": "M", "aggregation": "count"})");
    QTest::addRow("limit plan") << u"limit"_s << QByteArray(R"({"scope": "plan", "planId": "p", "meterId": "m",
                                                  "period": "lifetime", "value": 0})");
    QTest::addRow("event") << u"event"_s << QByteArray(R"({"customerId": "c", "eventType": "t"})");
    QTest::addRow("batch empty") << u"batch"_s << QByteArray(R"({"events": []})");
    QTest::addRow("check") << u"check"_s << QByteArray(R"({"customerId": "c"})");
    QTest::addRow("balanceChange") << u"balanceChange"_s << QByteArray(R"({"amount": "5"})");
    QTest::addRow("reserve") << u"reserve"_s << QByteArray(R"({"reserve": "0"})");
    QTest::addRow("apiKey") << u"apiKey"_s << QByteArray(R"({"name": "ci", "scope": "ingest"})");
    QTest::addRow("webhook") << u"webhook"_s << QByteArray(R"({"url": "https://x.test/h", "events": []})");
}

void TestJsonCodec::decoders_acceptMinimalBodies()
{
    QFETCH(QString, decoder);
    QFETCH(QByteArray, body);

    const Error e = decodeError(decoder, obj(body));
    QVERIFY2(e.code.isEmpty(), qPrintable(e.field + u": "_s + e.message));
}

void TestJsonCodec::customer_fullBody()
{
    const auto c = customerFrom(obj(R"({"id": "cust_acme", "name": "Acme Inc.", "planId": "pro",
        "externalId": "cus_Q1", "metadata": {"region": "eu", "tier": "gold"}})"));
    QVERIFY(c.ok());
    QCOMPARE(c->id, u"cust_acme"_s);
    QCOMPARE(c->name, u"Acme Inc."_s);
    QCOMPARE(c->planId, u"pro"_s);
    QCOMPARE(c->externalId, u"cus_Q1"_s);
    QCOMPARE(c->metadata, (Metadata{{u"region"_s, u"eu"_s}, {u"tier"_s, u"gold"_s}}));
}

void TestJsonCodec::customer_nullIsAbsent()
{
    const auto c =
        customerFrom(obj(R"({"id": "c", "name": "n", "planId": null, "externalId": null, "metadata": null})"));
    QVERIFY(c.ok());
    QVERIFY(c->planId.isEmpty());
    QVERIFY(c->externalId.isEmpty());
    QVERIFY(c->metadata.isEmpty());
}

void TestJsonCodec::customerPatch_onlyPresentFields()
{
    const auto none = customerPatchFrom(obj("{}"));
    QVERIFY(none.ok());
    QVERIFY(!none->name && !none->planId && !none->externalId && !none->metadata);

    const auto some = customerPatchFrom(obj(R"({"name": "Acme GmbH", "planId": "enterprise"})"));
    QVERIFY(some.ok());
    QCOMPARE(some->name, std::optional<QString>(u"Acme GmbH"_s));
    QCOMPARE(some->planId, std::optional<QString>(u"enterprise"_s));
    QVERIFY(!some->externalId);
    QVERIFY(!some->metadata);

    const auto meta = customerPatchFrom(obj(R"({"metadata": {"a": "1"}})"));
    QVERIFY(meta.ok());
    QCOMPARE(meta->metadata, std::optional<Metadata>(Metadata{{u"a"_s, u"1"_s}}));
}

void TestJsonCodec::customerPatch_nullRemoves()
{
    const auto p = customerPatchFrom(obj(R"({"planId": null, "externalId": null, "metadata": null})"));
    QVERIFY(p.ok());
    QVERIFY(p->planId.has_value());
    QCOMPARE(*p->planId, QString()); // empty planId removes the plan (core's CustomerPatch)
    QVERIFY(p->externalId.has_value());
    QCOMPARE(*p->externalId, QString());
    QVERIFY(p->metadata.has_value());
    QVERIFY(p->metadata->isEmpty());
    QVERIFY(!p->name);
}

void TestJsonCodec::plan_fullBody()
{
    const auto p = planFrom(obj(R"({"id": "pro", "name": "Pro", "currency": "EUR",
        "limits": [{"meterId": "llm-tokens", "period": "month", "value": 1000000},
                   {"meterId": "requests", "period": "minute_is_not_a_period_but_hour_is", "value": 1}],
        "prices": []})"));
    QVERIFY(!p.ok()); // sanity: the second limit's period is wrong
    QCOMPARE(p.error().field, u"limits[1].period"_s);

    const auto q = planFrom(obj(R"({"id": "pro", "name": "Pro", "currency": "EUR",
        "limits": [{"meterId": "llm-tokens", "period": "month", "value": 1000000},
                   {"meterId": "requests", "period": "hour", "value": 60, "mode": "soft"}],
        "prices": [{"meterId": "llm-tokens", "unitPrice": "0.002", "perUnits": 1000, "includedUnits": 50000,
                    "creditsPerUnit": "0.000002"}]})"));
    QVERIFY2(q.ok(), qPrintable(q.ok() ? QString() : q.error().message));
    QCOMPARE(q->id, u"pro"_s);
    QCOMPARE(q->name, u"Pro"_s);
    QCOMPARE(q->currency, u"EUR"_s);
    QCOMPARE(q->limits.size(), 2);
    QCOMPARE(toString(q->limits[0].scope), toString(LimitScope::Plan));
    QCOMPARE(q->limits[0].planId, u"pro"_s);
    QCOMPARE(q->limits[0].meterId, u"llm-tokens"_s);
    QCOMPARE(toString(q->limits[0].period), toString(Period::Month));
    QCOMPARE(q->limits[0].value, 1000000.0);
    QCOMPARE(toString(q->limits[0].mode), toString(LimitMode::Hard));
    QCOMPARE(toString(q->limits[1].period), toString(Period::Hour));
    QCOMPARE(toString(q->limits[1].mode), toString(LimitMode::Soft));
    QCOMPARE(q->prices.size(), 1);
    QCOMPARE(q->prices[0].meterId, u"llm-tokens"_s);
    QCOMPARE(q->prices[0].unitPrice, money("0.002"));
    QCOMPARE(q->prices[0].perUnits, qint64(1000));
    QCOMPARE(q->prices[0].includedUnits, 50000.0);
    QCOMPARE(q->prices[0].creditsPerUnit, money("0.000002"));
}

void TestJsonCodec::plan_defaults()
{
    const auto p = planFrom(obj(R"({"id": "free", "name": "Free",
        "limits": [{"meterId": "m", "period": "day", "value": 5, "mode": null}],
        "prices": [{"meterId": "m", "unitPrice": "1.5"}]})"));
    QVERIFY(p.ok());
    QCOMPARE(p->currency, u"USD"_s);
    QCOMPARE(toString(p->limits[0].mode), toString(LimitMode::Hard)); // SPEC: mode defaults to hard
    QCOMPARE(p->prices[0].perUnits, qint64(1));
    QCOMPARE(p->prices[0].includedUnits, 0.0);
    QVERIFY(p->prices[0].creditsPerUnit.isZero());
}

void TestJsonCodec::plan_pathId()
{
    // PUT /v1/plans/pro: the id may come from the path alone, or match it.
    const auto fromPath = planFrom(obj(R"({"name": "Pro"})"), u"pro"_s);
    QVERIFY(fromPath.ok());
    QCOMPARE(fromPath->id, u"pro"_s);
    const auto same = planFrom(obj(R"({"id": "pro", "name": "Pro"})"), u"pro"_s);
    QVERIFY(same.ok());
    const auto other = planFrom(obj(R"({"id": "free", "name": "Pro"})"), u"pro"_s);
    QVERIFY(!other.ok());
    QCOMPARE(other.error().field, u"id"_s);

    const auto meter = meterFrom(obj(R"({"name": "M", "aggregation": "max"})"), u"m1"_s);
    QVERIFY(meter.ok());
    QCOMPARE(meter->id, u"m1"_s);
    const auto limit = limitFrom(
        obj(R"({"scope": "customer", "customerId": "c", "meterId": "m", "period": "week", "value": 3})"), u"lim_1"_s);
    QVERIFY(limit.ok());
    QCOMPARE(limit->id, u"lim_1"_s);
}

void TestJsonCodec::meter_fullBody()
{
    const auto m = meterFrom(obj(R"({"id": "active-models", "name": "Active models", "aggregation": "unique_count",
        "eventTypes": ["llm.*", "embedding"], "dimensionFilters": {"region": ["eu", "us"], "tier": []},
        "dimension": "model"})"));
    QVERIFY(m.ok());
    QCOMPARE(m->id, u"active-models"_s);
    QCOMPARE(toString(m->aggregation), toString(Aggregation::UniqueCount));
    QCOMPARE(m->eventTypes, (QStringList{u"llm.*"_s, u"embedding"_s}));
    QCOMPARE(m->dimensionFilters.value(u"region"_s), (QStringList{u"eu"_s, u"us"_s}));
    QVERIFY(m->dimensionFilters.contains(u"tier"_s)); // core decides whether an empty list is allowed
    QCOMPARE(m->dimension, u"model"_s);
}

void TestJsonCodec::limit_scopes()
{
    const auto plan = limitFrom(
        obj(R"({"scope": "plan", "planId": "pro", "meterId": "m", "period": "week", "value": 50, "mode": "soft"})"));
    QVERIFY(plan.ok());
    QCOMPARE(toString(plan->scope), toString(LimitScope::Plan));
    QCOMPARE(plan->planId, u"pro"_s);
    QVERIFY(plan->customerId.isEmpty());
    QVERIFY(plan->id.isEmpty()); // core makes the id
    QCOMPARE(toString(plan->period), toString(Period::Week));
    QCOMPARE(plan->value, 50.0);
    QCOMPARE(toString(plan->mode), toString(LimitMode::Soft));

    const auto customer = limitFrom(obj(R"({"id": "lim_acme", "scope": "customer", "customerId": "cust_acme",
        "meterId": "m", "period": "lifetime", "value": 2.5, "planId": null})"));
    QVERIFY(customer.ok());
    QCOMPARE(customer->id, u"lim_acme"_s);
    QCOMPARE(toString(customer->scope), toString(LimitScope::Customer));
    QCOMPARE(customer->customerId, u"cust_acme"_s);
    QVERIFY(customer->planId.isEmpty());
    QCOMPARE(toString(customer->period), toString(Period::Lifetime));
    QCOMPARE(toString(customer->mode), toString(LimitMode::Hard));
}

void TestJsonCodec::event_fullBody()
{
    const auto e = eventInputFrom(obj(R"({"customerId": "cust_acme", "eventType": "llm.completion", "value": 1250.5,
        "dimensions": {"model": "gpt-4o", "region": "eu"}, "timestamp": "2026-03-15T11:59:30.250Z",
        "idempotencyKey": "req-42", "reservationId": "res_1"})"));
    QVERIFY(e.ok());
    QCOMPARE(e->customerId, u"cust_acme"_s);
    QCOMPARE(e->eventType, u"llm.completion"_s);
    QCOMPARE(e->value, std::optional<double>(1250.5));
    QCOMPARE(e->dimensions, (Dimensions{{u"model"_s, u"gpt-4o"_s}, {u"region"_s, u"eu"_s}}));
    QVERIFY(e->timestamp.has_value());
    QCOMPARE(*e->timestamp, utc(2026, 3, 15, 11, 59, 30, 250));
    QCOMPARE(e->idempotencyKey, u"req-42"_s);
    QCOMPARE(e->reservationId, u"res_1"_s);
}

void TestJsonCodec::event_defaultsAndNulls()
{
    const auto absent = eventInputFrom(obj(R"({"customerId": "c", "eventType": "t"})"));
    QVERIFY(absent.ok());
    QVERIFY(!absent->value); // core's default is 1
    QVERIFY(!absent->timestamp);
    QVERIFY(absent->dimensions.isEmpty());

    const auto nulls = eventInputFrom(obj(R"({"customerId": "c", "eventType": "t", "value": null,
        "dimensions": null, "timestamp": null, "idempotencyKey": null, "reservationId": null})"));
    QVERIFY(nulls.ok());
    QVERIFY(!nulls->value);
    QVERIFY(!nulls->timestamp);
    QVERIFY(nulls->idempotencyKey.isEmpty());
    QVERIFY(nulls->reservationId.isEmpty());

    const auto zero = eventInputFrom(obj(R"({"customerId": "c", "eventType": "t", "value": 0})"));
    QVERIFY(zero.ok());
    QCOMPARE(zero->value, std::optional<double>(0.0));
    const auto negative = eventInputFrom(obj(R"({"customerId": "c", "eventType": "t", "value": -2.5e3})"));
    QVERIFY(negative.ok());
    QCOMPARE(negative->value, std::optional<double>(-2500.0));
}

void TestJsonCodec::event_timestampOffsetBecomesUtc()
{
    const auto e =
        eventInputFrom(obj(R"({"customerId": "c", "eventType": "t", "timestamp": "2026-03-15T13:00:00+01:00"})"));
    QVERIFY(e.ok());
    QCOMPARE(*e->timestamp, utc(2026, 3, 15, 12));
    QCOMPARE(e->timestamp->timeSpec(), Qt::UTC);
}

void TestJsonCodec::batch_decodesEachEventOnItsOwn()
{
    const auto b = eventBatchFrom(obj(R"({"events": [
        {"customerId": "c", "eventType": "t", "value": 1},
        {"customerId": "c", "eventType": "t", "value": "2"},
        "not an event",
        {"customerId": "c", "eventType": "t", "dimensions": {"model": "m"}},
        {"eventType": "t"}]})"));
    QVERIFY(b.ok());
    const auto& items = b.value();
    QCOMPARE(items.size(), 5);
    QVERIFY(items[0].ok());
    QCOMPARE(items[0]->value, std::optional<double>(1.0));
    QVERIFY(!items[1].ok());
    QCOMPARE(items[1].error().field, u"events[1].value"_s);
    QVERIFY(!items[2].ok());
    QCOMPARE(items[2].error().field, u"events[2]"_s);
    QVERIFY(items[3].ok());
    QCOMPARE(items[3]->dimensions.value(u"model"_s), u"m"_s);
    QVERIFY(!items[4].ok());
    QCOMPARE(items[4].error().field, u"events[4].customerId"_s);
}

void TestJsonCodec::batch_atMostTenThousand()
{
    const QJsonObject one{{u"customerId"_s, u"c"_s}, {u"eventType"_s, u"t"_s}};
    QJsonArray events;
    for (int i = 0; i < MaxBatchEvents; ++i)
        events.append(one);
    const auto atCap = eventBatchFrom(QJsonObject{{u"events"_s, events}});
    QVERIFY(atCap.ok());
    QCOMPARE(atCap->size(), 10000);

    events.append(one);
    const auto over = eventBatchFrom(QJsonObject{{u"events"_s, events}});
    QVERIFY(!over.ok());
    QCOMPARE(over.error().code, u"invalid_request"_s);
    QCOMPARE(over.error().field, u"events"_s);
    QVERIFY2(over.error().message.contains(u"at most 10000"), qPrintable(over.error().message));
}

void TestJsonCodec::check_fullBody()
{
    const auto c = checkRequestFrom(obj(R"({"customerId": "cust_acme", "meterId": "llm-tokens", "reserve": 2000,
        "reserveSeconds": 60})"));
    QVERIFY(c.ok());
    QCOMPARE(c->customerId, u"cust_acme"_s);
    QCOMPARE(c->meterId, u"llm-tokens"_s);
    QCOMPARE(c->reserve, std::optional<double>(2000.0));
    QCOMPARE(c->reserveSeconds, 60);

    const auto minimal = checkRequestFrom(obj(R"({"customerId": "c", "meterId": null, "reserve": null})"));
    QVERIFY(minimal.ok());
    QVERIFY(minimal->meterId.isEmpty());
    QVERIFY(!minimal->reserve);
    QCOMPARE(minimal->reserveSeconds, 300);
}

void TestJsonCodec::balanceChange_moneyRoundTrip()
{
    const auto c = balanceChangeFrom(obj(R"({"amount": "12.5", "reason": "top-up", "idempotencyKey": "k1"})"));
    QVERIFY(c.ok());
    QCOMPARE(c->amount.micros(), qint64(12'500'000));
    QCOMPARE(c->reason, u"top-up"_s);
    QCOMPARE(c->idempotencyKey, u"k1"_s);
    QVERIFY(c->actor.isEmpty()); // the route's

    Balance b;
    b.customerId = u"c"_s;
    b.balance = c->amount;
    QCOMPARE(toJson(b).value(u"balance"_s).toString(), u"12.500000"_s);

    const auto six = balanceChangeFrom(obj(R"({"amount": "0.000001"})"));
    QVERIFY(six.ok());
    QCOMPARE(six->amount.toString(), u"0.000001"_s);

    const auto r = reserveFrom(obj(R"({"reserve": "2.25"})"));
    QVERIFY(r.ok());
    QCOMPARE(r.value().toString(), u"2.250000"_s);
}

void TestJsonCodec::webhookAndApiKey_fullBodies()
{
    const auto w = webhookFrom(obj(R"({"url": "https://hooks.example.com/meterline",
        "events": ["limit.exceeded", "balance.low"], "balanceLowThreshold": "5"})"));
    QVERIFY(w.ok());
    QCOMPARE(w->url, u"https://hooks.example.com/meterline"_s);
    QCOMPARE(w->events, (QStringList{u"limit.exceeded"_s, u"balance.low"_s}));
    QCOMPARE(w->balanceLowThreshold, std::optional<Money>(money("5")));
    QVERIFY(w->secret.isEmpty());

    const auto noThreshold = webhookFrom(obj(R"({"url": "https://x.test", "events": ["balance.low"],
        "balanceLowThreshold": null})"));
    QVERIFY(noThreshold.ok());
    QVERIFY(!noThreshold->balanceLowThreshold);

    const auto k = apiKeyRequestFrom(obj(R"({"name": "ci ingest", "scope": "admin"})"));
    QVERIFY(k.ok());
    QCOMPARE(k->name, u"ci ingest"_s);
    QCOMPARE(toString(k->scope), toString(KeyScope::Admin));
}

void TestJsonCodec::unknownFields_areIgnored()
{
    const auto c = customerFrom(obj(R"({"id": "c", "name": "n", "createdAt": 5, "color": ["red"], "x": null})"));
    QVERIFY(c.ok());
    const auto e = eventInputFrom(obj(R"({"customerId": "c", "eventType": "t", "id": 12, "duplicate": "yes"})"));
    QVERIFY(e.ok());
    const auto p = planFrom(obj(R"({"id": "p", "name": "n",
        "limits": [{"meterId": "m", "period": "day", "value": 1, "id": 7, "source": {}}],
        "prices": [{"meterId": "m", "unitPrice": "1", "note": 1}]})"));
    QVERIFY(p.ok());
    const auto b = eventBatchFrom(obj(R"({"events": [], "atomic": true})"));
    QVERIFY(b.ok());
    QVERIFY(b->isEmpty());
}

void TestJsonCodec::reader_integerRange()
{
    JsonReader r(obj(R"({"a": 0, "b": 1, "c": 9007199254740993, "d": -4, "e": 1e300, "f": 2.0})"));
    QCOMPARE(r.integer(u"a"_s), std::optional<qint64>(0));
    QCOMPARE(r.integer(u"b"_s), std::optional<qint64>(1));
    QCOMPARE(r.integer(u"c"_s), std::optional<qint64>(9007199254740993LL));
    QCOMPARE(r.integer(u"d"_s), std::optional<qint64>(-4));
    QCOMPARE(r.integer(u"f"_s), std::optional<qint64>(2));
    QVERIFY(r.ok());
    QVERIFY(!r.integer(u"e"_s));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().field, u"e"_s);
    // The first error stays.
    QVERIFY(!r.integer(u"d"_s, JsonReader::Optional, 0, 10));
    QCOMPARE(r.error().field, u"e"_s);

    JsonReader nested(obj(R"({"n": -1})"), u"prices[2]"_s);
    QVERIFY(!nested.integer(u"n"_s, JsonReader::Required, 0, 10));
    QCOMPARE(nested.error().field, u"prices[2].n"_s);
    QVERIFY2(nested.error().message.contains(u"from 0 to 10"), qPrintable(nested.error().message));

    JsonReader bools(obj(R"({"t": true, "s": "true"})"));
    QCOMPARE(bools.boolean(u"t"_s), std::optional<bool>(true));
    QVERIFY(!bools.boolean(u"absent"_s));
    QVERIFY(bools.ok());
    QVERIFY(!bools.boolean(u"s"_s));
    QCOMPARE(bools.error().field, u"s"_s);
}

// ---- encoders ----

// JsonWriter spells strings and numbers exactly as QJsonDocument does (the other answers' writer), so the
// two kinds of answer never differ in how a value reads.
void TestJsonCodec::jsonWriter_matchesQJsonDocument_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addRow("plain") << QJsonValue(u"cust_acme"_s);
    QTest::addRow("empty") << QJsonValue(u""_s);
    QTest::addRow("quote and backslash") << QJsonValue(u"a\"b\\c"_s);
    QTest::addRow("controls") << QJsonValue(u"\n\r\t\b\f\x01\x1f end"_s);
    QTest::addRow("unicode") << QJsonValue(u"caf\u00e9 \u65e5\u672c \U0001F600"_s);
    QTest::addRow("slash and del") << QJsonValue(u"a/b\x7f"_s);
    QTest::addRow("zero") << QJsonValue(0.0);
    QTest::addRow("integer") << QJsonValue(1250.0);
    QTest::addRow("fraction") << QJsonValue(0.1 + 0.2);
    QTest::addRow("negative") << QJsonValue(-12.25);
    QTest::addRow("1e15") << QJsonValue(1e15);
    QTest::addRow("2^53+2") << QJsonValue(9007199254740994.0);
    QTest::addRow("tiny") << QJsonValue(5e-324);
    QTest::addRow("minus zero") << QJsonValue(-0.0);
    QTest::addRow("2^53") << QJsonValue(9007199254740992.0);
    QTest::addRow("-2^60") << QJsonValue(-1152921504606846976.0);
    QTest::addRow("1e20") << QJsonValue(1e20);
    QTest::addRow("negative whole") << QJsonValue(-42.0);
    QTest::addRow("true") << QJsonValue(true);
    QTest::addRow("false") << QJsonValue(false);
    QTest::addRow("null") << QJsonValue(QJsonValue::Null);
    // Strings around the eight-character steps of the plain-ASCII copy: what breaks it at 7, 8, 9, 15, 16.
    QTest::addRow("eight plain") << QJsonValue(u"abcdefgh"_s);
    QTest::addRow("space and tilde edges") << QJsonValue(u" ~ ~~~~~ ~~~~~~~~ "_s);
    QTest::addRow("quote at 8") << QJsonValue(u"abcdefgh\"ij"_s);
    QTest::addRow("backslash at 7") << QJsonValue(u"abcdefg\\hijklmnop"_s);
    QTest::addRow("control at 9") << QJsonValue(u"abcdefghi\x01"_s);
    QTest::addRow("del at 15") << QJsonValue(u"abcdefghijklmno\x7fq"_s);
    QTest::addRow("accent at 16") << QJsonValue(u"abcdefghijklmnop\u00e9"_s);
    QTest::addRow("emoji across a step") << QJsonValue(u"abcdefg\U0001F600hij"_s);
    QTest::addRow("latin-1 and BMP edges") << QJsonValue(u"\u0080\u00ff\u0100\u07ff\u0800\uffff"_s);
    QTest::addRow("long plain") << QJsonValue(QString(1000, u'z'));
    QTest::addRow("long with escapes") << QJsonValue(QString(300, u'"') + QString(300, u'\x02'));
    QTest::addRow("all controls") << QJsonValue([] {
        QString all;
        for (char16_t c = 0; c < 0x20; ++c)
            all += QChar(c);
        return all;
    }());
    // Doubles with many digits: shortest round-trip spelling, as QJsonDocument's.
    QTest::addRow("one third") << QJsonValue(1.0 / 3.0);
    QTest::addRow("17 digits") << QJsonValue(0.12345678901234568);
    QTest::addRow("max double") << QJsonValue(1.7976931348623157e308);
    QTest::addRow("min normal") << QJsonValue(2.2250738585072014e-308);
    QTest::addRow("small negative") << QJsonValue(-1e-7);
    QTest::addRow("half above 2^52") << QJsonValue(4503599627370495.5);
    QTest::addRow("2^53-1") << QJsonValue(9007199254740991.0);
    QTest::addRow("-2^53") << QJsonValue(-9007199254740992.0);
    QTest::addRow("2^63") << QJsonValue(9223372036854775808.0);
    QTest::addRow("2^64 - 2048") << QJsonValue(18446744073709549568.0);
    QTest::addRow("2^64") << QJsonValue(18446744073709551616.0);
    QTest::addRow("1e21") << QJsonValue(1e21);
    QTest::addRow("fraction of a big number") << QJsonValue(123456789012.375);
}

// Whole numbers of the API (counts, micros) at the limits of 64 bits, as QJsonDocument writes a qint64.
void TestJsonCodec::jsonWriter_integersMatchQJsonDocument_data()
{
    QTest::addColumn<qint64>("number");
    QTest::addRow("zero") << qint64(0);
    QTest::addRow("minus one") << qint64(-1);
    QTest::addRow("int max + 1") << qint64(2147483648);
    QTest::addRow("2^53 + 1") << qint64(9007199254740993);
    QTest::addRow("max") << std::numeric_limits<qint64>::max();
    QTest::addRow("min") << std::numeric_limits<qint64>::min();
    QTest::addRow("min + 1") << std::numeric_limits<qint64>::min() + 1;
}

void TestJsonCodec::jsonWriter_integersMatchQJsonDocument()
{
    QFETCH(qint64, number);
    JsonWriter w;
    w.beginObject().key("v").value(number).key("w").value(number).endObject();
    const QJsonObject object{{u"v"_s, QJsonValue(number)}, {u"w"_s, QJsonValue(number)}};
    QCOMPARE(w.take(), QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// Text that is not valid UTF-16 (a lone surrogate) is written as QJsonDocument writes it: '?' in its place.
void TestJsonCodec::jsonWriter_loneSurrogatesAsQJsonDocument_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("high at the end") << QString(u"abc"_s + QChar(0xd83d));
    QTest::addRow("low alone") << QString(QChar(0xde00) + u"abcdefghijk"_s);
    QTest::addRow("high then ASCII") << QString(u"abcdefgh"_s + QChar(0xd83d) + u"x"_s);
    QTest::addRow("reversed pair") << QString(QString(QChar(0xde00)) + QChar(0xd83d));
}

void TestJsonCodec::jsonWriter_loneSurrogatesAsQJsonDocument()
{
    QFETCH(QString, text);
    JsonWriter w;
    w.beginObject().key("v").value(text).endObject();
    QCOMPARE(w.take(), QJsonDocument(QJsonObject{{u"v"_s, text}}).toJson(QJsonDocument::Compact));
}

// Answers larger than the writer's first allocation, and a writer used again after take().
void TestJsonCodec::jsonWriter_growsAndStartsAfresh()
{
    QJsonArray array;
    JsonWriter w;
    w.beginArray();
    for (int i = 0; i < 500; ++i) {
        const QString text = QString(i % 37, u'x') + (i % 5 == 0 ? u"\u00e9\"\n"_s : QString());
        w.value(text).value(qint64(i) * 1'000'003).value(i / 7.0);
        array << text << qint64(i) * 1'000'003 << i / 7.0;
    }
    w.endArray();
    QCOMPARE(w.take(), QJsonDocument(array).toJson(QJsonDocument::Compact));
    w.beginObject().key("again").value(true).endObject();
    QCOMPARE(w.take(), QByteArray("{\"again\":true}"));
}

void TestJsonCodec::jsonWriter_matchesQJsonDocument()
{
    QFETCH(QJsonValue, value);
    JsonWriter w;
    w.beginObject().key("v");
    if (value.isString())
        w.value(value.toString());
    else if (value.isDouble())
        w.value(value.toDouble());
    else if (value.isBool())
        w.value(value.toBool());
    else
        w.null();
    w.endObject();
    const QByteArray written = w.take();
    QCOMPARE(written, QJsonDocument(QJsonObject{{u"v"_s, value}}).toJson(QJsonDocument::Compact));
    QCOMPARE(parsed(written).value(u"v"_s), value);
}

void TestJsonCodec::jsonWriter_nestsAndSeparates()
{
    JsonWriter w;
    w.beginObject();
    w.key("a").beginArray();
    w.beginObject().key("x").value(1).key("y").null().endObject();
    w.beginObject().endObject();
    w.value(u"s"_s);
    w.beginArray().endArray();
    w.endArray();
    w.key("m").stringMap({{u"k\"1"_s, u"v"_s}, {u"k2"_s, u""_s}});
    w.key("t").time(utc(2026, 3, 15, 12, 0, 0, 250));
    w.key("u").time(QDateTime());
    w.key("n").value(std::nan(""));
    w.key("e").stringOrNull(QString());
    w.key("o").numberOrNull(std::nullopt);
    w.endObject();
    const QByteArray expected = "{\"a\":[{\"x\":1,\"y\":null},{},\"s\",[]],\"m\":{\"k\\\"1\":\"v\",\"k2\":\"\"},"
                                "\"t\":\"2026-03-15T12:00:00.250Z\",\"u\":null,\"n\":null,\"e\":null,\"o\":null}";
    QCOMPARE(w.take(), expected);
}

void TestJsonCodec::encode_checkAllowed()
{
    CheckResult r;
    r.allowed = true;
    r.customerId = u"cust_acme"_s;
    r.meterId = u"llm-tokens"_s;
    r.used = 400;
    r.limit = 1000;
    r.remaining = 550;
    r.resetsAt = utc(2026, 4, 1);
    LimitStatus s;
    s.id = u"pro:llm-tokens:month"_s;
    s.meterId = u"llm-tokens"_s;
    s.period = Period::Month;
    s.mode = LimitMode::Hard;
    s.source = LimitScope::Plan;
    s.limit = 1000;
    s.used = 400;
    s.held = 50;
    s.remaining = 550;
    s.resetsAt = utc(2026, 4, 1);
    r.limits << s;
    Balance b;
    b.customerId = u"cust_acme"_s;
    b.balance = money("12.5");
    b.reserve = money("2");
    b.held = money("0.5");
    r.balance = b;
    Reservation res;
    res.id = u"res_1"_s;
    res.customerId = u"cust_acme"_s;
    res.amount = 50;
    res.expiresAt = utc(2026, 3, 15, 12, 5);
    r.reservation = res;

    const QJsonObject expected = obj(R"({
        "allowed": true, "customerId": "cust_acme", "meterId": "llm-tokens",
        "used": 400, "limit": 1000, "remaining": 550, "resetsAt": "2026-04-01T00:00:00Z", "reason": null,
        "limits": [{"id": "pro:llm-tokens:month", "meterId": "llm-tokens", "period": "month", "mode": "hard",
                    "source": "plan", "limit": 1000, "used": 400, "held": 50, "remaining": 550,
                    "resetsAt": "2026-04-01T00:00:00Z"}],
        "balance": {"balance": "12.500000", "reserve": "2.000000", "available": "10.000000"},
        "reservation": {"id": "res_1", "amount": 50, "expiresAt": "2026-03-15T12:05:00Z"}})");
    QVERIFY(!expected.isEmpty());
    QCOMPARE(parsed(checkAnswer(r)), expected);
}

void TestJsonCodec::encode_checkDenied()
{
    // No meter named; a lifetime limit denies, so resetsAt is null; soft limit listed too.
    CheckResult r;
    r.allowed = false;
    r.customerId = u"cust_acme"_s;
    r.used = 100;
    r.limit = 100;
    r.remaining = 0;
    r.reason = u"limit_exceeded"_s;
    LimitStatus hard;
    hard.id = u"lim_trial"_s;
    hard.meterId = u"requests"_s;
    hard.period = Period::Lifetime;
    hard.source = LimitScope::Customer;
    hard.limit = 100;
    hard.used = 100;
    hard.remaining = 0;
    hard.allowed = false;
    LimitStatus soft;
    soft.id = u"pro:tokens:day"_s;
    soft.meterId = u"tokens"_s;
    soft.period = Period::Day;
    soft.mode = LimitMode::Soft;
    soft.limit = 10.5;
    soft.used = 12.25;
    soft.remaining = 0;
    soft.resetsAt = utc(2026, 3, 16);
    r.limits << hard << soft;

    const QJsonObject expected = obj(R"({
        "allowed": false, "customerId": "cust_acme", "meterId": null,
        "used": 100, "limit": 100, "remaining": 0, "resetsAt": null, "reason": "limit_exceeded",
        "limits": [{"id": "lim_trial", "meterId": "requests", "period": "lifetime", "mode": "hard",
                    "source": "customer", "limit": 100, "used": 100, "held": 0, "remaining": 0, "resetsAt": null},
                   {"id": "pro:tokens:day", "meterId": "tokens", "period": "day", "mode": "soft",
                    "source": "plan", "limit": 10.5, "used": 12.25, "held": 0, "remaining": 0,
                    "resetsAt": "2026-03-16T00:00:00Z"}]})");
    QVERIFY(!expected.isEmpty());
    QCOMPARE(parsed(checkAnswer(r)), expected);

    // Denied for the balance.
    CheckResult broke;
    broke.allowed = false;
    broke.customerId = u"c"_s;
    broke.meterId = u"m"_s;
    broke.reason = u"insufficient_balance"_s;
    Balance b;
    b.reserve = money("1");
    broke.balance = b;
    const QJsonObject expectedBroke = obj(R"({
        "allowed": false, "customerId": "c", "meterId": "m", "used": 0, "limit": null, "remaining": null,
        "resetsAt": null, "reason": "insufficient_balance", "limits": [],
        "balance": {"balance": "0.000000", "reserve": "1.000000", "available": "-1.000000"}})");
    QCOMPARE(parsed(checkAnswer(broke)), expectedBroke);
}

void TestJsonCodec::encode_checkNoLimit()
{
    CheckResult r;
    r.customerId = u"c"_s;
    r.meterId = u"m"_s;
    r.used = 7.5;
    const QJsonObject expected = obj(R"({"allowed": true, "customerId": "c", "meterId": "m", "used": 7.5,
        "limit": null, "remaining": null, "resetsAt": null, "reason": null, "limits": []})");
    QCOMPARE(parsed(checkAnswer(r)), expected);
}

void TestJsonCodec::encode_recordResult()
{
    RecordResult r;
    r.event.id = u"evt_01"_s;
    r.event.customerId = u"cust_acme"_s;
    r.event.eventType = u"llm.completion"_s;
    r.event.value = 1250;
    r.event.dimensions = {{u"model"_s, u"gpt-4o"_s}};
    r.event.timestamp = utc(2026, 3, 15, 11, 59, 30);
    r.event.idempotencyKey = u"req-42"_s;
    r.event.createdAt = utc(2026, 3, 15, 12);
    r.duplicate = false;

    const QJsonObject expected = obj(R"({"id": "evt_01", "customerId": "cust_acme", "eventType": "llm.completion",
        "value": 1250, "dimensions": {"model": "gpt-4o"}, "timestamp": "2026-03-15T11:59:30Z", "duplicate": false})");
    QCOMPARE(parsed(recordAnswer(r)), expected);

    r.duplicate = true;
    QCOMPARE(parsed(recordAnswer(r)).value(u"duplicate"_s), QJsonValue(true));
}

void TestJsonCodec::encode_recordResultWithBurn()
{
    RecordResult r;
    r.event.id = u"evt_02"_s;
    r.event.customerId = u"c"_s;
    r.event.eventType = u"t"_s;
    r.event.value = 0.25;
    r.event.timestamp = utc(2026, 3, 15, 12);
    Balance b;
    b.customerId = u"c"_s;
    b.balance = money("0");
    r.balance = b;
    LedgerTransaction t;
    t.kind = TransactionKind::Usage;
    t.amount = money("-0.5");
    t.unpaid = money("0.25");
    r.usageTransaction = t;

    const QJsonObject expected = obj(R"({"id": "evt_02", "customerId": "c", "eventType": "t", "value": 0.25,
        "dimensions": {}, "timestamp": "2026-03-15T12:00:00Z", "duplicate": false,
        "balance": {"customerId": "c", "balance": "0.000000", "reserve": "0.000000", "held": "0.000000",
                    "available": "0.000000"},
        "unpaid": "0.250000"})");
    QCOMPARE(parsed(recordAnswer(r)), expected);
}

void TestJsonCodec::encode_batchResult()
{
    BatchResult r;
    r.accepted = 2;
    r.duplicates = 1;
    r.rejected << BatchRejection{1,
                                 Error::invalid(u"events[1].value must be a number, not a string"_s,
                                                u"events[1].value"_s)}
               << BatchRejection{4, Error::missing(u"customer_not_found"_s, u"customer"_s, u"ghost"_s)};
    const QJsonObject expected = obj(R"({"accepted": 2, "duplicates": 1, "rejected": [
        {"index": 1, "error": {"code": "invalid_request", "message": "events[1].value must be a number, not a string",
                               "field": "events[1].value"}},
        {"index": 4, "error": {"code": "customer_not_found", "message": "no customer with id 'ghost'"}}]})");
    QCOMPARE(compact(toJson(r)), compact(expected));

    const QJsonObject empty = obj(R"({"accepted": 0, "duplicates": 0, "rejected": []})");
    QCOMPARE(compact(toJson(BatchResult{})), compact(empty));
}

void TestJsonCodec::encode_balance()
{
    Balance b;
    b.customerId = u"cust_acme"_s;
    b.balance = money("100");
    b.reserve = money("10.5");
    b.held = money("0.000001");
    const QJsonObject expected = obj(R"({"customerId": "cust_acme", "balance": "100.000000", "reserve": "10.500000",
        "held": "0.000001", "available": "89.499999"})");
    QCOMPARE(compact(toJson(b)), compact(expected));
}

void TestJsonCodec::encode_balanceChangeResult()
{
    BalanceChangeResult r;
    r.transaction.id = u"txn_1"_s;
    r.transaction.customerId = u"cust_acme"_s;
    r.transaction.kind = TransactionKind::Debit;
    r.transaction.amount = money("-12.5");
    r.transaction.balanceAfter = money("87.5");
    r.transaction.reason = u"refund"_s;
    r.transaction.actor = u"key_admin"_s;
    r.transaction.createdAt = utc(2026, 3, 15, 12);
    r.balance.customerId = u"cust_acme"_s;
    r.balance.balance = money("87.5");
    r.duplicate = false;
    const QJsonObject expected = obj(R"({"id": "txn_1", "customerId": "cust_acme", "kind": "debit",
        "amount": "-12.500000", "balanceAfter": "87.500000", "unpaid": "0.000000", "reason": "refund",
        "actor": "key_admin", "idempotencyKey": null, "eventId": null, "createdAt": "2026-03-15T12:00:00Z",
        "balance": {"customerId": "cust_acme", "balance": "87.500000", "reserve": "0.000000", "held": "0.000000",
                    "available": "87.500000"},
        "duplicate": false})");
    QCOMPARE(compact(toJson(r)), compact(expected));

    LedgerPage page;
    page.data << r.transaction;
    page.nextCursor = u"opaque"_s;
    const QJsonObject pageJson = toJson(page);
    QCOMPARE(pageJson.value(u"nextCursor"_s).toString(), u"opaque"_s);
    QCOMPARE(pageJson.value(u"data"_s).toArray().at(0).toObject(), toJson(r.transaction));
    QCOMPARE(pageJson.keys(), (QStringList{u"data"_s, u"nextCursor"_s}));
}

void TestJsonCodec::encode_usageResult_data()
{
    QTest::addColumn<bool>("grouped");
    QTest::addColumn<bool>("windowed");
    QTest::addColumn<bool>("lifetime");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray head = R"("meterId": "llm-tokens", "customerId": "cust_acme", "aggregation": "sum",
        "from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z", "value": 1500.5)";
    const QByteArray groups = R"("groups": [{"dimensions": {"model": "gpt-4o"}, "value": 1000},
                                          {"dimensions": {"model": ""}, "value": 500.5}])";
    const QByteArray series = R"("series": [{"start": "2026-03-01T00:00:00Z", "end": "2026-03-02T00:00:00Z",
                                            "value": 1500.5}])";
    QTest::addRow("plain") << false << false << false << "{" + head + "}";
    QTest::addRow("grouped") << true << false << false << "{" + head + ", " + groups + "}";
    QTest::addRow("windowed") << false << true << false << "{" + head + ", " + series + "}";
    QTest::addRow("both") << true << true << false << "{" + head + ", " + groups + ", " + series + "}";
    QTest::addRow("lifetime, all customers")
        << false << false << true
        << QByteArray(R"({"meterId": "llm-tokens", "customerId": null, "aggregation": "sum", "from": null,
                          "to": null, "value": 1500.5})");
}

void TestJsonCodec::encode_usageResult()
{
    QFETCH(bool, grouped);
    QFETCH(bool, windowed);
    QFETCH(bool, lifetime);
    QFETCH(QByteArray, expected);

    UsageQuery q;
    q.meterId = u"llm-tokens"_s;
    UsageResult r;
    r.meterId = u"llm-tokens"_s;
    r.aggregation = Aggregation::Sum;
    r.value = 1500.5;
    if (!lifetime) {
        q.customerId = u"cust_acme"_s;
        r.customerId = u"cust_acme"_s;
        r.from = utc(2026, 3, 1);
        r.to = utc(2026, 4, 1);
    }
    if (grouped) {
        q.groupBy << u"model"_s;
        r.groups << UsageGroup{{{u"model"_s, u"gpt-4o"_s}}, 1000} << UsageGroup{{{u"model"_s, QString()}}, 500.5};
    }
    if (windowed) {
        q.window = Window::Day;
        r.series << UsageBucket{utc(2026, 3, 1), utc(2026, 3, 2), 1500.5};
    }
    const QJsonObject e = obj(expected);
    QVERIFY(!e.isEmpty());
    QCOMPARE(compact(toJson(r, q)), compact(e));
}

void TestJsonCodec::encode_summaryPage()
{
    SummaryPage p;
    p.from = utc(2026, 2, 1);
    p.to = utc(2026, 3, 1);
    p.data << SummaryRow{u"cust_a"_s, u"llm-tokens"_s, 42} << SummaryRow{u"cust_b"_s, u"requests"_s, 0.5};
    const QJsonObject expected = obj(R"({"from": "2026-02-01T00:00:00Z", "to": "2026-03-01T00:00:00Z",
        "data": [{"customerId": "cust_a", "meterId": "llm-tokens", "value": 42},
                 {"customerId": "cust_b", "meterId": "requests", "value": 0.5}],
        "nextCursor": null})");
    QCOMPARE(compact(toJson(p)), compact(expected));
}

void TestJsonCodec::encode_customerPlanMeterLimit()
{
    Customer c;
    c.id = u"cust_acme"_s;
    c.name = u"Acme"_s;
    c.metadata = {{u"region"_s, u"eu"_s}};
    c.createdAt = utc(2026, 1, 2, 3, 4, 5);
    QCOMPARE(compact(toJson(c)), compact(obj(R"({"id": "cust_acme", "name": "Acme", "planId": null, "externalId": null,
                 "metadata": {"region": "eu"}, "createdAt": "2026-01-02T03:04:05Z"})")));

    Plan p;
    p.id = u"pro"_s;
    p.name = u"Pro"_s;
    Limit pl;
    pl.id = u"pro:llm-tokens:month"_s;
    pl.scope = LimitScope::Plan;
    pl.planId = u"pro"_s;
    pl.meterId = u"llm-tokens"_s;
    pl.period = Period::Month;
    pl.value = 1e6;
    p.limits << pl;
    Price price;
    price.meterId = u"llm-tokens"_s;
    price.unitPrice = money("0.002");
    price.perUnits = 1000;
    price.includedUnits = 50000;
    price.creditsPerUnit = money("0.000002");
    p.prices << price;
    p.createdAt = utc(2026, 1, 1);
    QCOMPARE(compact(toJson(p)), compact(obj(R"({"id": "pro", "name": "Pro", "currency": "USD",
                 "limits": [{"id": "pro:llm-tokens:month", "meterId": "llm-tokens", "period": "month",
                             "value": 1000000, "mode": "hard"}],
                 "prices": [{"meterId": "llm-tokens", "unitPrice": "0.002000", "perUnits": 1000,
                             "includedUnits": 50000, "creditsPerUnit": "0.000002"}],
                 "createdAt": "2026-01-01T00:00:00Z"})")));

    Meter m;
    m.id = u"models"_s;
    m.name = u"Models"_s;
    m.aggregation = Aggregation::UniqueCount;
    m.eventTypes = {u"llm.*"_s};
    m.dimensionFilters = {{u"region"_s, {u"eu"_s}}};
    m.dimension = u"model"_s;
    m.createdAt = utc(2026, 1, 1);
    QCOMPARE(compact(toJson(m)), compact(obj(R"({"id": "models", "name": "Models", "aggregation": "unique_count",
                 "eventTypes": ["llm.*"], "dimensionFilters": {"region": ["eu"]}, "dimension": "model",
                 "createdAt": "2026-01-01T00:00:00Z"})")));
    Meter plain;
    plain.id = u"m"_s;
    plain.name = u"M"_s;
    QCOMPARE(compact(toJson(plain)), compact(obj(R"({"id": "m", "name": "M", "aggregation": "sum", "eventTypes": [],
                 "dimensionFilters": {}, "dimension": null, "createdAt": null})")));

    Limit l;
    l.id = u"lim_1"_s;
    l.scope = LimitScope::Customer;
    l.customerId = u"cust_acme"_s;
    l.meterId = u"requests"_s;
    l.period = Period::Hour;
    l.value = 60;
    l.mode = LimitMode::Soft;
    l.createdAt = utc(2026, 1, 1);
    QCOMPARE(compact(toJson(l)),
             compact(obj(R"({"id": "lim_1", "scope": "customer", "planId": null, "customerId": "cust_acme",
                 "meterId": "requests", "period": "hour", "value": 60, "mode": "soft",
                 "createdAt": "2026-01-01T00:00:00Z"})")));

    // Decoding what was encoded gives the same plan terms back.
    const auto again = planFrom(toJson(p));
    QVERIFY(again.ok());
    QCOMPARE(again->prices[0].unitPrice, price.unitPrice);
    QCOMPARE(again->prices[0].creditsPerUnit, price.creditsPerUnit);
    QCOMPARE(again->limits[0].value, 1e6);
    const auto meterAgain = meterFrom(toJson(m));
    QVERIFY(meterAgain.ok());
    QCOMPARE(meterAgain->dimensionFilters, m.dimensionFilters);
    const auto limitAgain = limitFrom(toJson(l));
    QVERIFY(limitAgain.ok());
    QCOMPARE(limitAgain->customerId, l.customerId);
}

void TestJsonCodec::encode_eventPage()
{
    Event e;
    e.id = u"evt_1"_s;
    e.customerId = u"c"_s;
    e.eventType = u"t"_s;
    e.value = 3;
    e.timestamp = utc(2026, 3, 15, 10);
    e.reservationId = u"res_9"_s;
    e.createdAt = utc(2026, 3, 15, 10, 0, 1);
    EventPage page;
    page.data << e;
    QCOMPARE(compact(toJson(page)),
             compact(obj(R"({"data": [{"id": "evt_1", "customerId": "c", "eventType": "t", "value": 3,
                 "dimensions": {}, "timestamp": "2026-03-15T10:00:00Z", "idempotencyKey": null,
                 "reservationId": "res_9", "createdAt": "2026-03-15T10:00:01Z"}], "nextCursor": null})")));
    page.nextCursor = u"abc"_s;
    QCOMPARE(toJson(page).value(u"nextCursor"_s), QJsonValue(u"abc"_s));
}

void TestJsonCodec::encode_reservation()
{
    Reservation r;
    r.id = u"res_1"_s;
    r.customerId = u"c"_s;
    r.amount = 2000;
    r.credits = money("0.004");
    r.state = ReservationState::Held;
    r.expiresAt = utc(2026, 3, 15, 12, 5);
    r.createdAt = utc(2026, 3, 15, 12);
    QCOMPARE(compact(toJson(r)), compact(obj(R"({"id": "res_1", "customerId": "c", "meterId": null, "amount": 2000,
                 "credits": "0.004000", "state": "held", "expiresAt": "2026-03-15T12:05:00Z",
                 "createdAt": "2026-03-15T12:00:00Z"})")));
}

void TestJsonCodec::encode_apiKeys()
{
    ApiKeyCreated created;
    created.key.id = u"key_1"_s;
    created.key.name = u"ci"_s;
    created.key.scope = KeyScope::Ingest;
    created.key.createdAt = utc(2026, 3, 1);
    created.secret = u"mlk_key_1_secret"_s;
    QCOMPARE(compact(toJson(created)),
             compact(obj(R"({"id": "key_1", "name": "ci", "scope": "ingest", "createdAt": "2026-03-01T00:00:00Z",
                 "revokedAt": null, "lastUsedAt": null, "rateLimit": 0, "key": "mlk_key_1_secret"})")));

    ApiKey listed = created.key;
    listed.revokedAt = utc(2026, 3, 2);
    listed.lastUsedAt = utc(2026, 3, 1, 18);
    listed.rateLimit = 25;
    QCOMPARE(compact(toJson(listed)),
             compact(obj(R"({"id": "key_1", "name": "ci", "scope": "ingest", "createdAt": "2026-03-01T00:00:00Z",
                 "revokedAt": "2026-03-02T00:00:00Z", "lastUsedAt": "2026-03-01T18:00:00Z", "rateLimit": 25})")));
    QVERIFY(!toJson(listed).contains(u"key"_s)); // the secret is shown once

    const QJsonArray list = toJsonArray(QList<ApiKey>{listed, created.key});
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(1).toObject().value(u"id"_s).toString(), u"key_1"_s);
}

void TestJsonCodec::encode_webhooks()
{
    WebhookEndpoint w;
    w.id = u"we_1"_s;
    w.url = u"https://hooks.example.com/m"_s;
    w.events = {u"balance.low"_s};
    w.balanceLowThreshold = money("5");
    w.secret = u"whsec_c2VjcmV0"_s;
    w.createdAt = utc(2026, 3, 1);
    // (Literals with "//" stay outside QCOMPARE: moc's macro scanner reads them as comments.)
    const QJsonObject created = obj(R"({"id": "we_1", "url": "https://hooks.example.com/m", "events": ["balance.low"],
        "balanceLowThreshold": "5.000000", "disabled": false, "createdAt": "2026-03-01T00:00:00Z",
        "secret": "whsec_c2VjcmV0"})");
    QCOMPARE(compact(toJson(w)), compact(created));
    w.secret.clear();
    w.balanceLowThreshold.reset();
    w.disabled = true;
    const QJsonObject stored = obj(R"({"id": "we_1", "url": "https://hooks.example.com/m", "events": ["balance.low"],
        "balanceLowThreshold": null, "disabled": true, "createdAt": "2026-03-01T00:00:00Z"})");
    QCOMPARE(compact(toJson(w)), compact(stored));

    WebhookDelivery d;
    d.id = u"msg_1"_s;
    d.endpointId = u"we_1"_s;
    d.eventType = u"balance.low"_s;
    d.payload =
        QString::fromUtf8(R"({"type":"balance.low","timestamp":"2026-03-01T00:00:00Z","data":{"customerId":"c"}})");
    d.state = u"pending"_s;
    d.attempts = 1;
    d.lastStatus = 503;
    d.lastError = u"HTTP 503"_s;
    d.nextAttemptAt = utc(2026, 3, 1, 0, 0, 5);
    d.createdAt = utc(2026, 3, 1);
    d.attemptLog << WebhookAttempt{1, utc(2026, 3, 1), 42, 503, u"HTTP 503"_s}
                 << WebhookAttempt{2, utc(2026, 3, 1, 0, 0, 6), 10000, 0, u"no answer within 10000 ms"_s};
    QCOMPARE(compact(toJson(d)), compact(obj(R"({"id": "msg_1", "endpointId": "we_1", "eventType": "balance.low",
                 "payload": {"type": "balance.low", "timestamp": "2026-03-01T00:00:00Z", "data": {"customerId": "c"}},
                 "state": "pending", "attempts": 1, "lastStatus": 503, "lastError": "HTTP 503",
                 "nextAttemptAt": "2026-03-01T00:00:05Z", "createdAt": "2026-03-01T00:00:00Z",
                 "attemptLog": [{"attempt": 1, "startedAt": "2026-03-01T00:00:00Z", "durationMs": 42, "status": 503,
                                 "error": "HTTP 503"},
                                {"attempt": 2, "startedAt": "2026-03-01T00:00:06Z", "durationMs": 10000, "status": null,
                                 "error": "no answer within 10000 ms"}]})")));
}

void TestJsonCodec::encode_changePage()
{
    ChangePage page;
    page.data << Change{41, u"customer"_s, u"cust_acme"_s, u"upsert"_s} << Change{42, u"plan"_s, u"old"_s, u"delete"_s};
    page.nextCursor = 42;
    QCOMPARE(compact(toJson(page)),
             compact(obj(R"({"data": [{"seq": 41, "entity": "customer", "entityId": "cust_acme", "op": "upsert"},
                                      {"seq": 42, "entity": "plan", "entityId": "old", "op": "delete"}],
                             "nextCursor": "42"})")));
}

void TestJsonCodec::encode_timestampsWithMilliseconds()
{
    QCOMPARE(timeJson(utc(2026, 3, 15, 12, 0, 0, 250)), QJsonValue(u"2026-03-15T12:00:00.250Z"_s));
    QCOMPARE(timeJson(QDateTime()), QJsonValue(QJsonValue::Null));
    QCOMPARE(compact(QJsonObject{{u"a"_s, 1}}), QByteArray(R"({"a":1})"));
}

// ---- errors ----

void TestJsonCodec::httpStatus_table_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("status");

    QTest::addRow("invalid_request") << u"invalid_request"_s << 400;
    QTest::addRow("unauthorized") << u"unauthorized"_s << 401;
    QTest::addRow("insufficient_balance") << u"insufficient_balance"_s << 402;
    QTest::addRow("forbidden") << u"forbidden"_s << 403;
    QTest::addRow("not_found") << u"not_found"_s << 404;
    QTest::addRow("customer_not_found") << u"customer_not_found"_s << 404;
    QTest::addRow("meter_not_found") << u"meter_not_found"_s << 404;
    QTest::addRow("plan_not_found") << u"plan_not_found"_s << 404;
    QTest::addRow("limit_not_found") << u"limit_not_found"_s << 404;
    QTest::addRow("reservation_not_found") << u"reservation_not_found"_s << 404;
    QTest::addRow("webhook_not_found") << u"webhook_not_found"_s << 404;
    QTest::addRow("conflict") << u"conflict"_s << 409;
    QTest::addRow("idempotency_conflict") << u"idempotency_conflict"_s << 409;
    QTest::addRow("payload_too_large") << u"payload_too_large"_s << 413;
    QTest::addRow("rate_limited") << u"rate_limited"_s << 429;
    QTest::addRow("storage_error") << u"storage_error"_s << 500;
    QTest::addRow("schema_too_new") << u"schema_too_new"_s << 500;
    QTest::addRow("unknown") << u"something_new"_s << 500;
    QTest::addRow("empty") << QString() << 500;
    QTest::addRow("bare suffix") << u"_not_found"_s << 500;
    QTest::addRow("case matters") << u"Invalid_Request"_s << 500;
}

void TestJsonCodec::httpStatus_table()
{
    QFETCH(QString, code);
    QFETCH(int, status);
    QCOMPARE(httpStatus(code), status);
}

void TestJsonCodec::errorResponse_body()
{
    const Http::Response r = errorResponse(Error{u"insufficient_balance"_s, u"available is 1.000000"_s, u"amount"_s});
    QCOMPARE(r.status, 402);
    const QJsonObject body = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(compact(body),
             compact(obj(R"({"error": {"code": "insufficient_balance", "message": "available is 1.000000",
                 "field": "amount"}})")));

    const Http::Response nf = errorResponse(Error::missing(ErrorCode::CustomerNotFound, u"customer"_s, u"x"_s));
    QCOMPARE(nf.status, 404);
    const QJsonObject nfError = QJsonDocument::fromJson(nf.body).object().value(u"error"_s).toObject();
    QCOMPARE(nfError.value(u"code"_s).toString(), u"customer_not_found"_s);
    QCOMPARE(nfError.value(u"message"_s).toString(), u"no customer with id 'x'"_s);

    QCOMPARE(errorResponse(Error::storage(u"disk full"_s)).status, 500);
}

QTEST_GUILESS_MAIN(TestJsonCodec)
#include "testjsoncodec.moc"
