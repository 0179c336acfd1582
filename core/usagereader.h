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
    Status writeInvoiceCsv(const TimeRange& range, QIODevice& out) const;
    // Daily usage per customer and meter over a bounded range: the usage CSV export.
    Status writeUsageCsv(const TimeRange& range, const QString& customerId, QIODevice& out) const;

private:
    Database& m_database;
    const Catalog& m_catalog;
    Clock m_clock;
};

} // namespace Meterline
