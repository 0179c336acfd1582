#pragma once

#include <QSqlDatabase>

#include "core/result.h"
#include "core/types.h"

namespace Meterline
{

// Holds taken by check with reserve: stored rows, counted while state is held and now < expiresAt.
class Reservations
{
public:
    // forUpdate: WriteTransaction::forUpdate(), so that two servers settling one hold take turns.
    static Result<std::optional<Reservation>>
    find(const QSqlDatabase& db, const QString& id, const QString& forUpdate = {});
    static Status insert(const QSqlDatabase& db, const Reservation& reservation);
    // Units held on a meter's limits: holds on that meter and holds taken on all the customer's limits.
    static Result<double>
    heldUnits(const QSqlDatabase& db, const QString& customerId, const QString& meterId, qint64 nowMs);
    // The earliest expiry after nowMs of the customer's open holds (when what they hold next changes).
    static Result<std::optional<qint64>> nextExpiry(const QSqlDatabase& db, const QString& customerId, qint64 nowMs);
    static Status settle(const QSqlDatabase& db, const QString& id, const QString& eventId);
    static Status markExpired(const QSqlDatabase& db, const QString& id);
};

} // namespace Meterline
