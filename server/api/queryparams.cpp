#include "server/api/queryparams.h"

#include "core/periods.h"

namespace Meterline::Api
{

QString queryValue(const QUrlQuery& query, const QString& key)
{
    return query.queryItemValue(key, QUrl::FullyDecoded);
}

Dimensions dimensionFilters(const QUrlQuery& query)
{
    Dimensions filters;
    for (const auto& [key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key.startsWith(QLatin1String("filter.")) && key.size() > 7)
            filters.insert(key.mid(7), value);
    }
    return filters;
}

Result<TimeRange> rangeFrom(const QUrlQuery& query)
{
    const QString fromText = queryValue(query, QStringLiteral("from"));
    const QString toText = queryValue(query, QStringLiteral("to"));
    TimeRange range;
    if (!fromText.isEmpty()) {
        range.from = Periods::parseIso(fromText);
        if (!range.from.isValid())
            return Error::invalid(QStringLiteral("from must be an ISO 8601 time with a zone"), QStringLiteral("from"));
    }
    if (!toText.isEmpty()) {
        range.to = Periods::parseIso(toText);
        if (!range.to.isValid())
            return Error::invalid(QStringLiteral("to must be an ISO 8601 time with a zone"), QStringLiteral("to"));
    }
    return range;
}

Result<TimeRange>
periodOrRange(const QUrlQuery& query, bool required, const std::function<Result<TimeRange>(NamedPeriod)>& resolve)
{
    const QString periodText = queryValue(query, QStringLiteral("period"));
    if (!periodText.isEmpty()) {
        const auto period = parseNamedPeriod(periodText);
        if (!period)
            return Error::invalid(QStringLiteral("period must be current_hour, current_day, current_week, "
                                                 "current_month, previous_month or lifetime"),
                                  QStringLiteral("period"));
        return resolve(*period);
    }
    auto range = rangeFrom(query);
    if (!range.ok())
        return range;
    if (required && (!range->from.isValid() || !range->to.isValid()))
        return Error::invalid(QStringLiteral("give a period, or from and to"), QStringLiteral("period"));
    if (range->from.isValid() != range->to.isValid())
        return Error::invalid(QStringLiteral("from and to go together"), QStringLiteral("from"));
    if (range->from.isValid() && range->from >= range->to)
        return Error::invalid(QStringLiteral("from must be before to"), QStringLiteral("from"));
    return range;
}

Result<int> limitParam(const QUrlQuery& query, int fallback, int max)
{
    const QString text = queryValue(query, QStringLiteral("limit"));
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const int limit = text.toInt(&ok);
    if (!ok || limit < 1 || limit > max)
        return Error::invalid(QStringLiteral("limit must be 1-%1").arg(max), QStringLiteral("limit"));
    return limit;
}

Result<Since> sinceParam(const QUrlQuery& query)
{
    const QString text = queryValue(query, QStringLiteral("since"));
    if (text == QLatin1String("latest"))
        return Since{true, 0};
    bool ok = true;
    const qint64 since = text.isEmpty() ? 0 : text.toLongLong(&ok);
    if (!ok || since < 0)
        return Error::invalid(QStringLiteral("since is a cursor from a previous answer"), QStringLiteral("since"));
    return Since{false, since};
}

Result<EventQuery> eventQueryFrom(const QUrlQuery& query)
{
    EventQuery events;
    events.customerId = queryValue(query, QStringLiteral("customerId"));
    events.eventType = queryValue(query, QStringLiteral("eventType"));
    events.cursor = queryValue(query, QStringLiteral("cursor"));
    auto range = rangeFrom(query);
    if (!range.ok())
        return range.error();
    events.from = range->from;
    events.to = range->to;
    auto limit = limitParam(query, 100, 1000);
    if (!limit.ok())
        return limit.error();
    events.limit = limit.value();
    events.dimensions = dimensionFilters(query);
    return events;
}

Result<UsageQuery> usageQueryFrom(const QUrlQuery& query, const QString& meterId)
{
    UsageQuery usage;
    usage.meterId = meterId;
    usage.customerId = queryValue(query, QStringLiteral("customerId"));
    const QString periodText = queryValue(query, QStringLiteral("period"));
    if (!periodText.isEmpty()) {
        usage.period = parseNamedPeriod(periodText);
        if (!usage.period)
            return Error::invalid(QStringLiteral("unknown period '%1'").arg(periodText), QStringLiteral("period"));
    } else {
        auto range = rangeFrom(query);
        if (!range.ok())
            return range.error();
        usage.from = range->from;
        usage.to = range->to;
    }
    usage.groupBy = query.allQueryItemValues(QStringLiteral("groupBy"), QUrl::FullyDecoded);
    const QString windowText = queryValue(query, QStringLiteral("window"));
    if (!windowText.isEmpty()) {
        usage.window = parseWindow(windowText);
        if (!usage.window)
            return Error::invalid(QStringLiteral("window must be hour, day or month"), QStringLiteral("window"));
    }
    usage.filters = dimensionFilters(query);
    return usage;
}

} // namespace Meterline::Api
