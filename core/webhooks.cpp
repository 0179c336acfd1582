#include "core/webhooks.h"

#include <QJsonObject>
#include <QRandomGenerator>
#include <QUrl>

#include "core/catalog.h"
#include "core/periods.h"
#include "core/sql.h"
#include "core/storedjson.h"
#include "core/webhookoutbox.h"

namespace Meterline
{

namespace
{

const QString endpointColumns = QStringLiteral("id, url, events, balance_low_threshold, disabled, created_at");

WebhookEndpoint endpointFrom(const Sql::Statement& q)
{
    WebhookEndpoint e;
    e.id = q.value(0).toString();
    e.url = q.value(1).toString();
    e.events = StoredJson::toList(q.value(2).toString());
    if (!q.isNull(3))
        e.balanceLowThreshold = Money::fromMicros(q.value(3).toLongLong());
    e.disabled = q.value(4).toInt() != 0;
    e.createdAt = Periods::fromMs(q.value(5).toLongLong());
    return e;
}

// condition: a constant of this file, never input.
Result<QList<WebhookEndpoint>> endpointsWhere(const QSqlDatabase& db, const QString& condition)
{
    auto q = Sql::run(db,
                      QStringLiteral("SELECT %1 FROM webhook_endpoints WHERE %2 ORDER BY created_at, id")
                          .arg(endpointColumns, condition));
    if (!q.ok())
        return q.error();
    QList<WebhookEndpoint> list;
    while (q.value().next())
        list << endpointFrom(q.value());
    return list;
}

const QString deliveryColumns = QStringLiteral("id, endpoint_id, event_type, payload, state, attempts, last_status,"
                                               " last_error, next_attempt_at, created_at");

WebhookDelivery deliveryFrom(const Sql::Statement& r)
{
    WebhookDelivery d;
    d.id = r.value(0).toString();
    d.endpointId = r.value(1).toString();
    d.eventType = r.value(2).toString();
    d.payload = r.value(3).toString();
    d.state = r.value(4).toString();
    d.attempts = r.value(5).toInt();
    d.lastStatus = r.value(6).toInt();
    d.lastError = r.value(7).toString();
    if (d.state == QLatin1String("pending"))
        d.nextAttemptAt = Periods::fromMs(r.value(8).toLongLong());
    d.createdAt = Periods::fromMs(r.value(9).toLongLong());
    return d;
}

Status loadAttempts(const QSqlDatabase& db, WebhookDelivery& d)
{
    auto q = Sql::run(db,
                      QStringLiteral("SELECT attempt, started_at, duration_ms, status, error FROM webhook_attempts"
                                     " WHERE delivery_id = ? ORDER BY seq"),
                      {d.id});
    if (!q.ok())
        return q.error();
    while (q.value().next()) {
        WebhookAttempt a;
        a.attempt = q.value().value(0).toInt();
        a.startedAt = Periods::fromMs(q.value().value(1).toLongLong());
        a.durationMs = q.value().value(2).toLongLong();
        a.status = q.value().value(3).toInt();
        a.error = q.value().value(4).toString();
        d.attemptLog << a;
    }
    return success();
}

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32*>(bytes.data()),
                                         reinterpret_cast<quint32*>(bytes.data() + count));
    return bytes;
}

} // namespace

Webhooks::Webhooks(Database& database, Clock clock)
    : m_database(database)
    , m_clock(std::move(clock))
{
}

const QStringList& Webhooks::eventTypes()
{
    static const QStringList types{QStringLiteral("limit.threshold"),
                                   QStringLiteral("limit.exceeded"),
                                   QStringLiteral("balance.low"),
                                   QStringLiteral("balance.depleted")};
    return types;
}

Result<WebhookEndpoint> Webhooks::create(const WebhookEndpoint& input)
{
    const QUrl url(input.url, QUrl::StrictMode);
    if (input.url.size() > 2048 || !url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
        return Error::invalid(QStringLiteral("url must be an http or https URL"), QStringLiteral("url"));
    if (input.events.isEmpty())
        return Error::invalid(QStringLiteral("events lists the event types to send"), QStringLiteral("events"));
    for (const QString& type : input.events) {
        if (!eventTypes().contains(type))
            return Error::invalid(
                QStringLiteral("unknown event type '%1'; known: %2").arg(type, eventTypes().join(u", ")),
                QStringLiteral("events"));
    }
    if (input.balanceLowThreshold && input.balanceLowThreshold->isNegative())
        return Error::invalid(QStringLiteral("balanceLowThreshold must be >= 0"),
                              QStringLiteral("balanceLowThreshold"));
    WebhookEndpoint e = input;
    e.events.removeDuplicates();
    e.id = QStringLiteral("we_") + QString::fromLatin1(randomBytes(9).toHex());
    e.secret = QStringLiteral("whsec_") + QString::fromLatin1(randomBytes(24).toBase64());
    e.disabled = false;
    e.createdAt = Periods::fromMs(Periods::toMs(m_clock()));
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    auto inserted = Sql::exec(tx.db(),
                              QStringLiteral("INSERT INTO webhook_endpoints (id, url, events, secret,"
                                             " balance_low_threshold, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
                              {e.id,
                               e.url,
                               StoredJson::fromList(e.events),
                               e.secret,
                               e.balanceLowThreshold ? QVariant(e.balanceLowThreshold->micros()) : QVariant(),
                               Periods::toMs(e.createdAt)});
    if (!inserted.ok())
        return inserted.error();
    if (auto s = changed(tx.db(), e.id, QStringLiteral("upsert"), Periods::toMs(e.createdAt)); !s.ok())
        return s.error();
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    return e;
}

Result<QList<WebhookEndpoint>> Webhooks::list() const
{
    return endpointsWhere(m_database.connection(), QStringLiteral("deleted_at IS NULL"));
}

Result<WebhookEndpoint> Webhooks::endpoint(const QString& id) const
{
    auto q = Sql::run(
        m_database.connection(),
        QStringLiteral("SELECT %1 FROM webhook_endpoints WHERE id = ? AND deleted_at IS NULL").arg(endpointColumns),
        {id});
    if (!q.ok())
        return q.error();
    if (!q.value().next())
        return Error::missing(ErrorCode::NotFound, QStringLiteral("webhook endpoint"), id);
    return endpointFrom(q.value());
}

Status Webhooks::remove(const QString& id)
{
    const qint64 now = Periods::toMs(m_clock());
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s;
    auto updated =
        Sql::exec(tx.db(),
                  QStringLiteral("UPDATE webhook_endpoints SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL"),
                  {now, id});
    if (!updated.ok())
        return updated.error();
    if (updated.value() == 0)
        return Error::missing(ErrorCode::NotFound, QStringLiteral("webhook endpoint"), id);
    if (auto s = failPending(tx.db(), id, QStringLiteral("endpoint deleted")); !s.ok())
        return s;
    if (auto s = changed(tx.db(), id, QStringLiteral("delete"), now); !s.ok())
        return s;
    return tx.commit();
}

Status Webhooks::changed(const QSqlDatabase& db, const QString& endpointId, const QString& op, qint64 nowMs)
{
    // Subscriptions live in the catalog snapshot that emission reads; the change log tells the dashboard.
    if (auto s = Catalog::bumpConfig(db); !s.ok())
        return s;
    return Catalog::logChange(db, QStringLiteral("webhook"), endpointId, op, nowMs);
}

Status Webhooks::failPending(const QSqlDatabase& db, const QString& endpointId, const QString& reason)
{
    return toStatus(Sql::exec(db,
                              QStringLiteral("UPDATE webhook_deliveries SET state = 'failed', last_error = ?,"
                                             " lease_token = NULL WHERE endpoint_id = ? AND state = 'pending'"),
                              {reason, endpointId}));
}

Result<QList<WebhookEndpoint>> Webhooks::liveEndpoints(const QSqlDatabase& db)
{
    return endpointsWhere(db, QStringLiteral("deleted_at IS NULL AND disabled = 0"));
}

Result<QList<WebhookDelivery>> Webhooks::deliveries(const QString& endpointId, int limit) const
{
    if (limit < 1 || limit > 1000)
        return Error::invalid(QStringLiteral("limit must be 1-1000"), QStringLiteral("limit"));
    if (auto known = endpoint(endpointId); !known.ok())
        return known.error();
    const QSqlDatabase db = m_database.connection();
    auto q =
        Sql::run(db,
                 QStringLiteral("SELECT %1 FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY seq DESC LIMIT ?")
                     .arg(deliveryColumns),
                 {endpointId, limit});
    if (!q.ok())
        return q.error();
    QList<WebhookDelivery> list;
    while (q.value().next())
        list << deliveryFrom(q.value());
    for (WebhookDelivery& d : list) {
        if (auto s = loadAttempts(db, d); !s.ok())
            return s.error();
    }
    return list;
}

Result<WebhookDelivery> Webhooks::delivery(const QString& endpointId, const QString& deliveryId) const
{
    if (auto known = endpoint(endpointId); !known.ok())
        return known.error();
    const QSqlDatabase db = m_database.connection();
    auto q = Sql::run(
        db,
        QStringLiteral("SELECT %1 FROM webhook_deliveries WHERE id = ? AND endpoint_id = ?").arg(deliveryColumns),
        {deliveryId, endpointId});
    if (!q.ok())
        return q.error();
    if (!q.value().next())
        return Error::missing(ErrorCode::NotFound, QStringLiteral("webhook delivery"), deliveryId);
    WebhookDelivery d = deliveryFrom(q.value());
    if (auto s = loadAttempts(db, d); !s.ok())
        return s.error();
    return d;
}

Result<WebhookEndpoint> Webhooks::enabledEndpoint(const QString& id) const
{
    auto known = endpoint(id);
    if (known.ok() && known.value().disabled)
        return Error::conflict(QStringLiteral("webhook endpoint '%1' is disabled").arg(id));
    return known;
}

Result<WebhookDelivery> Webhooks::sendTest(const QString& endpointId)
{
    if (auto known = enabledEndpoint(endpointId); !known.ok())
        return known.error();
    const qint64 now = Periods::toMs(m_clock());
    const QJsonObject data{{QStringLiteral("endpointId"), endpointId},
                           {QStringLiteral("message"), QStringLiteral("a test event sent from Meterline")}};
    auto id = WebhookOutbox::enqueue(m_database.connection(), endpointId, WebhookOutbox::Test, data, now);
    if (!id.ok())
        return id.error();
    return delivery(endpointId, id.value());
}

Result<WebhookDelivery> Webhooks::retry(const QString& endpointId, const QString& deliveryId)
{
    auto current = delivery(endpointId, deliveryId);
    if (!current.ok())
        return current.error();
    if (auto known = enabledEndpoint(endpointId); !known.ok())
        return known.error();
    const qint64 now = Periods::toMs(m_clock());
    // A delivery whose lease is running is being sent right now; its answer decides what comes next.
    auto updated = Sql::exec(m_database.connection(),
                             QStringLiteral("UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ?,"
                                            " lease_token = NULL WHERE id = ? AND endpoint_id = ?"
                                            " AND (lease_token IS NULL OR next_attempt_at <= ?)"),
                             {now, deliveryId, endpointId, now});
    if (!updated.ok())
        return updated.error();
    if (updated.value() == 0)
        return Error::conflict(
            QStringLiteral("delivery '%1' is being sent; try again when it is done").arg(deliveryId));
    return delivery(endpointId, deliveryId);
}

} // namespace Meterline
