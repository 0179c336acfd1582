#include "core/sql.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <QThread>
#include <atomic>
#include <sqlite3.h>

#include "core/checkcache.h"
#include "core/logging.h"
#include "core/sqlitestatement.h"

namespace Meterline::Sql
{

namespace
{

bool isPostgres(const QSqlDriver* driver)
{
    return driver && driver->dbmsType() == QSqlDriver::PostgreSQL;
}

bool isTransientFailure(const QSqlDriver* driver, const QSqlError& error)
{
    const QString code = error.nativeErrorCode();
    if (!isPostgres(driver)) // SQLite: SQLITE_BUSY, _LOCKED, _BUSY_RECOVERY, _BUSY_SNAPSHOT
        return code == QLatin1String("5") || code == QLatin1String("6") || code == QLatin1String("261")
               || code == QLatin1String("517");
    // No SQLSTATE: libpq lost the server ("server closed the connection unexpectedly", "no connection").
    if (code.isEmpty() || error.type() == QSqlError::ConnectionError || code.startsWith(QLatin1String("08")))
        return true;
    static const QStringList codes{
        QStringLiteral("40001"), // serialization_failure
        QStringLiteral("40P01"), // deadlock_detected
        QStringLiteral("55P03"), // lock_not_available
        QStringLiteral("25P02"), // in_failed_sql_transaction: an earlier statement of it failed
        QStringLiteral("23505"), // unique_violation: aborts the transaction; the rerun sees the winner's row
        QStringLiteral("57P01"), // admin_shutdown (pg_terminate_backend, server stop)
        QStringLiteral("57P02"), // crash_shutdown
        QStringLiteral("57P03"), // cannot_connect_now (starting up)
        QStringLiteral("53300"), // too_many_connections
    };
    return codes.contains(code);
}

// Connections PostgreSQL dropped (Qt still reports them open): Database::connection() replaces them. Keyed by
// driver, one per connection; the count keeps the common case free of the mutex.
QMutex lostMutex;
QSet<const QSqlDriver*> lostDrivers;
std::atomic<int> lostCount{0};

void noteLostConnection(const QSqlDriver* driver, const QSqlError& error)
{
    const QString code = error.nativeErrorCode();
    if (!isPostgres(driver)
        || !(code.isEmpty() || error.type() == QSqlError::ConnectionError || code.startsWith(QLatin1String("08"))
             || code == QLatin1String("57P01") || code == QLatin1String("57P02")))
        return;
    QMutexLocker lock(&lostMutex);
    if (!lostDrivers.contains(driver)) {
        lostDrivers.insert(driver);
        lostCount.fetch_add(1, std::memory_order_release);
    }
}

Error storageError(const QSqlQuery& q, const QString& sql)
{
    qCWarning(lcStore) << "query failed:" << sql.left(120) << q.lastError().text();
    noteLostConnection(q.driver(), q.lastError());
    if (isTransientFailure(q.driver(), q.lastError()))
        return Error{ErrorCode::Transient, q.lastError().text(), {}};
    return Error::storage(q.lastError().text());
}

// SQLITE_CONSTRAINT_UNIQUE and _PRIMARYKEY: the extended codes of a duplicate key.
constexpr int SqliteConstraintUnique = 2067;
constexpr int SqliteConstraintPrimaryKey = 1555;

Error nativeError(const SqliteStatement& statement, const QString& sql)
{
    qCWarning(lcStore) << "query failed:" << sql.left(120) << statement.errorText();
    // SQLITE_BUSY, _LOCKED and their extended codes (the primary code is the low byte).
    const int primary = statement.errorCode() & 0xff;
    if (primary == 5 || primary == 6)
        return Error{ErrorCode::Transient, statement.errorText(), {}};
    return Error::storage(statement.errorText());
}

Error notOpen()
{
    return Error{ErrorCode::Transient, QStringLiteral("the database connection is not open"), {}};
}

} // namespace

struct CachedStatement
{
    std::unique_ptr<SqliteStatement> native; // SQLite
    QSqlQuery query;                         // other databases
    bool busy = false; // used by a live Statement: a nested use of the same SQL gets its own statement
};

namespace
{

using ConnectionCache = QHash<QString, std::shared_ptr<CachedStatement>>; // SQL → statement

QMutex cacheMutex;
QHash<QString, std::shared_ptr<ConnectionCache>> cache; // connection → its statements
// Bumped whenever a connection's statements are dropped, so that every thread's memo below revalidates.
std::atomic<quint64> cacheGeneration{0};

// The statements of the connection this thread used last. A connection belongs to one thread (Qt Sql's
// rule), so the common case needs neither the global mutex nor a second hash lookup.
struct ThreadMemo
{
    QString connection;
    ConnectionCache* statements = nullptr;
    quint64 generation = ~quint64(0);
};
thread_local ThreadMemo memo;

ConnectionCache& statementsOf(const QSqlDatabase& db)
{
    const quint64 generation = cacheGeneration.load(std::memory_order_acquire);
    const QString name = db.connectionName();
    if (memo.statements && memo.generation == generation && memo.connection == name)
        return *memo.statements;
    QMutexLocker lock(&cacheMutex);
    auto& statements = cache[name];
    if (!statements)
        statements = std::make_shared<ConnectionCache>();
    memo = ThreadMemo{name, statements.get(), generation};
    return *statements;
}

bool isSqlite(const QSqlDatabase& db)
{
    return db.driver() && db.driver()->dbmsType() == QSqlDriver::SQLite;
}

// Forward-only rows stream from SQLite. QPSQL streams them in libpq's single-row mode, which allows one
// unfinished query per connection; the store nests queries (a row's details read while iterating), so on
// PostgreSQL each result arrives whole (queries that could be large are paged).
bool streams(const QSqlDatabase& db)
{
    return isSqlite(db);
}

// Transaction control: prepared once per connection on SQLite (re-parsing BEGIN and ROLLBACK was a
// noticeable share of a check); PostgreSQL cannot PREPARE transaction statements, so it runs them plainly.
Status control(const QSqlDatabase& db, const QString& sql, const QString& failure)
{
    if (isSqlite(db)) {
        auto done = run(db, sql);
        if (!done.ok())
            return Error{done.error().code, failure.arg(done.error().message), {}};
        return success();
    }
    QSqlQuery q(db);
    if (!q.exec(sql))
        return Sql::failure(db, q.lastError(), failure.arg(q.lastError().text()));
    return success();
}

} // namespace

Statement::Statement(std::shared_ptr<CachedStatement> cached)
    : m_cached(std::move(cached))
{
}

Statement::Statement(std::unique_ptr<CachedStatement> oneOff)
    : m_oneOff(std::move(oneOff))
{
}

Statement::Statement(Statement&& other) noexcept
    : m_cached(std::move(other.m_cached))
    , m_oneOff(std::move(other.m_oneOff))
{
}

Statement::~Statement()
{
    if (m_cached) {
        if (m_cached->native)
            m_cached->native->reset();
        else
            m_cached->query.finish();
        m_cached->busy = false;
    }
}

CachedStatement& Statement::statement() const
{
    return m_cached ? *m_cached : *m_oneOff;
}

bool Statement::next()
{
    CachedStatement& s = statement();
    return s.native ? s.native->next() : s.query.next();
}

QVariant Statement::value(int column) const
{
    const CachedStatement& s = statement();
    return s.native ? s.native->value(column) : s.query.value(column);
}

bool Statement::isNull(int column) const
{
    const CachedStatement& s = statement();
    return s.native ? s.native->isNull(column) : s.query.isNull(column);
}

int Statement::numRowsAffected() const
{
    const CachedStatement& s = statement();
    return s.native ? s.native->rowsAffected() : s.query.numRowsAffected();
}

void forgetConnection(const QString& connectionName)
{
    QMutexLocker lock(&cacheMutex);
    cache.remove(connectionName);
    cacheGeneration.fetch_add(1, std::memory_order_acq_rel);
    memo = ThreadMemo{};
}

namespace
{

// A new statement of sql on db: SQLite's own when db is SQLite, a QSqlQuery otherwise.
Result<std::unique_ptr<CachedStatement>> prepared(const QSqlDatabase& db, const QString& sql)
{
    auto made = std::make_unique<CachedStatement>();
    if (sqlite3* handle = SqliteStatement::handleOf(db)) {
        made->native = std::make_unique<SqliteStatement>();
        if (!made->native->prepare(handle, sql))
            return nativeError(*made->native, sql);
        return made;
    }
    made->query = QSqlQuery(db);
    made->query.setForwardOnly(streams(db));
    if (!made->query.prepare(sql))
        return storageError(made->query, sql);
    return made;
}

} // namespace

Result<Statement> run(const QSqlDatabase& db, const QString& sql, const QVariantList& values)
{
    if (!db.isOpen())
        return notOpen();
    ConnectionCache& statements = statementsOf(db);
    std::shared_ptr<CachedStatement> cached = statements.value(sql);
    if (!cached) {
        auto made = prepared(db, sql);
        if (!made.ok())
            return made.error();
        cached = std::shared_ptr<CachedStatement>(std::move(made).value());
        statements.insert(sql, cached);
    }
    std::optional<Statement> made;
    if (cached->busy) {
        // A nested use of the same SQL on this connection: a one-off statement, so neither resets the other.
        auto oneOff = prepared(db, sql);
        if (!oneOff.ok())
            return oneOff.error();
        made.emplace(std::move(oneOff).value());
    } else {
        cached->busy = true;
        made.emplace(std::move(cached));
    }
    Statement statement(std::move(*made));
    CachedStatement& s = statement.statement();
    if (s.native) {
        // SQLite binds a null QString as NULL only through Qt; here NULL is an invalid QVariant() either way.
        if (!s.native->exec(values)) {
            if (s.native->errorCode() == SqliteConstraintUnique || s.native->errorCode() == SqliteConstraintPrimaryKey)
                return Error::conflict(QStringLiteral("a record with this key exists"));
            return nativeError(*s.native, sql);
        }
        return statement;
    }
    QSqlQuery& q = s.query;
    for (int i = 0; i < values.size(); ++i) {
        const QVariant& v = values.at(i);
        // Qt binds a null QString as SQL NULL; here an empty text is text. NULL is an invalid QVariant().
        if (v.typeId() == QMetaType::QString && v.toString().isNull())
            q.bindValue(i, QStringLiteral(""));
        else
            q.bindValue(i, v);
    }
    if (!q.exec()) {
        if (isUniqueViolation(q) && isSqlite(db))
            return Error::conflict(QStringLiteral("a record with this key exists"));
        return storageError(q, sql);
    }
    return statement;
}

Result<Statement> run(const QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> values)
{
    return run(db, sql, QVariantList(values));
}

Result<int> exec(const QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> values)
{
    auto q = run(db, sql, values);
    if (!q.ok())
        return q.error();
    return q.value().numRowsAffected();
}

Result<std::optional<QVariant>>
scalar(const QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> values)
{
    auto q = run(db, sql, values);
    if (!q.ok())
        return q.error();
    if (!q.value().next())
        return std::optional<QVariant>();
    return std::optional<QVariant>(q.value().value(0));
}

bool isUniqueViolation(const QSqlQuery& q)
{
    const QString code = q.lastError().nativeErrorCode();
    // SQLite: SQLITE_CONSTRAINT_UNIQUE 2067, _PRIMARYKEY 1555 (Qt reports the extended code or 19).
    // PostgreSQL: unique_violation 23505.
    return code == QLatin1String("2067") || code == QLatin1String("1555") || code == QLatin1String("23505")
           || (code == QLatin1String("19") && q.lastError().databaseText().contains(QLatin1String("UNIQUE")));
}

bool takeLostConnection(const QSqlDatabase& db)
{
    if (lostCount.load(std::memory_order_acquire) == 0)
        return false;
    QMutexLocker lock(&lostMutex);
    if (!lostDrivers.remove(db.driver()))
        return false;
    lostCount.fetch_sub(1, std::memory_order_release);
    return true;
}

Error failure(const QSqlDatabase& db, const QSqlError& error, const QString& message)
{
    noteLostConnection(db.driver(), error);
    if (isTransientFailure(db.driver(), error))
        return Error{ErrorCode::Transient, message, {}};
    return Error::storage(message);
}

bool isTransient(const Error& error)
{
    return error.code == ErrorCode::Transient;
}

bool prepareRetry(const Database& database, int failedAttempts)
{
    constexpr int MaxAttempts = 14;
    if (failedAttempts >= MaxAttempts)
        return false;
    // Qt keeps a lost PostgreSQL connection "open": ask it, and start afresh when it does not answer.
    bool alive = false;
    {
        const QSqlDatabase db = database.connection();
        if (db.isOpen()) {
            QSqlQuery q(db);
            alive = q.exec(QStringLiteral("SELECT 1"));
        }
    }
    if (!alive) {
        qCWarning(lcStore) << "reconnecting after a lost connection";
        database.releaseThreadConnection();
    }
    const int base = std::min(5 << std::min(failedAttempts - 1, 8), 1000);
    QThread::msleep(base / 2 + QRandomGenerator::global()->bounded(base));
    return true;
}

WriteTransaction::WriteTransaction(const Database& database)
    : m_database(database)
    , m_db(database.connection())
    , m_kind(database.kind())
    , m_forUpdate(database.kind() == Database::Kind::Postgres ? QStringLiteral(" FOR UPDATE") : QString())
{
}

namespace
{
// The open write transaction of this thread, which notes what it changes for the check cache.
thread_local WriteTransaction* t_current = nullptr;
// PostgreSQL: what changes when the server restarts or runs crash recovery, read with a transaction's id before
// COMMIT: crash recovery hands the ids of the transactions it lost to new ones. Crash recovery without a restart
// keeps the postmaster's start time but resets the shared statistics, whose reset time is read from shared memory
// from PostgreSQL 15 on; before 15 it would wait for the statistics collector on every commit, so there only a
// restart is seen. Microseconds since the epoch: no session time zone in the text. (pg_stat_reset_shared of the
// bgwriter in that moment makes an outcome unknown, never wrong.)
const QString serverIncarnation = QStringLiteral(
    "(extract(epoch FROM pg_postmaster_start_time()) * 1000000)::bigint::text || ' ' || COALESCE(CASE WHEN "
    "current_setting('server_version_num')::int >= 150000 THEN (extract(epoch FROM "
    "pg_stat_get_bgwriter_stat_reset_time()) * 1000000)::bigint::text END, '')");
} // namespace

WriteTransaction::~WriteTransaction()
{
    if (m_open) {
        if (auto s = control(m_db, QStringLiteral("ROLLBACK"), QStringLiteral("rollback failed: %1")); !s.ok())
            qCWarning(lcStore) << s.error().message;
        close();
    }
}

void WriteTransaction::close()
{
    m_open = false;
    if (t_current == this)
        t_current = m_outer;
}

Status WriteTransaction::begin()
{
    if (!m_db.isOpen())
        return notOpen();
    const QString sql = m_kind == Database::Kind::Sqlite ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
    if (auto s = control(m_db, sql, QStringLiteral("cannot start a transaction: %1")); !s.ok())
        return s;
    m_open = true;
    if (m_kind == Database::Kind::Sqlite) {
        if (sqlite3* handle = SqliteStatement::handleOf(m_db))
            m_changesAtBegin = sqlite3_total_changes64(handle);
        m_changes = std::make_unique<StoreChanges>();
        m_outer = t_current;
        t_current = this;
    }
    return success();
}

void WriteTransaction::describeChanges()
{
    if (m_changes)
        m_changes->described = true;
}

void WriteTransaction::noteRollupUpsert(
    const QString& meterId, const QString& customerId, Rollups::Grain grain, qint64 bucketMs, const Aggregate& delta)
{
    if (t_current && t_current->m_changes)
        t_current->m_changes->rollups << StoreChanges::RollupUpsert{meterId, customerId, grain, bucketMs, delta};
}

void WriteTransaction::noteCustomerChanged(const QString& customerId)
{
    if (t_current && t_current->m_changes)
        t_current->m_changes->customers.insert(customerId);
}

Result<qint64> WriteTransaction::moveWriteClock()
{
    sqlite3* handle = SqliteStatement::handleOf(m_db);
    if (handle && sqlite3_total_changes64(handle) == m_changesAtBegin)
        return qint64(0); // read, or wrote nothing: no check can tell
    if (auto moved = exec(m_db, QStringLiteral("UPDATE meta SET value = value + 1 WHERE key = 'write_clock'"));
        !moved.ok())
        return moved.error();
    return CheckCache::readClock(m_db);
}

Status WriteTransaction::commit()
{
    if (m_kind == Database::Kind::Sqlite) {
        auto clock = moveWriteClock();
        if (!clock.ok())
            return clock.error();
        if (auto s = control(m_db, QStringLiteral("COMMIT"), QStringLiteral("commit failed: %1")); !s.ok())
            return s;
        close();
        if (CheckCache* cache = m_database.checkCache(); cache && clock.value() > 0 && m_changes)
            cache->committed(clock.value(), *m_changes);
        return success();
    }
    // PostgreSQL ends a transaction in which a statement failed with ROLLBACK even when told COMMIT, without an
    // error: this read fails in such a transaction (25P02, transient), so a swallowed failure is never
    // acknowledged as written. Its id (with the server's incarnation) resolves a COMMIT whose answer is lost.
    qint64 transactionId = 0;
    QString incarnation;
    {
        auto id = run(m_db, QStringLiteral("SELECT txid_current(), ") + serverIncarnation);
        if (!id.ok())
            return id.error();
        if (!id.value().next())
            return Error::storage(QStringLiteral("no transaction id"));
        transactionId = id.value().value(0).toLongLong();
        incarnation = id.value().value(1).toString();
    }
    auto done = control(m_db, QStringLiteral("COMMIT"), QStringLiteral("commit failed: %1"));
    close(); // a failed COMMIT ends the transaction too
    if (done.ok() || !isTransient(done.error()))
        return done;
    return resolveLostCommit(transactionId, incarnation, done.error());
}

Status WriteTransaction::resolveLostCommit(qint64 transactionId, const QString& incarnation, const Error& lost)
{
    auto outcome = committed(m_database, transactionId, incarnation);
    if (!outcome.ok()) {
        qCWarning(lcStore) << "the outcome of transaction" << transactionId << "is unknown:" << lost.message;
        return Error::storage(QStringLiteral("the outcome of the commit is unknown: %1").arg(lost.message));
    }
    if (outcome.value()) {
        qCInfo(lcStore) << "transaction" << transactionId << "committed although its COMMIT failed:" << lost.message;
        return success();
    }
    return lost; // rolled back: nothing of it is stored, running it again is safe
}

Result<bool> WriteTransaction::committed(const Database& database, qint64 transactionId, const QString& incarnation)
{
    if (database.kind() != Database::Kind::Postgres)
        return Error::storage(QStringLiteral("transaction ids are PostgreSQL's"));
    // On a connection of its own: the transaction's own connection is gone.
    const QString name = QStringLiteral("commit-probe@%1").arg(quintptr(QThread::currentThreadId()), 0, 16);
    Result<bool> outcome = Error::storage(QStringLiteral("the database cannot be reached"));
    {
        QSqlDatabase db = Database::addQtConnection(database.spec(), name);
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < 10'000) {
            if (db.isOpen() || db.open()) {
                QSqlQuery q(db);
                // The server first: after a crash, txid_status may answer for the new transaction given the id.
                if (!incarnation.isEmpty()) {
                    if (!q.exec(QStringLiteral("SELECT ") + serverIncarnation) || !q.next()) {
                        db.close();
                        QThread::msleep(50);
                        continue;
                    }
                    if (q.value(0).toString() != incarnation) {
                        outcome = Error::storage(
                            QStringLiteral("the database server restarted during the commit of transaction %1")
                                .arg(transactionId));
                        break;
                    }
                }
                q.prepare(QStringLiteral("SELECT txid_status(?)"));
                q.addBindValue(transactionId);
                if (q.exec() && q.next()) {
                    const QString status = q.value(0).toString();
                    if (status == QLatin1String("committed") || status == QLatin1String("aborted")) {
                        outcome = status == QLatin1String("committed");
                        break;
                    }
                    if (status != QLatin1String("in progress")) { // NULL: too old to know
                        outcome = Error::storage(QStringLiteral("transaction %1 is too old").arg(transactionId));
                        break;
                    }
                } else {
                    db.close();
                }
            }
            QThread::msleep(50);
        }
    }
    QSqlDatabase::removeDatabase(name);
    return outcome;
}

ReadTransaction::ReadTransaction(const QSqlDatabase& db)
    : m_db(db)
{
}

ReadTransaction::~ReadTransaction()
{
    if (m_open) {
        if (auto s = control(m_db, QStringLiteral("ROLLBACK"), QStringLiteral("ending a read transaction failed: %1"));
            !s.ok())
            qCWarning(lcStore) << s.error().message;
    }
}

Status ReadTransaction::begin()
{
    if (!m_db.isOpen())
        return notOpen();
    if (auto s = control(m_db, QStringLiteral("BEGIN"), QStringLiteral("cannot start a transaction: %1")); !s.ok())
        return s;
    m_open = true;
    return success();
}

} // namespace Meterline::Sql
