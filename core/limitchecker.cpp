#include "core/limitchecker.h"

#include <QHash>
#include <QSet>
#include <cmath>

#include "core/ids.h"
#include "core/ledger.h"
#include "core/limitoverview.h"
#include "core/periods.h"
#include "core/reservations.h"
#include "core/rollups.h"
#include "core/sql.h"
#include "core/storedjson.h"
#include "core/validation.h"
#include "core/webhookoutbox.h"

namespace Meterline
{

namespace
{

// The fewest rollup rows that cover a limit window.
Rollups::Grain grainFor(Period period)
{
    switch (period) {
    case Period::Hour:
        return Rollups::Grain::Hour;
    case Period::Day:
    case Period::Week:
        return Rollups::Grain::Day;
    case Period::Month:
        return Rollups::Grain::Month;
    case Period::Lifetime:
        break;
    }
    return Rollups::Grain::Lifetime;
}

// Denied: the latest reset among the denying limits, none if one of them never resets.
std::optional<QDateTime> latestReset(const QList<LimitStatus>& denying)
{
    std::optional<QDateTime> latest;
    for (const LimitStatus& s : denying) {
        if (!s.resetsAt)
            return std::nullopt;
        if (!latest || *s.resetsAt > *latest)
            latest = s.resetsAt;
    }
    return latest;
}

const LimitStatus* leastRemaining(const QList<LimitStatus>& statuses, bool denyingOnly)
{
    const LimitStatus* least = nullptr;
    for (const LimitStatus& s : statuses) {
        if (denyingOnly && s.allowed)
            continue;
        if (!least || s.remaining < least->remaining)
            least = &s;
    }
    return least;
}

} // namespace

LimitChecker::LimitChecker(Database& database, const Catalog& catalog, const WebhookOutbox& outbox, Clock clock)
    : m_database(database)
    , m_catalog(catalog)
    , m_outbox(outbox)
    , m_clock(std::move(clock))
{
}

Result<double> LimitChecker::used(
    const QSqlDatabase& db, const Meter& meter, const QString& customerId, Period period, const QDateTime& now)
{
    const TimeRange window = Periods::window(period, now);
    const bool lifetime = period == Period::Lifetime;
    const qint64 from = lifetime ? 0 : Periods::toMs(window.from);
    const qint64 to = lifetime ? 1 : Periods::toMs(window.to);
    if (Rollups::rollsUp(meter)) {
        auto aggregate = Rollups::read(db, meter.id, customerId, grainFor(period), from, to);
        if (!aggregate.ok())
            return aggregate.error();
        return aggregate.value().valueFor(meter.aggregation);
    }
    // unique_count: distinct values of the dimension over the events of the window (the slower path).
    QString sql = QStringLiteral("SELECT event_type, dimensions FROM events WHERE customer_id = ?");
    QVariantList values{customerId};
    if (!lifetime) {
        sql += QStringLiteral(" AND ts >= ? AND ts < ?");
        values << from << to;
    }
    auto q = Sql::run(db, sql, values);
    if (!q.ok())
        return q.error();
    QSet<QString> distinct;
    while (q.value().next()) {
        const Dimensions dims = StoredJson::toMap(q.value().value(1).toString());
        if (!meter.matches(q.value().value(0).toString(), dims))
            continue;
        const auto value = dims.constFind(meter.dimension);
        if (value != dims.cend())
            distinct.insert(value.value());
    }
    return double(distinct.size());
}

Result<CheckResult> LimitChecker::check(const CheckRequest& request)
{
    if (auto s = Validation::checkId(request.customerId, QStringLiteral("customerId")); !s.ok())
        return s.error();
    if (!request.meterId.isEmpty()) {
        if (auto s = Validation::checkId(request.meterId, QStringLiteral("meterId")); !s.ok())
            return s.error();
    }
    if (request.reserve && (!std::isfinite(*request.reserve) || *request.reserve <= 0))
        return Error::invalid(QStringLiteral("reserve must be a number > 0"), QStringLiteral("reserve"));
    if (request.reserveSeconds < 1 || request.reserveSeconds > 86400)
        return Error::invalid(QStringLiteral("a hold lasts 1 to 86400 seconds"), QStringLiteral("reserveSeconds"));

    const QDateTime now = m_clock();
    const qint64 nowMs = Periods::toMs(now);
    // Reads alone need no lock; a reservation is taken under the write lock with the reads it rests on.
    std::optional<Sql::WriteTransaction> tx;
    std::optional<Sql::ReadTransaction> readTx; // one snapshot for every read of a plain check
    QSqlDatabase db;
    QString forUpdate;
    if (request.reserve) {
        tx.emplace(m_database);
        if (auto s = tx->begin(); !s.ok())
            return s.error();
        db = tx->db();
        forUpdate = tx->forUpdate();
    } else {
        db = m_database.connection();
        readTx.emplace(db);
        if (auto s = readTx->begin(); !s.ok())
            return s.error();
    }

    auto catalog = m_catalog.snapshot(db);
    if (!catalog.ok())
        return catalog.error();
    auto customer = Catalog::requireCustomer(db, request.customerId);
    if (!customer.ok())
        return customer.error();
    if (!forUpdate.isEmpty()) {
        // PostgreSQL: serialise the reservations of one customer.
        auto locked =
            Sql::run(db, QStringLiteral("SELECT id FROM customers WHERE id = ? FOR UPDATE"), {request.customerId});
        if (!locked.ok())
            return locked.error();
    }
    const auto& meters = catalog.value()->meters;
    if (!request.meterId.isEmpty() && !meters.contains(request.meterId))
        return Error::missing(ErrorCode::MeterNotFound, QStringLiteral("meter"), request.meterId);
    const auto planIt = catalog.value()->plans.constFind(customer.value().planId);
    const Plan* plan = planIt == catalog.value()->plans.cend() ? nullptr : &planIt.value();

    // The customer's own limits come with the catalog snapshot (limit changes move its version).
    const QList<Limit> customerLimits = catalog.value()->customerLimits.value(request.customerId);

    CheckResult result;
    result.customerId = request.customerId;
    result.meterId = request.meterId;
    const double reserve = request.reserve.value_or(0);
    QHash<QString, double> heldByMeter; // the open holds of a meter, read once for all of its limits
    for (const Limit& limit : LimitOverview::applyingLimits(plan, customerLimits, request.meterId)) {
        const auto meter = meters.constFind(limit.meterId);
        if (meter == meters.cend())
            continue;
        const TimeRange window = Periods::window(limit.period, now);
        auto used = LimitChecker::used(db, *meter, request.customerId, limit.period, now);
        if (!used.ok())
            return used.error();
        const double usedValue = used.value();
        auto held = heldByMeter.contains(limit.meterId)
                        ? Result<double>(heldByMeter.value(limit.meterId))
                        : Reservations::heldUnits(db, request.customerId, limit.meterId, nowMs);
        if (!held.ok())
            return held.error();
        heldByMeter.insert(limit.meterId, held.value());

        LimitStatus status;
        status.id = limit.id;
        status.meterId = limit.meterId;
        status.period = limit.period;
        status.mode = limit.mode;
        status.source = limit.scope;
        status.limit = limit.value;
        status.used = usedValue;
        status.held = held.value();
        status.remaining = std::max(0.0, limit.value - usedValue - held.value());
        if (window.to.isValid())
            status.resetsAt = window.to;
        if (limit.mode == LimitMode::Hard) {
            const double committed = usedValue + held.value();
            status.allowed = request.reserve ? committed + reserve <= limit.value : committed < limit.value;
        }
        result.limits << status;
    }

    QList<LimitStatus> denying;
    for (const LimitStatus& s : std::as_const(result.limits)) {
        if (!s.allowed)
            denying << s;
    }
    if (!denying.isEmpty()) {
        result.allowed = false;
        result.reason = QStringLiteral("limit_exceeded");
        result.resetsAt = latestReset(denying);
        const LimitStatus* least = leastRemaining(denying, false);
        result.used = least->used;
        result.limit = least->limit;
        result.remaining = least->remaining;
    } else if (const LimitStatus* least = leastRemaining(result.limits, false)) {
        result.used = least->used;
        result.limit = least->limit;
        result.remaining = least->remaining;
        result.resetsAt = least->resetsAt;
    } else if (!request.meterId.isEmpty()) {
        // No limit: report this month's usage so the caller still sees where the customer stands.
        auto used = LimitChecker::used(db, meters.value(request.meterId), request.customerId, Period::Month, now);
        if (!used.ok())
            return used.error();
        result.used = used.value();
    }

    // Balance rule: meters that burn credits on the customer's plan.
    Money creditsPerUnit;
    bool burns = false;
    if (plan) {
        for (const Price& price : plan->prices) {
            if (price.creditsPerUnit.isPositive() && (request.meterId.isEmpty() || price.meterId == request.meterId)) {
                burns = true;
                creditsPerUnit += price.creditsPerUnit;
            }
        }
    }
    Money reserveCredits;
    if (burns) {
        auto balance = Ledger::read(db, request.customerId, nowMs, forUpdate);
        if (!balance.ok())
            return balance.error();
        result.balance = balance.value();
        const Money available = balance.value().available();
        if (request.reserve) {
            reserveCredits = Money::fromMicros(
                divideRoundHalfEven(__int128(quantityToMicros(reserve)) * creditsPerUnit.micros(), Money::Scale));
        }
        const bool balanceAllows = request.reserve ? available >= reserveCredits : available.isPositive();
        if (!balanceAllows && result.allowed) {
            result.allowed = false;
            result.reason = QStringLiteral("insufficient_balance");
        }
    }

    if (tx) {
        if (result.allowed) {
            Reservation r;
            r.id = Ids::make(QStringLiteral("rsv_"));
            r.customerId = request.customerId;
            r.meterId = request.meterId;
            r.amount = reserve;
            r.credits = reserveCredits;
            r.createdAt = now;
            r.expiresAt = now.addSecs(request.reserveSeconds);
            if (auto s = Reservations::insert(db, r); !s.ok())
                return s.error();
            if (result.balance && r.credits.isPositive()) {
                Balance after = *result.balance;
                after.held += r.credits;
                if (auto s = m_outbox.balanceLowered(db, *catalog.value(), result.balance->available(), after, nowMs);
                    !s.ok())
                    return s.error();
            }
            if (auto s = tx->commit(); !s.ok())
                return s.error();
            // The figures above are the state the decision rested on; the new hold is reported on its own.
            result.reservation = r;
        }
        // Denied: the guard rolls back; nothing was written.
    }
    return result;
}

} // namespace Meterline
