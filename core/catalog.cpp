#include "core/catalog.h"

#include <QRegularExpression>
#include <algorithm>
#include <cmath>

#include "core/ids.h"
#include "core/periods.h"
#include "core/rollups.h"
#include "core/sql.h"
#include "core/storedjson.h"
#include "core/validation.h"
#include "core/webhooks.h"

namespace Meterline
{

namespace
{

constexpr int MaxNameLength = 256;
constexpr int MaxMetadataKeys = 50;
constexpr int MaxMetadataKey = 40;
constexpr int MaxMetadataValue = 500;

const QString customerColumns = QStringLiteral("id, name, plan_id, external_id, metadata, created_at");
const QString meterColumns =
    QStringLiteral("id, name, aggregation, event_types, dimension_filters, dimension, created_at");
const QString limitColumns =
    QStringLiteral("id, scope, plan_id, customer_id, meter_id, period, value, mode, created_at");

Customer customerFrom(const Sql::Statement& q)
{
    Customer c;
    c.id = q.value(0).toString();
    c.name = q.value(1).toString();
    c.planId = q.value(2).toString();
    c.externalId = q.value(3).toString();
    c.metadata = StoredJson::toMap(q.value(4).toString());
    c.createdAt = Periods::fromMs(q.value(5).toLongLong());
    return c;
}

Meter meterFrom(const Sql::Statement& q)
{
    Meter m;
    m.id = q.value(0).toString();
    m.name = q.value(1).toString();
    m.aggregation = parseAggregation(q.value(2).toString()).value_or(Aggregation::Sum);
    m.eventTypes = StoredJson::toList(q.value(3).toString());
    m.dimensionFilters = StoredJson::toListMap(q.value(4).toString());
    m.dimension = q.value(5).toString();
    m.createdAt = Periods::fromMs(q.value(6).toLongLong());
    return m;
}

Limit limitFrom(const Sql::Statement& q)
{
    Limit l;
    l.id = q.value(0).toString();
    l.scope = parseLimitScope(q.value(1).toString()).value_or(LimitScope::Customer);
    l.planId = q.value(2).toString();
    l.customerId = q.value(3).toString();
    l.meterId = q.value(4).toString();
    l.period = parsePeriod(q.value(5).toString()).value_or(Period::Month);
    l.value = q.value(6).toDouble();
    l.mode = parseLimitMode(q.value(7).toString()).value_or(LimitMode::Hard);
    l.createdAt = Periods::fromMs(q.value(8).toLongLong());
    return l;
}

// Limits listed by meter id, then period length (hour first).
void sortLimits(QList<Limit>& limits)
{
    std::stable_sort(limits.begin(), limits.end(), [](const Limit& a, const Limit& b) {
        if (a.meterId != b.meterId)
            return a.meterId < b.meterId;
        return int(a.period) < int(b.period);
    });
}

Status checkName(const QString& name)
{
    if (name.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("name is required"), QStringLiteral("name"));
    if (name.size() > MaxNameLength)
        return Error::invalid(QStringLiteral("name is longer than %1 characters").arg(MaxNameLength),
                              QStringLiteral("name"));
    return success();
}

Status checkQuantity(double value, const QString& field)
{
    if (!std::isfinite(value) || value < 0)
        return Error::invalid(QStringLiteral("%1 must be a finite number >= 0").arg(field), field);
    return success();
}

// Enums that came from a cast of bad input are refused, not stored as "".
Status checkEnums(const Limit& l, const QString& prefix)
{
    if (toString(l.period).isEmpty())
        return Error::invalid(QStringLiteral("period must be hour, day, week, month or lifetime"),
                              prefix + QStringLiteral("period"));
    if (toString(l.mode).isEmpty())
        return Error::invalid(QStringLiteral("mode must be hard or soft"), prefix + QStringLiteral("mode"));
    if (toString(l.scope).isEmpty())
        return Error::invalid(QStringLiteral("scope must be plan or customer"), prefix + QStringLiteral("scope"));
    return success();
}

QString planLimitId(const QString& planId, const QString& meterId, Period period)
{
    return planId + u':' + meterId + u':' + toString(period);
}

template <typename T>
Result<std::optional<T>>
findOne(const QSqlDatabase& db, const QString& sql, const QString& id, T (*from)(const Sql::Statement&))
{
    auto q = Sql::run(db, sql, {id});
    if (!q.ok())
        return q.error();
    if (!q.value().next())
        return std::optional<T>();
    return std::optional<T>(from(q.value()));
}

Result<bool> exists(const QSqlDatabase& db, const QString& sql, const QVariant& id)
{
    auto found = Sql::scalar(db, sql, {id});
    if (!found.ok())
        return found.error();
    return found.value().has_value();
}

Result<Plan> loadPlan(const QSqlDatabase& db, const QString& id)
{
    auto q = Sql::run(db, QStringLiteral("SELECT id, name, currency, created_at FROM plans WHERE id = ?"), {id});
    if (!q.ok())
        return q.error();
    if (!q.value().next())
        return Error::missing(ErrorCode::PlanNotFound, QStringLiteral("plan"), id);
    Plan p;
    p.id = q.value().value(0).toString();
    p.name = q.value().value(1).toString();
    p.currency = q.value().value(2).toString();
    p.createdAt = Periods::fromMs(q.value().value(3).toLongLong());

    auto limits = Sql::run(
        db, QStringLiteral("SELECT %1 FROM limits WHERE scope = 'plan' AND plan_id = ?").arg(limitColumns), {id});
    if (!limits.ok())
        return limits.error();
    while (limits.value().next())
        p.limits << limitFrom(limits.value());
    sortLimits(p.limits);

    auto prices = Sql::run(db,
                           QStringLiteral("SELECT meter_id, unit_price, per_units, included_units, credits_per_unit"
                                          " FROM plan_prices WHERE plan_id = ? ORDER BY meter_id"),
                           {id});
    if (!prices.ok())
        return prices.error();
    while (prices.value().next()) {
        const Sql::Statement& r = prices.value();
        Price price;
        price.meterId = r.value(0).toString();
        price.unitPrice = Money::fromMicros(r.value(1).toLongLong());
        price.perUnits = r.value(2).toLongLong();
        price.includedUnits = r.value(3).toDouble();
        price.creditsPerUnit = Money::fromMicros(r.value(4).toLongLong());
        p.prices << price;
    }
    return p;
}

} // namespace

Catalog::Catalog(Database& database, Clock clock)
    : m_database(database)
    , m_clock(std::move(clock))
{
}

qint64 Catalog::nowMs() const
{
    return Periods::toMs(m_clock());
}

Status Catalog::bumpConfig(const QSqlDatabase& db)
{
    return toStatus(Sql::exec(db, QStringLiteral("UPDATE meta SET value = value + 1 WHERE key = 'config_version'")));
}

Status
Catalog::logChange(const QSqlDatabase& db, const QString& entity, const QString& id, const QString& op, qint64 atMs)
{
    return toStatus(Sql::exec(db,
                              QStringLiteral("INSERT INTO changes (entity, entity_id, op, at) VALUES (?, ?, ?, ?)"),
                              {entity, id, op, atMs}));
}

bool CatalogSnapshot::subscribed(const QString& eventType) const
{
    return std::any_of(
        webhooks.cbegin(), webhooks.cend(), [&](const WebhookEndpoint& e) { return e.events.contains(eventType); });
}

Result<std::shared_ptr<const CatalogSnapshot>> Catalog::snapshot(const QSqlDatabase& db, const QString& rowLock) const
{
    auto version = Sql::scalar(db, QStringLiteral("SELECT value FROM meta WHERE key = 'config_version'") + rowLock);
    if (!version.ok())
        return version.error();
    const qint64 current = version.value().value_or(0).toLongLong();
    {
        QMutexLocker lock(&m_cacheMutex);
        if (m_cache && m_cache->version == current)
            return m_cache;
    }
    auto fresh = std::make_shared<CatalogSnapshot>();
    fresh->version = current;
    auto meters = Sql::run(db, QStringLiteral("SELECT %1 FROM meters").arg(meterColumns));
    if (!meters.ok())
        return meters.error();
    while (meters.value().next()) {
        Meter m = meterFrom(meters.value());
        fresh->meters.insert(m.id, m);
    }
    auto planIds = Sql::run(db, QStringLiteral("SELECT id FROM plans"));
    if (!planIds.ok())
        return planIds.error();
    QStringList ids;
    while (planIds.value().next())
        ids << planIds.value().value(0).toString();
    for (const QString& id : std::as_const(ids)) {
        auto p = loadPlan(db, id);
        if (!p.ok())
            return p.error();
        fresh->plans.insert(id, p.value());
    }
    auto customerLimits =
        Sql::run(db, QStringLiteral("SELECT %1 FROM limits WHERE scope = 'customer'").arg(limitColumns));
    if (!customerLimits.ok())
        return customerLimits.error();
    while (customerLimits.value().next()) {
        Limit l = limitFrom(customerLimits.value());
        fresh->customerLimits[l.customerId] << l;
    }
    auto webhooks = Webhooks::liveEndpoints(db);
    if (!webhooks.ok())
        return webhooks.error();
    fresh->webhooks = webhooks.value();
    QMutexLocker lock(&m_cacheMutex);
    if (!m_cache || m_cache->version <= current)
        m_cache = fresh;
    return std::shared_ptr<const CatalogSnapshot>(fresh);
}

// ---- customers ----

Result<std::optional<Customer>> Catalog::findCustomer(const QSqlDatabase& db, const QString& id)
{
    return findOne<Customer>(
        db,
        QStringLiteral("SELECT %1 FROM customers WHERE id = ? AND deleted_at IS NULL").arg(customerColumns),
        id,
        &customerFrom);
}

Status Catalog::validateCustomer(const Customer& c) const
{
    if (auto s = Validation::checkId(c.id, QStringLiteral("id")); !s.ok())
        return s;
    if (auto s = checkName(c.name); !s.ok())
        return s;
    if (!c.planId.isEmpty()) {
        if (auto s = Validation::checkId(c.planId, QStringLiteral("planId")); !s.ok())
            return s;
    }
    if (c.externalId.size() > MaxNameLength)
        return Error::invalid(QStringLiteral("externalId is too long"), QStringLiteral("externalId"));
    if (c.metadata.size() > MaxMetadataKeys)
        return Error::invalid(QStringLiteral("metadata has more than %1 keys").arg(MaxMetadataKeys),
                              QStringLiteral("metadata"));
    for (auto it = c.metadata.cbegin(); it != c.metadata.cend(); ++it) {
        if (it.key().isEmpty() || it.key().size() > MaxMetadataKey || it.value().size() > MaxMetadataValue)
            return Error::invalid(QStringLiteral("metadata keys are 1-%1 characters, values at most %2")
                                      .arg(MaxMetadataKey)
                                      .arg(MaxMetadataValue),
                                  QStringLiteral("metadata"));
    }
    return success();
}

Result<Customer> Catalog::createCustomer(const Customer& input)
{
    if (auto s = validateCustomer(input); !s.ok())
        return s.error();
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    auto taken = exists(tx.db(), QStringLiteral("SELECT 1 FROM customers WHERE id = ?"), input.id);
    if (!taken.ok())
        return taken.error();
    if (taken.value())
        return Error::conflict(QStringLiteral("a customer with id '%1' exists").arg(input.id));
    if (!input.planId.isEmpty()) {
        auto planExists = exists(tx.db(), QStringLiteral("SELECT 1 FROM plans WHERE id = ?"), input.planId);
        if (!planExists.ok())
            return planExists.error();
        if (!planExists.value())
            return Error::missing(ErrorCode::PlanNotFound, QStringLiteral("plan"), input.planId);
    }
    const qint64 now = nowMs();
    auto inserted = Sql::exec(tx.db(),
                              QStringLiteral("INSERT INTO customers (id, name, plan_id, external_id, metadata, "
                                             "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                              {input.id,
                               input.name,
                               input.planId.isEmpty() ? QVariant() : input.planId,
                               input.externalId,
                               StoredJson::fromMap(input.metadata),
                               now,
                               now});
    if (!inserted.ok())
        return inserted.error();
    if (auto s = logChange(tx.db(), QStringLiteral("customer"), input.id, QStringLiteral("upsert"), now); !s.ok())
        return s.error();
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    Customer created = input;
    created.createdAt = Periods::fromMs(now);
    return created;
}

Result<Customer> Catalog::requireCustomer(const QSqlDatabase& db, const QString& id)
{
    auto found = findCustomer(db, id);
    if (!found.ok())
        return found.error();
    if (!found.value())
        return Error::missing(ErrorCode::CustomerNotFound, QStringLiteral("customer"), id);
    return *found.value();
}

Result<Customer> Catalog::customer(const QString& id) const
{
    return requireCustomer(m_database.connection(), id);
}

Result<QList<Customer>> Catalog::customers() const
{
    auto q =
        Sql::run(m_database.connection(),
                 QStringLiteral("SELECT %1 FROM customers WHERE deleted_at IS NULL ORDER BY id").arg(customerColumns));
    if (!q.ok())
        return q.error();
    QList<Customer> list;
    while (q.value().next())
        list << customerFrom(q.value());
    return list;
}

Result<Customer> Catalog::updateCustomer(const QString& id, const CustomerPatch& patch)
{
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    auto found = findCustomer(tx.db(), id);
    if (!found.ok())
        return found.error();
    if (!found.value())
        return Error::missing(ErrorCode::CustomerNotFound, QStringLiteral("customer"), id);
    Customer c = *found.value();
    if (patch.name)
        c.name = *patch.name;
    if (patch.planId)
        c.planId = *patch.planId;
    if (patch.externalId)
        c.externalId = *patch.externalId;
    if (patch.metadata)
        c.metadata = *patch.metadata;
    if (auto s = validateCustomer(c); !s.ok())
        return s.error();
    if (!c.planId.isEmpty()) {
        auto planExists = exists(tx.db(), QStringLiteral("SELECT 1 FROM plans WHERE id = ?"), c.planId);
        if (!planExists.ok())
            return planExists.error();
        if (!planExists.value())
            return Error::missing(ErrorCode::PlanNotFound, QStringLiteral("plan"), c.planId);
    }
    const qint64 now = nowMs();
    auto updated = Sql::exec(
        tx.db(),
        QStringLiteral("UPDATE customers SET name = ?, plan_id = ?, external_id = ?, metadata = ?,"
                       " updated_at = ? WHERE id = ?"),
        {c.name, c.planId.isEmpty() ? QVariant() : c.planId, c.externalId, StoredJson::fromMap(c.metadata), now, id});
    if (!updated.ok())
        return updated.error();
    if (auto s = logChange(tx.db(), QStringLiteral("customer"), id, QStringLiteral("upsert"), now); !s.ok())
        return s.error();
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    return c;
}

Status Catalog::deleteCustomer(const QString& id)
{
    // A soft delete: events, ledger and invoices of the past keep their customer, and the id is not reused.
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s;
    const qint64 now = nowMs();
    auto updated = Sql::exec(
        tx.db(), QStringLiteral("UPDATE customers SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL"), {now, id});
    if (!updated.ok())
        return updated.error();
    if (updated.value() == 0)
        return Error::missing(ErrorCode::CustomerNotFound, QStringLiteral("customer"), id);
    if (auto s = logChange(tx.db(), QStringLiteral("customer"), id, QStringLiteral("delete"), now); !s.ok())
        return s;
    return tx.commit();
}

// ---- plans ----

Status Catalog::validatePlan(const QSqlDatabase& db, const Plan& p) const
{
    if (auto s = Validation::checkId(p.id, QStringLiteral("id")); !s.ok())
        return s;
    if (auto s = checkName(p.name); !s.ok())
        return s;
    static const QRegularExpression currencyPattern(QStringLiteral("^[A-Z]{3}$"));
    if (!currencyPattern.match(p.currency).hasMatch())
        return Error::invalid(QStringLiteral("currency must be an ISO 4217 code such as USD"),
                              QStringLiteral("currency"));
    auto snapshot = this->snapshot(db);
    if (!snapshot.ok())
        return snapshot.error();
    const auto& meters = snapshot.value()->meters;
    QSet<QString> seenLimits;
    for (const Limit& l : p.limits) {
        if (auto s = Validation::checkId(l.meterId, QStringLiteral("limits.meterId")); !s.ok())
            return s;
        if (!meters.contains(l.meterId))
            return Error::missing(ErrorCode::MeterNotFound, QStringLiteral("meter"), l.meterId);
        if (auto s = checkQuantity(l.value, QStringLiteral("limits.value")); !s.ok())
            return s;
        if (auto s = checkEnums(l, QStringLiteral("limits.")); !s.ok())
            return s;
        const QString key = l.meterId + u'/' + toString(l.period);
        if (seenLimits.contains(key))
            return Error::invalid(QStringLiteral("two limits on meter '%1' for the same period").arg(l.meterId),
                                  QStringLiteral("limits"));
        seenLimits.insert(key);
    }
    QSet<QString> seenPrices;
    for (const Price& price : p.prices) {
        if (auto s = Validation::checkId(price.meterId, QStringLiteral("prices.meterId")); !s.ok())
            return s;
        if (!meters.contains(price.meterId))
            return Error::missing(ErrorCode::MeterNotFound, QStringLiteral("meter"), price.meterId);
        if (seenPrices.contains(price.meterId))
            return Error::invalid(QStringLiteral("two prices for meter '%1'").arg(price.meterId),
                                  QStringLiteral("prices"));
        seenPrices.insert(price.meterId);
        if (price.unitPrice.isNegative())
            return Error::invalid(QStringLiteral("unitPrice must be >= 0"), QStringLiteral("prices.unitPrice"));
        if (price.perUnits < 1)
            return Error::invalid(QStringLiteral("perUnits must be >= 1"), QStringLiteral("prices.perUnits"));
        if (auto s = checkQuantity(price.includedUnits, QStringLiteral("prices.includedUnits")); !s.ok())
            return s;
        if (price.creditsPerUnit.isNegative())
            return Error::invalid(QStringLiteral("creditsPerUnit must be >= 0"),
                                  QStringLiteral("prices.creditsPerUnit"));
    }
    return success();
}

Status Catalog::storePlanTerms(const QSqlDatabase& db, const Plan& p, qint64 now)
{
    if (auto s =
            toStatus(Sql::exec(db, QStringLiteral("DELETE FROM limits WHERE scope = 'plan' AND plan_id = ?"), {p.id}));
        !s.ok())
        return s;
    if (auto s = toStatus(Sql::exec(db, QStringLiteral("DELETE FROM plan_prices WHERE plan_id = ?"), {p.id})); !s.ok())
        return s;
    for (const Limit& l : p.limits) {
        auto inserted = Sql::exec(
            db,
            QStringLiteral("INSERT INTO limits (%1) VALUES (?, 'plan', ?, '', ?, ?, ?, ?, ?)").arg(limitColumns),
            {planLimitId(p.id, l.meterId, l.period),
             p.id,
             l.meterId,
             toString(l.period),
             l.value,
             toString(l.mode),
             now});
        if (!inserted.ok())
            return inserted.error();
    }
    for (const Price& price : p.prices) {
        auto inserted = Sql::exec(db,
                                  QStringLiteral("INSERT INTO plan_prices (plan_id, meter_id, unit_price, per_units,"
                                                 " included_units, credits_per_unit) VALUES (?, ?, ?, ?, ?, ?)"),
                                  {p.id,
                                   price.meterId,
                                   price.unitPrice.micros(),
                                   price.perUnits,
                                   price.includedUnits,
                                   price.creditsPerUnit.micros()});
        if (!inserted.ok())
            return inserted.error();
    }
    return success();
}

Result<Plan> Catalog::writePlan(const Plan& input, bool replace)
{
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    if (auto s = validatePlan(tx.db(), input); !s.ok())
        return s.error();
    auto taken = exists(tx.db(), QStringLiteral("SELECT 1 FROM plans WHERE id = ?"), input.id);
    if (!taken.ok())
        return taken.error();
    if (!replace && taken.value())
        return Error::conflict(QStringLiteral("a plan with id '%1' exists").arg(input.id));
    if (replace && !taken.value())
        return Error::missing(ErrorCode::PlanNotFound, QStringLiteral("plan"), input.id);
    const qint64 now = nowMs();
    auto written =
        replace ? Sql::exec(tx.db(),
                            QStringLiteral("UPDATE plans SET name = ?, currency = ?, updated_at = ? WHERE id = ?"),
                            {input.name, input.currency, now, input.id})
                : Sql::exec(tx.db(),
                            QStringLiteral("INSERT INTO plans (id, name, currency, created_at, updated_at)"
                                           " VALUES (?, ?, ?, ?, ?)"),
                            {input.id, input.name, input.currency, now, now});
    if (!written.ok())
        return written.error();
    if (auto s = storePlanTerms(tx.db(), input, now); !s.ok())
        return s.error();
    if (auto s = bumpConfig(tx.db()); !s.ok())
        return s.error();
    if (auto s = logChange(tx.db(), QStringLiteral("plan"), input.id, QStringLiteral("upsert"), now); !s.ok())
        return s.error();
    auto stored = loadPlan(tx.db(), input.id);
    if (!stored.ok())
        return stored.error();
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    return stored;
}

Result<Plan> Catalog::createPlan(const Plan& plan)
{
    return writePlan(plan, false);
}

Result<Plan> Catalog::replacePlan(const Plan& plan)
{
    return writePlan(plan, true);
}

Result<Plan> Catalog::plan(const QString& id) const
{
    return loadPlan(m_database.connection(), id);
}

Result<QList<Plan>> Catalog::plans() const
{
    auto snapshot = this->snapshot(m_database.connection());
    if (!snapshot.ok())
        return snapshot.error();
    QList<Plan> list = snapshot.value()->plans.values();
    std::sort(list.begin(), list.end(), [](const Plan& a, const Plan& b) { return a.id < b.id; });
    return list;
}

Status Catalog::deletePlan(const QString& id)
{
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s;
    auto inUse =
        exists(tx.db(), QStringLiteral("SELECT 1 FROM customers WHERE plan_id = ? AND deleted_at IS NULL"), id);
    if (!inUse.ok())
        return inUse.error();
    if (inUse.value())
        return Error::conflict(QStringLiteral("plan '%1' has customers; move them to another plan first").arg(id));
    auto removed = Sql::exec(tx.db(), QStringLiteral("DELETE FROM plans WHERE id = ?"), {id});
    if (!removed.ok())
        return removed.error();
    if (removed.value() == 0)
        return Error::missing(ErrorCode::PlanNotFound, QStringLiteral("plan"), id);
    if (auto s = toStatus(
            Sql::exec(tx.db(), QStringLiteral("DELETE FROM limits WHERE scope = 'plan' AND plan_id = ?"), {id}));
        !s.ok())
        return s;
    if (auto s = toStatus(Sql::exec(tx.db(), QStringLiteral("DELETE FROM plan_prices WHERE plan_id = ?"), {id}));
        !s.ok())
        return s;
    if (auto s = bumpConfig(tx.db()); !s.ok())
        return s;
    if (auto s = logChange(tx.db(), QStringLiteral("plan"), id, QStringLiteral("delete"), nowMs()); !s.ok())
        return s;
    return tx.commit();
}

// ---- meters ----

Status Catalog::validateMeter(const Meter& m) const
{
    if (auto s = Validation::checkId(m.id, QStringLiteral("id")); !s.ok())
        return s;
    if (auto s = checkName(m.name); !s.ok())
        return s;
    if (toString(m.aggregation).isEmpty())
        return Error::invalid(QStringLiteral("aggregation must be sum, count, max or unique_count"),
                              QStringLiteral("aggregation"));
    for (const QString& pattern : m.eventTypes) {
        const QString stem = pattern.endsWith(u'*') ? pattern.chopped(1) : pattern;
        const bool ok = pattern == QLatin1String("*") || Validation::isValidId(stem);
        if (!ok || stem.contains(u'*'))
            return Error::invalid(QStringLiteral("event type '%1' is not a type or a prefix ending in *").arg(pattern),
                                  QStringLiteral("eventTypes"));
    }
    for (auto it = m.dimensionFilters.cbegin(); it != m.dimensionFilters.cend(); ++it) {
        if (it.key().isEmpty() || it.key().size() > Validation::MaxDimensionKey)
            return Error::invalid(QStringLiteral("dimension filter keys are 1-64 characters"),
                                  QStringLiteral("dimensionFilters"));
        if (it.value().isEmpty())
            return Error::invalid(QStringLiteral("dimension filter '%1' allows no value").arg(it.key()),
                                  QStringLiteral("dimensionFilters"));
    }
    if (m.aggregation == Aggregation::UniqueCount && m.dimension.isEmpty())
        return Error::invalid(QStringLiteral("unique_count needs the dimension it counts"),
                              QStringLiteral("dimension"));
    if (m.dimension.size() > Validation::MaxDimensionKey)
        return Error::invalid(QStringLiteral("dimension is longer than 64 characters"), QStringLiteral("dimension"));
    return success();
}

Result<Meter> Catalog::writeMeter(const Meter& input, bool replace)
{
    if (auto s = validateMeter(input); !s.ok())
        return s.error();
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    auto existing = findOne<Meter>(
        tx.db(), QStringLiteral("SELECT %1 FROM meters WHERE id = ?").arg(meterColumns), input.id, &meterFrom);
    if (!existing.ok())
        return existing.error();
    if (!replace && existing.value())
        return Error::conflict(QStringLiteral("a meter with id '%1' exists").arg(input.id));
    if (replace && !existing.value())
        return Error::missing(ErrorCode::MeterNotFound, QStringLiteral("meter"), input.id);
    const qint64 now = nowMs();
    Meter stored = input;
    stored.createdAt = replace ? existing.value()->createdAt : Periods::fromMs(now);
    auto written =
        replace
            ? Sql::exec(
                tx.db(),
                QStringLiteral("UPDATE meters SET name = ?, aggregation = ?, event_types = ?, dimension_filters = ?,"
                               " dimension = ?, updated_at = ? WHERE id = ?"),
                {input.name,
                 toString(input.aggregation),
                 StoredJson::fromList(input.eventTypes),
                 StoredJson::fromListMap(input.dimensionFilters),
                 input.dimension,
                 now,
                 input.id})
            : Sql::exec(
                tx.db(),
                QStringLiteral("INSERT INTO meters (%1, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").arg(meterColumns),
                {input.id,
                 input.name,
                 toString(input.aggregation),
                 StoredJson::fromList(input.eventTypes),
                 StoredJson::fromListMap(input.dimensionFilters),
                 input.dimension,
                 now,
                 now});
    if (!written.ok())
        return written.error();
    // A meter applies to past events too: aggregate what is stored, in this transaction.
    if (auto s = Rollups::rebuild(tx.db(), m_database.kind(), stored); !s.ok())
        return s.error();
    if (auto s = bumpConfig(tx.db()); !s.ok())
        return s.error();
    if (auto s = logChange(tx.db(), QStringLiteral("meter"), input.id, QStringLiteral("upsert"), now); !s.ok())
        return s.error();
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    return stored;
}

Result<Meter> Catalog::createMeter(const Meter& meter)
{
    return writeMeter(meter, false);
}

Result<Meter> Catalog::replaceMeter(const Meter& meter)
{
    return writeMeter(meter, true);
}

Result<Meter> Catalog::meter(const QString& id) const
{
    auto found = findOne<Meter>(m_database.connection(),
                                QStringLiteral("SELECT %1 FROM meters WHERE id = ?").arg(meterColumns),
                                id,
                                &meterFrom);
    if (!found.ok())
        return found.error();
    if (!found.value())
        return Error::missing(ErrorCode::MeterNotFound, QStringLiteral("meter"), id);
    return *found.value();
}

Result<QList<Meter>> Catalog::meters() const
{
    auto q = Sql::run(m_database.connection(), QStringLiteral("SELECT %1 FROM meters ORDER BY id").arg(meterColumns));
    if (!q.ok())
        return q.error();
    QList<Meter> list;
    while (q.value().next())
        list << meterFrom(q.value());
    return list;
}

Status Catalog::deleteMeter(const QString& id)
{
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s;
    auto limited = exists(tx.db(), QStringLiteral("SELECT 1 FROM limits WHERE meter_id = ?"), id);
    if (!limited.ok())
        return limited.error();
    auto priced = exists(tx.db(), QStringLiteral("SELECT 1 FROM plan_prices WHERE meter_id = ?"), id);
    if (!priced.ok())
        return priced.error();
    if (limited.value() || priced.value())
        return Error::conflict(QStringLiteral("meter '%1' is used by a limit or a price; remove those first").arg(id));
    auto removed = Sql::exec(tx.db(), QStringLiteral("DELETE FROM meters WHERE id = ?"), {id});
    if (!removed.ok())
        return removed.error();
    if (removed.value() == 0)
        return Error::missing(ErrorCode::MeterNotFound, QStringLiteral("meter"), id);
    if (auto s = Rollups::remove(tx.db(), id); !s.ok())
        return s;
    if (auto s = bumpConfig(tx.db()); !s.ok())
        return s;
    if (auto s = logChange(tx.db(), QStringLiteral("meter"), id, QStringLiteral("delete"), nowMs()); !s.ok())
        return s;
    return tx.commit();
}

// ---- limits ----

Result<QList<Limit>> Catalog::customerLimits(const QSqlDatabase& db, const QString& customerId)
{
    auto q =
        Sql::run(db,
                 QStringLiteral("SELECT %1 FROM limits WHERE customer_id = ? AND scope = 'customer'").arg(limitColumns),
                 {customerId});
    if (!q.ok())
        return q.error();
    QList<Limit> list;
    while (q.value().next())
        list << limitFrom(q.value());
    sortLimits(list);
    return list;
}

Status Catalog::validateLimit(const QSqlDatabase& db, const Limit& l) const
{
    if (!l.id.isEmpty()) {
        if (auto s = Validation::checkId(l.id, QStringLiteral("id")); !s.ok())
            return s;
    }
    if (auto s = Validation::checkId(l.meterId, QStringLiteral("meterId")); !s.ok())
        return s;
    if (auto s = checkQuantity(l.value, QStringLiteral("value")); !s.ok())
        return s;
    if (auto s = checkEnums(l, QString()); !s.ok())
        return s;
    auto meterExists = exists(db, QStringLiteral("SELECT 1 FROM meters WHERE id = ?"), l.meterId);
    if (!meterExists.ok())
        return meterExists.error();
    if (!meterExists.value())
        return Error::missing(ErrorCode::MeterNotFound, QStringLiteral("meter"), l.meterId);
    if (l.scope == LimitScope::Plan) {
        if (auto s = Validation::checkId(l.planId, QStringLiteral("planId")); !s.ok())
            return s;
        auto planExists = exists(db, QStringLiteral("SELECT 1 FROM plans WHERE id = ?"), l.planId);
        if (!planExists.ok())
            return planExists.error();
        if (!planExists.value())
            return Error::missing(ErrorCode::PlanNotFound, QStringLiteral("plan"), l.planId);
    } else {
        if (auto s = Validation::checkId(l.customerId, QStringLiteral("customerId")); !s.ok())
            return s;
        auto customer = findCustomer(db, l.customerId);
        if (!customer.ok())
            return customer.error();
        if (!customer.value())
            return Error::missing(ErrorCode::CustomerNotFound, QStringLiteral("customer"), l.customerId);
    }
    return success();
}

Result<Limit> Catalog::writeLimit(const Limit& input, bool replace)
{
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    if (auto s = validateLimit(tx.db(), input); !s.ok())
        return s.error();
    Limit l = input;
    if (l.scope == LimitScope::Plan)
        l.customerId.clear();
    else
        l.planId.clear();
    if (l.id.isEmpty()) {
        l.id = l.scope == LimitScope::Plan ? planLimitId(l.planId, l.meterId, l.period)
                                           : Ids::make(QStringLiteral("lim_"));
    }
    auto existing = findOne<Limit>(
        tx.db(), QStringLiteral("SELECT %1 FROM limits WHERE id = ?").arg(limitColumns), l.id, &limitFrom);
    if (!existing.ok())
        return existing.error();
    if (!replace && existing.value())
        return Error::conflict(QStringLiteral("a limit with id '%1' exists").arg(l.id));
    if (replace && !existing.value())
        return Error::missing(ErrorCode::LimitNotFound, QStringLiteral("limit"), l.id);
    const qint64 now = nowMs();
    l.createdAt = replace ? existing.value()->createdAt : Periods::fromMs(now);
    if (replace) {
        auto removed = Sql::exec(tx.db(), QStringLiteral("DELETE FROM limits WHERE id = ?"), {l.id});
        if (!removed.ok())
            return removed.error();
    }
    auto inserted =
        Sql::exec(tx.db(),
                  QStringLiteral("INSERT INTO limits (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").arg(limitColumns),
                  {l.id,
                   toString(l.scope),
                   l.planId,
                   l.customerId,
                   l.meterId,
                   toString(l.period),
                   l.value,
                   toString(l.mode),
                   Periods::toMs(l.createdAt)});
    if (!inserted.ok()) {
        if (inserted.error().code == ErrorCode::Conflict)
            return Error::conflict(QStringLiteral("a limit on meter '%1' for period '%2' exists for this %3")
                                       .arg(l.meterId, toString(l.period), toString(l.scope)));
        return inserted.error();
    }
    if (auto s = bumpConfig(tx.db()); !s.ok())
        return s.error();
    if (auto s = logChange(tx.db(), QStringLiteral("limit"), l.id, QStringLiteral("upsert"), now); !s.ok())
        return s.error();
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    return l;
}

Result<Limit> Catalog::createLimit(const Limit& limit)
{
    return writeLimit(limit, false);
}

Result<Limit> Catalog::replaceLimit(const Limit& limit)
{
    if (limit.id.isEmpty())
        return Error::invalid(QStringLiteral("id is required"), QStringLiteral("id"));
    return writeLimit(limit, true);
}

Result<Limit> Catalog::limit(const QString& id) const
{
    auto found = findOne<Limit>(m_database.connection(),
                                QStringLiteral("SELECT %1 FROM limits WHERE id = ?").arg(limitColumns),
                                id,
                                &limitFrom);
    if (!found.ok())
        return found.error();
    if (!found.value())
        return Error::missing(ErrorCode::LimitNotFound, QStringLiteral("limit"), id);
    return *found.value();
}

Result<QList<Limit>> Catalog::limits() const
{
    auto q = Sql::run(m_database.connection(), QStringLiteral("SELECT %1 FROM limits ORDER BY id").arg(limitColumns));
    if (!q.ok())
        return q.error();
    QList<Limit> list;
    while (q.value().next())
        list << limitFrom(q.value());
    return list;
}

Status Catalog::deleteLimit(const QString& id)
{
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s;
    auto removed = Sql::exec(tx.db(), QStringLiteral("DELETE FROM limits WHERE id = ?"), {id});
    if (!removed.ok())
        return removed.error();
    if (removed.value() == 0)
        return Error::missing(ErrorCode::LimitNotFound, QStringLiteral("limit"), id);
    if (auto s = bumpConfig(tx.db()); !s.ok())
        return s;
    if (auto s = logChange(tx.db(), QStringLiteral("limit"), id, QStringLiteral("delete"), nowMs()); !s.ok())
        return s;
    return tx.commit();
}

// ---- change log ----

Result<qint64> Catalog::latestChange() const
{
    auto seq = Sql::scalar(m_database.connection(), QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM changes"), {});
    if (!seq.ok())
        return seq.error();
    return seq.value().value_or(0).toLongLong();
}

Result<ChangePage> Catalog::changes(qint64 since, int limit) const
{
    if (limit < 1 || limit > 10000)
        return Error::invalid(QStringLiteral("limit must be 1-10000"), QStringLiteral("limit"));
    auto q =
        Sql::run(m_database.connection(),
                 QStringLiteral("SELECT seq, entity, entity_id, op FROM changes WHERE seq > ? ORDER BY seq LIMIT ?"),
                 {since, limit});
    if (!q.ok())
        return q.error();
    ChangePage page;
    page.nextCursor = since;
    while (q.value().next()) {
        Change c;
        c.seq = q.value().value(0).toLongLong();
        c.entity = q.value().value(1).toString();
        c.entityId = q.value().value(2).toString();
        c.op = q.value().value(3).toString();
        page.nextCursor = c.seq;
        page.data << c;
    }
    return page;
}

} // namespace Meterline
