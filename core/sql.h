#pragma once

// Small helpers over Qt Sql that every store class uses: prepared, forward-only queries whose failures
// become Error values, and a write transaction guard.

#include <QList>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <initializer_list>
#include <memory>

#include "core/database.h"
#include "core/result.h"
#include "core/storechanges.h"

namespace Meterline::Sql
{

struct CachedStatement;

// An executed query. Statements are prepared once per connection and reused (preparing costs more than
// running most of Meterline's statements); a Statement resets its statement when it goes out of scope, so
// that no finished SELECT keeps an old SQLite read snapshot open. On SQLite it runs through SQLite's C API
// (SqliteStatement), elsewhere through QSqlQuery. Move-only; reads like a forward-only QSqlQuery.
class Statement
{
public:
    explicit Statement(std::shared_ptr<CachedStatement> cached);
    explicit Statement(std::unique_ptr<CachedStatement> oneOff);
    Statement(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;
    ~Statement();

    bool next();
    QVariant value(int column) const;
    bool isNull(int column) const;
    int numRowsAffected() const;

private:
    friend Result<Statement> run(const QSqlDatabase& db, const QString& sql, const QVariantList& values);
    CachedStatement& statement() const;

    std::shared_ptr<CachedStatement> m_cached;
    std::unique_ptr<CachedStatement> m_oneOff;
};

// A prepared forward-only query on db, run with the values bound in order.
Result<Statement> run(const QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> values = {});
Result<Statement> run(const QSqlDatabase& db, const QString& sql, const QVariantList& values);
// Drops the statements cached for a connection; Database calls it before removing the connection.
void forgetConnection(const QString& connectionName);
// Runs a statement that returns no rows; the number of rows it changed.
Result<int> exec(const QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> values = {});
// The single value of a one-row query, or std::nullopt when it returns no row.
Result<std::optional<QVariant>>
scalar(const QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> values = {});

bool isUniqueViolation(const QSqlQuery& q);

// The Error of a failed statement on db: ErrorCode::Transient when running the whole operation again can
// succeed (PostgreSQL: serialization failure, deadlock, lock timeout, a lost or closed connection, an aborted
// transaction, a unique violation, after which the transaction is aborted and the rerun sees the winner's row;
// SQLite: busy), storage_error otherwise. message describes the failure.
Error failure(const QSqlDatabase& db, const QSqlError& error, const QString& message);
bool isTransient(const Error& error);
// True once for a connection whose server went away (noted when a statement on it failed so); Database then
// opens a new one instead of handing it out again.
bool takeLostConnection(const QSqlDatabase& db);

// Called by retrying after a transient failure: reopens this thread's connection when it no longer answers,
// then sleeps (5 ms doubling to 1 s, jittered). False when the attempts are spent (about 6 s in all, enough
// for a PostgreSQL restart).
bool prepareRetry(const Database& database, int failedAttempts);

// Runs operation (one whole unit of work, its own transaction(s)) until it succeeds, fails for good, or its
// retries are spent; a transient failure that remains is returned as storage_error. Safe because a transient
// failure means nothing of the attempt committed (WriteTransaction::commit resolves a lost COMMIT).
template <typename T> const Error* failureOf(const Result<T>& result)
{
    return result.ok() ? nullptr : &result.error();
}
template <typename T> const Error* failureOf(const QList<Result<T>>& results) // all fail alike (recordEach)
{
    for (const Result<T>& r : results) {
        if (!r.ok() && isTransient(r.error()))
            return &r.error();
    }
    return nullptr;
}
template <typename T> void settle(Result<T>& result)
{
    if (!result.ok() && isTransient(result.error()))
        result = Error::storage(result.error().message);
}
template <typename T> void settle(QList<Result<T>>& results)
{
    for (Result<T>& r : results)
        settle(r);
}
template <typename Operation> auto retrying(const Database& database, Operation&& operation)
{
    for (int attempt = 1;; ++attempt) {
        auto result = operation();
        const Error* error = failureOf(result);
        if (!error || !isTransient(*error))
            return result;
        if (!prepareRetry(database, attempt)) {
            settle(result);
            return result;
        }
    }
}

// BEGIN IMMEDIATE on SQLite (one writer, taken up front, so no upgrade deadlocks); BEGIN on PostgreSQL,
// where the store locks rows FOR UPDATE. Rolls back on destruction unless commit() succeeded.
// On SQLite, a transaction that changed rows also moves meta.write_clock, and tells this process's
// CheckCache what it changed (see core/checkcache.h).
class WriteTransaction
{
public:
    explicit WriteTransaction(const Database& database);
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;

    Status begin();
    Status commit();
    const QSqlDatabase& db() const { return m_db; }
    // PostgreSQL: the transaction's id, read just before COMMIT, so that a COMMIT whose answer was lost with
    // the connection is resolved (txid_status) instead of guessed. incarnation (when not empty): the server's,
    // read with the id. A server that restarted or ran crash recovery since then may have handed that id to a
    // new transaction (the ids of transactions the crash lost are given out again), so the outcome is then an
    // error, never "committed" on another transaction's word.
    static Result<bool> committed(const Database& database, qint64 transactionId, const QString& incarnation = {});
    // " FOR UPDATE" on PostgreSQL, "" on SQLite (whose BEGIN IMMEDIATE already locks).
    QString forUpdate() const { return m_forUpdate; }

    // This transaction changes nothing a limit check reads except what is noted below (by Rollups::add,
    // the ledger, reservations). Without it, its commit empties the check cache.
    void describeChanges();
    // Notes for the calling thread's open write transaction, if any.
    static void noteRollupUpsert(const QString& meterId,
                                 const QString& customerId,
                                 Rollups::Grain grain,
                                 qint64 bucketMs,
                                 const Aggregate& delta);
    static void noteCustomerChanged(const QString& customerId);

private:
    Status resolveLostCommit(qint64 transactionId, const QString& incarnation, const Error& lost);
    Result<qint64> moveWriteClock(); // SQLite: the new meta.write_clock, or 0 when nothing changed
    void close();

    const Database& m_database;
    QSqlDatabase m_db;
    Database::Kind m_kind;
    QString m_forUpdate;
    bool m_open = false;
    qint64 m_changesAtBegin = 0;
    std::unique_ptr<StoreChanges> m_changes; // SQLite only
    WriteTransaction* m_outer = nullptr;     // the thread's previous current transaction
};

// A read transaction (deferred BEGIN): the reads inside see one snapshot and take the lock once. Ends on
// destruction (ROLLBACK: nothing was written).
class ReadTransaction
{
public:
    explicit ReadTransaction(const QSqlDatabase& db);
    ~ReadTransaction();
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;

    Status begin();

private:
    QSqlDatabase m_db;
    bool m_open = false;
};

} // namespace Meterline::Sql
