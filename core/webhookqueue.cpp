#include "core/webhookqueue.h"

#include <QUuid>

#include "core/sql.h"
#include "core/webhooks.h"

namespace Meterline
{

namespace
{

Status logAttempt(const QSqlDatabase& db, const QString& deliveryId, int attempt, const WebhookAttemptOutcome& outcome)
{
    return toStatus(
        Sql::exec(db,
                  QStringLiteral("INSERT INTO webhook_attempts (delivery_id, attempt, started_at,"
                                 " duration_ms, status, error) VALUES (?, ?, ?, ?, ?, ?)"),
                  {deliveryId, attempt, outcome.startedAtMs, outcome.durationMs, outcome.status, outcome.error}));
}

} // namespace

WebhookQueue::WebhookQueue(Database& database, WebhookRetrySchedule schedule)
    : m_database(database)
    , m_schedule(schedule)
{
}

Result<QList<WebhookMessage>> WebhookQueue::claim(int max, qint64 nowMs, qint64 leaseMs)
{
    QList<WebhookMessage> claimed;
    if (max < 1)
        return claimed;
    static const QString due = QStringLiteral(
        " FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.state = 'pending'"
        " AND d.next_attempt_at <= ? AND e.disabled = 0 AND e.deleted_at IS NULL");
    // Most polls find nothing: a read first, so they never take the write lock.
    auto any =
        Sql::scalar(m_database.connection(), QStringLiteral("SELECT 1") + due + QStringLiteral(" LIMIT 1"), {nowMs});
    if (!any.ok())
        return any.error();
    if (!any.value())
        return claimed;

    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    tx.describeChanges(); // deliveries only: nothing a limit check reads
    struct Candidate
    {
        WebhookMessage message;
        qint64 dueAt = 0;
        bool abandoned = false;
    };
    QList<Candidate> candidates;
    {
        auto q = Sql::run(tx.db(),
                          QStringLiteral("SELECT d.id, d.endpoint_id, e.url, e.secret, d.payload, d.attempts,"
                                         " d.created_at, d.lease_token, d.next_attempt_at")
                              + due + QStringLiteral(" ORDER BY d.next_attempt_at, d.seq LIMIT ?"),
                          {nowMs, max});
        if (!q.ok())
            return q.error();
        while (q.value().next()) {
            Candidate c;
            c.message.deliveryId = q.value().value(0).toString();
            c.message.endpointId = q.value().value(1).toString();
            c.message.url = q.value().value(2).toString();
            c.message.secret = q.value().value(3).toString();
            c.message.body = q.value().value(4).toString().toUtf8();
            c.message.attempts = q.value().value(5).toInt();
            c.message.createdAtMs = q.value().value(6).toLongLong();
            c.abandoned = !q.value().isNull(7);
            c.dueAt = q.value().value(8).toLongLong();
            candidates << c;
        }
    }
    for (Candidate& c : candidates) {
        c.message.leaseToken = QUuid::createUuid().toString(QUuid::WithoutBraces);
        // Conditional on the row being as read: a sender that claimed it meanwhile wins, this one skips it.
        auto taken =
            Sql::exec(tx.db(),
                      QStringLiteral("UPDATE webhook_deliveries SET lease_token = ?, next_attempt_at = ?,"
                                     " attempts = attempts + ? WHERE id = ? AND state = 'pending'"
                                     " AND next_attempt_at = ?"),
                      {c.message.leaseToken, nowMs + leaseMs, c.abandoned ? 1 : 0, c.message.deliveryId, c.dueAt});
        if (!taken.ok())
            return taken.error();
        if (taken.value() != 1)
            continue;
        if (c.abandoned) {
            // A lease ran out with no outcome: the sender stopped mid-attempt. The receiver may have got it.
            ++c.message.attempts;
            WebhookAttemptOutcome lost{
                c.dueAt, 0, 0, QStringLiteral("no outcome recorded: the sender stopped during the attempt")};
            if (auto s = logAttempt(tx.db(), c.message.deliveryId, c.message.attempts, lost); !s.ok())
                return s.error();
        }
        claimed << c.message;
    }
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    return claimed;
}

Result<QString> WebhookQueue::finish(const WebhookMessage& message, const WebhookAttemptOutcome& outcome, qint64 nowMs)
{
    const bool delivered = outcome.status >= 200 && outcome.status < 300;
    const bool gone = outcome.status == 410;
    const int attempt = message.attempts + 1;
    QString state = QStringLiteral("pending");
    qint64 next = nowMs;
    QString error = outcome.error;
    if (delivered) {
        state = QStringLiteral("delivered");
        error.clear();
    } else if (gone) {
        state = QStringLiteral("failed");
        error = QStringLiteral("410 Gone: the endpoint is disabled");
    } else if (m_schedule.givesUp(message.createdAtMs, nowMs)) {
        state = QStringLiteral("failed");
    } else {
        next = nowMs + m_schedule.delayMs(attempt);
    }

    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    tx.describeChanges(); // deliveries only: nothing a limit check reads
    auto updated = Sql::exec(tx.db(),
                             QStringLiteral("UPDATE webhook_deliveries SET state = ?, attempts = ?, last_status = ?,"
                                            " last_error = ?, next_attempt_at = ?, lease_token = NULL,"
                                            " delivered_at = ? WHERE id = ? AND lease_token = ?"),
                             {state,
                              attempt,
                              outcome.status,
                              error,
                              next,
                              delivered ? QVariant(nowMs) : QVariant(),
                              message.deliveryId,
                              message.leaseToken});
    if (!updated.ok())
        return updated.error();
    if (updated.value() != 1)
        return QStringLiteral("lost");
    if (auto s = logAttempt(tx.db(), message.deliveryId, attempt, outcome); !s.ok())
        return s.error();
    if (gone) {
        auto disabled = Sql::exec(
            tx.db(), QStringLiteral("UPDATE webhook_endpoints SET disabled = 1 WHERE id = ?"), {message.endpointId});
        if (!disabled.ok())
            return disabled.error();
        if (auto s = Webhooks::failPending(tx.db(), message.endpointId, error); !s.ok())
            return s.error();
        if (auto s = Webhooks::changed(tx.db(), message.endpointId, QStringLiteral("upsert"), nowMs); !s.ok())
            return s.error(); // emission stops sending to it
    }
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    return state;
}

} // namespace Meterline
