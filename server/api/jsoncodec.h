#pragma once

// The JSON bodies of the HTTP API (SPEC §3): request decoders and answer encoders.
//
// Decoders check JSON types and shapes only and name the exact JSON path of the first problem
// (invalid_request, field "limits[0].period"); the domain rules (id syntax, ranges, existence) stay in core.
// Unknown fields are ignored. Null counts as absent, except in a PATCH where it removes a value.
//
// Encoders write the SPEC field names: money as Money::toString() ("12.500000"), usage values as JSON numbers,
// timestamps as Periods::toIso ("2026-03-15T12:00:00Z"), and null for a value that is not there. The check and
// record answers are written by hotanswers.h instead (the same conventions, without QJsonObject).

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

#include "core/result.h"
#include "core/types.h"

namespace Meterline::Api
{

// ---- decoders ----

constexpr int MaxBatchEvents = 10000;

// POST /v1/api-keys {name, scope}
struct ApiKeyRequest
{
    QString name;
    KeyScope scope = KeyScope::Read;
    int rateLimit = 0; // requests per second; 0: none
};

// POST /v1/customers {id, name, planId?, externalId?, metadata?}
Result<Customer> customerFrom(const QJsonObject& body);
// PATCH /v1/customers/{id}: only the fields present change. null removes (RFC 7396): "planId": null and
// "externalId": null become "", "metadata": null an empty map; "name" cannot be removed. metadata, when
// given, replaces the whole map.
Result<CustomerPatch> customerPatchFrom(const QJsonObject& body);
// POST /v1/plans and PUT /v1/plans/{id}: {id, name, limits?, prices?, currency?}. With a pathId (PUT), the
// body's id may be left out; when given it must equal pathId. Plan limits get scope plan and planId.
Result<Plan> planFrom(const QJsonObject& body, const QString& pathId = {});
// POST /v1/meters and PUT /v1/meters/{id}: {id, name, aggregation, eventTypes?, dimensionFilters?, dimension?}.
Result<Meter> meterFrom(const QJsonObject& body, const QString& pathId = {});
// POST /v1/limits and PUT /v1/limits/{id}: {id?, scope, planId? | customerId?, meterId, period, value, mode?}.
// Scope plan needs planId (and refuses customerId), scope customer the reverse.
Result<Limit> limitFrom(const QJsonObject& body, const QString& pathId = {});
// POST /v1/events {customerId, eventType, value?, dimensions?, timestamp?, idempotencyKey?, reservationId?}.
// (The Idempotency-Key header is the route's business.)
Result<EventInput> eventInputFrom(const QJsonObject& body);
// The same from the raw body: a flat body (FlatJsonObject: plain members, dimensions an object of plain strings,
// a whole value) is read without a QJsonDocument; any other body goes through parseObject and eventInputFrom,
// which word every error. Either way the result is the same.
Result<EventInput> eventInputFromBody(const QByteArray& body);
// POST /v1/events/batch {events: [...]}: at most MaxBatchEvents. The outer result fails for a bad envelope;
// each element then decodes on its own (fields "events[3].value"), so the route can reject some events and
// still record the others.
Result<QList<Result<EventInput>>> eventBatchFrom(const QJsonObject& body);
// POST /v1/limits/check {customerId, meterId?, reserve?, reserveSeconds?}
Result<CheckRequest> checkRequestFrom(const QJsonObject& body);
// The same from the raw body: a flat body of plain members (what clients send) is read without a
// QJsonDocument (FlatJsonObject); any other body goes through parseObject and checkRequestFrom, which word
// every error. Either way the result is the same.
Result<CheckRequest> checkRequestFromBody(const QByteArray& body);
// POST /v1/customers/{id}/balance/credit|debit {amount, reason?, idempotencyKey?}; the actor is the route's.
Result<BalanceChange> balanceChangeFrom(const QJsonObject& body);
// PUT /v1/customers/{id}/balance/reserve {reserve}
Result<Money> reserveFrom(const QJsonObject& body);
Result<ApiKeyRequest> apiKeyRequestFrom(const QJsonObject& body);
// POST /v1/webhooks {url, events: [...], balanceLowThreshold?}
Result<WebhookEndpoint> webhookFrom(const QJsonObject& body);

// ---- encoders ----

// {code, message, field}; field is left out when empty, as in Http::Response::error.
QJsonObject toJson(const Error& error);
QJsonObject toJson(const Customer& customer);
QJsonObject toJson(const Plan& plan);
QJsonObject toJson(const Price& price);
QJsonObject toJson(const Meter& meter);
QJsonObject toJson(const Limit& limit);
QJsonObject toJson(const Event& event);
QJsonObject toJson(const BatchResult& result);
QJsonObject toJson(const Balance& balance);
QJsonObject toJson(const LedgerTransaction& transaction);
QJsonObject toJson(const BalanceChangeResult& result);
QJsonObject toJson(const EventPage& page);
QJsonObject toJson(const LedgerPage& page);
// "groups" only when the query grouped, "series" only when it asked for a window (both even when empty).
QJsonObject toJson(const UsageResult& result, const UsageQuery& query);
QJsonObject toJson(const SummaryPage& page);
QJsonObject toJson(const Reservation& reservation);
QJsonObject toJson(const ApiKey& key);
QJsonObject toJson(const ApiKeyCreated& created);
QJsonObject toJson(const WebhookEndpoint& endpoint);
QJsonObject toJson(const WebhookDelivery& delivery);
QJsonObject toJson(const WebhookAttempt& attempt);
QJsonObject toJson(const Change& change);
QJsonObject toJson(const ChangePage& page);

// The list answers (GET /v1/customers …) as arrays of the single-item objects.
template <typename T> QJsonArray toJsonArray(const QList<T>& items)
{
    QJsonArray a;
    for (const T& item : items)
        a.append(toJson(item));
    return a;
}

// A timestamp as ISO 8601 UTC with 'Z', or null when invalid (not set).
QJsonValue timeJson(const QDateTime& t);

// The wire form of an answer: compact UTF-8 JSON.
QByteArray compact(const QJsonObject& object);

} // namespace Meterline::Api
