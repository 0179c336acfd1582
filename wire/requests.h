#pragma once

// The request bodies of the HTTP API (SPEC §3, docs/api.md), both ways: the *Body functions write what the
// dashboard sends (and stores in its durable action queue), the *From functions read a body as the server
// does, and as the dashboard's local mode does with the actions it queued, so both modes take the same bodies.
// tests/wire checks that each *From(*Body(x)) gives x back.
//
// Decoders check JSON types and shapes only and name the exact JSON path of the first problem
// (invalid_request, field "limits[0].period"); the domain rules (id syntax, ranges, existence) stay in core.
// Unknown fields are ignored. Null counts as absent, except in a PATCH where it removes a value.
// The two bodies sent on every LLM request, check and record, also have a fast path from raw bytes in
// server/api/hotrequests.h.

#include <QJsonObject>
#include <QList>

#include "core/result.h"
#include "core/types.h"

namespace Meterline::Wire
{

constexpr int MaxBatchEvents = 10000;

// POST /v1/api-keys {name, scope, rateLimit?}
struct ApiKeyRequest
{
    QString name;
    KeyScope scope = KeyScope::Read;
    int rateLimit = 0; // requests per second; 0: none

    bool operator==(const ApiKeyRequest&) const = default;
};

// ---- decoders ----

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
// POST /v1/events/batch {events: [...]}: at most MaxBatchEvents. The outer result fails for a bad envelope;
// each element then decodes on its own (fields "events[3].value"), so the route can reject some events and
// still record the others.
Result<QList<Result<EventInput>>> eventBatchFrom(const QJsonObject& body);
// POST /v1/limits/check {customerId, meterId?, reserve?, reserveSeconds?}
Result<CheckRequest> checkRequestFrom(const QJsonObject& body);
// POST /v1/customers/{id}/balance/credit|debit {amount, reason?, idempotencyKey?}; the actor is the route's.
Result<BalanceChange> balanceChangeFrom(const QJsonObject& body);
// PUT /v1/customers/{id}/balance/reserve {reserve}
Result<Money> reserveFrom(const QJsonObject& body);
Result<ApiKeyRequest> apiKeyRequestFrom(const QJsonObject& body);
// POST /v1/webhooks {url, events: [...], balanceLowThreshold?}
Result<WebhookEndpoint> webhookFrom(const QJsonObject& body);

// ---- bodies ----

QJsonObject customerBody(const Customer& customer);
QJsonObject customerPatchBody(const CustomerPatch& patch); // removed values as null (RFC 7396)
QJsonObject planBody(const Plan& plan);
QJsonObject meterBody(const Meter& meter);
QJsonObject limitBody(const Limit& limit);
QJsonObject balanceChangeBody(Money amount, const QString& reason, const QString& idempotencyKey);
QJsonObject reserveBody(Money reserve);
QJsonObject apiKeyBody(const QString& name, KeyScope scope, int rateLimit);
QJsonObject webhookBody(const WebhookEndpoint& endpoint);

} // namespace Meterline::Wire
