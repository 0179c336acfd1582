#include "server/api/jsoncodec.h"

#include <QJsonDocument>
#include <limits>

#include "core/periods.h"
#include "server/api/flatjson.h"
#include "server/api/jsonreader.h"

namespace Meterline::Api
{

namespace
{

using Need = JsonReader::Need;

template <typename T> Result<T> finish(const JsonReader& r, T value)
{
    if (!r.ok())
        return r.error();
    return value;
}

// A string member naming one value of an enum; unknown names fail with the accepted names listed.
template <typename E>
std::optional<E>
readEnum(JsonReader& r, const QString& key, Need need, std::optional<E> (*parse)(QStringView), const QString& choices)
{
    if (!r.has(key)) {
        (void)r.string(key, need); // records "is required" when it is
        return std::nullopt;
    }
    const QString name = r.string(key, need);
    if (!r.ok())
        return std::nullopt;
    const auto value = parse(name);
    if (!value)
        r.fail(key, QStringLiteral("%1 must be %2, not \"%3\"").arg(r.pathOf(key), choices, name));
    return value;
}

const QString PeriodChoices = QStringLiteral("hour, day, week, month or lifetime");
const QString ModeChoices = QStringLiteral("hard or soft");
const QString ScopeChoices = QStringLiteral("plan or customer");
const QString AggregationChoices = QStringLiteral("sum, count, max or unique_count");
const QString KeyScopeChoices = QStringLiteral("ingest, read or admin");

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

QJsonValue stringOrNull(const QString& s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonObject mapJson(const QMap<QString, QString>& map)
{
    QJsonObject o;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

// A limit as part of its plan: the request's field names plus the stable id.
QJsonObject planLimitJson(const Limit& l)
{
    return QJsonObject{{QStringLiteral("id"), l.id},
                       {QStringLiteral("meterId"), l.meterId},
                       {QStringLiteral("period"), toString(l.period)},
                       {QStringLiteral("value"), l.value},
                       {QStringLiteral("mode"), toString(l.mode)}};
}

QJsonObject eventFields(const Event& e)
{
    return QJsonObject{{QStringLiteral("id"), e.id},
                       {QStringLiteral("customerId"), e.customerId},
                       {QStringLiteral("eventType"), e.eventType},
                       {QStringLiteral("value"), e.value},
                       {QStringLiteral("dimensions"), mapJson(e.dimensions)},
                       {QStringLiteral("timestamp"), timeJson(e.timestamp)}};
}

QJsonValue cursorJson(const QString& cursor)
{
    return stringOrNull(cursor);
}

} // namespace

// ---- decoders ----

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

namespace
{

// A check request from a flat body, when its members are exactly what checkRequestFrom takes without an
// error; nullopt otherwise (checkRequestFrom then decides, and words the error).
std::optional<CheckRequest> plainCheckRequest(const QByteArray& body)
{
    using Kind = FlatJsonObject::Member::Kind;
    const auto object = FlatJsonObject::parse(body);
    if (!object)
        return std::nullopt;
    CheckRequest c;
    for (const FlatJsonObject::Member& m : object->members()) {
        const bool null = m.kind == Kind::Null;
        if (m.key == "customerId") {
            if (m.kind != Kind::String)
                return std::nullopt;
            c.customerId = QString::fromLatin1(m.text);
        } else if (m.key == "meterId") {
            if (m.kind == Kind::String)
                c.meterId = QString::fromLatin1(m.text);
            else if (!null)
                return std::nullopt;
        } else if (m.key == "reserve") {
            if (m.kind == Kind::Integer)
                c.reserve = double(m.integer);
            else if (!null)
                return std::nullopt;
        } else if (m.key == "reserveSeconds") {
            if (m.kind == Kind::Integer && m.integer >= std::numeric_limits<int>::min()
                && m.integer <= std::numeric_limits<int>::max())
                c.reserveSeconds = int(m.integer);
            else if (!null)
                return std::nullopt;
        } // other members are ignored, as checkRequestFrom ignores them
    }
    if (!object->find("customerId"))
        return std::nullopt; // required: the error is checkRequestFrom's
    return c;
}

// What the flat path read from body (plain), or else what the full parse and decode make of it.
template <typename T>
Result<T> plainOrDecoded(std::optional<T> plain, const QByteArray& body, Result<T> (*decode)(const QJsonObject&))
{
    if (plain)
        return std::move(*plain);
    auto object = parseObject(body);
    if (!object.ok())
        return object.error();
    return decode(object.value());
}

} // namespace

Result<CheckRequest> checkRequestFromBody(const QByteArray& body)
{
    return plainOrDecoded(plainCheckRequest(body), body, &checkRequestFrom);
}

namespace
{

using FlatMember = FlatJsonObject::Member;

// A string member of a flat body into out: false when it is neither a string nor (when optional) null; the full
// decoder then words the error.
bool readPlainString(const FlatMember& m, QString& out, JsonReader::Need need)
{
    if (m.kind == FlatMember::Kind::String)
        out = QString::fromLatin1(m.text);
    return m.kind == FlatMember::Kind::String || (m.kind == FlatMember::Kind::Null && need == Need::Optional);
}

// An object of strings (or null) into out, as JsonReader::stringMap takes it; false otherwise.
bool readPlainStringMap(const FlatMember& m, QMap<QString, QString>& out)
{
    if (m.kind != FlatMember::Kind::Object)
        return m.kind == FlatMember::Kind::Null;
    const auto object = FlatJsonObject::parse(m.text); // flat: the body's parse took it
    for (const FlatMember& entry : object->members()) {
        if (entry.kind != FlatMember::Kind::String)
            return false;
        out.insert(QString::fromLatin1(entry.key), QString::fromLatin1(entry.text));
    }
    return true;
}

// A record from a flat body, when its members are exactly what eventInputFrom takes without an error; nullopt
// otherwise (eventInputFrom then decides, and words the error).
std::optional<EventInput> plainEventInput(const QByteArray& body)
{
    using Kind = FlatMember::Kind;
    const auto object = FlatJsonObject::parse(body);
    if (!object)
        return std::nullopt;
    EventInput e;
    for (const FlatMember& m : object->members()) {
        bool ok = true;
        if (m.key == "customerId") {
            ok = readPlainString(m, e.customerId, Need::Required);
        } else if (m.key == "eventType") {
            ok = readPlainString(m, e.eventType, Need::Required);
        } else if (m.key == "value") {
            if (m.kind == Kind::Integer)
                e.value = double(m.integer);
            ok = m.kind == Kind::Integer || m.kind == Kind::Null;
        } else if (m.key == "dimensions") {
            ok = readPlainStringMap(m, e.dimensions);
        } else if (m.key == "timestamp") {
            if (m.kind == Kind::String)
                e.timestamp = Periods::parseIso(QString::fromLatin1(m.text));
            ok = m.kind == Kind::Null || (e.timestamp && e.timestamp->isValid());
        } else if (m.key == "idempotencyKey") {
            ok = readPlainString(m, e.idempotencyKey, Need::Optional);
        } else if (m.key == "reservationId") {
            ok = readPlainString(m, e.reservationId, Need::Optional);
        } // other members are ignored, as eventInputFrom ignores them
        if (!ok)
            return std::nullopt;
    }
    if (!object->find("customerId") || !object->find("eventType"))
        return std::nullopt; // required: the error is eventInputFrom's
    return e;
}

} // namespace

Result<EventInput> eventInputFromBody(const QByteArray& body)
{
    return plainOrDecoded(plainEventInput(body), body, &eventInputFrom);
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

// ---- encoders ----

QJsonValue timeJson(const QDateTime& t)
{
    return t.isValid() ? QJsonValue(Periods::toIso(t)) : QJsonValue(QJsonValue::Null);
}

QJsonObject toJson(const Error& error)
{
    QJsonObject o{{QStringLiteral("code"), error.code}, {QStringLiteral("message"), error.message}};
    if (!error.field.isEmpty())
        o.insert(QStringLiteral("field"), error.field);
    return o;
}

QJsonObject toJson(const Customer& c)
{
    return QJsonObject{{QStringLiteral("id"), c.id},
                       {QStringLiteral("name"), c.name},
                       {QStringLiteral("planId"), stringOrNull(c.planId)},
                       {QStringLiteral("externalId"), stringOrNull(c.externalId)},
                       {QStringLiteral("metadata"), mapJson(c.metadata)},
                       {QStringLiteral("createdAt"), timeJson(c.createdAt)}};
}

QJsonObject toJson(const Price& p)
{
    return QJsonObject{{QStringLiteral("meterId"), p.meterId},
                       {QStringLiteral("unitPrice"), p.unitPrice.toString()},
                       {QStringLiteral("perUnits"), p.perUnits},
                       {QStringLiteral("includedUnits"), p.includedUnits},
                       {QStringLiteral("creditsPerUnit"), p.creditsPerUnit.toString()}};
}

QJsonObject toJson(const Plan& p)
{
    QJsonArray limits;
    for (const Limit& l : p.limits)
        limits.append(planLimitJson(l));
    return QJsonObject{{QStringLiteral("id"), p.id},
                       {QStringLiteral("name"), p.name},
                       {QStringLiteral("currency"), p.currency},
                       {QStringLiteral("limits"), limits},
                       {QStringLiteral("prices"), toJsonArray(p.prices)},
                       {QStringLiteral("createdAt"), timeJson(p.createdAt)}};
}

QJsonObject toJson(const Meter& m)
{
    QJsonObject filters;
    for (auto it = m.dimensionFilters.cbegin(); it != m.dimensionFilters.cend(); ++it)
        filters.insert(it.key(), QJsonArray::fromStringList(it.value()));
    return QJsonObject{{QStringLiteral("id"), m.id},
                       {QStringLiteral("name"), m.name},
                       {QStringLiteral("aggregation"), toString(m.aggregation)},
                       {QStringLiteral("eventTypes"), QJsonArray::fromStringList(m.eventTypes)},
                       {QStringLiteral("dimensionFilters"), filters},
                       {QStringLiteral("dimension"), stringOrNull(m.dimension)},
                       {QStringLiteral("createdAt"), timeJson(m.createdAt)}};
}

QJsonObject toJson(const Limit& l)
{
    return QJsonObject{
        {QStringLiteral("id"), l.id},
        {QStringLiteral("scope"), toString(l.scope)},
        {QStringLiteral("planId"), l.scope == LimitScope::Plan ? stringOrNull(l.planId) : QJsonValue()},
        {QStringLiteral("customerId"), l.scope == LimitScope::Customer ? stringOrNull(l.customerId) : QJsonValue()},
        {QStringLiteral("meterId"), l.meterId},
        {QStringLiteral("period"), toString(l.period)},
        {QStringLiteral("value"), l.value},
        {QStringLiteral("mode"), toString(l.mode)},
        {QStringLiteral("createdAt"), timeJson(l.createdAt)}};
}

QJsonObject toJson(const Event& e)
{
    QJsonObject o = eventFields(e);
    o.insert(QStringLiteral("idempotencyKey"), stringOrNull(e.idempotencyKey));
    o.insert(QStringLiteral("reservationId"), stringOrNull(e.reservationId));
    o.insert(QStringLiteral("createdAt"), timeJson(e.createdAt));
    return o;
}

QJsonObject toJson(const BatchResult& r)
{
    QJsonArray rejected;
    for (const BatchRejection& rej : r.rejected)
        rejected.append(
            QJsonObject{{QStringLiteral("index"), rej.index}, {QStringLiteral("error"), toJson(rej.error)}});
    return QJsonObject{{QStringLiteral("accepted"), r.accepted},
                       {QStringLiteral("duplicates"), r.duplicates},
                       {QStringLiteral("rejected"), rejected}};
}

QJsonObject toJson(const Balance& b)
{
    return QJsonObject{{QStringLiteral("customerId"), b.customerId},
                       {QStringLiteral("balance"), b.balance.toString()},
                       {QStringLiteral("reserve"), b.reserve.toString()},
                       {QStringLiteral("held"), b.held.toString()},
                       {QStringLiteral("available"), b.available().toString()}};
}

QJsonObject toJson(const LedgerTransaction& t)
{
    return QJsonObject{{QStringLiteral("id"), t.id},
                       {QStringLiteral("customerId"), t.customerId},
                       {QStringLiteral("kind"), toString(t.kind)},
                       {QStringLiteral("amount"), t.amount.toString()},
                       {QStringLiteral("balanceAfter"), t.balanceAfter.toString()},
                       {QStringLiteral("unpaid"), t.unpaid.toString()},
                       {QStringLiteral("reason"), stringOrNull(t.reason)},
                       {QStringLiteral("actor"), stringOrNull(t.actor)},
                       {QStringLiteral("idempotencyKey"), stringOrNull(t.idempotencyKey)},
                       {QStringLiteral("eventId"), stringOrNull(t.eventId)},
                       {QStringLiteral("createdAt"), timeJson(t.createdAt)}};
}

QJsonObject toJson(const BalanceChangeResult& r)
{
    QJsonObject o = toJson(r.transaction);
    o.insert(QStringLiteral("balance"), toJson(r.balance));
    o.insert(QStringLiteral("duplicate"), r.duplicate);
    return o;
}

QJsonObject toJson(const EventPage& page)
{
    return QJsonObject{{QStringLiteral("data"), toJsonArray(page.data)},
                       {QStringLiteral("nextCursor"), cursorJson(page.nextCursor)}};
}

QJsonObject toJson(const LedgerPage& page)
{
    return QJsonObject{{QStringLiteral("data"), toJsonArray(page.data)},
                       {QStringLiteral("nextCursor"), cursorJson(page.nextCursor)}};
}

QJsonObject toJson(const UsageResult& r, const UsageQuery& query)
{
    QJsonObject o{{QStringLiteral("meterId"), r.meterId},
                  {QStringLiteral("customerId"), stringOrNull(r.customerId)},
                  {QStringLiteral("aggregation"), toString(r.aggregation)},
                  {QStringLiteral("from"), timeJson(r.from)},
                  {QStringLiteral("to"), timeJson(r.to)},
                  {QStringLiteral("value"), r.value}};
    if (!query.groupBy.isEmpty()) {
        QJsonArray groups;
        for (const UsageGroup& g : r.groups)
            groups.append(
                QJsonObject{{QStringLiteral("dimensions"), mapJson(g.dimensions)}, {QStringLiteral("value"), g.value}});
        o.insert(QStringLiteral("groups"), groups);
    }
    if (query.window) {
        QJsonArray series;
        for (const UsageBucket& b : r.series)
            series.append(QJsonObject{{QStringLiteral("start"), timeJson(b.start)},
                                      {QStringLiteral("end"), timeJson(b.end)},
                                      {QStringLiteral("value"), b.value}});
        o.insert(QStringLiteral("series"), series);
    }
    return o;
}

QJsonObject toJson(const SummaryPage& page)
{
    QJsonArray data;
    for (const SummaryRow& row : page.data)
        data.append(QJsonObject{{QStringLiteral("customerId"), row.customerId},
                                {QStringLiteral("meterId"), row.meterId},
                                {QStringLiteral("value"), row.value}});
    return QJsonObject{{QStringLiteral("from"), timeJson(page.from)},
                       {QStringLiteral("to"), timeJson(page.to)},
                       {QStringLiteral("data"), data},
                       {QStringLiteral("nextCursor"), cursorJson(page.nextCursor)}};
}

QJsonObject toJson(const Reservation& r)
{
    return QJsonObject{{QStringLiteral("id"), r.id},
                       {QStringLiteral("customerId"), r.customerId},
                       {QStringLiteral("meterId"), stringOrNull(r.meterId)},
                       {QStringLiteral("amount"), r.amount},
                       {QStringLiteral("credits"), r.credits.toString()},
                       {QStringLiteral("state"), toString(r.state)},
                       {QStringLiteral("expiresAt"), timeJson(r.expiresAt)},
                       {QStringLiteral("createdAt"), timeJson(r.createdAt)}};
}

QJsonObject toJson(const ApiKey& k)
{
    return QJsonObject{{QStringLiteral("id"), k.id},
                       {QStringLiteral("name"), k.name},
                       {QStringLiteral("scope"), toString(k.scope)},
                       {QStringLiteral("createdAt"), timeJson(k.createdAt)},
                       {QStringLiteral("revokedAt"), timeJson(k.revokedAt)},
                       {QStringLiteral("lastUsedAt"), timeJson(k.lastUsedAt)},
                       {QStringLiteral("rateLimit"), k.rateLimit}};
}

QJsonObject toJson(const ApiKeyCreated& created)
{
    QJsonObject o = toJson(created.key);
    o.insert(QStringLiteral("key"), created.secret);
    return o;
}

QJsonObject toJson(const WebhookEndpoint& w)
{
    QJsonObject o{{QStringLiteral("id"), w.id},
                  {QStringLiteral("url"), w.url},
                  {QStringLiteral("events"), QJsonArray::fromStringList(w.events)},
                  {QStringLiteral("balanceLowThreshold"),
                   w.balanceLowThreshold ? QJsonValue(w.balanceLowThreshold->toString()) : QJsonValue()},
                  {QStringLiteral("disabled"), w.disabled},
                  {QStringLiteral("createdAt"), timeJson(w.createdAt)}};
    // The secret is shown once, at creation; stored endpoints come back without it.
    if (!w.secret.isEmpty())
        o.insert(QStringLiteral("secret"), w.secret);
    return o;
}

QJsonObject toJson(const WebhookDelivery& d)
{
    // The payload is the JSON that was (or will be) sent; embedded as JSON so clients need not parse twice.
    QJsonParseError parseError;
    const QJsonDocument payload = QJsonDocument::fromJson(d.payload.toUtf8(), &parseError);
    const QJsonValue payloadJson = parseError.error == QJsonParseError::NoError && payload.isObject()
                                       ? QJsonValue(payload.object())
                                       : QJsonValue(d.payload);
    return QJsonObject{{QStringLiteral("id"), d.id},
                       {QStringLiteral("endpointId"), d.endpointId},
                       {QStringLiteral("eventType"), d.eventType},
                       {QStringLiteral("payload"), payloadJson},
                       {QStringLiteral("state"), d.state},
                       {QStringLiteral("attempts"), d.attempts},
                       {QStringLiteral("lastStatus"), d.lastStatus > 0 ? QJsonValue(d.lastStatus) : QJsonValue()},
                       {QStringLiteral("lastError"), stringOrNull(d.lastError)},
                       {QStringLiteral("nextAttemptAt"), timeJson(d.nextAttemptAt)},
                       {QStringLiteral("createdAt"), timeJson(d.createdAt)},
                       {QStringLiteral("attemptLog"), toJsonArray(d.attemptLog)}};
}

QJsonObject toJson(const WebhookAttempt& a)
{
    return QJsonObject{{QStringLiteral("attempt"), a.attempt},
                       {QStringLiteral("startedAt"), timeJson(a.startedAt)},
                       {QStringLiteral("durationMs"), a.durationMs},
                       {QStringLiteral("status"), a.status > 0 ? QJsonValue(a.status) : QJsonValue()},
                       {QStringLiteral("error"), stringOrNull(a.error)}};
}

QJsonObject toJson(const Change& c)
{
    return QJsonObject{{QStringLiteral("seq"), c.seq},
                       {QStringLiteral("entity"), c.entity},
                       {QStringLiteral("entityId"), c.entityId},
                       {QStringLiteral("op"), c.op}};
}

QJsonObject toJson(const ChangePage& page)
{
    // The cursor is opaque to clients: a string, to pass back as ?since=.
    return QJsonObject{{QStringLiteral("data"), toJsonArray(page.data)},
                       {QStringLiteral("nextCursor"), QString::number(page.nextCursor)}};
}

QByteArray compact(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace Meterline::Api
