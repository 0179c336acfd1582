#pragma once

#include <QSqlDatabase>
#include <limits>
#include <vector>

#include "core/database.h"
#include "core/result.h"
#include "core/types.h"

namespace Meterline
{

// An aggregate of events: what every meter aggregation except unique_count is computed from.
struct Aggregate
{
    double total = 0;
    qint64 events = 0;
    double maximum = 0;

    void add(double value);
    void merge(const Aggregate& other);
    // What the rollups upsert computes for a stored row: total + excluded.total, events + excluded.events,
    // MAX(maximum, excluded.maximum). Folding a group's increments and the check cache both follow it.
    void upsert(const Aggregate& increment);
    // The meter's value for this aggregate (sum, count or max).
    double valueFor(Aggregation aggregation) const;
};

// Per-meter, per-customer aggregates at hour, day and month grain, kept in the same transaction as each event,
// so that a limit's window is read from one to seven rows whatever the number of events. A lifetime window is
// the sum of the month rows (one per month the customer used the meter): a fourth row per event would cost every
// record an upsert (schema 10 dropped them) to save a read of a few dozen rows.
// unique_count meters are not rolled up (distinct values do not add); they are counted from events.
class Rollups
{
public:
    enum class Grain
    {
        Hour,
        Day,
        Month
    };

    static bool rollsUp(const Meter& meter) { return meter.aggregation != Aggregation::UniqueCount; }

    // Every bucket from the first month on: a lifetime window, as bounds of month buckets.
    static constexpr qint64 LifetimeFromMs = 0;
    static constexpr qint64 LifetimeToMs = std::numeric_limits<qint64>::max();

    // Adds one event to every grain of (meter, customer).
    static Status add(const QSqlDatabase& db,
                      Database::Kind kind,
                      const QString& meterId,
                      const QString& customerId,
                      qint64 timestampMs,
                      double value);
    // Recomputes a meter's aggregates from all stored events (a meter applies to past events too).
    static Status rebuild(const QSqlDatabase& db, Database::Kind kind, const Meter& meter);
    static Status remove(const QSqlDatabase& db, const QString& meterId);

    // The aggregate of one customer's buckets of a grain in [fromMs, toMs).
    static Result<Aggregate> read(const QSqlDatabase& db,
                                  const QString& meterId,
                                  const QString& customerId,
                                  Grain grain,
                                  qint64 fromMs,
                                  qint64 toMs);

    struct Row
    {
        QString customerId;
        qint64 bucketMs = 0;
        Aggregate aggregate;
    };
    // Every bucket of a grain in [fromMs, toMs), of one customer or (empty customerId) all of them.
    static Result<QList<Row>> rows(const QSqlDatabase& db,
                                   const QString& meterId,
                                   const QString& customerId,
                                   Grain grain,
                                   qint64 fromMs,
                                   qint64 toMs);

    static QString grainCode(Grain grain);
};

// The rollup increments of a group of events recorded in one transaction, written by flush() with a few
// multi-row upserts instead of one statement per event. The increments of one row keep the order of add(), and
// each row of an upsert sees the rows before it (SQLite applies them one by one; on PostgreSQL a statement never
// names a row twice), so the stored totals equal those of one Rollups::add per event, rounding included. On
// SQLite (one writer: nothing changes a row between a read and a write of the transaction), a row with several
// increments is read once, its increments added here in their order exactly as the upserts would, and written
// once. Reads of rollups inside the transaction must flush first.
class RollupWriter
{
public:
    explicit RollupWriter(Database::Kind kind)
        : m_kind(kind)
    {
    }

    // One event's increment of every grain of (meter, customer).
    void add(const QString& meterId, const QString& customerId, qint64 timestampMs, double value);
    bool isEmpty() const { return m_rows.empty(); }
    // Writes what was added and forgets it; on failure the transaction must roll back.
    Status flush(const QSqlDatabase& db);

private:
    struct PendingRow
    {
        QString meterId;
        QString customerId;
        Rollups::Grain grain;
        qint64 bucketMs;
        Aggregate aggregate; // one increment, or (a row's whole new state) the stored row with its increments
    };
    enum class Write
    {
        AddIncrements,
        ReplaceRows
    };
    // Several increments of one row (rows[from, to)) added to its stored state, as successive upserts would.
    static Result<PendingRow>
    foldedRow(const QSqlDatabase& db, const std::vector<PendingRow>& rows, size_t from, size_t to);
    Status writeAll(const QSqlDatabase& db, const std::vector<PendingRow>& rows, Write write) const;
    Status
    write(const QSqlDatabase& db, const std::vector<PendingRow>& rows, size_t from, size_t count, Write write) const;

    Database::Kind m_kind;
    std::vector<PendingRow> m_rows;
};

} // namespace Meterline
