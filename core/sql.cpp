#include "core/sql.h"

#include <QSqlError>

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

Result<QSqlQuery> run(const QSqlDatabase& db, const QString& sql, const QVariantList& values)
{
    if (!db.isOpen())
        return Error::storage(QStringLiteral("the database connection is not open"));
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return storageError(q, sql);
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
    return q;
}

Result<QSqlQuery> run(const QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> values)
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
        QSqlQuery q(m_db);
        if (!q.exec(QStringLiteral("ROLLBACK")))
            qCWarning(lcStore) << "rollback failed:" << q.lastError().text();
    }
}

Status WriteTransaction::begin()
{
    if (!m_db.isOpen())
        return Error::storage(QStringLiteral("the database connection is not open"));
    QSqlQuery q(m_db);
    const QString sql = m_kind == Database::Kind::Sqlite ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
    if (!q.exec(sql))
        return Error::storage(QStringLiteral("cannot start a transaction: %1").arg(q.lastError().text()));
    m_open = true;
    return success();
}

Status WriteTransaction::commit()
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("COMMIT")))
        return Error::storage(QStringLiteral("commit failed: %1").arg(q.lastError().text()));
    m_open = false;
    return success();
}

} // namespace Meterline::Sql
