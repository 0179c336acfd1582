#pragma once

#include "core/database.h"
#include "core/result.h"
#include "core/service.h"
#include "core/types.h"

namespace Meterline
{

// Webhook endpoints and their delivery log (SPEC §5). The signing secret is shown once, at creation.
class Webhooks
{
public:
    Webhooks(Database& database, Clock clock);

    static const QStringList& eventTypes(); // limit.threshold, limit.exceeded, balance.low, balance.depleted

    Result<WebhookEndpoint> create(const WebhookEndpoint& endpoint);
    Result<QList<WebhookEndpoint>> list() const;
    Result<WebhookEndpoint> endpoint(const QString& id) const;
    Status remove(const QString& id); // pending deliveries of a removed endpoint fail
    Result<QList<WebhookDelivery>> deliveries(const QString& endpointId, int limit) const;
    Result<WebhookDelivery> delivery(const QString& endpointId, const QString& deliveryId) const;
    // "Send test event": a webhook.test delivery to the endpoint, whatever it subscribes to.
    Result<WebhookDelivery> sendTest(const QString& endpointId);
    // "Retry now": the delivery is due at once (again, if it was delivered or failed), under the same id.
    Result<WebhookDelivery> retry(const QString& endpointId, const QString& deliveryId);

    // The endpoints emission sends to: live and enabled, without their secrets (for the catalog snapshot).
    static Result<QList<WebhookEndpoint>> liveEndpoints(const QSqlDatabase& db);

    // Fails the endpoint's pending deliveries (it was deleted or disabled), inside the caller's transaction.
    static Status failPending(const QSqlDatabase& db, const QString& endpointId, const QString& reason);
    // An endpoint was made, deleted or disabled: reload every snapshot, log the change (entity "webhook").
    static Status changed(const QSqlDatabase& db, const QString& endpointId, const QString& op, qint64 nowMs);

private:
    Result<WebhookEndpoint> enabledEndpoint(const QString& id) const; // conflict when disabled

    Database& m_database;
    Clock m_clock;
};

} // namespace Meterline
