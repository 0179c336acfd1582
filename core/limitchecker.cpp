#include "core/limitchecker.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <cmath>

#include "core/checkcache.h"
#include "core/eventtail.h"
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
    case Period::Lifetime: // every month row
        break;
    }
    return Rollups::Grain::Month;
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

const Plan* planOf(const CatalogSnapshot& catalog, const Customer& customer)
{
    const auto it = catalog.plans.constFind(customer.planId);
    return it == catalog.plans.cend() ? nullptr : &it.value();
}

// Credits a unit of the meter burns on the plan (all burning meters when meterId is empty); zero: none.
Money creditsPerUnit(const Plan* plan, const QString& meterId)
{
    Money perUnit;
    if (plan) {
        for (const Price& price : plan->prices) {
            if (price.creditsPerUnit.isPositive() && (meterId.isEmpty() || price.meterId == meterId))
                perUnit += price.creditsPerUnit;
        }
    }
    return perUnit;
}

// The rollup rows that a limit window reads: [from, to) of the period's grain; lifetime is every month.
struct WindowBounds
{
    Rollups::Grain grain;
    qint64 fromMs;
    qint64 toMs;
};

WindowBounds boundsOf(Period period, const TimeRange& window)
{
    if (period == Period::Lifetime)
        return {Rollups::Grain::Month, Rollups::LifetimeFromMs, Rollups::LifetimeToMs};
    return {grainFor(period), Periods::toMs(window.from), Periods::toMs(window.to)};
}

} // namespace

// Where a check's figures come from: the store, inside the check's transaction, or the check cache.
class CheckFigures
{
public:
    virtual ~CheckFigures() = default;
    // The meter's aggregate over the period's window (Periods::window(period, now)).
    virtual Result<double> used(const Meter& meter, Period period, const TimeRange& window, const QDateTime& now) = 0;
    // Units of open holds that count against the meter's limits.
    virtual Result<double> held(const QString& meterId) = 0;
    virtual Result<Balance> balance() = 0;
};

namespace
{

// Reads the store; when keeping, it also collects what it read as a CheckCache entry.
class StoreFigures final : public CheckFigures
{
public:
    StoreFigures(const QSqlDatabase& db, QString customerId, qint64 nowMs, QString forUpdate, bool keep)
        : m_db(db)
        , m_customerId(std::move(customerId))
        , m_nowMs(nowMs)
        , m_forUpdate(std::move(forUpdate))
        , m_keep(keep)
    {
    }

    Result<double> used(const Meter& meter, Period period, const TimeRange& window, const QDateTime& now) override
    {
        if (!Rollups::rollsUp(meter))
            m_keep = false; // unique_count: counted from events, never kept
        if (!m_keep)
            return LimitChecker::used(m_db, meter, m_customerId, period, now);
        const WindowBounds bounds = boundsOf(period, window);
        if (const CheckCache::Window* read = m_entry.window(meter.id, bounds.grain, bounds.fromMs, bounds.toMs))
            return read->aggregate().valueFor(meter.aggregation);
        auto rows = Rollups::rows(m_db, meter.id, m_customerId, bounds.grain, bounds.fromMs, bounds.toMs);
        if (!rows.ok())
            return rows.error();
        CheckCache::Window kept{meter.id, bounds.grain, bounds.fromMs, bounds.toMs, std::move(rows.value())};
        std::sort(kept.rows.begin(), kept.rows.end(), [](const Rollups::Row& a, const Rollups::Row& b) {
            return a.bucketMs < b.bucketMs;
        });
        const double value = kept.aggregate().valueFor(meter.aggregation);
        m_entry.windows << std::move(kept);
        return value;
    }

    Result<double> held(const QString& meterId) override
    {
        if (const auto it = m_entry.held.constFind(meterId); it != m_entry.held.cend())
            return it.value();
        auto held = Reservations::heldUnits(m_db, m_customerId, meterId, m_nowMs);
        if (!held.ok())
            return held.error();
        m_entry.held.insert(meterId, held.value()); // a meter's holds are read once for all its limits
        return held.value();
    }

    Result<Balance> balance() override
    {
        auto balance = Ledger::read(m_db, m_customerId, m_nowMs, m_forUpdate);
        if (!balance.ok())
            return balance.error();
        m_entry.balance = balance.value();
        return balance;
    }

    bool keepable() const { return m_keep; }
    CheckCache::Entry takeEntry() { return std::move(m_entry); }

private:
    const QSqlDatabase& m_db;
    QString m_customerId;
    qint64 m_nowMs;
    QString m_forUpdate;
    bool m_keep;
    CheckCache::Entry m_entry;
};

// Answers from a cache entry; anything the entry does not hold makes the check go to the store.
class CachedFigures final : public CheckFigures
{
public:
    explicit CachedFigures(const CheckCache::Entry& entry)
        : m_entry(entry)
    {
    }

    Result<double> used(const Meter& meter, Period period, const TimeRange& window, const QDateTime&) override
    {
        if (!Rollups::rollsUp(meter))
            return miss();
        const WindowBounds bounds = boundsOf(period, window);
        const CheckCache::Window* held = m_entry.window(meter.id, bounds.grain, bounds.fromMs, bounds.toMs);
        if (!held)
            return miss();
        return held->aggregate().valueFor(meter.aggregation);
    }

    Result<double> held(const QString& meterId) override
    {
        const auto it = m_entry.held.constFind(meterId);
        if (it == m_entry.held.cend())
            return miss();
        return it.value();
    }

    Result<Balance> balance() override
    {
        if (!m_entry.balance)
            return miss();
        return *m_entry.balance;
    }

    bool missed() const { return m_missed; }

private:
    Error miss()
    {
        m_missed = true;
        return Error::storage(QStringLiteral("not in the check cache"));
    }

    const CheckCache::Entry& m_entry;
    bool m_missed = false;
};

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
    if (Rollups::rollsUp(meter)) {
        const WindowBounds bounds = boundsOf(period, window);
        auto aggregate = Rollups::read(db, meter.id, customerId, bounds.grain, bounds.fromMs, bounds.toMs);
        if (!aggregate.ok())
            return aggregate.error();
        return aggregate.value().valueFor(meter.aggregation);
    }
    // unique_count: distinct values of the dimension over the events of the window (the slower path).
    const Database::Kind kind = Database::kindOf(db);
    const EventTail::Query events =
        lifetime ? EventTail::forCustomer(kind, QStringLiteral("event_type, dimensions"), customerId, {}, {})
                 : EventTail::forCustomer(kind,
                                          QStringLiteral("event_type, dimensions"),
                                          customerId,
                                          QStringLiteral(" AND ts >= ? AND ts < ?"),
                                          {Periods::toMs(window.from), Periods::toMs(window.to)});
    auto q = Sql::run(db, events.sql, events.values);
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
    if (request.reserve)
        return checkAndReserve(request, now);
    if (CheckCache* cache = m_database.checkCache()) {
        auto answered = checkFromCache(*cache, request, now);
        if (!answered.ok())
            return answered.error();
        if (answered.value())
            return std::move(*answered.value());
        cache->countMiss();
    }
    return checkFromStore(request, now);
}

Result<LimitChecker::Subject> LimitChecker::subjectOf(const QSqlDatabase& db, const QString& customerId) const
{
    auto catalog = m_catalog.snapshot(db);
    if (!catalog.ok())
        return catalog.error();
    auto customer = Catalog::requireCustomer(db, customerId);
    if (!customer.ok())
        return customer.error();
    return Subject{catalog.value(), customer.value()};
}

Result<std::optional<CheckResult>>
LimitChecker::checkFromCache(const CheckCache& cache, const CheckRequest& request, const QDateTime& now)
{
    auto clock = CheckCache::requestClock(m_database);
    if (!clock.ok())
        return clock.error();
    const CheckCache::View view = cache.lookup(clock.value(), request.customerId, Periods::toMs(now));
    if (!view.entry)
        return std::optional<CheckResult>();
    CachedFigures figures(*view.entry);
    auto result = decide(request, *view.catalog, view.entry->customer, figures, now);
    if (figures.missed())
        return std::optional<CheckResult>();
    cache.countHit();
    if (!result.ok())
        return result.error();
    return std::optional<CheckResult>(std::move(result.value()));
}

Result<CheckResult> LimitChecker::checkFromStore(const CheckRequest& request, const QDateTime& now)
{
    const QSqlDatabase db = m_database.connection();
    Sql::ReadTransaction readTx(db); // one snapshot for every read
    if (auto s = readTx.begin(); !s.ok())
        return s.error();
    CheckCache* cache = m_database.checkCache();
    qint64 clock = 0;
    if (cache) {
        auto read = CheckCache::readClock(db);
        if (!read.ok())
            return read.error();
        clock = read.value();
    }
    auto subject = subjectOf(db, request.customerId);
    if (!subject.ok())
        return subject.error();
    const auto& [catalog, customer] = subject.value();
    const qint64 nowMs = Periods::toMs(now);
    StoreFigures figures(db, request.customerId, nowMs, {}, cache != nullptr);
    auto result = decide(request, *catalog, customer, figures, now);
    if (!result.ok())
        return result.error();
    if (cache && figures.keepable()) {
        auto next = Reservations::nextExpiry(db, request.customerId, nowMs);
        if (!next.ok())
            return next.error();
        CheckCache::Entry entry = figures.takeEntry();
        entry.customer = customer;
        if (next.value())
            entry.validUntilMs = *next.value();
        cache->store(clock, catalog, request.customerId, std::move(entry));
    }
    return result;
}

Result<CheckResult> LimitChecker::checkAndReserve(const CheckRequest& request, const QDateTime& now)
{
    // The reads and the new hold in one write transaction, so racing checks never hold more than the cap.
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    tx.describeChanges(); // the hold and the balance note their customer
    const QSqlDatabase& db = tx.db();
    const QString forUpdate = tx.forUpdate();
    auto subject = subjectOf(db, request.customerId);
    if (!subject.ok())
        return subject.error();
    const auto& [catalog, customer] = subject.value();
    if (!forUpdate.isEmpty()) {
        // PostgreSQL: serialise the reservations of one customer.
        auto locked =
            Sql::run(db, QStringLiteral("SELECT id FROM customers WHERE id = ? FOR UPDATE"), {request.customerId});
        if (!locked.ok())
            return locked.error();
    }
    const qint64 nowMs = Periods::toMs(now);
    StoreFigures figures(db, request.customerId, nowMs, forUpdate, false);
    auto decided = decide(request, *catalog, customer, figures, now);
    if (!decided.ok() || !decided.value().allowed)
        return decided; // denied: the guard rolls back; nothing was written
    CheckResult result = std::move(decided.value());

    const double reserve = *request.reserve;
    Reservation r;
    r.id = Ids::make(QStringLiteral("rsv_"));
    r.customerId = request.customerId;
    r.meterId = request.meterId;
    r.amount = reserve;
    if (result.balance) {
        r.credits = Money::fromMicros(divideRoundHalfEven(
            __int128(quantityToMicros(reserve)) * creditsPerUnit(planOf(*catalog, customer), request.meterId).micros(),
            Money::Scale));
    }
    r.createdAt = now;
    r.expiresAt = now.addSecs(request.reserveSeconds);
    if (auto s = Reservations::insert(db, r); !s.ok())
        return s.error();
    if (result.balance && r.credits.isPositive()) {
        Balance after = *result.balance;
        after.held += r.credits;
        if (auto s = m_outbox.balanceLowered(db, *catalog, result.balance->available(), after, nowMs); !s.ok())
            return s.error();
    }
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    // The figures above are the state the decision rested on; the new hold is reported on its own.
    result.reservation = r;
    return result;
}

Result<CheckResult> LimitChecker::decide(const CheckRequest& request,
                                         const CatalogSnapshot& catalog,
                                         const Customer& customer,
                                         CheckFigures& figures,
                                         const QDateTime& now)
{
    const auto& meters = catalog.meters;
    if (!request.meterId.isEmpty() && !meters.contains(request.meterId))
        return Error::missing(ErrorCode::MeterNotFound, QStringLiteral("meter"), request.meterId);
    const Plan* plan = planOf(catalog, customer);
    // The customer's own limits come with the catalog snapshot (limit changes move its version).
    const QList<Limit> customerLimits = catalog.customerLimits.value(request.customerId);

    CheckResult result;
    result.customerId = request.customerId;
    result.meterId = request.meterId;
    const double reserve = request.reserve.value_or(0);
    for (const Limit& limit : LimitOverview::applyingLimits(plan, customerLimits, request.meterId)) {
        const auto meter = meters.constFind(limit.meterId);
        if (meter == meters.cend())
            continue;
        const TimeRange window = Periods::window(limit.period, now);
        auto used = figures.used(*meter, limit.period, window, now);
        if (!used.ok())
            return used.error();
        const double usedValue = used.value();
        auto held = figures.held(limit.meterId);
        if (!held.ok())
            return held.error();

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
        auto used =
            figures.used(meters.value(request.meterId), Period::Month, Periods::window(Period::Month, now), now);
        if (!used.ok())
            return used.error();
        result.used = used.value();
    }

    // Balance rule: meters that burn credits on the customer's plan.
    const Money perUnit = creditsPerUnit(plan, request.meterId);
    if (perUnit.isPositive()) {
        auto balance = figures.balance();
        if (!balance.ok())
            return balance.error();
        result.balance = balance.value();
        const Money available = balance.value().available();
        Money reserveCredits;
        if (request.reserve) {
            reserveCredits = Money::fromMicros(
                divideRoundHalfEven(__int128(quantityToMicros(reserve)) * perUnit.micros(), Money::Scale));
        }
        const bool balanceAllows = request.reserve ? available >= reserveCredits : available.isPositive();
        if (!balanceAllows && result.allowed) {
            result.allowed = false;
            result.reason = QStringLiteral("insufficient_balance");
        }
    }
    return result;
}

} // namespace Meterline
