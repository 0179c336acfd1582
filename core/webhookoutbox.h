#pragma once

#include <QMutex>
#include <QSet>
#include <QSqlDatabase>

#include "core/catalog.h"
#include "core/database.h"
#include "core/result.h"
#include "core/types.h"

namespace Meterline
{

// Decides which webhook events a change causes (SPEC §5) and writes one delivery row per subscribed endpoint
// into the outbox (webhook_deliveries), inside the caller's transaction: the notification commits or rolls
// back with the change. Costs nothing while no endpoint subscribes to the event type (the catalog snapshot
// carries the subscriptions).
class WebhookOutbox
{
public:
    static const QString LimitThreshold;  // "limit.threshold"
    static const QString LimitExceeded;   // "limit.exceeded"
    static const QString BalanceLow;      // "balance.low"
    static const QString BalanceDepleted; // "balance.depleted"
    static const QString Test;            // "webhook.test": sent by "send test event" only

    explicit WebhookOutbox(const Catalog& catalog);

    // Inside the event's transaction, after its rollups: limit.threshold for every limit of the customer on a
    // meter the event counts on whose used reached 80 % or 100 % of its value in the current period. Each
    // crossing fires once per period per limit and customer.
    Status usageRecorded(const QSqlDatabase& db,
                         const CatalogSnapshot& catalog,
                         const Customer& customer,
                         const Event& event,
                         qint64 nowMs) const;
    // Inside the transaction that lowered available (a debit, a usage burn, a reserve, a hold): balance.low
    // when it fell below an endpoint's balanceLowThreshold, balance.depleted when it reached zero.
    Status balanceLowered(const QSqlDatabase& db,
                          const CatalogSnapshot& catalog,
                          Money availableBefore,
                          const Balance& after,
                          qint64 nowMs) const;
    // The same, loading the catalog snapshot first (for callers off the record path).
    Status balanceLowered(const QSqlDatabase& db, Money availableBefore, const Balance& after, qint64 nowMs) const;
    // After a check that hard limits denied (nothing else was written): limit.exceeded in its own transaction,
    // once per period per limit and customer. A failure here is logged, not returned: the answer stands.
    void checkDenied(Database& database, const CheckResult& result, const QDateTime& now);

    // One delivery of an event to one endpoint; its id is the webhook-id of every attempt.
    static Result<QString> enqueue(
        const QSqlDatabase& db, const QString& endpointId, const QString& type, const QJsonObject& data, qint64 nowMs);

private:
    // Stores that a limit notification fired; false when it had already fired this period.
    static Result<bool> markFired(const QSqlDatabase& db,
                                  const QString& customerId,
                                  const QString& limitId,
                                  qint64 periodStart,
                                  const QString& kind,
                                  qint64 nowMs);
    static Status enqueueAll(const QSqlDatabase& db,
                             const CatalogSnapshot& catalog,
                             const QString& type,
                             const QJsonObject& data,
                             qint64 nowMs);

    const Catalog& m_catalog;
    // limit.exceeded already stored for (customer, limit, period): repeated denials skip the database. Only
    // facts that stay true for the rest of the period are kept.
    QMutex m_firedMutex;
    QSet<QString> m_fired;
};

} // namespace Meterline
