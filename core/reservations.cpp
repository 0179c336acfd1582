#include "core/reservations.h"

#include "core/periods.h"
#include "core/sql.h"

namespace Meterline
{

namespace
{

Status toStatus(const Result<int>& r)
{
    if (!r.ok())
        return r.error();
    return success();
}

} // namespace

Result<std::optional<Reservation>>
Reservations::find(const QSqlDatabase& db, const QString& id, const QString& forUpdate)
{
    auto q = Sql::run(db,
                      QStringLiteral("SELECT id, customer_id, meter_id, amount, credits, state, expires_at, created_at"
                                     " FROM reservations WHERE id = ?")
                          + forUpdate,
                      {id});
    if (!q.ok())
        return q.error();
    if (!q.value().next())
        return std::optional<Reservation>();
    const Sql::Statement& r = q.value();
    Reservation res;
    res.id = r.value(0).toString();
    res.customerId = r.value(1).toString();
    res.meterId = r.value(2).toString();
    res.amount = r.value(3).toDouble();
    res.credits = Money::fromMicros(r.value(4).toLongLong());
    const QString state = r.value(5).toString();
    res.state = state == QLatin1String("settled")   ? ReservationState::Settled
                : state == QLatin1String("expired") ? ReservationState::Expired
                                                    : ReservationState::Held;
    res.expiresAt = Periods::fromMs(r.value(6).toLongLong());
    res.createdAt = Periods::fromMs(r.value(7).toLongLong());
    return std::optional<Reservation>(res);
}

Status Reservations::insert(const QSqlDatabase& db, const Reservation& r)
{
    Sql::WriteTransaction::noteCustomerChanged(r.customerId);
    return toStatus(
        Sql::exec(db,
                  QStringLiteral("INSERT INTO reservations (id, customer_id, meter_id, amount, credits, state,"
                                 " expires_at, created_at) VALUES (?, ?, ?, ?, ?, 'held', ?, ?)"),
                  {r.id,
                   r.customerId,
                   r.meterId,
                   r.amount,
                   r.credits.micros(),
                   Periods::toMs(r.expiresAt),
                   Periods::toMs(r.createdAt)}));
}

Result<double>
Reservations::heldUnits(const QSqlDatabase& db, const QString& customerId, const QString& meterId, qint64 nowMs)
{
    auto held =
        Sql::scalar(db,
                    QStringLiteral("SELECT COALESCE(SUM(amount), 0) FROM reservations WHERE customer_id = ?"
                                   " AND state = 'held' AND expires_at > ? AND (meter_id = ? OR meter_id = '')"),
                    {customerId, nowMs, meterId});
    if (!held.ok())
        return held.error();
    return held.value().value_or(0).toDouble();
}

Result<std::optional<qint64>> Reservations::nextExpiry(const QSqlDatabase& db, const QString& customerId, qint64 nowMs)
{
    auto next =
        Sql::scalar(db,
                    QStringLiteral("SELECT MIN(expires_at) FROM reservations WHERE customer_id = ? AND state = 'held'"
                                   " AND expires_at > ?"),
                    {customerId, nowMs});
    if (!next.ok())
        return next.error();
    if (!next.value() || next.value()->isNull())
        return std::optional<qint64>();
    return std::optional<qint64>(next.value()->toLongLong());
}

Status Reservations::settle(const QSqlDatabase& db, const QString& id, const QString& eventId)
{
    return toStatus(Sql::exec(
        db, QStringLiteral("UPDATE reservations SET state = 'settled', event_id = ? WHERE id = ?"), {eventId, id}));
}

Status Reservations::markExpired(const QSqlDatabase& db, const QString& id)
{
    return toStatus(Sql::exec(
        db, QStringLiteral("UPDATE reservations SET state = 'expired' WHERE id = ? AND state = 'held'"), {id}));
}

} // namespace Meterline
