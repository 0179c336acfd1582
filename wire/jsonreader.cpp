#include "wire/jsonreader.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <cmath>

#include "core/periods.h"

namespace Meterline::Wire
{

namespace
{

QString typeName(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("undefined");
}

// "<path> must be <what>, not <type>"
QString mustBe(const QString& path, const QString& what, const QJsonValue& got)
{
    return QStringLiteral("%1 must be %2, not %3").arg(path, what, typeName(got));
}

} // namespace

Result<QJsonObject> parseObject(const QByteArray& body)
{
    if (body.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("the body is empty; send a JSON object"));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // QJsonDocument refuses a bare scalar ("5", "\"text\"") as "illegal value"; that is valid JSON, just not
        // an object, so say so.
        QJsonParseError wrappedError;
        QJsonDocument::fromJson('[' + body + ']', &wrappedError);
        if (wrappedError.error == QJsonParseError::NoError)
            return Error::invalid(QStringLiteral("the body must be a JSON object"));
        return Error::invalid(QStringLiteral("body is not valid JSON: %1 at offset %2")
                                  .arg(parseError.errorString())
                                  .arg(parseError.offset));
    }
    if (!doc.isObject())
        return Error::invalid(QStringLiteral("the body must be a JSON object"));
    return doc.object();
}

JsonReader::JsonReader(QJsonObject object, QString path)
    : m_object(std::move(object))
    , m_path(std::move(path))
{
}

QString JsonReader::pathOf(const QString& key) const
{
    return m_path.isEmpty() ? key : m_path + u'.' + key;
}

bool JsonReader::has(const QString& key) const
{
    const QJsonValue v = m_object.value(key);
    return !v.isUndefined() && !v.isNull();
}

bool JsonReader::isNull(const QString& key) const
{
    return m_object.contains(key) && m_object.value(key).isNull();
}

void JsonReader::fail(const QString& key, const QString& message)
{
    failAt(pathOf(key), message);
}

void JsonReader::failAt(const QString& fieldPath, const QString& message)
{
    if (!m_error)
        m_error = Error::invalid(message, fieldPath);
}

void JsonReader::merge(const JsonReader& nested)
{
    if (!m_error && nested.m_error)
        m_error = nested.m_error;
}

std::optional<QJsonValue> JsonReader::present(const QString& key, Need need)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (need == Required)
            fail(key, QStringLiteral("%1 is required").arg(pathOf(key)));
        return std::nullopt;
    }
    return v;
}

QString JsonReader::string(const QString& key, Need need)
{
    const auto v = present(key, need);
    if (!v)
        return {};
    if (!v->isString()) {
        fail(key, mustBe(pathOf(key), QStringLiteral("a string"), *v));
        return {};
    }
    return v->toString();
}

std::optional<QString> JsonReader::optionalString(const QString& key)
{
    if (!has(key))
        return std::nullopt;
    const QJsonValue v = m_object.value(key);
    if (!v.isString()) {
        fail(key, mustBe(pathOf(key), QStringLiteral("a string"), v));
        return std::nullopt;
    }
    return v.toString();
}

std::optional<double> JsonReader::number(const QString& key, Need need)
{
    const auto v = present(key, need);
    if (!v)
        return std::nullopt;
    if (!v->isDouble()) {
        fail(key, mustBe(pathOf(key), QStringLiteral("a number"), *v));
        return std::nullopt;
    }
    const double d = v->toDouble();
    // The JSON parser already refuses 1e999; this guards values built in code.
    if (!std::isfinite(d)) {
        fail(key, QStringLiteral("%1 must be a finite number").arg(pathOf(key)));
        return std::nullopt;
    }
    return d;
}

std::optional<qint64> JsonReader::integer(const QString& key, Need need, qint64 min, qint64 max)
{
    const auto v = present(key, need);
    if (!v)
        return std::nullopt;
    const bool fullRange = min == std::numeric_limits<qint64>::min() && max == std::numeric_limits<qint64>::max();
    const QString what =
        fullRange ? QStringLiteral("a whole number") : QStringLiteral("a whole number from %1 to %2").arg(min).arg(max);
    if (!v->isDouble()) {
        fail(key, mustBe(pathOf(key), what, *v));
        return std::nullopt;
    }
    // toInteger() answers the default unless the number is whole and fits a qint64; probe with two defaults
    // so that a genuine value equal to the default is not mistaken for a failure.
    const qint64 a = v->toInteger(0);
    const qint64 b = v->toInteger(1);
    if (a != b || a < min || a > max) {
        fail(key, QStringLiteral("%1 must be %2").arg(pathOf(key), what));
        return std::nullopt;
    }
    return a;
}

std::optional<bool> JsonReader::boolean(const QString& key, Need need)
{
    const auto v = present(key, need);
    if (!v)
        return std::nullopt;
    if (!v->isBool()) {
        fail(key, mustBe(pathOf(key), QStringLiteral("true or false"), *v));
        return std::nullopt;
    }
    return v->toBool();
}

std::optional<Money> JsonReader::money(const QString& key, Need need)
{
    const auto v = present(key, need);
    if (!v)
        return std::nullopt;
    if (!v->isString()) {
        fail(key,
             QStringLiteral("%1 must be a string, not %2: amounts are decimal strings such as \"12.50\"")
                 .arg(pathOf(key), typeName(*v)));
        return std::nullopt;
    }
    const auto parsed = Money::parse(v->toString());
    if (!parsed) {
        fail(key,
             QStringLiteral("%1 must be a decimal string with at most 6 places, such as \"12.50\"").arg(pathOf(key)));
        return std::nullopt;
    }
    return parsed;
}

std::optional<QDateTime> JsonReader::timestamp(const QString& key, Need need)
{
    const auto v = present(key, need);
    if (!v)
        return std::nullopt;
    const QString what = QStringLiteral("an ISO 8601 time with Z or an offset, such as \"2026-03-15T12:00:00Z\"");
    if (!v->isString()) {
        fail(key, mustBe(pathOf(key), what, *v));
        return std::nullopt;
    }
    const QDateTime t = Periods::parseIso(v->toString());
    if (!t.isValid()) {
        fail(key, QStringLiteral("%1 must be %2").arg(pathOf(key), what));
        return std::nullopt;
    }
    return t;
}

std::optional<QMap<QString, QString>> JsonReader::stringMap(const QString& key, Need need)
{
    const auto v = present(key, need);
    if (!v)
        return std::nullopt;
    if (!v->isObject()) {
        fail(key, mustBe(pathOf(key), QStringLiteral("an object of strings"), *v));
        return std::nullopt;
    }
    const QJsonObject o = v->toObject();
    QMap<QString, QString> map;
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!it.value().isString()) {
            const QString at = pathOf(key) + u'.' + it.key();
            failAt(at, mustBe(at, QStringLiteral("a string"), it.value()));
            return std::nullopt;
        }
        map.insert(it.key(), it.value().toString());
    }
    return map;
}

std::optional<QStringList> JsonReader::stringList(const QString& key, Need need)
{
    const auto v = present(key, need);
    if (!v)
        return std::nullopt;
    if (!v->isArray()) {
        fail(key, mustBe(pathOf(key), QStringLiteral("an array of strings"), *v));
        return std::nullopt;
    }
    const QJsonArray a = v->toArray();
    QStringList list;
    list.reserve(a.size());
    for (qsizetype i = 0; i < a.size(); ++i) {
        const QJsonValue e = a.at(i);
        if (!e.isString()) {
            const QString at = QStringLiteral("%1[%2]").arg(pathOf(key)).arg(i);
            failAt(at, mustBe(at, QStringLiteral("a string"), e));
            return std::nullopt;
        }
        list << e.toString();
    }
    return list;
}

std::optional<QJsonObject> JsonReader::object(const QString& key, Need need)
{
    const auto v = present(key, need);
    if (!v)
        return std::nullopt;
    if (!v->isObject()) {
        fail(key, mustBe(pathOf(key), QStringLiteral("an object"), *v));
        return std::nullopt;
    }
    return v->toObject();
}

std::optional<QJsonArray> JsonReader::array(const QString& key, Need need)
{
    const auto v = present(key, need);
    if (!v)
        return std::nullopt;
    if (!v->isArray()) {
        fail(key, mustBe(pathOf(key), QStringLiteral("an array"), *v));
        return std::nullopt;
    }
    return v->toArray();
}

std::optional<JsonReader> JsonReader::element(const QString& key, const QJsonArray& array, qsizetype index)
{
    const QString at = QStringLiteral("%1[%2]").arg(pathOf(key)).arg(index);
    const QJsonValue e = array.at(index);
    if (!e.isObject()) {
        failAt(at, mustBe(at, QStringLiteral("an object"), e));
        return std::nullopt;
    }
    return JsonReader(e.toObject(), at);
}

} // namespace Meterline::Wire
