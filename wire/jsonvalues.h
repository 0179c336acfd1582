#pragma once

// The JSON spellings shared by every encoder and decoder of the wire library (docs/api.md, "Conventions"):
// timestamps as ISO 8601 UTC with 'Z' or null, empty strings as null, maps as objects of strings, and enum
// members as their names. Internal to wire/: the answers and requests codecs build on it.

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QMap>
#include <QString>
#include <optional>

#include "wire/jsonreader.h"

namespace Meterline::Wire
{

// A timestamp as ISO 8601 UTC with 'Z', or null when invalid (not set).
QJsonValue timeJson(const QDateTime& t);
QJsonValue timeJson(const std::optional<QDateTime>& t);
// A string, or null when empty.
QJsonValue stringOrNull(const QString& s);
QJsonValue numberOrNull(const std::optional<double>& n);
QJsonObject mapJson(const QMap<QString, QString>& map);

// The accepted names of each enum, for "must be …" messages.
extern const QString PeriodChoices;
extern const QString ModeChoices;
extern const QString ScopeChoices;
extern const QString AggregationChoices;
extern const QString KeyScopeChoices;
extern const QString TransactionKindChoices;
extern const QString ReservationStateChoices;

// A string member naming one value of an enum; unknown names fail with the accepted names listed.
template <typename E>
std::optional<E> readEnum(JsonReader& r,
                          const QString& key,
                          JsonReader::Need need,
                          std::optional<E> (*parse)(QStringView),
                          const QString& choices)
{
    if (!r.has(key)) {
        (void)r.string(key, need); // records "is required" when it is
        return std::nullopt;
    }
    const QString name = r.string(key, need);
    if (!r.ok())
        return std::nullopt;
    const auto value = parse(name);
    if (!value)
        r.fail(key, QStringLiteral("%1 must be %2, not \"%3\"").arg(r.pathOf(key), choices, name));
    return value;
}

// The same with a fallback for an optional member.
template <typename E>
E readEnumOr(
    JsonReader& r, const QString& key, std::optional<E> (*parse)(QStringView), const QString& choices, E fallback)
{
    return readEnum(r, key, JsonReader::Optional, parse, choices).value_or(fallback);
}

// A timestamp member as a QDateTime: invalid when absent or null.
QDateTime readTime(JsonReader& r, const QString& key, JsonReader::Need need = JsonReader::Optional);

template <typename T> Result<T> finish(const JsonReader& r, T value)
{
    if (!r.ok())
        return r.error();
    return value;
}

} // namespace Meterline::Wire
