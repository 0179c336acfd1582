#include "server/api/errorstatus.h"

namespace Meterline::Api
{

int httpStatus(const QString& code)
{
    struct Row
    {
        QLatin1StringView code;
        int status;
    };
    static constexpr Row table[] = {
        {QLatin1StringView("invalid_request"), 400},
        {QLatin1StringView("unauthorized"), 401},
        {QLatin1StringView("insufficient_balance"), 402},
        {QLatin1StringView("forbidden"), 403},
        {QLatin1StringView("not_found"), 404},
        {QLatin1StringView("method_not_allowed"), 405},
        {QLatin1StringView("conflict"), 409},
        {QLatin1StringView("idempotency_conflict"), 409},
        {QLatin1StringView("payload_too_large"), 413},
        {QLatin1StringView("rate_limited"), 429},
        {QLatin1StringView("storage_error"), 500},
        {QLatin1StringView("schema_too_new"), 500},
    };
    for (const Row& row : table) {
        if (code == row.code)
            return row.status;
    }
    // customer_not_found, meter_not_found, plan_not_found, limit_not_found, reservation_not_found, …
    if (code.size() > 10 && code.endsWith(QLatin1StringView("_not_found")))
        return 404;
    return 500;
}

Http::Response errorResponse(const Error& error)
{
    const int status = httpStatus(error.code);
    // A server fault's text is for the log, not for the client.
    if (status >= 500)
        return Http::Response::error(status, error.code, QStringLiteral("internal error; see the server log"));
    return Http::Response::error(status, error.code, error.message, error.field);
}

} // namespace Meterline::Api
