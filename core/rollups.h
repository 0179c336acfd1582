#pragma once

#include <QSqlDatabase>

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
    // The meter's value for this aggregate (sum, count or max).
    double valueFor(Aggregation aggregation) const;
};

// Per-meter, per-customer aggregates at hour, day, month and lifetime grain, kept in the same transaction as
// each event, so that a limit's window is read from one to seven rows whatever the number of events.
// unique_count meters are not rolled up (distinct values do not add); they are counted from events.
class Rollups
{
public:
    enum class Grain
    {
        Hour,
        Day,
        Month,
        Lifetime
    };

    static bool rollsUp(const Meter& meter) { return meter.aggregation != Aggregation::UniqueCount; }

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

} // namespace Meterline
