#include "core/ledger.h"

#include "core/catalog.h"
#include "core/ids.h"
#include "core/logging.h"
#include "core/periods.h"
#include "core/sql.h"
#include "core/validation.h"
#include "core/webhookoutbox.h"

namespace Meterline
{

namespace
{

const QString transactionColumns = QStringLiteral(
    "id, customer_id, kind, amount, balance_after, unpaid, reason, actor, idempotency_key, event_id, created_at");

LedgerTransaction transactionFrom(const Sql::Statement& q)
{
    LedgerTransaction t;
    t.id = q.value(0).toString();
    t.customerId = q.value(1).toString();
    t.kind = parseTransactionKind(q.value(2).toString()).value_or(TransactionKind::Adjustment);
    t.amount = Money::fromMicros(q.value(3).toLongLong());
    t.balanceAfter = Money::fromMicros(q.value(4).toLongLong());
    t.unpaid = Money::fromMicros(q.value(5).toLongLong());
    t.reason = q.value(6).toString();
    t.actor = q.value(7).toString();
    t.idempotencyKey = q.value(8).toString();
    t.eventId = q.value(9).toString();
    t.createdAt = Periods::fromMs(q.value(10).toLongLong());
    return t;
}

QString newTransactionId()
{
    return Ids::make(QStringLiteral("txn_"));
}

// What a replay must repeat to be the same request.
QString fingerprintOf(TransactionKind kind, const BalanceChange& change)
{
    return toString(kind) + u'|' + change.amount.toString() + u'|' + change.reason;
}

Status writeBalance(const QSqlDatabase& db, const QString& customerId, Money balance, Money reserve, qint64 nowMs)
{
    Sql::WriteTransaction::noteCustomerChanged(customerId);
    auto written = Sql::exec(db,
                             QStringLiteral("INSERT INTO balances (customer_id, balance, reserve, updated_at)"
                                            " VALUES (?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET"
                                            " balance = excluded.balance, reserve = excluded.reserve,"
                                            " updated_at = excluded.updated_at"),
                             {customerId, balance.micros(), reserve.micros(), nowMs});
    if (!written.ok())
        return written.error();
    return success();
}

Status insertTransaction(const QSqlDatabase& db, const LedgerTransaction& t, const QString& fingerprint, qint64 nowMs)
{
    auto inserted =
        Sql::exec(db,
                  QStringLiteral("INSERT INTO ledger (%1, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                      .arg(transactionColumns),
                  {t.id,
                   t.customerId,
                   toString(t.kind),
                   t.amount.micros(),
                   t.balanceAfter.micros(),
                   t.unpaid.micros(),
                   t.reason,
                   t.actor,
                   t.idempotencyKey.isEmpty() ? QVariant() : t.idempotencyKey,
                   t.eventId.isEmpty() ? QVariant() : t.eventId,
                   nowMs,
                   fingerprint.isEmpty() ? QVariant() : fingerprint});
    if (!inserted.ok())
        return inserted.error();
    return success();
}

} // namespace

Ledger::Ledger(Database& database, const WebhookOutbox& outbox, Clock clock)
    : m_database(database)
    , m_outbox(outbox)
    , m_clock(std::move(clock))
{
}

Result<Balance> Ledger::read(const QSqlDatabase& db, const QString& customerId, qint64 nowMs, const QString& forUpdate)
{
    Balance b;
    b.customerId = customerId;
    auto row = Sql::run(
        db, QStringLiteral("SELECT balance, reserve FROM balances WHERE customer_id = ?") + forUpdate, {customerId});
    if (!row.ok())
        return row.error();
    const bool found = row.value().next();
    if (!found && !forUpdate.isEmpty()) {
        // PostgreSQL: FOR UPDATE locks no row that is not there, so two first writes of a customer would race.
        // Make the row (a racing maker waits for the first, then finds it made) and read it again, locked.
        auto made = Sql::exec(db,
                              QStringLiteral("INSERT INTO balances (customer_id, balance, reserve, updated_at)"
                                             " VALUES (?, 0, 0, ?) ON CONFLICT (customer_id) DO NOTHING"),
                              {customerId, nowMs});
        if (!made.ok())
            return made.error();
        return read(db, customerId, nowMs, forUpdate);
    }
    if (found) {
        b.balance = Money::fromMicros(row.value().value(0).toLongLong());
        b.reserve = Money::fromMicros(row.value().value(1).toLongLong());
    }
    auto held = Sql::scalar(db,
                            QStringLiteral("SELECT COALESCE(SUM(credits), 0) FROM reservations WHERE customer_id = ?"
                                           " AND state = 'held' AND expires_at > ?"),
                            {customerId, nowMs});
    if (!held.ok())
        return held.error();
    b.held = Money::fromMicros(held.value().value_or(0).toLongLong());
    return b;
}

Result<Balance> Ledger::balance(const QString& customerId) const
{
    const QSqlDatabase db = m_database.connection();
    if (auto customer = Catalog::requireCustomer(db, customerId); !customer.ok())
        return customer.error();
    return read(db, customerId, Periods::toMs(m_clock()), {});
}

Result<BalanceChangeResult> Ledger::credit(const QString& customerId, const BalanceChange& change)
{
    return this->change(customerId, change, TransactionKind::Credit);
}

Result<BalanceChangeResult> Ledger::debit(const QString& customerId, const BalanceChange& change)
{
    return this->change(customerId, change, TransactionKind::Debit);
}

Result<BalanceChangeResult> Ledger::change(const QString& customerId, const BalanceChange& change, TransactionKind kind)
{
    if (!change.amount.isPositive() || change.amount.micros() > Money::MaxMicros)
        return Error::invalid(QStringLiteral("amount must be a positive decimal with at most 6 places"),
                              QStringLiteral("amount"));
    if (change.reason.size() > 500)
        return Error::invalid(QStringLiteral("reason is longer than 500 characters"), QStringLiteral("reason"));
    if (!change.idempotencyKey.isEmpty() && change.idempotencyKey.size() > 255)
        return Error::invalid(QStringLiteral("idempotencyKey is longer than 255 characters"),
                              QStringLiteral("idempotencyKey"));
    const qint64 now = Periods::toMs(m_clock());
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    tx.describeChanges(); // the balance rows note their customer
    if (auto customer = Catalog::requireCustomer(tx.db(), customerId); !customer.ok())
        return customer.error();

    const QString fingerprint = fingerprintOf(kind, change);
    if (!change.idempotencyKey.isEmpty()) {
        auto previous = Sql::run(tx.db(),
                                 QStringLiteral("SELECT %1, fingerprint FROM ledger WHERE customer_id = ? AND"
                                                " idempotency_key = ?")
                                     .arg(transactionColumns),
                                 {customerId, change.idempotencyKey});
        if (!previous.ok())
            return previous.error();
        if (previous.value().next()) {
            if (previous.value().value(11).toString() != fingerprint) {
                return Error{
                    ErrorCode::IdempotencyConflict,
                    QStringLiteral("idempotency key '%1' was used with a different request").arg(change.idempotencyKey),
                    QStringLiteral("idempotencyKey")};
            }
            BalanceChangeResult replay;
            replay.transaction = transactionFrom(previous.value());
            replay.duplicate = true;
            auto current = read(tx.db(), customerId, now, {});
            if (!current.ok())
                return current.error();
            replay.balance = current.value();
            return replay;
        }
    }

    auto current = read(tx.db(), customerId, now, tx.forUpdate());
    if (!current.ok())
        return current.error();
    Balance b = current.value();
    const Money signedAmount = kind == TransactionKind::Debit ? -change.amount : change.amount;
    if (kind == TransactionKind::Debit && b.available() - change.amount < Money()) {
        return Error{ErrorCode::InsufficientBalance,
                     QStringLiteral("available balance %1 is less than %2")
                         .arg(b.available().toString(), change.amount.toString()),
                     QStringLiteral("amount")};
    }
    if (kind == TransactionKind::Credit && (b.balance + change.amount).micros() > Money::MaxMicros)
        return Error::invalid(QStringLiteral("the balance would exceed the largest amount"), QStringLiteral("amount"));
    b.balance += signedAmount;

    LedgerTransaction t;
    t.id = newTransactionId();
    t.customerId = customerId;
    t.kind = kind;
    t.amount = signedAmount;
    t.balanceAfter = b.balance;
    t.reason = change.reason;
    t.actor = change.actor;
    t.idempotencyKey = change.idempotencyKey;
    t.createdAt = Periods::fromMs(now);
    if (auto s = writeBalance(tx.db(), customerId, b.balance, b.reserve, now); !s.ok())
        return s.error();
    if (auto s = insertTransaction(tx.db(), t, fingerprint, now); !s.ok())
        return s.error();
    if (auto s = m_outbox.balanceLowered(tx.db(), current.value().available(), b, now); !s.ok())
        return s.error();
    if (auto s = Catalog::logChange(tx.db(), QStringLiteral("balance"), customerId, QStringLiteral("upsert"), now);
        !s.ok())
        return s.error();
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    qCInfo(lcLedger) << toString(kind) << customerId << signedAmount.toString() << "->" << b.balance.toString();
    return BalanceChangeResult{t, b, false};
}

Result<Balance> Ledger::setReserve(const QString& customerId, Money reserve, const QString& actor)
{
    Q_UNUSED(actor);
    if (reserve.isNegative() || reserve.micros() > Money::MaxMicros)
        return Error::invalid(QStringLiteral("reserve must be an amount >= 0"), QStringLiteral("reserve"));
    const qint64 now = Periods::toMs(m_clock());
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    tx.describeChanges(); // the balance rows note their customer
    if (auto customer = Catalog::requireCustomer(tx.db(), customerId); !customer.ok())
        return customer.error();
    auto current = read(tx.db(), customerId, now, tx.forUpdate());
    if (!current.ok())
        return current.error();
    Balance b = current.value();
    b.reserve = reserve;
    // The reserve is not money moving: it changes what is available, not the balance, so no ledger row.
    if (auto s = writeBalance(tx.db(), customerId, b.balance, b.reserve, now); !s.ok())
        return s.error();
    if (auto s = m_outbox.balanceLowered(tx.db(), current.value().available(), b, now); !s.ok())
        return s.error();
    if (auto s = Catalog::logChange(tx.db(), QStringLiteral("balance"), customerId, QStringLiteral("upsert"), now);
        !s.ok())
        return s.error();
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    return b;
}

Result<LedgerTransaction> Ledger::burn(const QSqlDatabase& db,
                                       const QString& customerId,
                                       Money credits,
                                       const QString& eventId,
                                       qint64 nowMs,
                                       const QString& forUpdate)
{
    auto current = read(db, customerId, nowMs, forUpdate);
    if (!current.ok())
        return current.error();
    Balance b = current.value();
    // Usage may use the reserve but never takes the balance below zero; the shortfall is reported.
    const Money taken = std::min(credits, b.balance);
    b.balance -= taken;
    LedgerTransaction t;
    t.id = newTransactionId();
    t.customerId = customerId;
    t.kind = TransactionKind::Usage;
    t.amount = -taken;
    t.balanceAfter = b.balance;
    t.unpaid = credits - taken;
    t.reason = QStringLiteral("usage");
    t.eventId = eventId;
    t.createdAt = Periods::fromMs(nowMs);
    if (auto s = writeBalance(db, customerId, b.balance, b.reserve, nowMs); !s.ok())
        return s.error();
    if (auto s = insertTransaction(db, t, {}, nowMs); !s.ok())
        return s.error();
    if (t.unpaid.isPositive())
        qCInfo(lcLedger) << "usage of" << customerId << "left" << t.unpaid.toString() << "unpaid";
    return t;
}

Result<std::optional<LedgerTransaction>> Ledger::usageOf(const QSqlDatabase& db, const QString& eventId)
{
    auto q =
        Sql::run(db,
                 QStringLiteral("SELECT %1 FROM ledger WHERE event_id = ? AND kind = 'usage'").arg(transactionColumns),
                 {eventId});
    if (!q.ok())
        return q.error();
    if (!q.value().next())
        return std::optional<LedgerTransaction>();
    return std::optional<LedgerTransaction>(transactionFrom(q.value()));
}

Result<LedgerPage> Ledger::transactions(const QString& customerId, const QString& cursor, int limit) const
{
    if (limit < 1 || limit > 1000)
        return Error::invalid(QStringLiteral("limit must be 1-1000"), QStringLiteral("limit"));
    qint64 before = std::numeric_limits<qint64>::max();
    if (!cursor.isEmpty()) {
        bool ok = false;
        before = QByteArray::fromBase64(cursor.toLatin1(), QByteArray::Base64UrlEncoding).toLongLong(&ok);
        if (!ok)
            return Error::invalid(QStringLiteral("cursor is not one this server made"), QStringLiteral("cursor"));
    }
    const QSqlDatabase db = m_database.connection();
    if (auto customer = Catalog::requireCustomer(db, customerId); !customer.ok())
        return customer.error();
    // Newest first.
    auto q = Sql::run(
        db,
        QStringLiteral("SELECT %1, seq FROM ledger WHERE customer_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?")
            .arg(transactionColumns),
        {customerId, before, limit + 1});
    if (!q.ok())
        return q.error();
    LedgerPage page;
    qint64 lastSeq = 0;
    while (q.value().next()) {
        if (page.data.size() == limit) {
            page.nextCursor = QString::fromLatin1(QByteArray::number(lastSeq).toBase64(QByteArray::Base64UrlEncoding));
            break;
        }
        page.data << transactionFrom(q.value());
        lastSeq = q.value().value(11).toLongLong();
    }
    return page;
}

Result<BalancePage> Ledger::balances(const QString& cursor, int limit) const
{
    if (limit < 1 || limit > 10000)
        return Error::invalid(QStringLiteral("limit must be 1-10000"), QStringLiteral("limit"));
    QString after;
    if (!cursor.isEmpty()) {
        after = QString::fromUtf8(QByteArray::fromBase64(cursor.toLatin1(), QByteArray::Base64UrlEncoding));
        if (after.isEmpty())
            return Error::invalid(QStringLiteral("cursor is not one this server made"), QStringLiteral("cursor"));
    }
    const QSqlDatabase db = m_database.connection();
    // One statement: the balance rows of live customers with the credits of their open holds.
    auto q = Sql::run(db,
                      QStringLiteral("SELECT b.customer_id, b.balance, b.reserve,"
                                     " (SELECT COALESCE(SUM(r.credits), 0) FROM reservations r"
                                     "  WHERE r.customer_id = b.customer_id AND r.state = 'held' AND r.expires_at > ?)"
                                     " FROM balances b JOIN customers c ON c.id = b.customer_id"
                                     " WHERE c.deleted_at IS NULL AND b.customer_id > ?"
                                     " ORDER BY b.customer_id LIMIT ?"),
                      {Periods::toMs(m_clock()), after, limit + 1});
    if (!q.ok())
        return q.error();
    BalancePage page;
    while (q.value().next()) {
        if (page.data.size() == limit) {
            const QByteArray last = page.data.constLast().customerId.toUtf8();
            page.nextCursor = QString::fromLatin1(last.toBase64(QByteArray::Base64UrlEncoding));
            break;
        }
        Balance b;
        b.customerId = q.value().value(0).toString();
        b.balance = Money::fromMicros(q.value().value(1).toLongLong());
        b.reserve = Money::fromMicros(q.value().value(2).toLongLong());
        b.held = Money::fromMicros(q.value().value(3).toLongLong());
        page.data << b;
    }
    return page;
}

} // namespace Meterline
