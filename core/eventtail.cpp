#include "core/eventtail.h"

#include <algorithm>

#include "core/sql.h"

namespace Meterline::EventTail
{

int indexedValueOnInsert(Database::Kind kind)
{
    return kind == Database::Kind::Sqlite ? 0 : 1;
}

Query forCustomer(Database::Kind kind,
                  const QString& columns,
                  const QString& customerId,
                  const QString& conditions,
                  const QVariantList& conditionValues)
{
    Query query;
    if (kind != Database::Kind::Sqlite) {
        query.sql = QStringLiteral("SELECT %1 FROM events WHERE customer_id = ?%2").arg(columns, conditions);
        query.values << customerId << conditionValues;
        return query;
    }
    // "indexed = 1" lets SQLite use the partial indexes. NOT INDEXED keeps the tail's part on the rowid range
    // (the planner would otherwise pick events_ts for a time condition and walk far more than the tail).
    query.sql = QStringLiteral("SELECT %1 FROM events WHERE indexed = 1 AND customer_id = ?%2"
                               " UNION ALL SELECT %1 FROM events NOT INDEXED WHERE seq > (SELECT value FROM meta"
                               " WHERE key = 'events_indexed_through') AND indexed = 0 AND customer_id = ?%2")
                    .arg(columns, conditions);
    query.values << customerId << conditionValues << customerId << conditionValues;
    return query;
}

namespace
{

// Flags the tail when it is at least minimum events long; the number flagged.
Result<int> indexTail(const QSqlDatabase& db, qint64 minimum)
{
    auto q = Sql::run(db,
                      QStringLiteral("SELECT (SELECT value FROM meta WHERE key = 'events_indexed_through'),"
                                     " (SELECT MAX(seq) FROM events)"));
    if (!q.ok())
        return q.error();
    if (!q.value().next())
        return Error::storage(QStringLiteral("meta.events_indexed_through is missing"));
    const qint64 mark = q.value().value(0).toLongLong();
    const qint64 last = q.value().value(1).toLongLong();
    if (last - mark < std::max<qint64>(minimum, 1))
        return 0;
    auto flagged = Sql::exec(
        db, QStringLiteral("UPDATE events SET indexed = 1 WHERE seq > ? AND seq <= ? AND indexed = 0"), {mark, last});
    if (!flagged.ok())
        return flagged.error();
    auto moved =
        Sql::exec(db, QStringLiteral("UPDATE meta SET value = ? WHERE key = 'events_indexed_through'"), {last});
    if (!moved.ok())
        return moved.error();
    return int(last - mark);
}

} // namespace

Status indexIfLong(const QSqlDatabase& db, Database::Kind kind)
{
    if (kind != Database::Kind::Sqlite)
        return success();
    auto flagged = indexTail(db, TailLength);
    return flagged.ok() ? success() : Status(flagged.error());
}

Result<int> indexAll(Database& database)
{
    if (database.kind() != Database::Kind::Sqlite)
        return 0;
    Sql::WriteTransaction tx(database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    tx.describeChanges(); // flags only: nothing a limit check reads
    auto flagged = indexTail(tx.db(), 1);
    if (!flagged.ok())
        return flagged.error();
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    return flagged.value();
}

} // namespace Meterline::EventTail
