// FlatJsonObject takes only flat bodies of plain members (objects one level deep) and refuses everything else
// (the full parser then decides); the check and record routes' decoders answer the same through it as through
// QJsonDocument, errors included.
// (No raw string literals here: moc miscounts the braces of unbalanced bodies inside them.)

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "server/api/flatjson.h"
#include "server/api/hotrequests.h"
#include "wire/answers.h"
#include "wire/jsonreader.h"
#include "wire/requests.h"

using namespace Meterline;
using namespace Meterline::Api;
using namespace Meterline::Wire;

namespace
{

// A request as the general path decodes it: QJsonDocument, then the route's decoder (checkRequestFrom …).
template <typename T> Result<T> decodedInFull(const QByteArray& body, Result<T> (*decode)(const QJsonObject&))
{
    auto object = parseObject(body);
    if (!object.ok())
        return object.error();
    return decode(object.value());
}

QString describe(const Result<EventInput>& r)
{
    if (!r.ok())
        return QStringLiteral("error %1 [%2]: %3").arg(r.error().code, r.error().field, r.error().message);
    const EventInput& e = r.value();
    QStringList dimensions;
    for (auto it = e.dimensions.cbegin(); it != e.dimensions.cend(); ++it)
        dimensions << it.key() + u'=' + it.value();
    return QStringLiteral("customer '%1' type '%2' value %3 dimensions {%4} timestamp %5 key '%6' reservation '%7'")
        .arg(e.customerId,
             e.eventType,
             e.value ? QString::number(*e.value, 'g', 17) : QStringLiteral("none"),
             dimensions.join(u','),
             e.timestamp ? e.timestamp->toString(Qt::ISODateWithMs) : QStringLiteral("none"),
             e.idempotencyKey,
             e.reservationId);
}

QString describe(const Result<CheckRequest>& r)
{
    if (!r.ok())
        return QStringLiteral("error %1 [%2]: %3").arg(r.error().code, r.error().field, r.error().message);
    const CheckRequest& c = r.value();
    return QStringLiteral("customer '%1' meter '%2' reserve %3 seconds %4")
        .arg(c.customerId,
             c.meterId,
             c.reserve ? QString::number(*c.reserve, 'g', 17) : QStringLiteral("none"),
             QString::number(c.reserveSeconds));
}

} // namespace

class TestFlatJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_takesFlatObjects()
    {
        using Kind = FlatJsonObject::Member::Kind;
        const QByteArray body = " {\"customerId\" : \"cust_007\", "
                                "\"n\":-123456789012345,\"t\":true,\"f\":false,\"z\":null,\"e\":\"\", \"zero\":0} ";
        const auto object = FlatJsonObject::parse(body);
        QVERIFY(object.has_value());
        QCOMPARE(object->members().size(), 7);
        QCOMPARE(object->find("customerId")->kind, Kind::String);
        QCOMPARE(object->find("customerId")->text, QByteArrayView("cust_007"));
        QCOMPARE(object->find("n")->kind, Kind::Integer);
        QCOMPARE(object->find("n")->integer, qint64(-123456789012345));
        QCOMPARE(object->find("t")->kind, Kind::True);
        QCOMPARE(object->find("f")->kind, Kind::False);
        QCOMPARE(object->find("z")->kind, Kind::Null);
        QCOMPARE(object->find("e")->text, QByteArrayView(""));
        QCOMPARE(object->find("zero")->integer, qint64(0));
        QVERIFY(!object->find("missing"));
        QVERIFY(FlatJsonObject::parse("{}").has_value());
        QVERIFY(FlatJsonObject::parse(" \t\r\n{ }\n").has_value());
    }

    // An object one level deep is an Object member: its text is the whole {…}, whose own parse has the members.
    void parse_takesObjectsOneLevelDeep()
    {
        using Kind = FlatJsonObject::Member::Kind;
        const QByteArray body = "{\"dimensions\": { \"model\":\"gpt-4o\", \"n\":5 } ,\"e\":{},\"v\":1}";
        const auto object = FlatJsonObject::parse(body);
        QVERIFY(object.has_value());
        QCOMPARE(object->members().size(), 3);
        QCOMPARE(object->find("dimensions")->kind, Kind::Object);
        QCOMPARE(object->find("dimensions")->text, QByteArrayView("{ \"model\":\"gpt-4o\", \"n\":5 }"));
        QCOMPARE(object->find("e")->kind, Kind::Object);
        QCOMPARE(object->find("e")->text, QByteArrayView("{}"));
        QCOMPARE(object->find("v")->integer, qint64(1));
        const auto dimensions = FlatJsonObject::parse(object->find("dimensions")->text);
        QVERIFY(dimensions.has_value());
        QCOMPARE(dimensions->members().size(), 2);
        QCOMPARE(dimensions->find("model")->text, QByteArrayView("gpt-4o"));
        QCOMPARE(dimensions->find("n")->integer, qint64(5));
    }

    // Valid JSON outside the subset and invalid JSON alike: not flat, for the full parser.
    void parse_refusesEverythingElse_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("spaces") << QByteArray("   ");
        QTest::addRow("array") << QByteArray("[1]");
        QTest::addRow("string") << QByteArray("\"x\"");
        QTest::addRow("object two levels deep") << QByteArray("{\"a\":{\"b\":{\"c\":1}}}");
        QTest::addRow("array in nested object") << QByteArray("{\"a\":{\"b\":[1]}}");
        QTest::addRow("duplicate key in nested object") << QByteArray("{\"a\":{\"b\":1,\"b\":2}}");
        QTest::addRow("escape in nested object") << QByteArray("{\"a\":{\"b\":\"x\\\"y\"}}");
        QTest::addRow("unclosed nested object") << QByteArray("{\"a\":{\"b\":1}");
        QTest::addRow("nine nested members")
            << QByteArray("{\"x\":{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,\"h\":1,\"i\":1}}");
        QTest::addRow("array value") << QByteArray("{\"a\":[1]}");
        QTest::addRow("escape in value") << QByteArray("{\"a\":\"x\\\"y\"}");
        QTest::addRow("escape in key") << QByteArray("{\"customer\\u0049d\":\"x\"}");
        QTest::addRow("non-ASCII value") << QByteArray("{\"a\":\"caf\xc3\xa9\"}");
        QTest::addRow("raw control in value") << QByteArray("{\"a\":\"x\ty\"}");
        QTest::addRow("DEL in value") << QByteArray("{\"a\":\"x\x7fy\"}");
        QTest::addRow("fraction") << QByteArray("{\"a\":1.5}");
        QTest::addRow("exponent") << QByteArray("{\"a\":1e3}");
        QTest::addRow("16 digits") << QByteArray("{\"a\":1234567890123456}");
        QTest::addRow("leading zero") << QByteArray("{\"a\":01}");
        QTest::addRow("minus zero") << QByteArray("{\"a\":-0}");
        QTest::addRow("plus sign") << QByteArray("{\"a\":+1}");
        QTest::addRow("lone minus") << QByteArray("{\"a\":-}");
        QTest::addRow("duplicate key") << QByteArray("{\"a\":1,\"a\":2}");
        QTest::addRow("nine members") << QByteArray(
            "{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,\"h\":1,\"i\":1}");
        QTest::addRow("trailing comma") << QByteArray("{\"a\":1,}");
        QTest::addRow("missing colon") << QByteArray("{\"a\" 1}");
        QTest::addRow("missing value") << QByteArray("{\"a\":}");
        QTest::addRow("unquoted key") << QByteArray("{a:1}");
        QTest::addRow("single quotes") << QByteArray("{'a':1}");
        QTest::addRow("word prefix") << QByteArray("{\"a\":truex}");
        QTest::addRow("capital True") << QByteArray("{\"a\":True}");
        QTest::addRow("number then letters") << QByteArray("{\"a\":12ab}");
        QTest::addRow("unterminated string") << QByteArray("{\"a\":\"xyz");
        QTest::addRow("unclosed object") << QByteArray("{\"a\":1");
        QTest::addRow("garbage after") << QByteArray("{\"a\":1} x");
        QTest::addRow("two objects") << QByteArray("{}{}");
        QTest::addRow("NUL after") << QByteArray("{}\0", 3);
        QTest::addRow("byte order mark") << QByteArray("\xef\xbb\xbf{}");
    }

    void parse_refusesEverythingElse()
    {
        QFETCH(QByteArray, body);
        QVERIFY(!FlatJsonObject::parse(body).has_value());
    }

    // The check route's decoder through the flat path (or not) answers exactly as the general path.
    void checkRequest_sameAsTheFullParser_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addRow("customer and meter") << QByteArray("{\"customerId\":\"cust_007\",\"meterId\":\"llm-tokens\"}");
        QTest::addRow("customer only") << QByteArray("{\"customerId\":\"cust_007\"}");
        QTest::addRow("reservation") << QByteArray(
            "{\"customerId\":\"c\",\"meterId\":\"m\",\"reserve\":2500,\"reserveSeconds\":60}");
        QTest::addRow("negative reserve") << QByteArray("{\"customerId\":\"c\",\"reserve\":-5}");
        QTest::addRow("largest flat reserve") << QByteArray("{\"customerId\":\"c\",\"reserve\":999999999999999}");
        QTest::addRow("fractional reserve") << QByteArray("{\"customerId\":\"c\",\"reserve\":2.5}");
        QTest::addRow("nulls are absent")
            << QByteArray("{\"customerId\":\"c\",\"meterId\":null,\"reserve\":null,\"reserveSeconds\":null}");
        QTest::addRow("unknown members ignored")
            << QByteArray("{\"x\":true,\"customerId\":\"c\",\"y\":{\"z\":[1]},\"w\":\"é\"}");
        QTest::addRow("flat unknown members") << QByteArray("{\"x\":true,\"customerId\":\"c\",\"y\":null,\"w\":7}");
        QTest::addRow("unknown object member") << QByteArray("{\"x\":{\"y\":\"z\"},\"customerId\":\"c\"}");
        QTest::addRow("customer an object") << QByteArray("{\"customerId\":{\"id\":\"c\"}}");
        QTest::addRow("meter an object") << QByteArray("{\"customerId\":\"c\",\"meterId\":{}}");
        QTest::addRow("empty customer") << QByteArray("{\"customerId\":\"\"}");
        QTest::addRow("empty meter") << QByteArray("{\"customerId\":\"c\",\"meterId\":\"\"}");
        QTest::addRow("escaped customer") << QByteArray("{\"customerId\":\"c\\u0041\"}");
        QTest::addRow("non-ASCII customer") << QByteArray("{\"customerId\":\"cust_\xc3\xa9\"}");
        QTest::addRow("customer missing") << QByteArray("{\"meterId\":\"m\"}");
        QTest::addRow("customer null") << QByteArray("{\"customerId\":null}");
        QTest::addRow("customer a number") << QByteArray("{\"customerId\":7}");
        QTest::addRow("customer true") << QByteArray("{\"customerId\":true}");
        QTest::addRow("meter a number") << QByteArray("{\"customerId\":\"c\",\"meterId\":5}");
        QTest::addRow("reserve a string") << QByteArray("{\"customerId\":\"c\",\"reserve\":\"5\"}");
        QTest::addRow("reserve false") << QByteArray("{\"customerId\":\"c\",\"reserve\":false}");
        QTest::addRow("seconds a string") << QByteArray("{\"customerId\":\"c\",\"reserveSeconds\":\"60\"}");
        QTest::addRow("seconds int max") << QByteArray("{\"customerId\":\"c\",\"reserveSeconds\":2147483647}");
        QTest::addRow("seconds int min") << QByteArray("{\"customerId\":\"c\",\"reserveSeconds\":-2147483648}");
        QTest::addRow("seconds above int") << QByteArray("{\"customerId\":\"c\",\"reserveSeconds\":2147483648}");
        QTest::addRow("seconds below int") << QByteArray("{\"customerId\":\"c\",\"reserveSeconds\":-2147483649}");
        QTest::addRow("seconds fraction") << QByteArray("{\"customerId\":\"c\",\"reserveSeconds\":1.5}");
        QTest::addRow("duplicate customer") << QByteArray("{\"customerId\":\"a\",\"customerId\":\"b\"}");
        QTest::addRow("empty body") << QByteArray();
        QTest::addRow("empty object") << QByteArray("{}");
        QTest::addRow("not JSON") << QByteArray("customerId=c");
        QTest::addRow("array") << QByteArray("[{\"customerId\":\"c\"}]");
        QTest::addRow("scalar") << QByteArray("5");
        QTest::addRow("truncated") << QByteArray("{\"customerId\":\"c\"");
        QTest::addRow("trailing garbage") << QByteArray("{\"customerId\":\"c\"}x");
    }

    void checkRequest_sameAsTheFullParser()
    {
        QFETCH(QByteArray, body);
        QCOMPARE(describe(checkRequestFromBody(body)), describe(decodedInFull(body, &checkRequestFrom)));
    }

    // The record route's decoder through the flat path (or not) answers exactly as the general path.
    void eventInput_sameAsTheFullParser_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addRow("what clients send")
            << QByteArray("{\"customerId\":\"cust_007\",\"eventType\":\"llm.completion\",\"value\":100,"
                          "\"dimensions\":{\"model\":\"gpt-4o\"}}");
        QTest::addRow("every member") << QByteArray(
            "{\"customerId\":\"c\",\"eventType\":\"t\",\"value\":-7,\"dimensions\":{\"b\":\"2\",\"a\":\"1\"},"
            "\"timestamp\":\"2026-03-15T12:00:00Z\",\"idempotencyKey\":\"k-1\",\"reservationId\":\"res_1\"}");
        QTest::addRow("customer and type only") << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\"}");
        QTest::addRow("timestamp with offset")
            << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"timestamp\":\"2026-03-15T14:30:00.250+02:00\"}");
        QTest::addRow("largest flat value")
            << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"value\":999999999999999}");
        QTest::addRow("nulls are absent") << QByteArray(
            "{\"customerId\":\"c\",\"eventType\":\"t\",\"value\":null,\"dimensions\":null,\"timestamp\":null,"
            "\"idempotencyKey\":null,\"reservationId\":null}");
        QTest::addRow("empty dimensions") << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"dimensions\":{}}");
        QTest::addRow("empty strings") << QByteArray(
            "{\"customerId\":\"\",\"eventType\":\"\",\"idempotencyKey\":\"\",\"dimensions\":{\"\":\"\"}}");
        QTest::addRow("unknown members ignored")
            << QByteArray("{\"x\":{\"y\":1},\"customerId\":\"c\",\"z\":false,\"eventType\":\"t\"}");
        QTest::addRow("fractional value") << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"value\":2.5}");
        QTest::addRow("value a string") << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"value\":\"5\"}");
        QTest::addRow("value true") << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"value\":true}");
        QTest::addRow("value an object") << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"value\":{}}");
        QTest::addRow("dimension a number")
            << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"dimensions\":{\"model\":4}}");
        QTest::addRow("dimension null") << QByteArray(
            "{\"customerId\":\"c\",\"eventType\":\"t\",\"dimensions\":{\"model\":null}}");
        QTest::addRow("dimensions a string")
            << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"dimensions\":\"model\"}");
        QTest::addRow("dimensions an array")
            << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"dimensions\":[\"model\"]}");
        QTest::addRow("non-ASCII dimension")
            << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"dimensions\":{\"model\":\"caf\xc3\xa9\"}}");
        QTest::addRow("bad timestamp") << QByteArray(
            "{\"customerId\":\"c\",\"eventType\":\"t\",\"timestamp\":\"yesterday\"}");
        QTest::addRow("timestamp without zone")
            << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"timestamp\":\"2026-03-15T12:00:00\"}");
        QTest::addRow("timestamp a number")
            << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"timestamp\":1773576000}");
        QTest::addRow("key a number") << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"idempotencyKey\":5}");
        QTest::addRow("reservation false")
            << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\",\"reservationId\":false}");
        QTest::addRow("customer missing") << QByteArray("{\"eventType\":\"t\"}");
        QTest::addRow("type missing") << QByteArray("{\"customerId\":\"c\"}");
        QTest::addRow("customer null") << QByteArray("{\"customerId\":null,\"eventType\":\"t\"}");
        QTest::addRow("type a number") << QByteArray("{\"customerId\":\"c\",\"eventType\":1}");
        QTest::addRow("escaped customer") << QByteArray("{\"customerId\":\"c\\u0041\",\"eventType\":\"t\"}");
        QTest::addRow("duplicate type") << QByteArray("{\"customerId\":\"c\",\"eventType\":\"a\",\"eventType\":\"b\"}");
        QTest::addRow("empty body") << QByteArray();
        QTest::addRow("empty object") << QByteArray("{}");
        QTest::addRow("not JSON") << QByteArray("customerId=c");
        QTest::addRow("array") << QByteArray("[{\"customerId\":\"c\",\"eventType\":\"t\"}]");
        QTest::addRow("truncated") << QByteArray("{\"customerId\":\"c\",\"eventType\":\"t\"");
    }

    void eventInput_sameAsTheFullParser()
    {
        QFETCH(QByteArray, body);
        QCOMPARE(describe(eventInputFromBody(body)), describe(decodedInFull(body, &eventInputFrom)));
    }

    // The flat path is taken for what clients send, and its figures are the ones sent.
    void eventInput_flatBodyFigures()
    {
        const QByteArray body = "{\"customerId\":\"cust_007\",\"eventType\":\"llm.completion\",\"value\":1200,"
                                "\"dimensions\":{\"model\":\"gpt-4o\",\"region\":\"eu\"},\"idempotencyKey\":\"req-9\"}";
        QVERIFY(FlatJsonObject::parse(body).has_value());
        const auto decoded = eventInputFromBody(body);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded->customerId, QStringLiteral("cust_007"));
        QCOMPARE(decoded->eventType, QStringLiteral("llm.completion"));
        QCOMPARE(decoded->value, std::optional<double>(1200));
        QCOMPARE(decoded->dimensions,
                 (Dimensions{{QStringLiteral("model"), QStringLiteral("gpt-4o")},
                             {QStringLiteral("region"), QStringLiteral("eu")}}));
        QCOMPARE(decoded->idempotencyKey, QStringLiteral("req-9"));
        QVERIFY(!decoded->timestamp);
        QVERIFY(decoded->reservationId.isEmpty());
    }

    // The flat path is taken for the bodies clients send (and its figures are the ones asked for).
    void checkRequest_flatBodyFigures()
    {
        const QByteArray body =
            "{\"customerId\":\"cust_007\",\"meterId\":\"llm-tokens\",\"reserve\":1200,\"reserveSeconds\":90}";
        QVERIFY(FlatJsonObject::parse(body).has_value());
        const auto decoded = checkRequestFromBody(body);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded->customerId, QStringLiteral("cust_007"));
        QCOMPARE(decoded->meterId, QStringLiteral("llm-tokens"));
        QCOMPARE(decoded->reserve, std::optional<double>(1200));
        QCOMPARE(decoded->reserveSeconds, 90);
    }
};

QTEST_GUILESS_MAIN(TestFlatJson)
#include "testflatjson.moc"
