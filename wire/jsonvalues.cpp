#include "wire/jsonvalues.h"

#include "core/periods.h"

namespace Meterline::Wire
{

const QString PeriodChoices = QStringLiteral("hour, day, week, month or lifetime");
const QString ModeChoices = QStringLiteral("hard or soft");
const QString ScopeChoices = QStringLiteral("plan or customer");
const QString AggregationChoices = QStringLiteral("sum, count, max or unique_count");
const QString KeyScopeChoices = QStringLiteral("ingest, read or admin");
const QString TransactionKindChoices = QStringLiteral("credit, debit, usage, adjustment or expiry");
const QString ReservationStateChoices = QStringLiteral("held, settled or expired");

QJsonValue timeJson(const QDateTime& t)
{
    return t.isValid() ? QJsonValue(Periods::toIso(t)) : QJsonValue(QJsonValue::Null);
}

QJsonValue timeJson(const std::optional<QDateTime>& t)
{
    return t ? timeJson(*t) : QJsonValue(QJsonValue::Null);
}

QJsonValue stringOrNull(const QString& s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonValue numberOrNull(const std::optional<double>& n)
{
    return n ? QJsonValue(*n) : QJsonValue(QJsonValue::Null);
}

QJsonObject mapJson(const QMap<QString, QString>& map)
{
    QJsonObject o;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QDateTime readTime(JsonReader& r, const QString& key, JsonReader::Need need)
{
    return r.timestamp(key, need).value_or(QDateTime());
}

} // namespace Meterline::Wire
