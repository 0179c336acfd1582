#pragma once

// The query-string parameters of the API's reads (docs/api.md: Timestamps and periods, Pagination, the events
// and usage reads), from the QUrlQuery the HTTP engine makes of a request target. A parameter that is given but
// wrong is an invalid_request Error naming it; an absent one takes its default.

#include <QUrlQuery>
#include <functional>
#include <optional>

#include "core/result.h"
#include "core/types.h"

namespace Meterline::Api
{

// One parameter, fully percent-decoded; empty when absent (when repeated, the first).
QString queryValue(const QUrlQuery& query, const QString& key);
// The repeatable filter.<dimension>=<value> parameters of usage and events reads (a repeated dimension: the
// last value).
Dimensions dimensionFilters(const QUrlQuery& query);
// from/to, each optional: an ISO 8601 time with a zone when given.
Result<TimeRange> rangeFrom(const QUrlQuery& query);
// period=… (resolved by resolve) or from/to, for usage summaries and exports: from and to go together and
// from < to; required: one of the two must be given.
Result<TimeRange>
periodOrRange(const QUrlQuery& query, bool required, const std::function<Result<TimeRange>(NamedPeriod)>& resolve);
// limit: fallback when absent, else an integer 1..max.
Result<int> limitParam(const QUrlQuery& query, int fallback, int max);

// since of GET /v1/changes: absent is 0, "latest" the newest cursor, else a cursor (an integer >= 0).
struct Since
{
    bool latest = false;
    qint64 seq = 0;
};
Result<Since> sinceParam(const QUrlQuery& query);

// The whole query of GET /v1/events (customerId, eventType, cursor, from/to, limit 1-1000, filter.<dim>).
Result<EventQuery> eventQueryFrom(const QUrlQuery& query);
// The whole query of GET /v1/meters/{meterId}/usage (customerId, period or from/to, groupBy, window,
// filter.<dim>); the range's rules beyond its syntax are core's (UsageReader::usage).
Result<UsageQuery> usageQueryFrom(const QUrlQuery& query, const QString& meterId);

} // namespace Meterline::Api
