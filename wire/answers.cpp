#include "wire/answers.h"

#include <QJsonDocument>

#include "core/periods.h"
#include "wire/jsonvalues.h"

namespace Meterline::Wire
{

namespace
{

using Need = JsonReader::Need;

// read(r, value) for every answer type, overloaded; decode<T> and readList call it.
template <typename T> QList<T> readList(JsonReader& r, const QString& key);

QJsonValue cursorJson(const QString& cursor)
{
    return stringOrNull(cursor);
}

QString readString(JsonReader& r, const QString& key)
{
    return r.string(key, Need::Optional);
}

// A feed's nextCursor: a number in a string (opaque to clients, exact beyond 2^53).
qint64 readCursor(JsonReader& r)
{
    const QString cursor = r.string(QStringLiteral("nextCursor"));
    bool numeric = false;
    const qint64 value = cursor.toLongLong(&numeric);
    if (!numeric && r.ok())
        r.fail(QStringLiteral("nextCursor"), QStringLiteral("nextCursor must be a number in a string"));
    return value;
}

QJsonArray summaryRowsJson(const QList<SummaryRow>& rows)
{
    QJsonArray data;
    for (const SummaryRow& row : rows)
        data.append(QJsonObject{{QStringLiteral("customerId"), row.customerId},
                                {QStringLiteral("meterId"), row.meterId},
                                {QStringLiteral("value"), row.value}});
    return data;
}

double readNumber(JsonReader& r, const QString& key, double fallback = 0)
{
    return r.number(key).value_or(fallback);
}

Money readMoney(JsonReader& r, const QString& key)
{
    return r.money(key).value_or(Money());
}

template <typename I> I readInteger(JsonReader& r, const QString& key, I fallback = 0)
{
    return I(r.integer(key, Need::Optional, std::numeric_limits<I>::min(), std::numeric_limits<I>::max())
                 .value_or(fallback));
}

// ---- customer ----

void read(JsonReader& r, Customer& c)
{
    c.id = r.string(QStringLiteral("id"));
    c.name = readString(r, QStringLiteral("name"));
    c.planId = readString(r, QStringLiteral("planId"));
    c.externalId = readString(r, QStringLiteral("externalId"));
    c.metadata = r.stringMap(QStringLiteral("metadata")).value_or(Metadata{});
    c.createdAt = readTime(r, QStringLiteral("createdAt"));
}

// ---- price, limit, plan ----

void read(JsonReader& r, Price& p)
{
    p.meterId = readString(r, QStringLiteral("meterId"));
    p.unitPrice = readMoney(r, QStringLiteral("unitPrice"));
    p.perUnits = readInteger<qint64>(r, QStringLiteral("perUnits"), 1);
    p.includedUnits = readNumber(r, QStringLiteral("includedUnits"));
    p.creditsPerUnit = readMoney(r, QStringLiteral("creditsPerUnit"));
}

// A limit on its own (GET /v1/limits) or inside its plan (no scope, planId or customerId there).
void read(JsonReader& r, Limit& l)
{
    l.id = r.string(QStringLiteral("id"));
    l.scope = readEnumOr(r, QStringLiteral("scope"), &parseLimitScope, ScopeChoices, LimitScope::Customer);
    l.planId = readString(r, QStringLiteral("planId"));
    l.customerId = readString(r, QStringLiteral("customerId"));
    l.meterId = readString(r, QStringLiteral("meterId"));
    l.period = readEnumOr(r, QStringLiteral("period"), &parsePeriod, PeriodChoices, Period::Month);
    l.value = readNumber(r, QStringLiteral("value"));
    l.mode = readEnumOr(r, QStringLiteral("mode"), &parseLimitMode, ModeChoices, LimitMode::Hard);
    l.createdAt = readTime(r, QStringLiteral("createdAt"));
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

void read(JsonReader& r, Plan& p)
{
    p.id = r.string(QStringLiteral("id"));
    p.name = readString(r, QStringLiteral("name"));
    if (const auto currency = r.optionalString(QStringLiteral("currency")))
        p.currency = *currency;
    p.limits = readList<Limit>(r, QStringLiteral("limits"));
    for (Limit& l : p.limits) {
        l.scope = LimitScope::Plan;
        l.planId = p.id;
        l.customerId.clear();
    }
    p.prices = readList<Price>(r, QStringLiteral("prices"));
    p.createdAt = readTime(r, QStringLiteral("createdAt"));
}

// ---- meter ----

void read(JsonReader& r, Meter& m)
{
    m.id = r.string(QStringLiteral("id"));
    m.name = readString(r, QStringLiteral("name"));
    m.aggregation =
        readEnumOr(r, QStringLiteral("aggregation"), &parseAggregation, AggregationChoices, Aggregation::Sum);
    m.eventTypes = r.stringList(QStringLiteral("eventTypes")).value_or(QStringList{});
    if (const auto filters = r.object(QStringLiteral("dimensionFilters"))) {
        JsonReader fr(*filters, r.pathOf(QStringLiteral("dimensionFilters")));
        for (auto it = filters->begin(); it != filters->end() && fr.ok(); ++it)
            m.dimensionFilters.insert(it.key(), fr.stringList(it.key(), Need::Required).value_or(QStringList{}));
        r.merge(fr);
    }
    m.dimension = readString(r, QStringLiteral("dimension"));
    m.createdAt = readTime(r, QStringLiteral("createdAt"));
}

// ---- events ----

QJsonObject eventFields(const Event& e)
{
    return QJsonObject{{QStringLiteral("id"), e.id},
                       {QStringLiteral("customerId"), e.customerId},
                       {QStringLiteral("eventType"), e.eventType},
                       {QStringLiteral("value"), e.value},
                       {QStringLiteral("dimensions"), mapJson(e.dimensions)},
                       {QStringLiteral("timestamp"), timeJson(e.timestamp)}};
}

void readEventFields(JsonReader& r, Event& e)
{
    e.id = r.string(QStringLiteral("id"));
    e.customerId = readString(r, QStringLiteral("customerId"));
    e.eventType = readString(r, QStringLiteral("eventType"));
    e.value = readNumber(r, QStringLiteral("value"), 1);
    e.dimensions = r.stringMap(QStringLiteral("dimensions")).value_or(Dimensions{});
    e.timestamp = readTime(r, QStringLiteral("timestamp"));
}

void read(JsonReader& r, Event& e)
{
    readEventFields(r, e);
    e.idempotencyKey = readString(r, QStringLiteral("idempotencyKey"));
    e.reservationId = readString(r, QStringLiteral("reservationId"));
    e.createdAt = readTime(r, QStringLiteral("createdAt"));
}

void read(JsonReader& r, Balance& b);

void read(JsonReader& r, RecordResult& result)
{
    readEventFields(r, result.event);
    result.duplicate = r.boolean(QStringLiteral("duplicate")).value_or(false);
    if (const auto balance = r.object(QStringLiteral("balance"))) {
        JsonReader br(*balance, r.pathOf(QStringLiteral("balance")));
        Balance b;
        read(br, b);
        r.merge(br);
        result.balance = b;
    }
    if (const auto unpaid = r.money(QStringLiteral("unpaid"))) {
        // The answer carries only the shortfall of the usage transaction.
        LedgerTransaction t;
        t.unpaid = *unpaid;
        result.usageTransaction = t;
    }
}

void read(JsonReader& r, BatchRejection& rejection)
{
    rejection.index = readInteger<int>(r, QStringLiteral("index"));
    if (const auto error = r.object(QStringLiteral("error"))) {
        JsonReader er(*error, r.pathOf(QStringLiteral("error")));
        rejection.error = {readString(er, QStringLiteral("code")),
                           readString(er, QStringLiteral("message")),
                           readString(er, QStringLiteral("field"))};
        r.merge(er);
    }
}

void read(JsonReader& r, BatchResult& result)
{
    result.accepted = readInteger<int>(r, QStringLiteral("accepted"));
    result.duplicates = readInteger<int>(r, QStringLiteral("duplicates"));
    result.rejected = readList<BatchRejection>(r, QStringLiteral("rejected"));
}

// ---- balances and the ledger ----

void read(JsonReader& r, Balance& b)
{
    b.customerId = readString(r, QStringLiteral("customerId"));
    b.balance = readMoney(r, QStringLiteral("balance"));
    b.reserve = readMoney(r, QStringLiteral("reserve"));
    b.held = readMoney(r, QStringLiteral("held"));
}

void read(JsonReader& r, LedgerTransaction& t)
{
    t.id = r.string(QStringLiteral("id"));
    t.customerId = readString(r, QStringLiteral("customerId"));
    t.kind =
        readEnumOr(r, QStringLiteral("kind"), &parseTransactionKind, TransactionKindChoices, TransactionKind::Credit);
    t.amount = readMoney(r, QStringLiteral("amount"));
    t.balanceAfter = readMoney(r, QStringLiteral("balanceAfter"));
    t.unpaid = readMoney(r, QStringLiteral("unpaid"));
    t.reason = readString(r, QStringLiteral("reason"));
    t.actor = readString(r, QStringLiteral("actor"));
    t.idempotencyKey = readString(r, QStringLiteral("idempotencyKey"));
    t.eventId = readString(r, QStringLiteral("eventId"));
    t.createdAt = readTime(r, QStringLiteral("createdAt"));
}

void read(JsonReader& r, BalanceChangeResult& result)
{
    read(r, result.transaction);
    JsonReader br(r.object(QStringLiteral("balance"), Need::Required).value_or(QJsonObject{}),
                  r.pathOf(QStringLiteral("balance")));
    read(br, result.balance);
    r.merge(br);
    result.duplicate = r.boolean(QStringLiteral("duplicate")).value_or(false);
}

// ---- pages ----

template <typename Page> void readPage(JsonReader& r, Page& page)
{
    page.data = readList<typename decltype(page.data)::value_type>(r, QStringLiteral("data"));
    page.nextCursor = readString(r, QStringLiteral("nextCursor"));
}

void read(JsonReader& r, EventPage& page)
{
    readPage(r, page);
}

void read(JsonReader& r, LedgerPage& page)
{
    readPage(r, page);
}

void read(JsonReader& r, BalancePage& page)
{
    readPage(r, page);
}

// ---- usage ----

void read(JsonReader& r, UsageGroup& g)
{
    g.dimensions = r.stringMap(QStringLiteral("dimensions")).value_or(Dimensions{});
    g.value = readNumber(r, QStringLiteral("value"));
}

void read(JsonReader& r, UsageBucket& b)
{
    b.start = readTime(r, QStringLiteral("start"));
    b.end = readTime(r, QStringLiteral("end"));
    b.value = readNumber(r, QStringLiteral("value"));
}

void read(JsonReader& r, UsageResult& u)
{
    u.meterId = readString(r, QStringLiteral("meterId"));
    u.customerId = readString(r, QStringLiteral("customerId"));
    u.aggregation =
        readEnumOr(r, QStringLiteral("aggregation"), &parseAggregation, AggregationChoices, Aggregation::Sum);
    u.from = readTime(r, QStringLiteral("from"));
    u.to = readTime(r, QStringLiteral("to"));
    u.value = readNumber(r, QStringLiteral("value"));
    u.groups = readList<UsageGroup>(r, QStringLiteral("groups"));
    u.series = readList<UsageBucket>(r, QStringLiteral("series"));
}

void read(JsonReader& r, SummaryRow& row)
{
    row.customerId = readString(r, QStringLiteral("customerId"));
    row.meterId = readString(r, QStringLiteral("meterId"));
    row.value = readNumber(r, QStringLiteral("value"));
}

void read(JsonReader& r, SummaryPage& page)
{
    page.from = readTime(r, QStringLiteral("from"));
    page.to = readTime(r, QStringLiteral("to"));
    readPage(r, page);
}

void read(JsonReader& r, UsageWindowFigures& w)
{
    w.period =
        readEnum(r, QStringLiteral("period"), Need::Required, &parsePeriod, PeriodChoices).value_or(Period::Month);
    w.from = readTime(r, QStringLiteral("from"));
    w.to = readTime(r, QStringLiteral("to"));
    w.data = readList<SummaryRow>(r, QStringLiteral("data"));
}

void read(JsonReader& r, UsageChangePage& page)
{
    page.customers = r.stringList(QStringLiteral("customers"), Need::Required).value_or(QStringList{});
    page.windows = readList<UsageWindowFigures>(r, QStringLiteral("windows"));
    page.truncated = r.boolean(QStringLiteral("truncated")).value_or(false);
    page.nextCursor = readCursor(r);
}

// ---- reservations and checks ----

void read(JsonReader& r, Reservation& res)
{
    res.id = r.string(QStringLiteral("id"));
    res.customerId = readString(r, QStringLiteral("customerId"));
    res.meterId = readString(r, QStringLiteral("meterId"));
    res.amount = readNumber(r, QStringLiteral("amount"));
    res.credits = readMoney(r, QStringLiteral("credits"));
    if (const auto state = readEnum(r,
                                    QStringLiteral("state"),
                                    Need::Optional,
                                    &parseReservationState,
                                    QStringLiteral("held, settled or expired")))
        res.state = *state;
    res.expiresAt = readTime(r, QStringLiteral("expiresAt"));
    res.createdAt = readTime(r, QStringLiteral("createdAt"));
}

void read(JsonReader& r, LimitStatus& s)
{
    s.id = readString(r, QStringLiteral("id"));
    s.meterId = readString(r, QStringLiteral("meterId"));
    s.period = readEnumOr(r, QStringLiteral("period"), &parsePeriod, PeriodChoices, Period::Month);
    s.mode = readEnumOr(r, QStringLiteral("mode"), &parseLimitMode, ModeChoices, LimitMode::Hard);
    s.source = readEnumOr(r, QStringLiteral("source"), &parseLimitScope, ScopeChoices, LimitScope::Plan);
    s.limit = readNumber(r, QStringLiteral("limit"));
    s.used = readNumber(r, QStringLiteral("used"));
    s.held = readNumber(r, QStringLiteral("held"));
    s.remaining = readNumber(r, QStringLiteral("remaining"));
    s.resetsAt = r.timestamp(QStringLiteral("resetsAt"));
    // Not on the wire: a soft limit always allows, a hard one while something remains.
    s.allowed = s.mode == LimitMode::Soft || s.remaining > 0 || s.used < s.limit;
}

void read(JsonReader& r, CheckResult& c)
{
    c.allowed = r.boolean(QStringLiteral("allowed")).value_or(false);
    c.customerId = readString(r, QStringLiteral("customerId"));
    c.meterId = readString(r, QStringLiteral("meterId"));
    c.used = readNumber(r, QStringLiteral("used"));
    c.limit = r.number(QStringLiteral("limit"));
    c.remaining = r.number(QStringLiteral("remaining"));
    c.resetsAt = r.timestamp(QStringLiteral("resetsAt"));
    c.reason = readString(r, QStringLiteral("reason"));
    c.limits = readList<LimitStatus>(r, QStringLiteral("limits"));
    if (const auto balance = r.object(QStringLiteral("balance"))) {
        // {balance, reserve, available}: held is what the two leave over.
        JsonReader br(*balance, r.pathOf(QStringLiteral("balance")));
        Balance b;
        b.customerId = c.customerId;
        b.balance = readMoney(br, QStringLiteral("balance"));
        b.reserve = readMoney(br, QStringLiteral("reserve"));
        b.held = b.balance - b.reserve - readMoney(br, QStringLiteral("available"));
        r.merge(br);
        c.balance = b;
    }
    if (const auto reservation = r.object(QStringLiteral("reservation"))) {
        // {id, amount, expiresAt}: a hold just taken for this customer and meter.
        JsonReader rr(*reservation, r.pathOf(QStringLiteral("reservation")));
        Reservation res;
        res.id = rr.string(QStringLiteral("id"));
        res.customerId = c.customerId;
        res.meterId = c.meterId;
        res.amount = readNumber(rr, QStringLiteral("amount"));
        res.expiresAt = readTime(rr, QStringLiteral("expiresAt"));
        r.merge(rr);
        c.reservation = res;
    }
}

// ---- API keys ----

void read(JsonReader& r, ApiKey& k)
{
    k.id = r.string(QStringLiteral("id"));
    k.name = readString(r, QStringLiteral("name"));
    k.scope = readEnumOr(r, QStringLiteral("scope"), &parseKeyScope, KeyScopeChoices, KeyScope::Read);
    k.createdAt = readTime(r, QStringLiteral("createdAt"));
    k.revokedAt = readTime(r, QStringLiteral("revokedAt"));
    k.lastUsedAt = readTime(r, QStringLiteral("lastUsedAt"));
    k.rateLimit = readInteger<int>(r, QStringLiteral("rateLimit"));
}

void read(JsonReader& r, ApiKeyCreated& created)
{
    read(r, created.key);
    created.secret = r.string(QStringLiteral("key"));
}

// ---- webhooks ----

void read(JsonReader& r, WebhookEndpoint& w)
{
    w.id = r.string(QStringLiteral("id"));
    w.url = readString(r, QStringLiteral("url"));
    w.events = r.stringList(QStringLiteral("events")).value_or(QStringList{});
    w.balanceLowThreshold = r.money(QStringLiteral("balanceLowThreshold"));
    w.secret = readString(r, QStringLiteral("secret"));
    w.disabled = r.boolean(QStringLiteral("disabled")).value_or(false);
    w.createdAt = readTime(r, QStringLiteral("createdAt"));
}

void read(JsonReader& r, WebhookAttempt& a)
{
    a.attempt = readInteger<int>(r, QStringLiteral("attempt"));
    a.startedAt = readTime(r, QStringLiteral("startedAt"));
    a.durationMs = readInteger<qint64>(r, QStringLiteral("durationMs"));
    a.status = readInteger<int>(r, QStringLiteral("status"));
    a.error = readString(r, QStringLiteral("error"));
}

void read(JsonReader& r, WebhookDelivery& d)
{
    d.id = r.string(QStringLiteral("id"));
    d.endpointId = readString(r, QStringLiteral("endpointId"));
    d.eventType = readString(r, QStringLiteral("eventType"));
    // The payload comes embedded as JSON (see toJson); it is kept as the compact text that was sent.
    const QJsonValue payload = r.json().value(QStringLiteral("payload"));
    d.payload = payload.isObject() ? QString::fromUtf8(compact(payload.toObject())) : payload.toString();
    d.state = readString(r, QStringLiteral("state"));
    d.attempts = readInteger<int>(r, QStringLiteral("attempts"));
    d.lastStatus = readInteger<int>(r, QStringLiteral("lastStatus"));
    d.lastError = readString(r, QStringLiteral("lastError"));
    d.nextAttemptAt = readTime(r, QStringLiteral("nextAttemptAt"));
    d.createdAt = readTime(r, QStringLiteral("createdAt"));
    d.attemptLog = readList<WebhookAttempt>(r, QStringLiteral("attemptLog"));
}

// ---- the change feed ----

void read(JsonReader& r, Change& c)
{
    c.seq = readInteger<qint64>(r, QStringLiteral("seq"));
    c.entity = readString(r, QStringLiteral("entity"));
    c.entityId = readString(r, QStringLiteral("entityId"));
    c.op = readString(r, QStringLiteral("op"));
}

void read(JsonReader& r, ChangePage& page)
{
    page.data = readList<Change>(r, QStringLiteral("data"));
    page.nextCursor = readCursor(r);
}

template <typename T> QList<T> readList(JsonReader& r, const QString& key)
{
    QList<T> items;
    const auto array = r.array(key);
    if (!array)
        return items;
    items.reserve(array->size());
    for (qsizetype i = 0; i < array->size() && r.ok(); ++i) {
        auto element = r.element(key, *array, i);
        if (!element)
            break;
        T item;
        read(*element, item);
        r.merge(*element);
        items << std::move(item);
    }
    return items;
}

} // namespace

// ---- decoders ----

template <typename T> Result<T> decode(const QJsonObject& object)
{
    JsonReader r(object);
    T value;
    read(r, value);
    return finish(r, std::move(value));
}

template <typename T> Result<QList<T>> decodeList(const QJsonObject& object)
{
    JsonReader r(object);
    QList<T> items = readList<T>(r, QStringLiteral("data"));
    return finish(r, std::move(items));
}

#define METERLINE_WIRE_ANSWER(T)                                                                                       \
    template Result<T> decode<T>(const QJsonObject&);                                                                  \
    template Result<QList<T>> decodeList<T>(const QJsonObject&);
METERLINE_WIRE_ANSWER_TYPES(METERLINE_WIRE_ANSWER)
#undef METERLINE_WIRE_ANSWER

Error errorFrom(const QByteArray& body, int httpStatus)
{
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    if (error.isEmpty())
        return {QStringLiteral("http_%1").arg(httpStatus), QStringLiteral("HTTP status %1").arg(httpStatus), {}};
    return {error.value(QStringLiteral("code")).toString(),
            error.value(QStringLiteral("message")).toString(),
            error.value(QStringLiteral("field")).toString()};
}

// ---- encoders ----

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

QJsonObject toJson(const RecordResult& r)
{
    QJsonObject o = eventFields(r.event);
    o.insert(QStringLiteral("duplicate"), r.duplicate);
    if (r.balance)
        o.insert(QStringLiteral("balance"), toJson(*r.balance));
    // SPEC §2: a shortfall of the burn is "recorded on the transaction as unpaid and reported".
    if (r.usageTransaction)
        o.insert(QStringLiteral("unpaid"), r.usageTransaction->unpaid.toString());
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

QJsonObject toJson(const BalancePage& page)
{
    return QJsonObject{{QStringLiteral("data"), toJsonArray(page.data)},
                       {QStringLiteral("nextCursor"), cursorJson(page.nextCursor)}};
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
    return QJsonObject{{QStringLiteral("from"), timeJson(page.from)},
                       {QStringLiteral("to"), timeJson(page.to)},
                       {QStringLiteral("data"), summaryRowsJson(page.data)},
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

QJsonObject toJson(const LimitStatus& s)
{
    return QJsonObject{{QStringLiteral("id"), s.id},
                       {QStringLiteral("meterId"), s.meterId},
                       {QStringLiteral("period"), toString(s.period)},
                       {QStringLiteral("mode"), toString(s.mode)},
                       {QStringLiteral("source"), toString(s.source)},
                       {QStringLiteral("limit"), s.limit},
                       {QStringLiteral("used"), s.used},
                       {QStringLiteral("held"), s.held},
                       {QStringLiteral("remaining"), s.remaining},
                       {QStringLiteral("resetsAt"), timeJson(s.resetsAt)}};
}

QJsonObject toJson(const CheckResult& r)
{
    QJsonObject o{{QStringLiteral("allowed"), r.allowed},
                  {QStringLiteral("customerId"), r.customerId},
                  {QStringLiteral("meterId"), stringOrNull(r.meterId)},
                  {QStringLiteral("used"), r.used},
                  {QStringLiteral("limit"), numberOrNull(r.limit)},
                  {QStringLiteral("remaining"), numberOrNull(r.remaining)},
                  {QStringLiteral("resetsAt"), timeJson(r.resetsAt)},
                  {QStringLiteral("reason"), stringOrNull(r.reason)},
                  {QStringLiteral("limits"), toJsonArray(r.limits)}};
    if (r.balance)
        o.insert(QStringLiteral("balance"),
                 QJsonObject{{QStringLiteral("balance"), r.balance->balance.toString()},
                             {QStringLiteral("reserve"), r.balance->reserve.toString()},
                             {QStringLiteral("available"), r.balance->available().toString()}});
    if (r.reservation)
        o.insert(QStringLiteral("reservation"),
                 QJsonObject{{QStringLiteral("id"), r.reservation->id},
                             {QStringLiteral("amount"), r.reservation->amount},
                             {QStringLiteral("expiresAt"), timeJson(r.reservation->expiresAt)}});
    return o;
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

QJsonObject toJson(const UsageWindowFigures& w)
{
    return QJsonObject{{QStringLiteral("period"), toString(w.period)},
                       {QStringLiteral("from"), timeJson(w.from)},
                       {QStringLiteral("to"), timeJson(w.to)},
                       {QStringLiteral("data"), summaryRowsJson(w.data)}};
}

QJsonObject toJson(const UsageChangePage& page)
{
    return QJsonObject{{QStringLiteral("customers"), QJsonArray::fromStringList(page.customers)},
                       {QStringLiteral("windows"), toJsonArray(page.windows)},
                       {QStringLiteral("truncated"), page.truncated},
                       {QStringLiteral("nextCursor"), QString::number(page.nextCursor)}};
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

} // namespace Meterline::Wire
