#pragma once

// Small helpers over Qt Sql that every store class uses: prepared, forward-only queries whose failures
// become Error values, and a write transaction guard.

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>
#include <initializer_list>

#include "core/database.h"
#include "core/result.h"

namespace Meterline::Sql
{

// A prepared forward-only query on db, with the values bound in order.
Result<QSqlQuery> run(const QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> values = {});
Result<QSqlQuery> run(const QSqlDatabase& db, const QString& sql, const QVariantList& values);
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

} // namespace Meterline::Sql
