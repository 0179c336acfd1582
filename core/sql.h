#pragma once

// Small helpers over Qt Sql that every store class uses: prepared, forward-only queries whose failures
// become Error values, and a write transaction guard.

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>
#include <initializer_list>
#include <memory>

#include "core/database.h"
#include "core/result.h"

namespace Meterline::Sql
{

struct CachedStatement;

// An executed query. Statements are prepared once per connection and reused (preparing costs more than
// running most of Meterline's statements); a Statement resets its statement when it goes out of scope, so
// that no finished SELECT keeps an old SQLite read snapshot open. Move-only; reads like a QSqlQuery.
class Statement
{
public:
    explicit Statement(std::shared_ptr<CachedStatement> cached);
    explicit Statement(std::unique_ptr<QSqlQuery> oneOff);
    Statement(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;
    ~Statement();

    bool next() { return query().next(); }
    QVariant value(int column) const { return query().value(column); }
    bool isNull(int column) const { return query().isNull(column); }
    int numRowsAffected() const { return query().numRowsAffected(); }
    QSqlQuery& query();
    const QSqlQuery& query() const;
    operator const QSqlQuery&() const { return query(); }

private:
    std::shared_ptr<CachedStatement> m_cached;
    std::unique_ptr<QSqlQuery> m_oneOff;
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

// BEGIN IMMEDIATE on SQLite (one writer, taken up front, so no upgrade deadlocks); BEGIN on PostgreSQL,
// where the store locks rows FOR UPDATE. Rolls back on destruction unless commit() succeeded.
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
    // " FOR UPDATE" on PostgreSQL, "" on SQLite (whose BEGIN IMMEDIATE already locks).
    QString forUpdate() const { return m_forUpdate; }

private:
    QSqlDatabase m_db;
    Database::Kind m_kind;
    QString m_forUpdate;
    bool m_open = false;
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
