#pragma once

// SPEC §3: the HTTP status of each error code, and the error answer itself.

#include <QString>

#include "core/result.h"
#include "server/http/httpmessage.h"

namespace Meterline::Api
{

// invalid_request 400, unauthorized 401, insufficient_balance 402, forbidden 403, not_found and every
// *_not_found 404, conflict and idempotency_conflict 409, payload_too_large 413, rate_limited 429.
// storage_error and schema_too_new are server faults (500), as is any code not listed: an unmapped code is a bug
// of ours, never the client's input.
int httpStatus(const QString& code);

// {"error": {"code", "message", "field"}} with the status of its code.
Http::Response errorResponse(const Error& error);

} // namespace Meterline::Api
