#pragma once

// The answers of the two calls made on every LLM request, check and record, written straight to bytes with
// JsonWriter (the other answers go through QJsonObject, see jsoncodec.h). Same fields as SPEC §3, in its order.

#include <QByteArray>

#include "core/types.h"

namespace Meterline::Api
{

// POST /v1/limits/check: {allowed, customerId, meterId, used, limit, remaining, resetsAt, reason, limits,
// balance?, reservation?}
QByteArray checkAnswer(const CheckResult& result);
// POST /v1/events: {id, customerId, eventType, value, dimensions, timestamp, duplicate, balance?, unpaid?}
QByteArray recordAnswer(const RecordResult& result);

} // namespace Meterline::Api
