#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QVariantList>

#include "core/database.h"
#include "core/result.h"

namespace Meterline
{

// The events not yet in the per-customer indexes (SQLite only).
//
// A B-tree ordered by customer has one page dirtied per event when a commit spans many customers, and every
// dirty page is a WAL frame: two such indexes were most of what a durable record cost. So on SQLite those
// indexes are partial (WHERE indexed = 1), the recorder stores events with indexed = 0, and once the tail after
// meta.events_indexed_through is TailLength events long, the transaction that reaches it flags the whole tail
// at once, touching each customer's index page once for many events. Invariant: every event with
// seq <= events_indexed_through has indexed = 1.
//
// A query of one customer's events therefore reads two disjoint parts: the indexed rows through the partial
// indexes, and the tail (seq above the mark, indexed = 0, at most TailLength rows) by rowid. forCustomer
// writes that query. PostgreSQL indexes every event as it is stored and reads one part.
namespace EventTail
{

constexpr int TailLength = 4096;

// The value stored events get in their `indexed` column.
int indexedValueOnInsert(Database::Kind kind);

struct Query
{
    QString sql;
    QVariantList values;
};

// SELECT columns FROM events WHERE customer_id = ? <conditions> over both parts. conditions is "" or
// " AND …" on plain column names, with conditionValues for its placeholders; the caller may append
// ORDER BY (of result columns) and LIMIT.
Query forCustomer(Database::Kind kind,
                  const QString& columns,
                  const QString& customerId,
                  const QString& conditions,
                  const QVariantList& conditionValues);

// Inside a write transaction that stored events: flags the tail when it has reached TailLength events.
Status indexIfLong(const QSqlDatabase& db, Database::Kind kind);
// Flags whatever tail there is, in a transaction of its own: for a writer that has been idle a while, so that
// reads do not scan a tail that no longer grows. The number of events flagged.
Result<int> indexAll(Database& database);

} // namespace EventTail

} // namespace Meterline
