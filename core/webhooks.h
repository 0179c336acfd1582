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
    Status remove(const QString& id);
    Result<QList<WebhookDelivery>> deliveries(const QString& endpointId, int limit) const;

private:
    Database& m_database;
    Clock m_clock;
};

} // namespace Meterline
