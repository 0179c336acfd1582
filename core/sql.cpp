#include "core/sql.h"

#include <QHash>
#include <QMutex>
#include <QSqlDriver>
#include <QSqlError>
#include <atomic>

#include "core/logging.h"

namespace Meterline::Sql
{

namespace
{

Error storageError(const QSqlQuery& q, const QString& sql)
{
    qCWarning(lcStore) << "query failed:" << sql.left(120) << q.lastError().text();
    return Error::storage(q.lastError().text());
}

} // namespace

struct CachedStatement
{
    QSqlQuery query;
    bool busy = false; // used by a live Statement: a nested use of the same SQL gets its own query
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

// Transaction control: prepared once per connection on SQLite (re-parsing BEGIN and ROLLBACK was a
// noticeable share of a check); PostgreSQL cannot PREPARE transaction statements, so it runs them plainly.
Status control(const QSqlDatabase& db, const QString& sql, const QString& failure)
{
    if (isSqlite(db)) {
        auto done = run(db, sql);
        if (!done.ok())
            return Error::storage(failure.arg(done.error().message));
        return success();
    }
    QSqlQuery q(db);
    if (!q.exec(sql))
        return Error::storage(failure.arg(q.lastError().text()));
    return success();
}

} // namespace

Statement::Statement(std::shared_ptr<CachedStatement> cached)
    : m_cached(std::move(cached))
{
}

Statement::Statement(std::unique_ptr<QSqlQuery> oneOff)
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
        m_cached->query.finish();
        m_cached->busy = false;
    }
}

QSqlQuery& Statement::query()
{
    return m_cached ? m_cached->query : *m_oneOff;
}

const QSqlQuery& Statement::query() const
{
    return m_cached ? m_cached->query : *m_oneOff;
}

void forgetConnection(const QString& connectionName)
{
    QMutexLocker lock(&cacheMutex);
    cache.remove(connectionName);
    cacheGeneration.fetch_add(1, std::memory_order_acq_rel);
    memo = ThreadMemo{};
}

Result<Statement> run(const QSqlDatabase& db, const QString& sql, const QVariantList& values)
{
    if (!db.isOpen())
        return Error::storage(QStringLiteral("the database connection is not open"));
    std::shared_ptr<CachedStatement> cached;
    ConnectionCache& statements = statementsOf(db);
    auto found = statements.constFind(sql);
    if (found != statements.cend()) {
        cached = found.value();
    } else {
        cached = std::make_shared<CachedStatement>();
        cached->query = QSqlQuery(db);
        cached->query.setForwardOnly(true);
        if (!cached->query.prepare(sql))
            return storageError(cached->query, sql);
        statements.insert(sql, cached);
    }
    std::optional<Statement> made;
    if (cached->busy) {
        // A nested use of the same SQL on this connection: a one-off query, so neither resets the other.
        auto oneOff = std::make_unique<QSqlQuery>(db);
        oneOff->setForwardOnly(true);
        if (!oneOff->prepare(sql))
            return storageError(*oneOff, sql);
        made.emplace(std::move(oneOff));
    } else {
        cached->busy = true;
        made.emplace(std::move(cached));
    }
    Statement statement(std::move(*made));
    QSqlQuery& q = statement.query();
    for (int i = 0; i < values.size(); ++i) {
        const QVariant& v = values.at(i);
        // Qt binds a null QString as SQL NULL; here an empty text is text. NULL is an invalid QVariant().
        if (v.typeId() == QMetaType::QString && v.toString().isNull())
            q.bindValue(i, QStringLiteral(""));
        else
            q.bindValue(i, v);
    }
    if (!q.exec()) {
        if (isUniqueViolation(q))
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

WriteTransaction::WriteTransaction(const Database& database)
    : m_db(database.connection())
    , m_kind(database.kind())
    , m_forUpdate(database.kind() == Database::Kind::Postgres ? QStringLiteral(" FOR UPDATE") : QString())
{
}

WriteTransaction::~WriteTransaction()
{
    if (m_open) {
        if (auto s = control(m_db, QStringLiteral("ROLLBACK"), QStringLiteral("rollback failed: %1")); !s.ok())
            qCWarning(lcStore) << s.error().message;
    }
}

Status WriteTransaction::begin()
{
    if (!m_db.isOpen())
        return Error::storage(QStringLiteral("the database connection is not open"));
    const QString sql = m_kind == Database::Kind::Sqlite ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
    if (auto s = control(m_db, sql, QStringLiteral("cannot start a transaction: %1")); !s.ok())
        return s;
    m_open = true;
    return success();
}

Status WriteTransaction::commit()
{
    if (auto s = control(m_db, QStringLiteral("COMMIT"), QStringLiteral("commit failed: %1")); !s.ok())
        return s;
    m_open = false;
    return success();
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
        return Error::storage(QStringLiteral("the database connection is not open"));
    if (auto s = control(m_db, QStringLiteral("BEGIN"), QStringLiteral("cannot start a transaction: %1")); !s.ok())
        return s;
    m_open = true;
    return success();
}

} // namespace Meterline::Sql
