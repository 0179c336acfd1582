#pragma once

#include <QIODevice>

#include "core/catalog.h"
#include "core/database.h"
#include "core/result.h"
#include "core/service.h"
#include "core/types.h"

namespace Meterline
{

// Reads usage for billing and charts: meter usage over a period or range with groups and series, the
// summary of all customers, and the invoice lines of SPEC §4. Hour-aligned ranges of sum, count and max
// meters are read from the rollups (months, days, hours: the fewest rows that tile the range); ranges
// with dimension groups or filters, unaligned edges, and unique_count meters are aggregated from events.
class UsageReader
{
public:
    UsageReader(Database& database, const Catalog& catalog, Clock clock);

    TimeRange resolve(NamedPeriod period) const;
    Result<UsageResult> usage(const UsageQuery& query) const;
    Result<SummaryPage>
    summary(const TimeRange& range, const QString& customerId, const QString& cursor, int limit) const;
    Result<QList<InvoiceLine>> invoiceLines(const TimeRange& range) const;
    // The usage feed: customers with events stored after cursor `since`, and their figures in the current
    // window of every period (at most limit customers, 1..10000; more: truncated). The cursor is an event
    // seq on SQLite (one writer: seqs become visible in order) and, on PostgreSQL, the xmin of a snapshot
    // (events.xact >= it: the events of every transaction that had not ended when the last read began).
    Result<UsageChangePage> changedSince(qint64 since, int limit) const;
    // The cursor to follow the feed from, read before a full read of the summaries.
    Result<qint64> latestUsageChange() const;
    Status writeInvoiceCsv(const TimeRange& range, QIODevice& out) const;
    // Daily usage per customer and meter over a bounded range: the usage CSV export.
    Status writeUsageCsv(const TimeRange& range, const QString& customerId, QIODevice& out) const;

private:
    Database& m_database;
    const Catalog& m_catalog;
    Clock m_clock;
};

} // namespace Meterline
