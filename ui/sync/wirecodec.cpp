#include "ui/sync/wirecodec.h"

#include <QJsonDocument>
#include <limits>
#include <type_traits>

#include "core/periods.h"

namespace Meterline::Dashboard::Wire
{

namespace
{

QJsonValue orNull(const QString& s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}

QJsonObject mapJson(const QMap<QString, QString>& map)
{
    QJsonObject o;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

// Reads members of one object; remembers the first wrong type as invalid_request naming the member.
class Reader
{
public:
    explicit Reader(const QJsonObject& o)
        : m_o(o)
    {
    }
    bool ok() const { return m_error.code.isEmpty(); }
    const Error& error() const { return m_error; }
    bool has(const QString& key) const { return m_o.contains(key) && !m_o.value(key).isNull(); }

    QString string(const QString& key)
    {
        const QJsonValue v = m_o.value(key);
        if (v.isNull() || v.isUndefined())
            return {};
        if (!v.isString())
            fail(key, QStringLiteral("a string"));
        return v.toString();
    }
    double number(const QString& key, double fallback = 0)
    {
        const QJsonValue v = m_o.value(key);
        if (v.isNull() || v.isUndefined())
            return fallback;
        if (!v.isDouble())
            fail(key, QStringLiteral("a number"));
        return v.toDouble();
    }
    // A count or a size: a number outside T's range (1e300) fails like a wrong type instead of being cast,
    // which is undefined behaviour; a fraction is cut to its integer part.
    template <typename T> T integer(const QString& key, T fallback = 0)
    {
        static_assert(std::is_signed_v<T>, "the range test below is for signed types");
        const double v = number(key, double(fallback));
        if (!(v >= double(std::numeric_limits<T>::min()) && v < -double(std::numeric_limits<T>::min()))) {
            fail(key, QStringLiteral("an integer in range"));
            return fallback;
        }
        return T(v);
    }
    bool boolean(const QString& key)
    {
        const QJsonValue v = m_o.value(key);
        if (v.isNull() || v.isUndefined())
            return false;
        if (!v.isBool())
            fail(key, QStringLiteral("a boolean"));
        return v.toBool();
    }
    Money money(const QString& key)
    {
        const QString text = string(key);
        if (text.isEmpty())
            return {};
        const auto m = Money::parse(text);
        if (!m)
            fail(key, QStringLiteral("a decimal amount"));
        return m.value_or(Money());
    }
    std::optional<Money> optionalMoney(const QString& key)
    {
        return has(key) ? std::optional(money(key)) : std::nullopt;
    }
    QDateTime time(const QString& key)
    {
        const QString text = string(key);
        if (text.isEmpty())
            return {};
        const QDateTime t = Periods::parseIso(text);
        if (!t.isValid())
            fail(key, QStringLiteral("an ISO 8601 time"));
        return t;
    }
    QMap<QString, QString> map(const QString& key)
    {
        QMap<QString, QString> m;
        const QJsonObject o = object(key);
        for (auto it = o.begin(); it != o.end(); ++it)
            m.insert(it.key(), it.value().toString());
        return m;
    }
    QStringList strings(const QString& key)
    {
        QStringList list;
        for (const auto& v : array(key))
            list << v.toString();
        return list;
    }
    QJsonObject object(const QString& key)
    {
        const QJsonValue v = m_o.value(key);
        if (!v.isNull() && !v.isUndefined() && !v.isObject())
            fail(key, QStringLiteral("an object"));
        return v.toObject();
    }
    QJsonArray array(const QString& key)
    {
        const QJsonValue v = m_o.value(key);
        if (!v.isNull() && !v.isUndefined() && !v.isArray())
            fail(key, QStringLiteral("an array"));
        return v.toArray();
    }
    template <typename E> E choice(const QString& key, std::optional<E> (*parse)(QStringView), E fallback)
    {
        const QString text = string(key);
        if (text.isEmpty())
            return fallback;
        const auto e = parse(text);
        if (!e)
            fail(key, QStringLiteral("a known name"));
        return e.value_or(fallback);
    }
    // Folds a nested decoder's failure in.
    template <typename T> T nested(Result<T> r)
    {
        if (!r.ok()) {
            if (ok())
                m_error = r.error();
            return T{};
        }
        return std::move(r).value();
    }
    template <typename T> Result<T> finish(T value) const
    {
        if (!ok())
            return m_error;
        return value;
    }

private:
    void fail(const QString& key, const QString& what)
    {
        if (ok())
            m_error = Error::invalid(QStringLiteral("%1 must be %2").arg(key, what), key);
    }

    QJsonObject m_o;
    Error m_error;
};

template <typename T> Result<QList<T>> arrayFrom(const QJsonArray& a, Result<T> (*from)(const QJsonObject&))
{
    QList<T> items;
    items.reserve(a.size());
    for (const auto& v : a) {
        auto item = from(v.toObject());
        if (!item.ok())
            return item.error();
        items << std::move(item).value();
    }
    return items;
}

Result<Price> priceFrom(const QJsonObject& o)
{
    Reader r(o);
    Price p;
    p.meterId = r.string(QStringLiteral("meterId"));
    p.unitPrice = r.money(QStringLiteral("unitPrice"));
    p.perUnits = r.integer<qint64>(QStringLiteral("perUnits"), 1);
    p.includedUnits = r.number(QStringLiteral("includedUnits"));
    p.creditsPerUnit = r.money(QStringLiteral("creditsPerUnit"));
    return r.finish(p);
}

Result<LimitStatus> limitStatusFrom(const QJsonObject& o)
{
    Reader r(o);
    LimitStatus s;
    s.id = r.string(QStringLiteral("id"));
    s.meterId = r.string(QStringLiteral("meterId"));
    s.period = r.choice(QStringLiteral("period"), parsePeriod, Period::Month);
    s.mode = r.choice(QStringLiteral("mode"), parseLimitMode, LimitMode::Hard);
    s.source = r.choice(QStringLiteral("source"), parseLimitScope, LimitScope::Plan);
    s.limit = r.number(QStringLiteral("limit"));
    s.used = r.number(QStringLiteral("used"));
    s.held = r.number(QStringLiteral("held"));
    s.remaining = r.number(QStringLiteral("remaining"));
    if (r.has(QStringLiteral("resetsAt")))
        s.resetsAt = r.time(QStringLiteral("resetsAt"));
    s.allowed = s.mode == LimitMode::Soft || s.remaining > 0 || s.used < s.limit;
    return r.finish(s);
}

} // namespace

QJsonObject customerBody(const Customer& c)
{
    return QJsonObject{{QStringLiteral("id"), c.id},
                       {QStringLiteral("name"), c.name},
                       {QStringLiteral("planId"), orNull(c.planId)},
                       {QStringLiteral("externalId"), orNull(c.externalId)},
                       {QStringLiteral("metadata"), mapJson(c.metadata)}};
}

QJsonObject customerPatchBody(const CustomerPatch& patch)
{
    QJsonObject o;
    if (patch.name)
        o.insert(QStringLiteral("name"), *patch.name);
    if (patch.planId)
        o.insert(QStringLiteral("planId"), orNull(*patch.planId));
    if (patch.externalId)
        o.insert(QStringLiteral("externalId"), orNull(*patch.externalId));
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
    QJsonArray prices;
    for (const Price& price : p.prices) {
        prices.append(QJsonObject{{QStringLiteral("meterId"), price.meterId},
                                  {QStringLiteral("unitPrice"), price.unitPrice.toString()},
                                  {QStringLiteral("perUnits"), price.perUnits},
                                  {QStringLiteral("includedUnits"), price.includedUnits},
                                  {QStringLiteral("creditsPerUnit"), price.creditsPerUnit.toString()}});
    }
    return QJsonObject{{QStringLiteral("id"), p.id},
                       {QStringLiteral("name"), p.name},
                       {QStringLiteral("currency"), p.currency},
                       {QStringLiteral("limits"), limits},
                       {QStringLiteral("prices"), prices}};
}

QJsonObject meterBody(const Meter& m)
{
    QJsonObject filters;
    for (auto it = m.dimensionFilters.cbegin(); it != m.dimensionFilters.cend(); ++it)
        filters.insert(it.key(), QJsonArray::fromStringList(it.value()));
    return QJsonObject{{QStringLiteral("id"), m.id},
                       {QStringLiteral("name"), m.name},
                       {QStringLiteral("aggregation"), toString(m.aggregation)},
                       {QStringLiteral("eventTypes"), QJsonArray::fromStringList(m.eventTypes)},
                       {QStringLiteral("dimensionFilters"), filters},
                       {QStringLiteral("dimension"), orNull(m.dimension)}};
}

QJsonObject balanceChangeBody(Money amount, const QString& reason, const QString& idempotencyKey)
{
    return QJsonObject{{QStringLiteral("amount"), amount.toString()},
                       {QStringLiteral("reason"), orNull(reason)},
                       {QStringLiteral("idempotencyKey"), orNull(idempotencyKey)}};
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

Result<Customer> customerFrom(const QJsonObject& o)
{
    Reader r(o);
    Customer c;
    c.id = r.string(QStringLiteral("id"));
    c.name = r.string(QStringLiteral("name"));
    c.planId = r.string(QStringLiteral("planId"));
    c.externalId = r.string(QStringLiteral("externalId"));
    c.metadata = r.map(QStringLiteral("metadata"));
    c.createdAt = r.time(QStringLiteral("createdAt"));
    return r.finish(c);
}

Result<CustomerPatch> customerPatchFrom(const QJsonObject& o)
{
    Reader r(o);
    CustomerPatch p;
    if (o.contains(QStringLiteral("name")))
        p.name = r.string(QStringLiteral("name"));
    if (o.contains(QStringLiteral("planId")))
        p.planId = r.string(QStringLiteral("planId"));
    if (o.contains(QStringLiteral("externalId")))
        p.externalId = r.string(QStringLiteral("externalId"));
    if (o.contains(QStringLiteral("metadata")))
        p.metadata = r.map(QStringLiteral("metadata"));
    return r.finish(p);
}

Result<Limit> limitFrom(const QJsonObject& o)
{
    Reader r(o);
    Limit l;
    l.id = r.string(QStringLiteral("id"));
    l.scope = r.choice(QStringLiteral("scope"), parseLimitScope, LimitScope::Customer);
    l.planId = r.string(QStringLiteral("planId"));
    l.customerId = r.string(QStringLiteral("customerId"));
    l.meterId = r.string(QStringLiteral("meterId"));
    l.period = r.choice(QStringLiteral("period"), parsePeriod, Period::Month);
    l.value = r.number(QStringLiteral("value"));
    l.mode = r.choice(QStringLiteral("mode"), parseLimitMode, LimitMode::Hard);
    l.createdAt = r.time(QStringLiteral("createdAt"));
    return r.finish(l);
}

Result<Plan> planFrom(const QJsonObject& o)
{
    Reader r(o);
    Plan p;
    p.id = r.string(QStringLiteral("id"));
    p.name = r.string(QStringLiteral("name"));
    if (r.has(QStringLiteral("currency")))
        p.currency = r.string(QStringLiteral("currency"));
    p.prices = r.nested(arrayFrom(r.array(QStringLiteral("prices")), priceFrom));
    p.limits = r.nested(arrayFrom(r.array(QStringLiteral("limits")), limitFrom));
    for (Limit& l : p.limits) {
        l.scope = LimitScope::Plan;
        l.planId = p.id;
        l.customerId.clear();
        if (l.id.isEmpty())
            l.id = p.id + u':' + l.meterId + u':' + toString(l.period);
    }
    p.createdAt = r.time(QStringLiteral("createdAt"));
    return r.finish(p);
}

Result<Meter> meterFrom(const QJsonObject& o)
{
    Reader r(o);
    Meter m;
    m.id = r.string(QStringLiteral("id"));
    m.name = r.string(QStringLiteral("name"));
    m.aggregation = r.choice(QStringLiteral("aggregation"), parseAggregation, Aggregation::Sum);
    m.eventTypes = r.strings(QStringLiteral("eventTypes"));
    const QJsonObject filters = r.object(QStringLiteral("dimensionFilters"));
    for (auto it = filters.begin(); it != filters.end(); ++it) {
        QStringList values;
        for (const auto& v : it.value().toArray())
            values << v.toString();
        m.dimensionFilters.insert(it.key(), values);
    }
    m.dimension = r.string(QStringLiteral("dimension"));
    m.createdAt = r.time(QStringLiteral("createdAt"));
    return r.finish(m);
}

Result<BalanceChange> balanceChangeFrom(const QJsonObject& o)
{
    Reader r(o);
    BalanceChange c;
    c.amount = r.money(QStringLiteral("amount"));
    c.reason = r.string(QStringLiteral("reason"));
    c.idempotencyKey = r.string(QStringLiteral("idempotencyKey"));
    return r.finish(c);
}

Result<Money> reserveFrom(const QJsonObject& o)
{
    Reader r(o);
    const Money m = r.money(QStringLiteral("reserve"));
    return r.finish(m);
}

Result<WebhookEndpoint> webhookFrom(const QJsonObject& o)
{
    Reader r(o);
    WebhookEndpoint w;
    w.id = r.string(QStringLiteral("id"));
    w.url = r.string(QStringLiteral("url"));
    w.events = r.strings(QStringLiteral("events"));
    w.balanceLowThreshold = r.optionalMoney(QStringLiteral("balanceLowThreshold"));
    w.secret = r.string(QStringLiteral("secret"));
    w.disabled = r.boolean(QStringLiteral("disabled"));
    w.createdAt = r.time(QStringLiteral("createdAt"));
    return r.finish(w);
}

Result<Balance> balanceFrom(const QJsonObject& o)
{
    Reader r(o);
    Balance b;
    b.customerId = r.string(QStringLiteral("customerId"));
    b.balance = r.money(QStringLiteral("balance"));
    b.reserve = r.money(QStringLiteral("reserve"));
    b.held = r.money(QStringLiteral("held"));
    return r.finish(b);
}

Result<LedgerTransaction> transactionFrom(const QJsonObject& o)
{
    Reader r(o);
    LedgerTransaction t;
    t.id = r.string(QStringLiteral("id"));
    t.customerId = r.string(QStringLiteral("customerId"));
    t.kind = r.choice(QStringLiteral("kind"), parseTransactionKind, TransactionKind::Credit);
    t.amount = r.money(QStringLiteral("amount"));
    t.balanceAfter = r.money(QStringLiteral("balanceAfter"));
    t.unpaid = r.money(QStringLiteral("unpaid"));
    t.reason = r.string(QStringLiteral("reason"));
    t.actor = r.string(QStringLiteral("actor"));
    t.idempotencyKey = r.string(QStringLiteral("idempotencyKey"));
    t.eventId = r.string(QStringLiteral("eventId"));
    t.createdAt = r.time(QStringLiteral("createdAt"));
    return r.finish(t);
}

Result<BalanceChangeResult> balanceChangeResultFrom(const QJsonObject& o)
{
    Reader r(o);
    BalanceChangeResult result;
    result.transaction = r.nested(transactionFrom(o));
    result.balance = r.nested(balanceFrom(r.object(QStringLiteral("balance"))));
    result.duplicate = r.boolean(QStringLiteral("duplicate"));
    return r.finish(result);
}

Result<Event> eventFrom(const QJsonObject& o)
{
    Reader r(o);
    Event e;
    e.id = r.string(QStringLiteral("id"));
    e.customerId = r.string(QStringLiteral("customerId"));
    e.eventType = r.string(QStringLiteral("eventType"));
    e.value = r.number(QStringLiteral("value"), 1);
    e.dimensions = r.map(QStringLiteral("dimensions"));
    e.timestamp = r.time(QStringLiteral("timestamp"));
    e.idempotencyKey = r.string(QStringLiteral("idempotencyKey"));
    e.reservationId = r.string(QStringLiteral("reservationId"));
    e.createdAt = r.time(QStringLiteral("createdAt"));
    return r.finish(e);
}

Result<EventPage> eventPageFrom(const QJsonObject& o)
{
    Reader r(o);
    EventPage page;
    page.data = r.nested(arrayFrom(r.array(QStringLiteral("data")), eventFrom));
    page.nextCursor = r.string(QStringLiteral("nextCursor"));
    return r.finish(page);
}

Result<LedgerPage> ledgerPageFrom(const QJsonObject& o)
{
    Reader r(o);
    LedgerPage page;
    page.data = r.nested(arrayFrom(r.array(QStringLiteral("data")), transactionFrom));
    page.nextCursor = r.string(QStringLiteral("nextCursor"));
    return r.finish(page);
}

Result<BalancePage> balancePageFrom(const QJsonObject& o)
{
    Reader r(o);
    BalancePage page;
    page.data = r.nested(arrayFrom(r.array(QStringLiteral("data")), balanceFrom));
    page.nextCursor = r.string(QStringLiteral("nextCursor"));
    return r.finish(page);
}

Result<UsageResult> usageFrom(const QJsonObject& o)
{
    Reader r(o);
    UsageResult u;
    u.meterId = r.string(QStringLiteral("meterId"));
    u.customerId = r.string(QStringLiteral("customerId"));
    u.aggregation = r.choice(QStringLiteral("aggregation"), parseAggregation, Aggregation::Sum);
    u.from = r.time(QStringLiteral("from"));
    u.to = r.time(QStringLiteral("to"));
    u.value = r.number(QStringLiteral("value"));
    for (const auto& v : r.array(QStringLiteral("groups"))) {
        Reader g(v.toObject());
        UsageGroup group;
        group.dimensions = g.map(QStringLiteral("dimensions"));
        group.value = g.number(QStringLiteral("value"));
        u.groups << r.nested(g.finish(group));
    }
    for (const auto& v : r.array(QStringLiteral("series"))) {
        Reader b(v.toObject());
        UsageBucket bucket;
        bucket.start = b.time(QStringLiteral("start"));
        bucket.end = b.time(QStringLiteral("end"));
        bucket.value = b.number(QStringLiteral("value"));
        u.series << r.nested(b.finish(bucket));
    }
    return r.finish(u);
}

Result<SummaryPage> summaryPageFrom(const QJsonObject& o)
{
    Reader r(o);
    SummaryPage page;
    page.from = r.time(QStringLiteral("from"));
    page.to = r.time(QStringLiteral("to"));
    const QJsonArray data = r.array(QStringLiteral("data"));
    page.data.reserve(data.size());
    for (const auto& v : data) {
        Reader s(v.toObject());
        SummaryRow row;
        row.customerId = s.string(QStringLiteral("customerId"));
        row.meterId = s.string(QStringLiteral("meterId"));
        row.value = s.number(QStringLiteral("value"));
        page.data << r.nested(s.finish(row));
    }
    page.nextCursor = r.string(QStringLiteral("nextCursor"));
    return r.finish(page);
}

Result<CheckResult> checkFrom(const QJsonObject& o)
{
    Reader r(o);
    CheckResult c;
    c.allowed = r.boolean(QStringLiteral("allowed"));
    c.customerId = r.string(QStringLiteral("customerId"));
    c.meterId = r.string(QStringLiteral("meterId"));
    c.used = r.number(QStringLiteral("used"));
    if (r.has(QStringLiteral("limit")))
        c.limit = r.number(QStringLiteral("limit"));
    if (r.has(QStringLiteral("remaining")))
        c.remaining = r.number(QStringLiteral("remaining"));
    if (r.has(QStringLiteral("resetsAt")))
        c.resetsAt = r.time(QStringLiteral("resetsAt"));
    c.reason = r.string(QStringLiteral("reason"));
    c.limits = r.nested(arrayFrom(r.array(QStringLiteral("limits")), limitStatusFrom));
    return r.finish(c);
}

Result<ApiKey> apiKeyFrom(const QJsonObject& o)
{
    Reader r(o);
    ApiKey k;
    k.id = r.string(QStringLiteral("id"));
    k.name = r.string(QStringLiteral("name"));
    k.scope = r.choice(QStringLiteral("scope"), parseKeyScope, KeyScope::Read);
    k.createdAt = r.time(QStringLiteral("createdAt"));
    k.revokedAt = r.time(QStringLiteral("revokedAt"));
    k.lastUsedAt = r.time(QStringLiteral("lastUsedAt"));
    k.rateLimit = r.integer<int>(QStringLiteral("rateLimit"));
    return r.finish(k);
}

Result<ApiKeyCreated> apiKeyCreatedFrom(const QJsonObject& o)
{
    Reader r(o);
    ApiKeyCreated created;
    created.key = r.nested(apiKeyFrom(o));
    created.secret = r.string(QStringLiteral("key"));
    return r.finish(created);
}

Result<WebhookDelivery> deliveryFrom(const QJsonObject& o)
{
    Reader r(o);
    WebhookDelivery d;
    d.id = r.string(QStringLiteral("id"));
    d.endpointId = r.string(QStringLiteral("endpointId"));
    d.eventType = r.string(QStringLiteral("eventType"));
    const QJsonValue payload = o.value(QStringLiteral("payload"));
    d.payload = payload.isObject() ? QString::fromUtf8(QJsonDocument(payload.toObject()).toJson(QJsonDocument::Compact))
                                   : payload.toString();
    d.state = r.string(QStringLiteral("state"));
    d.attempts = r.integer<int>(QStringLiteral("attempts"));
    d.lastStatus = r.integer<int>(QStringLiteral("lastStatus"));
    d.lastError = r.string(QStringLiteral("lastError"));
    d.nextAttemptAt = r.time(QStringLiteral("nextAttemptAt"));
    d.createdAt = r.time(QStringLiteral("createdAt"));
    return r.finish(d);
}

Result<ChangePage> changePageFrom(const QJsonObject& o)
{
    Reader r(o);
    ChangePage page;
    for (const auto& v : r.array(QStringLiteral("data"))) {
        Reader c(v.toObject());
        Change change;
        change.seq = c.integer<qint64>(QStringLiteral("seq"));
        change.entity = c.string(QStringLiteral("entity"));
        change.entityId = c.string(QStringLiteral("entityId"));
        change.op = c.string(QStringLiteral("op"));
        page.data << r.nested(c.finish(change));
    }
    bool numeric = false;
    page.nextCursor = r.string(QStringLiteral("nextCursor")).toLongLong(&numeric);
    if (!numeric && r.ok())
        return Error::invalid(QStringLiteral("nextCursor must be a number in a string"), QStringLiteral("nextCursor"));
    return r.finish(page);
}

Error errorFrom(const QByteArray& body, int httpStatus)
{
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    if (error.isEmpty())
        return {QStringLiteral("http_%1").arg(httpStatus), QStringLiteral("HTTP status %1").arg(httpStatus), {}};
    return {error.value(QStringLiteral("code")).toString(),
            error.value(QStringLiteral("message")).toString(),
            error.value(QStringLiteral("field")).toString()};
}

} // namespace Meterline::Dashboard::Wire

namespace Meterline::Dashboard::Wire
{

namespace
{

// RFC 4180 records: fields quoted when they hold a comma, quote or line break; quotes doubled inside.
QList<QStringList> csvRecords(const QString& text)
{
    QList<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;
    bool any = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        any = true;
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text.at(i + 1) == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            record << field;
            field.clear();
        } else if (c == u'\r' || c == u'\n') {
            if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n')
                ++i;
            record << field;
            records << record;
            record.clear();
            field.clear();
            any = false;
        } else {
            field += c;
        }
    }
    if (any) {
        record << field;
        records << record;
    }
    return records;
}

} // namespace

Result<QList<InvoiceLine>> invoiceLinesFromCsv(const QByteArray& csv)
{
    const QList<QStringList> records = csvRecords(QString::fromUtf8(csv));
    QList<InvoiceLine> lines;
    for (qsizetype r = 1; r < records.size(); ++r) { // records[0] is the header
        const QStringList& f = records.at(r);
        if (f.size() != 15)
            return Error::invalid(QStringLiteral("invoice CSV row %1 has %2 fields, not 15").arg(r).arg(f.size()));
        InvoiceLine l;
        l.periodStart = Periods::parseIso(f.at(0));
        l.periodEnd = Periods::parseIso(f.at(1));
        l.customerId = f.at(2);
        l.customerName = f.at(3);
        l.externalId = f.at(4);
        l.planId = f.at(5);
        l.meterId = f.at(6);
        l.meterName = f.at(7);
        l.quantity = f.at(8).toDouble();
        l.includedUnits = f.at(9).toDouble();
        l.billableUnits = f.at(10).toDouble();
        const auto unitPrice = Money::parse(f.at(11));
        const auto amount = Money::parse(f.at(13));
        bool perUnitsOk = false;
        l.perUnits = f.at(12).toLongLong(&perUnitsOk);
        if (!unitPrice || !amount || !perUnitsOk)
            return Error::invalid(QStringLiteral("invoice CSV row %1 has a malformed amount").arg(r));
        l.unitPrice = *unitPrice;
        l.amount = *amount;
        l.currency = f.at(14);
        lines << l;
    }
    return lines;
}

} // namespace Meterline::Dashboard::Wire
