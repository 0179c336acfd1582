#pragma once

// Typed reads of a JSON request body (SPEC §3: "Unknown fields are ignored; wrong types are 400").
//
// A JsonReader wraps one JSON object and remembers the FIRST failure as an invalid_request Error whose
// `field` is the JSON path of the offending value ("dimensions.model", "prices[1].unitPrice",
// "events[3].value"). Later reads still return (empty) values but never replace that first error, so a
// decoder reads every field it wants and checks ok() once at the end.
//
// Absent and null are the same for every read: "required" fails on both, optional reads return nothing.
// Where null has a meaning of its own (PATCH), ask isNull() first.

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>
#include <limits>
#include <optional>

#include "core/money.h"
#include "core/result.h"

namespace Meterline::Wire
{

// The body of a POST/PUT/PATCH as a JSON object. An empty body, text that is not JSON ("body is not valid
// JSON: <parser error> at offset N") or a JSON value other than an object is invalid_request.
Result<QJsonObject> parseObject(const QByteArray& body);

class JsonReader
{
public:
    enum Need
    {
        Optional,
        Required
    };

    // path: where this object sits in the body ("" for the body itself, "events[3]", "limits[0]").
    explicit JsonReader(QJsonObject object, QString path = {});

    const QJsonObject& json() const { return m_object; }
    const QString& path() const { return m_path; }
    // The JSON path of a member of this object: "value" at the top, "events[3].value" below.
    QString pathOf(const QString& key) const;

    // Present with a non-null value.
    bool has(const QString& key) const;
    // Present as JSON null.
    bool isNull(const QString& key) const;

    // A JSON string. Absent/null: "" (and an error when required).
    QString string(const QString& key, Need need = Required);
    // A JSON string, or nullopt when absent or null.
    std::optional<QString> optionalString(const QString& key);
    // A finite JSON number (a string such as "5" is a type error).
    std::optional<double> number(const QString& key, Need need = Optional);
    // A whole JSON number within [min, max].
    std::optional<qint64> integer(const QString& key,
                                  Need need = Optional,
                                  qint64 min = std::numeric_limits<qint64>::min(),
                                  qint64 max = std::numeric_limits<qint64>::max());
    std::optional<bool> boolean(const QString& key, Need need = Optional);
    // An amount: a decimal STRING with at most 6 places ("12.5"), parsed by Money::parse. A JSON number is
    // refused: binary floating point cannot carry money exactly.
    std::optional<Money> money(const QString& key, Need need = Optional);
    // An ISO 8601 instant with 'Z' or an offset, as UTC.
    std::optional<QDateTime> timestamp(const QString& key, Need need = Optional);
    // An object whose values are all strings.
    std::optional<QMap<QString, QString>> stringMap(const QString& key, Need need = Optional);
    // An array whose elements are all strings.
    std::optional<QStringList> stringList(const QString& key, Need need = Optional);
    std::optional<QJsonObject> object(const QString& key, Need need = Optional);
    std::optional<QJsonArray> array(const QString& key, Need need = Optional);

    // A reader for an element of an array read from this object: key "limits", index 1 → path "limits[1]".
    // Fails (and returns nullopt) when the element is not an object.
    std::optional<JsonReader> element(const QString& key, const QJsonArray& array, qsizetype index);

    bool ok() const { return !m_error.has_value(); }
    // The first failure; only meaningful when !ok().
    const Error& error() const { return *m_error; }

    // Records a failure of the member key (its path becomes the field) unless one is already recorded.
    void fail(const QString& key, const QString& message);
    // Records a failure at a full path (for values below a member, e.g. "eventTypes[2]").
    void failAt(const QString& fieldPath, const QString& message);
    // Adopts the first failure of a nested reader.
    void merge(const JsonReader& nested);

private:
    // The value of key, or nullopt when absent or null (failing first when required).
    std::optional<QJsonValue> present(const QString& key, Need need);

    QJsonObject m_object;
    QString m_path;
    std::optional<Error> m_error;
};

} // namespace Meterline::Wire
