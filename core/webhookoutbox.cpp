#include "core/webhookoutbox.h"

#include <QJsonDocument>
#include <QJsonObject>

#include "core/ids.h"
#include "core/limitchecker.h"
#include "core/limitoverview.h"
#include "core/logging.h"
#include "core/periods.h"
#include "core/sql.h"

namespace Meterline
{

const QString WebhookOutbox::LimitThreshold = QStringLiteral("limit.threshold");
const QString WebhookOutbox::LimitExceeded = QStringLiteral("limit.exceeded");
const QString WebhookOutbox::BalanceLow = QStringLiteral("balance.low");
const QString WebhookOutbox::BalanceDepleted = QStringLiteral("balance.depleted");
const QString WebhookOutbox::Test = QStringLiteral("webhook.test");

namespace
{

// used >= level % of value, in exact arithmetic for whole numbers (0.8 × value is not exact in binary).
bool reached(int level, double used, double value)
{
    return level == 100 ? used >= value : used * 5 >= value * 4;
}

QJsonValue isoOrNull(const QDateTime& t)
{
    return t.isValid() ? QJsonValue(Periods::toIso(t)) : QJsonValue();
}

// Whether an event can have moved a limit's used up to level % (before reading used): sum meters rise only
// by positive values, max meters only by a value that is itself at the level, unique_count meters only by an
// event that carries the counted dimension.
bool mayRaise(const Meter& meter, const Event& event, double limitValue)
{
    switch (meter.aggregation) {
    case Aggregation::Sum:
        return event.value > 0;
    case Aggregation::Count:
        return true;
    case Aggregation::Max:
        return reached(80, event.value, limitValue);
    case Aggregation::UniqueCount:
        return event.dimensions.contains(meter.dimension);
    }
    return true;
}

// What one event added to used, when the aggregation tells (sum, count); otherwise nullopt.
std::optional<double> contribution(const Meter& meter, const Event& event)
{
    if (meter.aggregation == Aggregation::Sum)
        return event.value;
    if (meter.aggregation == Aggregation::Count)
        return 1.0;
    return std::nullopt;
}

QJsonObject limitData(const QString& customerId, const Limit& limit, const TimeRange& window)
{
    return QJsonObject{{QStringLiteral("customerId"), customerId},
                       {QStringLiteral("limitId"), limit.id},
                       {QStringLiteral("meterId"), limit.meterId},
                       {QStringLiteral("period"), toString(limit.period)},
                       {QStringLiteral("mode"), toString(limit.mode)},
                       {QStringLiteral("limit"), limit.value},
                       {QStringLiteral("periodStart"), isoOrNull(window.from)},
                       {QStringLiteral("resetsAt"), isoOrNull(window.to)}};
}

QJsonObject balanceData(const Balance& after, Money availableBefore)
{
    return QJsonObject{{QStringLiteral("customerId"), after.customerId},
                       {QStringLiteral("balance"), after.balance.toString()},
                       {QStringLiteral("reserve"), after.reserve.toString()},
                       {QStringLiteral("held"), after.held.toString()},
                       {QStringLiteral("available"), after.available().toString()},
                       {QStringLiteral("previousAvailable"), availableBefore.toString()}};
}

qint64 periodStartOf(Period period, const TimeRange& window)
{
    return period == Period::Lifetime || !window.from.isValid() ? 0 : Periods::toMs(window.from);
}

} // namespace

WebhookOutbox::WebhookOutbox(const Catalog& catalog)
    : m_catalog(catalog)
{
}

Result<QString> WebhookOutbox::enqueue(
    const QSqlDatabase& db, const QString& endpointId, const QString& type, const QJsonObject& data, qint64 nowMs)
{
    const QJsonObject payload{{QStringLiteral("type"), type},
                              {QStringLiteral("timestamp"), Periods::toIso(Periods::fromMs(nowMs))},
                              {QStringLiteral("data"), data}};
    const QString id = Ids::make(QStringLiteral("msg_"));
    auto inserted = Sql::exec(
        db,
        QStringLiteral("INSERT INTO webhook_deliveries (id, endpoint_id, event_type, payload, state,"
                       " next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)"),
        {id, endpointId, type, QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)), nowMs, nowMs});
    if (!inserted.ok())
        return inserted.error();
    return id;
}

Status WebhookOutbox::enqueueAll(
    const QSqlDatabase& db, const CatalogSnapshot& catalog, const QString& type, const QJsonObject& data, qint64 nowMs)
{
    for (const WebhookEndpoint& endpoint : catalog.webhooks) {
        if (!endpoint.events.contains(type))
            continue;
        if (auto id = enqueue(db, endpoint.id, type, data, nowMs); !id.ok())
            return id.error();
    }
    return success();
}

Result<bool> WebhookOutbox::markFired(const QSqlDatabase& db,
                                      const QString& customerId,
                                      const QString& limitId,
                                      qint64 periodStart,
                                      const QString& kind,
                                      qint64 nowMs)
{
    auto inserted = Sql::exec(db,
                              QStringLiteral("INSERT INTO webhook_fired (customer_id, limit_id, period_start, kind,"
                                             " fired_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"),
                              {customerId, limitId, periodStart, kind, nowMs});
    if (!inserted.ok())
        return inserted.error();
    return inserted.value() == 1;
}

Status WebhookOutbox::usageRecorded(const QSqlDatabase& db,
                                    const CatalogSnapshot& catalog,
                                    const Customer& customer,
                                    const Event& event,
                                    qint64 nowMs) const
{
    if (!catalog.subscribed(LimitThreshold))
        return success();
    const QDateTime now = Periods::fromMs(nowMs);
    const qint64 ts = Periods::toMs(event.timestamp);
    const auto plan = catalog.plans.constFind(customer.planId);
    const QList<Limit> limits = LimitOverview::applyingLimits(plan == catalog.plans.cend() ? nullptr : &plan.value(),
                                                              catalog.customerLimits.value(customer.id));
    for (const Limit& limit : limits) {
        const auto meter = catalog.meters.constFind(limit.meterId);
        if (limit.value <= 0 || meter == catalog.meters.cend() || !meter->matches(event.eventType, event.dimensions)
            || !mayRaise(*meter, event, limit.value))
            continue;
        const TimeRange window = Periods::window(limit.period, now);
        const bool lifetime = limit.period == Period::Lifetime;
        if (!lifetime && (ts < Periods::toMs(window.from) || ts >= Periods::toMs(window.to)))
            continue; // an event of an earlier period does not move this period's used
        auto used = LimitChecker::used(db, *meter, customer.id, limit.period, now);
        if (!used.ok())
            return used.error();
        const std::optional<double> added = contribution(*meter, event);
        for (const int level : {80, 100}) {
            if (!reached(level, used.value(), limit.value))
                continue;
            if (added && reached(level, used.value() - *added, limit.value))
                continue; // already there before this event: not a crossing
            auto fresh = markFired(db,
                                   customer.id,
                                   limit.id,
                                   periodStartOf(limit.period, window),
                                   QStringLiteral("threshold:%1").arg(level),
                                   nowMs);
            if (!fresh.ok())
                return fresh.error();
            if (!fresh.value())
                continue;
            QJsonObject data = limitData(customer.id, limit, window);
            data.insert(QStringLiteral("threshold"), level);
            data.insert(QStringLiteral("used"), used.value());
            if (auto s = enqueueAll(db, catalog, LimitThreshold, data, nowMs); !s.ok())
                return s;
        }
    }
    return success();
}

Status WebhookOutbox::balanceLowered(const QSqlDatabase& db,
                                     const CatalogSnapshot& catalog,
                                     Money availableBefore,
                                     const Balance& after,
                                     qint64 nowMs) const
{
    const Money available = after.available();
    if (available >= availableBefore || catalog.webhooks.isEmpty())
        return success();
    for (const WebhookEndpoint& endpoint : catalog.webhooks) {
        if (endpoint.events.contains(BalanceLow) && endpoint.balanceLowThreshold
            && availableBefore >= *endpoint.balanceLowThreshold && available < *endpoint.balanceLowThreshold) {
            QJsonObject data = balanceData(after, availableBefore);
            data.insert(QStringLiteral("balanceLowThreshold"), endpoint.balanceLowThreshold->toString());
            if (auto id = enqueue(db, endpoint.id, BalanceLow, data, nowMs); !id.ok())
                return id.error();
        }
        if (endpoint.events.contains(BalanceDepleted) && availableBefore.isPositive() && !available.isPositive()) {
            if (auto id = enqueue(db, endpoint.id, BalanceDepleted, balanceData(after, availableBefore), nowMs);
                !id.ok())
                return id.error();
        }
    }
    return success();
}

Status
WebhookOutbox::balanceLowered(const QSqlDatabase& db, Money availableBefore, const Balance& after, qint64 nowMs) const
{
    if (after.available() >= availableBefore)
        return success();
    auto catalog = m_catalog.snapshot(db);
    if (!catalog.ok())
        return catalog.error();
    return balanceLowered(db, *catalog.value(), availableBefore, after, nowMs);
}

void WebhookOutbox::checkDenied(Database& database, const CheckResult& result, const QDateTime& now)
{
    struct Denial
    {
        const LimitStatus* status;
        TimeRange window;
        QString key;
    };
    QList<Denial> denials;
    {
        QMutexLocker lock(&m_firedMutex);
        for (const LimitStatus& s : result.limits) {
            if (s.allowed || s.mode != LimitMode::Hard)
                continue;
            const TimeRange window = Periods::window(s.period, now);
            const QString key =
                result.customerId + u'|' + s.id + u'|' + QString::number(periodStartOf(s.period, window));
            if (!m_fired.contains(key))
                denials << Denial{&s, window, key};
        }
    }
    if (denials.isEmpty())
        return;
    const qint64 nowMs = Periods::toMs(now);
    const auto fail = [](const Error& e) { qCWarning(lcStore) << "limit.exceeded not stored:" << e.message; };
    auto catalog = m_catalog.snapshot(database.connection());
    if (!catalog.ok())
        return fail(catalog.error());
    if (!catalog.value()->subscribed(LimitExceeded))
        return;
    Sql::WriteTransaction tx(database);
    if (auto s = tx.begin(); !s.ok())
        return fail(s.error());
    tx.describeChanges(); // notifications only: nothing a limit check reads
    for (const Denial& d : std::as_const(denials)) {
        auto fresh = markFired(tx.db(),
                               result.customerId,
                               d.status->id,
                               periodStartOf(d.status->period, d.window),
                               QStringLiteral("exceeded"),
                               nowMs);
        if (!fresh.ok())
            return fail(fresh.error());
        if (!fresh.value())
            continue;
        Limit limit;
        limit.id = d.status->id;
        limit.meterId = d.status->meterId;
        limit.period = d.status->period;
        limit.mode = d.status->mode;
        limit.value = d.status->limit;
        QJsonObject data = limitData(result.customerId, limit, d.window);
        data.insert(QStringLiteral("used"), d.status->used);
        data.insert(QStringLiteral("held"), d.status->held);
        data.insert(QStringLiteral("remaining"), d.status->remaining);
        if (auto s = enqueueAll(tx.db(), *catalog.value(), LimitExceeded, data, nowMs); !s.ok())
            return fail(s.error());
    }
    if (auto s = tx.commit(); !s.ok())
        return fail(s.error());
    QMutexLocker lock(&m_firedMutex);
    if (m_fired.size() > 100'000)
        m_fired.clear(); // a bound, not a rule: the table stays the truth
    for (const Denial& d : std::as_const(denials))
        m_fired.insert(d.key);
}

} // namespace Meterline
