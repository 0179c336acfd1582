#include "core/webhooks.h"

#include <QRandomGenerator>
#include <QUrl>

#include "core/periods.h"
#include "core/sql.h"
#include "core/storedjson.h"

namespace Meterline
{

namespace
{

const QString endpointColumns = QStringLiteral("id, url, events, balance_low_threshold, disabled, created_at");

WebhookEndpoint endpointFrom(const QSqlQuery& q)
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
    auto inserted = Sql::exec(m_database.connection(),
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
    return e;
}

Result<QList<WebhookEndpoint>> Webhooks::list() const
{
    auto q =
        Sql::run(m_database.connection(),
                 QStringLiteral("SELECT %1 FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY created_at, id")
                     .arg(endpointColumns));
    if (!q.ok())
        return q.error();
    QList<WebhookEndpoint> list;
    while (q.value().next())
        list << endpointFrom(q.value());
    return list;
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
    auto updated =
        Sql::exec(m_database.connection(),
                  QStringLiteral("UPDATE webhook_endpoints SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL"),
                  {Periods::toMs(m_clock()), id});
    if (!updated.ok())
        return updated.error();
    if (updated.value() == 0)
        return Error::missing(ErrorCode::NotFound, QStringLiteral("webhook endpoint"), id);
    return success();
}

Result<QList<WebhookDelivery>> Webhooks::deliveries(const QString& endpointId, int limit) const
{
    if (limit < 1 || limit > 1000)
        return Error::invalid(QStringLiteral("limit must be 1-1000"), QStringLiteral("limit"));
    if (auto known = endpoint(endpointId); !known.ok())
        return known.error();
    auto q = Sql::run(m_database.connection(),
                      QStringLiteral("SELECT id, endpoint_id, event_type, payload, state, attempts, last_status,"
                                     " last_error, next_attempt_at, created_at FROM webhook_deliveries"
                                     " WHERE endpoint_id = ? ORDER BY seq DESC LIMIT ?"),
                      {endpointId, limit});
    if (!q.ok())
        return q.error();
    QList<WebhookDelivery> list;
    while (q.value().next()) {
        const QSqlQuery& r = q.value();
        WebhookDelivery d;
        d.id = r.value(0).toString();
        d.endpointId = r.value(1).toString();
        d.eventType = r.value(2).toString();
        d.payload = r.value(3).toString();
        d.state = r.value(4).toString();
        d.attempts = r.value(5).toInt();
        d.lastStatus = r.value(6).toInt();
        d.lastError = r.value(7).toString();
        d.nextAttemptAt = Periods::fromMs(r.value(8).toLongLong());
        d.createdAt = Periods::fromMs(r.value(9).toLongLong());
        list << d;
    }
    return list;
}

} // namespace Meterline
