#pragma once

// The answers of the HTTP API (SPEC §3, docs/api.md) for every domain type, both ways: toJson is what the
// server writes, decode<T> is what a client (the dashboard's sync layer) reads back. Both live here, one type
// beside the other in answers.cpp, so a field can only change in one place, and tests/wire checks that
// decode<T>(toJson(x)) == x for each type.
//
// Encoders write the SPEC field names: money as Money::toString() ("12.500000"), usage values as JSON numbers,
// timestamps as ISO 8601 UTC with 'Z', and null for a value that is not there. The check and record answers,
// written on every LLM request, have hand-written byte writers in server/api/hotanswers.h; tests/wire checks
// them against toJson here.
//
// Decoders are lenient about extra members and strict about types: a wrong type is invalid_request naming the
// JSON path of the member ("limits[2].used"), so a garbled answer is a clear failure and never a silent zero.
// An entity's id is required; every other member may be absent or null and then takes the type's default.

#include <QJsonArray>
#include <QJsonObject>
#include <QList>

#include "core/result.h"
#include "core/types.h"

namespace Meterline::Wire
{

// ---- encoders ----

// {code, message, field}; field is left out when empty, as in Http::Response::error.
QJsonObject toJson(const Error& error);
QJsonObject toJson(const Customer& customer);
QJsonObject toJson(const Plan& plan);
QJsonObject toJson(const Price& price);
QJsonObject toJson(const Meter& meter);
QJsonObject toJson(const Limit& limit);
QJsonObject toJson(const Event& event);
// POST /v1/events: the event's fields, duplicate, balance when it burned credits, unpaid when a burn fell short.
QJsonObject toJson(const RecordResult& result);
QJsonObject toJson(const BatchResult& result);
QJsonObject toJson(const Balance& balance);
QJsonObject toJson(const BalancePage& page);
QJsonObject toJson(const LedgerTransaction& transaction);
QJsonObject toJson(const BalanceChangeResult& result);
QJsonObject toJson(const EventPage& page);
QJsonObject toJson(const LedgerPage& page);
// "groups" only when the query grouped, "series" only when it asked for a window (both even when empty).
QJsonObject toJson(const UsageResult& result, const UsageQuery& query);
QJsonObject toJson(const SummaryPage& page);
QJsonObject toJson(const Reservation& reservation);
QJsonObject toJson(const LimitStatus& status);
// POST /v1/limits/check: balance {balance, reserve, available} and reservation {id, amount, expiresAt} when set.
QJsonObject toJson(const CheckResult& result);
QJsonObject toJson(const ApiKey& key);
QJsonObject toJson(const ApiKeyCreated& created);
QJsonObject toJson(const WebhookEndpoint& endpoint);
QJsonObject toJson(const WebhookDelivery& delivery);
QJsonObject toJson(const WebhookAttempt& attempt);
QJsonObject toJson(const Change& change);
QJsonObject toJson(const ChangePage& page);
QJsonObject toJson(const UsageWindowFigures& figures);
QJsonObject toJson(const UsageChangePage& page);

// The list answers (GET /v1/customers …) as arrays of the single-item objects.
template <typename T> QJsonArray toJsonArray(const QList<T>& items)
{
    QJsonArray a;
    for (const T& item : items)
        a.append(toJson(item));
    return a;
}

// The wire form of an answer: compact UTF-8 JSON.
QByteArray compact(const QJsonObject& object);

// ---- decoders ----

// One answer object as T. Instantiated in answers.cpp for every type that toJson writes, except Error (see
// errorFrom) and UsageResult's query (decode<UsageResult> reads groups and series when present).
template <typename T> Result<T> decode(const QJsonObject& object);

// {data: [...]} of a list route, each element decoded as T (an error names "data[3].id").
template <typename T> Result<QList<T>> decodeList(const QJsonObject& object);

// {"error": {code, message, field}} of a failed request; a generic error naming the status when the body is
// not one.
Error errorFrom(const QByteArray& body, int httpStatus);

// Every type with a decoder, for the explicit instantiations here and in answers.cpp.
#define METERLINE_WIRE_ANSWER_TYPES(X)                                                                                 \
    X(Customer)                                                                                                        \
    X(Plan)                                                                                                            \
    X(Price)                                                                                                           \
    X(Meter)                                                                                                           \
    X(Limit)                                                                                                           \
    X(Event)                                                                                                           \
    X(RecordResult)                                                                                                    \
    X(BatchResult)                                                                                                     \
    X(Balance)                                                                                                         \
    X(BalancePage)                                                                                                     \
    X(LedgerTransaction)                                                                                               \
    X(BalanceChangeResult)                                                                                             \
    X(EventPage)                                                                                                       \
    X(LedgerPage)                                                                                                      \
    X(UsageResult)                                                                                                     \
    X(SummaryPage)                                                                                                     \
    X(Reservation)                                                                                                     \
    X(LimitStatus)                                                                                                     \
    X(CheckResult)                                                                                                     \
    X(ApiKey)                                                                                                          \
    X(ApiKeyCreated)                                                                                                   \
    X(WebhookEndpoint)                                                                                                 \
    X(WebhookDelivery)                                                                                                 \
    X(WebhookAttempt)                                                                                                  \
    X(Change)                                                                                                          \
    X(ChangePage)                                                                                                      \
    X(UsageWindowFigures)                                                                                              \
    X(UsageChangePage)

#define METERLINE_WIRE_ANSWER(T)                                                                                       \
    extern template Result<T> decode<T>(const QJsonObject&);                                                           \
    extern template Result<QList<T>> decodeList<T>(const QJsonObject&);
METERLINE_WIRE_ANSWER_TYPES(METERLINE_WIRE_ANSWER)
#undef METERLINE_WIRE_ANSWER

} // namespace Meterline::Wire
