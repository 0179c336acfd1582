#pragma once

#include <QSqlDatabase>

#include "core/database.h"
#include "core/result.h"
#include "core/service.h"
#include "core/types.h"

namespace Meterline
{

// Prepaid balances. Every change of money is a ledger transaction written in the same database
// transaction as the balance row; the balance row is the sum of its ledger amounts and never negative.
class WebhookOutbox;

class Ledger
{
public:
    Ledger(Database& database, const WebhookOutbox& outbox, Clock clock);

    Result<Balance> balance(const QString& customerId) const;
    Result<BalanceChangeResult> credit(const QString& customerId, const BalanceChange& change);
    Result<BalanceChangeResult> debit(const QString& customerId, const BalanceChange& change);
    Result<Balance> setReserve(const QString& customerId, Money reserve, const QString& actor);
    Result<LedgerPage> transactions(const QString& customerId, const QString& cursor, int limit) const;
    // Every stored balance of a live customer, by customer id (limit 1..10000), held credits included.
    Result<BalancePage> balances(const QString& cursor, int limit) const;

    // Inside a caller's write transaction: the balance with the credits held by open reservations.
    static Result<Balance>
    read(const QSqlDatabase& db, const QString& customerId, qint64 nowMs, const QString& forUpdate);
    // Inside the event's write transaction: burns usage credits, never below zero; the rest is unpaid.
    static Result<LedgerTransaction> burn(const QSqlDatabase& db,
                                          const QString& customerId,
                                          Money credits,
                                          const QString& eventId,
                                          qint64 nowMs,
                                          const QString& forUpdate);
    static Result<std::optional<LedgerTransaction>> usageOf(const QSqlDatabase& db, const QString& eventId);

private:
    Result<BalanceChangeResult> change(const QString& customerId, const BalanceChange& change, TransactionKind kind);

    Database& m_database;
    const WebhookOutbox& m_outbox; // balance.low / balance.depleted in the transaction that lowered available
    Clock m_clock;
};

} // namespace Meterline
