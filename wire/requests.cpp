#include "wire/requests.h"

#include <limits>

#include "wire/answers.h"
#include "wire/jsonvalues.h"

namespace Meterline::Wire
{

namespace
{

using Need = JsonReader::Need;

// The id of a create (required) or of a PUT to /…/{pathId} (optional in the body, equal when given).
QString readId(JsonReader& r, const QString& pathId, Need needWithoutPath = Need::Required)
{
    if (pathId.isEmpty())
        return r.string(QStringLiteral("id"), needWithoutPath);
    const auto id = r.optionalString(QStringLiteral("id"));
    if (id && *id != pathId)
        r.fail(QStringLiteral("id"),
               QStringLiteral("id \"%1\" differs from the id in the path \"%2\"").arg(*id, pathId));
    return pathId;
}

// {meterId, period, value, mode?} of a limit, in a plan or on its own.
void readLimitTerms(JsonReader& r, Limit& l)
{
    l.meterId = r.string(QStringLiteral("meterId"));
    if (const auto period = readEnum(r, QStringLiteral("period"), Need::Required, &parsePeriod, PeriodChoices))
        l.period = *period;
    if (const auto value = r.number(QStringLiteral("value"), Need::Required))
        l.value = *value;
    if (const auto mode = readEnum(r, QStringLiteral("mode"), Need::Optional, &parseLimitMode, ModeChoices))
        l.mode = *mode;
}

Price readPrice(JsonReader& r)
{
    Price p;
    p.meterId = r.string(QStringLiteral("meterId"));
    if (const auto unitPrice = r.money(QStringLiteral("unitPrice"), Need::Required))
        p.unitPrice = *unitPrice;
    if (const auto perUnits = r.integer(QStringLiteral("perUnits"), Need::Optional, 1, Money::MaxMicros / Money::Scale))
        p.perUnits = *perUnits;
    if (const auto included = r.number(QStringLiteral("includedUnits")))
        p.includedUnits = *included;
    if (const auto credits = r.money(QStringLiteral("creditsPerUnit")))
        p.creditsPerUnit = *credits;
    return p;
}

EventInput readEventInput(JsonReader& r)
{
    EventInput e;
    e.customerId = r.string(QStringLiteral("customerId"));
    e.eventType = r.string(QStringLiteral("eventType"));
    e.value = r.number(QStringLiteral("value"));
    if (auto dimensions = r.stringMap(QStringLiteral("dimensions")))
        e.dimensions = std::move(*dimensions);
    e.timestamp = r.timestamp(QStringLiteral("timestamp"));
    e.idempotencyKey = r.string(QStringLiteral("idempotencyKey"), Need::Optional);
    e.reservationId = r.string(QStringLiteral("reservationId"), Need::Optional);
    return e;
}

} // namespace

// ---- decoders (the server's, and the dashboard's of its own queued actions) ----

Result<Customer> customerFrom(const QJsonObject& body)
{
    JsonReader r(body);
    Customer c;
    c.id = r.string(QStringLiteral("id"));
    c.name = r.string(QStringLiteral("name"));
    c.planId = r.string(QStringLiteral("planId"), Need::Optional);
    c.externalId = r.string(QStringLiteral("externalId"), Need::Optional);
    if (auto metadata = r.stringMap(QStringLiteral("metadata")))
        c.metadata = std::move(*metadata);
    return finish(r, std::move(c));
}

Result<CustomerPatch> customerPatchFrom(const QJsonObject& body)
{
    JsonReader r(body);
    CustomerPatch p;
    if (r.isNull(QStringLiteral("name")))
        r.fail(QStringLiteral("name"), QStringLiteral("name cannot be removed"));
    p.name = r.optionalString(QStringLiteral("name"));
    p.planId = r.isNull(QStringLiteral("planId")) ? QString() : r.optionalString(QStringLiteral("planId"));
    p.externalId = r.isNull(QStringLiteral("externalId")) ? QString() : r.optionalString(QStringLiteral("externalId"));
    if (r.isNull(QStringLiteral("metadata")))
        p.metadata = Metadata{};
    else
        p.metadata = r.stringMap(QStringLiteral("metadata"));
    return finish(r, std::move(p));
}

Result<Plan> planFrom(const QJsonObject& body, const QString& pathId)
{
    JsonReader r(body);
    Plan p;
    p.id = readId(r, pathId);
    p.name = r.string(QStringLiteral("name"));
    if (const auto limits = r.array(QStringLiteral("limits"))) {
        for (qsizetype i = 0; i < limits->size() && r.ok(); ++i) {
            auto er = r.element(QStringLiteral("limits"), *limits, i);
            if (!er)
                break;
            Limit l;
            l.scope = LimitScope::Plan;
            l.planId = p.id;
            readLimitTerms(*er, l);
            r.merge(*er);
            p.limits << l;
        }
    }
    if (const auto prices = r.array(QStringLiteral("prices"))) {
        for (qsizetype i = 0; i < prices->size() && r.ok(); ++i) {
            auto er = r.element(QStringLiteral("prices"), *prices, i);
            if (!er)
                break;
            p.prices << readPrice(*er);
            r.merge(*er);
        }
    }
    if (const auto currency = r.optionalString(QStringLiteral("currency")))
        p.currency = *currency;
    return finish(r, std::move(p));
}

Result<Meter> meterFrom(const QJsonObject& body, const QString& pathId)
{
    JsonReader r(body);
    Meter m;
    m.id = readId(r, pathId);
    m.name = r.string(QStringLiteral("name"));
    if (const auto aggregation =
            readEnum(r, QStringLiteral("aggregation"), Need::Required, &parseAggregation, AggregationChoices))
        m.aggregation = *aggregation;
    if (auto eventTypes = r.stringList(QStringLiteral("eventTypes")))
        m.eventTypes = std::move(*eventTypes);
    if (const auto filters = r.object(QStringLiteral("dimensionFilters"))) {
        // {key: [values]}: every value an array of strings.
        JsonReader fr(*filters, r.pathOf(QStringLiteral("dimensionFilters")));
        for (auto it = filters->begin(); it != filters->end() && fr.ok(); ++it) {
            if (!it.value().isArray()) {
                fr.fail(it.key(), QStringLiteral("%1 must be an array of strings").arg(fr.pathOf(it.key())));
                break;
            }
            if (auto values = fr.stringList(it.key(), Need::Required))
                m.dimensionFilters.insert(it.key(), *values);
        }
        r.merge(fr);
    }
    m.dimension = r.string(QStringLiteral("dimension"), Need::Optional);
    return finish(r, std::move(m));
}

Result<Limit> limitFrom(const QJsonObject& body, const QString& pathId)
{
    JsonReader r(body);
    Limit l;
    l.id = readId(r, pathId, Need::Optional);
    if (const auto scope = readEnum(r, QStringLiteral("scope"), Need::Required, &parseLimitScope, ScopeChoices)) {
        l.scope = *scope;
        const QString owner = l.scope == LimitScope::Plan ? QStringLiteral("planId") : QStringLiteral("customerId");
        const QString other = l.scope == LimitScope::Plan ? QStringLiteral("customerId") : QStringLiteral("planId");
        const QString ownerId = r.has(owner) ? r.string(owner) : QString();
        if (!r.has(owner) && r.ok())
            r.fail(owner, QStringLiteral("%1 is required when scope is %2").arg(owner, toString(l.scope)));
        if (r.has(other) && r.ok())
            r.fail(other, QStringLiteral("%1 does not go with scope %2; give %3").arg(other, toString(l.scope), owner));
        (l.scope == LimitScope::Plan ? l.planId : l.customerId) = ownerId;
    }
    readLimitTerms(r, l);
    return finish(r, std::move(l));
}

Result<EventInput> eventInputFrom(const QJsonObject& body)
{
    JsonReader r(body);
    EventInput e = readEventInput(r);
    return finish(r, std::move(e));
}

Result<QList<Result<EventInput>>> eventBatchFrom(const QJsonObject& body)
{
    JsonReader r(body);
    const auto events = r.array(QStringLiteral("events"), Need::Required);
    if (!r.ok())
        return r.error();
    if (events->size() > MaxBatchEvents)
        return Error::invalid(QStringLiteral("events holds at most %1 events, not %2; send them in several batches")
                                  .arg(MaxBatchEvents)
                                  .arg(events->size()),
                              QStringLiteral("events"));
    QList<Result<EventInput>> inputs;
    inputs.reserve(events->size());
    for (qsizetype i = 0; i < events->size(); ++i) {
        JsonReader outer(body);
        auto er = outer.element(QStringLiteral("events"), *events, i);
        if (!er) {
            inputs << Result<EventInput>(outer.error());
            continue;
        }
        EventInput e = readEventInput(*er);
        inputs << finish(*er, std::move(e));
    }
    return inputs;
}

Result<CheckRequest> checkRequestFrom(const QJsonObject& body)
{
    JsonReader r(body);
    CheckRequest c;
    c.customerId = r.string(QStringLiteral("customerId"));
    c.meterId = r.string(QStringLiteral("meterId"), Need::Optional);
    c.reserve = r.number(QStringLiteral("reserve"));
    // The 1..86400 rule is core's; here only "fits an int".
    if (const auto seconds = r.integer(QStringLiteral("reserveSeconds"),
                                       Need::Optional,
                                       std::numeric_limits<int>::min(),
                                       std::numeric_limits<int>::max()))
        c.reserveSeconds = int(*seconds);
    return finish(r, std::move(c));
}

Result<BalanceChange> balanceChangeFrom(const QJsonObject& body)
{
    JsonReader r(body);
    BalanceChange c;
    if (const auto amount = r.money(QStringLiteral("amount"), Need::Required))
        c.amount = *amount;
    c.reason = r.string(QStringLiteral("reason"), Need::Optional);
    c.idempotencyKey = r.string(QStringLiteral("idempotencyKey"), Need::Optional);
    return finish(r, std::move(c));
}

Result<Money> reserveFrom(const QJsonObject& body)
{
    JsonReader r(body);
    const auto reserve = r.money(QStringLiteral("reserve"), Need::Required);
    if (!r.ok())
        return r.error();
    return *reserve;
}

Result<ApiKeyRequest> apiKeyRequestFrom(const QJsonObject& body)
{
    JsonReader r(body);
    ApiKeyRequest k;
    k.name = r.string(QStringLiteral("name"));
    if (const auto scope = readEnum(r, QStringLiteral("scope"), Need::Required, &parseKeyScope, KeyScopeChoices))
        k.scope = *scope;
    if (const auto rate = r.integer(QStringLiteral("rateLimit"), Need::Optional, 0, 1'000'000))
        k.rateLimit = int(*rate);
    return finish(r, std::move(k));
}

Result<WebhookEndpoint> webhookFrom(const QJsonObject& body)
{
    JsonReader r(body);
    WebhookEndpoint w;
    w.url = r.string(QStringLiteral("url"));
    if (auto events = r.stringList(QStringLiteral("events"), Need::Required))
        w.events = std::move(*events);
    w.balanceLowThreshold = r.money(QStringLiteral("balanceLowThreshold"));
    return finish(r, std::move(w));
}

// ---- bodies (the dashboard's) ----

// The answer's object without what the server sets (createdAt).
QJsonObject customerBody(const Customer& c)
{
    QJsonObject o = toJson(c);
    o.remove(QStringLiteral("createdAt"));
    return o;
}

QJsonObject customerPatchBody(const CustomerPatch& patch)
{
    QJsonObject o;
    if (patch.name)
        o.insert(QStringLiteral("name"), *patch.name);
    if (patch.planId)
        o.insert(QStringLiteral("planId"), stringOrNull(*patch.planId));
    if (patch.externalId)
        o.insert(QStringLiteral("externalId"), stringOrNull(*patch.externalId));
    if (patch.metadata)
        o.insert(QStringLiteral("metadata"), mapJson(*patch.metadata));
    return o;
}

QJsonObject limitBody(const Limit& l)
{
    QJsonObject o{{QStringLiteral("scope"), toString(l.scope)},
                  {QStringLiteral("meterId"), l.meterId},
                  {QStringLiteral("period"), toString(l.period)},
                  {QStringLiteral("value"), l.value},
                  {QStringLiteral("mode"), toString(l.mode)}};
    if (!l.id.isEmpty())
        o.insert(QStringLiteral("id"), l.id);
    if (l.scope == LimitScope::Plan)
        o.insert(QStringLiteral("planId"), l.planId);
    else
        o.insert(QStringLiteral("customerId"), l.customerId);
    return o;
}

QJsonObject planBody(const Plan& p)
{
    QJsonArray limits;
    for (const Limit& l : p.limits) {
        limits.append(QJsonObject{{QStringLiteral("meterId"), l.meterId},
                                  {QStringLiteral("period"), toString(l.period)},
                                  {QStringLiteral("value"), l.value},
                                  {QStringLiteral("mode"), toString(l.mode)}});
    }
    return QJsonObject{{QStringLiteral("id"), p.id},
                       {QStringLiteral("name"), p.name},
                       {QStringLiteral("currency"), p.currency},
                       {QStringLiteral("limits"), limits},
                       {QStringLiteral("prices"), toJsonArray(p.prices)}};
}

QJsonObject meterBody(const Meter& m)
{
    QJsonObject o = toJson(m);
    o.remove(QStringLiteral("createdAt"));
    return o;
}

QJsonObject balanceChangeBody(Money amount, const QString& reason, const QString& idempotencyKey)
{
    return QJsonObject{{QStringLiteral("amount"), amount.toString()},
                       {QStringLiteral("reason"), stringOrNull(reason)},
                       {QStringLiteral("idempotencyKey"), stringOrNull(idempotencyKey)}};
}

QJsonObject reserveBody(Money reserve)
{
    return QJsonObject{{QStringLiteral("reserve"), reserve.toString()}};
}

QJsonObject apiKeyBody(const QString& name, KeyScope scope, int rateLimit)
{
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("scope"), toString(scope)},
                       {QStringLiteral("rateLimit"), rateLimit}};
}

QJsonObject webhookBody(const WebhookEndpoint& w)
{
    QJsonObject o{{QStringLiteral("url"), w.url}, {QStringLiteral("events"), QJsonArray::fromStringList(w.events)}};
    if (w.balanceLowThreshold)
        o.insert(QStringLiteral("balanceLowThreshold"), w.balanceLowThreshold->toString());
    return o;
}

} // namespace Meterline::Wire
