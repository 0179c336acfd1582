#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include "core/database.h"
#include "core/result.h"
#include "core/webhookretryschedule.h"

namespace Meterline
{

// A delivery claimed for sending: what goes on the wire and the lease that makes it this sender's alone.
struct WebhookMessage
{
    QString deliveryId; // the webhook-id, the same on every attempt
    QString endpointId;
    QString url;
    QString secret; // whsec_<base64>
    QByteArray body;
    int attempts = 0; // attempts made before this one
    qint64 createdAtMs = 0;
    QString leaseToken;
};

// What one HTTP attempt came to. status 0: no answer (error says why).
struct WebhookAttemptOutcome
{
    qint64 startedAtMs = 0;
    qint64 durationMs = 0;
    int status = 0;
    QString error;
};

// The durable side of delivery: claims due deliveries with a lease, so that several senders on one database
// (servers sharing PostgreSQL) never send the same attempt twice, and records each attempt's outcome with
// what comes next. A lease that runs out (the sender died) makes the delivery due again.
class WebhookQueue
{
public:
    WebhookQueue(Database& database, WebhookRetrySchedule schedule);

    // Up to max deliveries due at nowMs, each leased until nowMs + leaseMs.
    Result<QList<WebhookMessage>> claim(int max, qint64 nowMs, qint64 leaseMs);
    // Logs the attempt and moves the delivery on: a 2xx delivers it; a 410 fails it and disables its
    // endpoint (and fails the endpoint's other pending deliveries); anything else schedules another try, or
    // fails it once the retry window is over. Returns the new state ("delivered", "pending", "failed"), or
    // "lost" when the lease had run out and another sender owns the delivery now.
    Result<QString> finish(const WebhookMessage& message, const WebhookAttemptOutcome& outcome, qint64 nowMs);

    const WebhookRetrySchedule& schedule() const { return m_schedule; }

private:
    Database& m_database;
    WebhookRetrySchedule m_schedule;
};

} // namespace Meterline
