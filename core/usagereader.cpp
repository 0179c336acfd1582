#include "core/usagereader.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <map>

#include "core/eventtail.h"
#include "core/invoicecsv.h"
#include "core/periods.h"
#include "core/rollups.h"
#include "core/sql.h"
#include "core/storedjson.h"
#include "core/validation.h"

namespace Meterline
{

namespace
{

const QString CustomerKey = QStringLiteral("customerId");

// What one group × bucket of a query has seen.
struct Accumulator
{
    Aggregate aggregate;
    QSet<QString> unique;

    void merge(const Accumulator& other)
    {
        aggregate.merge(other.aggregate);
        unique.unite(other.unique);
    }
    double value(Aggregation aggregation) const
    {
        return aggregation == Aggregation::UniqueCount ? double(unique.size()) : aggregate.valueFor(aggregation);
    }
    bool empty() const { return aggregate.events == 0 && unique.isEmpty(); }
};

// Group key (the groupBy values, in groupBy order) → series bucket start (0 without a window) → accumulator.
using Cells = std::map<QStringList, std::map<qint64, Accumulator>>;

Dimensions groupDimensions(const QStringList& groupBy, const QStringList& key)
{
    Dimensions d;
    for (int i = 0; i < groupBy.size() && i < key.size(); ++i)
        d.insert(groupBy.at(i), key.at(i));
    return d;
}

struct Collect
{
    const Meter* meter = nullptr;
    QString customerId; // empty: all
    TimeRange range;    // invalid bounds: lifetime
    QStringList groupBy;
    Dimensions filters;
    std::optional<Window> window;
};

bool hourAligned(const QDateTime& t)
{
    return !t.isValid() || Periods::toMs(t) % (3600 * 1000) == 0;
}

bool fromRollups(const Collect& c)
{
    if (!Rollups::rollsUp(*c.meter) || !c.filters.isEmpty())
        return false;
    for (const QString& g : c.groupBy) {
        if (g != CustomerKey)
            return false;
    }
    return hourAligned(c.range.from) && hourAligned(c.range.to);
}

qint64 seriesBucket(const std::optional<Window>& window, qint64 ms)
{
    return window ? Periods::toMs(Periods::bucketStart(*window, Periods::fromMs(ms))) : 0;
}

struct Segment
{
    Rollups::Grain grain;
    qint64 from;
    qint64 to;
};

// Tiles [from, to) (hour-aligned) with the coarsest grains the series window allows.
QList<Segment> tile(const QDateTime& from, const QDateTime& to, const std::optional<Window>& window)
{
    const bool months = !window || *window == Window::Month;
    const bool days = months || *window == Window::Day;
    QList<Segment> segments;
    QDateTime t = from;
    while (t < to) {
        Rollups::Grain grain = Rollups::Grain::Hour;
        QDateTime next = t.addSecs(3600);
        if (months && Periods::bucketStart(Window::Month, t) == t && t.addMonths(1) <= to) {
            grain = Rollups::Grain::Month;
            next = t.addMonths(1);
        } else if (days && Periods::bucketStart(Window::Day, t) == t && t.addDays(1) <= to) {
            grain = Rollups::Grain::Day;
            next = t.addDays(1);
        }
        if (!segments.isEmpty() && segments.last().grain == grain && segments.last().to == Periods::toMs(t))
            segments.last().to = Periods::toMs(next);
        else
            segments << Segment{grain, Periods::toMs(t), Periods::toMs(next)};
        t = next;
    }
    return segments;
}

Result<Cells> collect(const QSqlDatabase& db, const Collect& c)
{
    Cells cells;
    if (fromRollups(c)) {
        QList<Segment> segments;
        if (!c.range.from.isValid()) {
            // Lifetime: every month row, or with a series every bucket of the window's grain.
            const Rollups::Grain grain = !c.window || *c.window == Window::Month ? Rollups::Grain::Month
                                         : *c.window == Window::Day              ? Rollups::Grain::Day
                                                                                 : Rollups::Grain::Hour;
            segments << Segment{grain, Rollups::LifetimeFromMs, Rollups::LifetimeToMs};
        } else {
            segments = tile(c.range.from, c.range.to, c.window);
        }
        for (const Segment& s : std::as_const(segments)) {
            auto rows = Rollups::rows(db, c.meter->id, c.customerId, s.grain, s.from, s.to);
            if (!rows.ok())
                return rows.error();
            for (const Rollups::Row& row : rows.value()) {
                QStringList key;
                for (int i = 0; i < c.groupBy.size(); ++i)
                    key << row.customerId; // fromRollups: every groupBy entry is customerId
                cells[key][seriesBucket(c.window, row.bucketMs)].aggregate.merge(row.aggregate);
            }
        }
        return cells;
    }

    const QString columns = QStringLiteral("customer_id, event_type, value, dimensions, ts");
    QString conditions;
    QVariantList values;
    if (c.range.from.isValid()) {
        conditions = QStringLiteral(" AND ts >= ? AND ts < ?");
        values << Periods::toMs(c.range.from) << Periods::toMs(c.range.to);
    }
    const EventTail::Query events =
        c.customerId.isEmpty()
            ? EventTail::Query{QStringLiteral("SELECT %1 FROM events WHERE 1 = 1%2").arg(columns, conditions), values}
            : EventTail::forCustomer(Database::kindOf(db), columns, c.customerId, conditions, values);
    auto q = Sql::run(db, events.sql, events.values);
    if (!q.ok())
        return q.error();
    while (q.value().next()) {
        const Sql::Statement& r = q.value();
        const Dimensions dims = StoredJson::toMap(r.value(3).toString());
        if (!c.meter->matches(r.value(1).toString(), dims))
            continue;
        bool passes = true;
        for (auto f = c.filters.cbegin(); f != c.filters.cend() && passes; ++f)
            passes = dims.value(f.key()) == f.value() && dims.contains(f.key());
        if (!passes)
            continue;
        QStringList key;
        for (const QString& g : c.groupBy)
            key << (g == CustomerKey ? r.value(0).toString() : dims.value(g));
        Accumulator& cell = cells[key][seriesBucket(c.window, r.value(4).toLongLong())];
        if (c.meter->aggregation == Aggregation::UniqueCount) {
            const auto counted = dims.constFind(c.meter->dimension);
            if (counted != dims.cend())
                cell.unique.insert(counted.value());
        } else {
            cell.aggregate.add(r.value(2).toDouble());
        }
    }
    return cells;
}

// Per-customer values of one meter over a range, customers without matching usage left out.
Result<QHash<QString, Accumulator>>
byCustomer(const QSqlDatabase& db, const Meter& meter, const QString& customerId, const TimeRange& range)
{
    Collect c;
    c.meter = &meter;
    c.customerId = customerId;
    c.range = range;
    c.groupBy = {CustomerKey};
    auto cells = collect(db, c);
    if (!cells.ok())
        return cells.error();
    QHash<QString, Accumulator> result;
    for (const auto& [key, buckets] : cells.value()) {
        Accumulator total;
        for (const auto& [bucket, acc] : buckets)
            total.merge(acc);
        if (!total.empty())
            result.insert(key.value(0), total);
    }
    return result;
}

Status checkRange(const TimeRange& range)
{
    if (range.from.isValid() != range.to.isValid())
        return Error::invalid(QStringLiteral("from and to go together"), QStringLiteral("from"));
    if (range.from.isValid() && range.from >= range.to)
        return Error::invalid(QStringLiteral("from must be before to"), QStringLiteral("from"));
    return success();
}

} // namespace

UsageReader::UsageReader(Database& database, const Catalog& catalog, Clock clock)
    : m_database(database)
    , m_catalog(catalog)
    , m_clock(std::move(clock))
{
}

TimeRange UsageReader::resolve(NamedPeriod period) const
{
    return Periods::namedRange(period, m_clock());
}

Result<UsageResult> UsageReader::usage(const UsageQuery& query) const
{
    if (auto s = Validation::checkId(query.meterId, QStringLiteral("meterId")); !s.ok())
        return s.error();
    TimeRange range;
    if (query.period) {
        range = resolve(*query.period);
    } else if (query.from.isValid() || query.to.isValid()) {
        range = {query.from, query.to};
        if (!query.from.isValid() || !query.to.isValid())
            return Error::invalid(QStringLiteral("from and to go together"),
                                  query.from.isValid() ? QStringLiteral("to") : QStringLiteral("from"));
        if (auto s = checkRange(range); !s.ok())
            return s.error();
    } else {
        return Error::invalid(QStringLiteral("give a period or from and to"), QStringLiteral("period"));
    }
    for (const QString& g : query.groupBy) {
        if (g.isEmpty() || g.size() > Validation::MaxDimensionKey)
            return Error::invalid(QStringLiteral("groupBy names a dimension or customerId"), QStringLiteral("groupBy"));
    }
    if (query.groupBy.size() > Validation::MaxDimensions)
        return Error::invalid(QStringLiteral("too many groupBy keys"), QStringLiteral("groupBy"));
    if (query.window && range.from.isValid()) {
        // A series of more than ~100k buckets is a mistake, not a chart.
        const qint64 span = Periods::toMs(range.to) - Periods::toMs(range.from);
        const qint64 bucket = *query.window == Window::Hour  ? 3600000LL
                              : *query.window == Window::Day ? 86400000LL
                                                             : 2419200000LL;
        if (span / bucket > 100000)
            return Error::invalid(QStringLiteral("the range holds too many %1 buckets").arg(toString(*query.window)),
                                  QStringLiteral("window"));
    }

    const QSqlDatabase db = m_database.connection();
    auto catalog = m_catalog.snapshot(db);
    if (!catalog.ok())
        return catalog.error();
    const auto meter = catalog.value()->meters.constFind(query.meterId);
    if (meter == catalog.value()->meters.cend())
        return Error::notFound(ErrorCode::MeterNotFound, QStringLiteral("no meter with id '%1'").arg(query.meterId));
    if (!query.customerId.isEmpty()) {
        if (auto customer = Catalog::requireCustomer(db, query.customerId); !customer.ok())
            return customer.error();
    }

    Collect c;
    c.meter = &meter.value();
    c.customerId = query.customerId;
    c.range = range;
    c.groupBy = query.groupBy;
    c.filters = query.filters;
    c.window = query.window;
    auto cells = collect(db, c);
    if (!cells.ok())
        return cells.error();

    UsageResult result;
    result.meterId = query.meterId;
    result.customerId = query.customerId;
    result.aggregation = meter->aggregation;
    result.from = range.from;
    result.to = range.to;
    Accumulator total;
    std::map<qint64, Accumulator> series;
    for (const auto& [key, buckets] : cells.value()) {
        Accumulator group;
        for (const auto& [bucket, acc] : buckets) {
            group.merge(acc);
            series[bucket].merge(acc);
        }
        total.merge(group);
        if (!query.groupBy.isEmpty())
            result.groups << UsageGroup{groupDimensions(query.groupBy, key), group.value(meter->aggregation)};
    }
    result.value = total.value(meter->aggregation);
    if (query.window) {
        if (range.from.isValid()) {
            // Every bucket of the range, empty ones at 0, clipped to [from, to).
            for (QDateTime start = Periods::bucketStart(*query.window, range.from); start < range.to;
                 start = Periods::nextBucket(*query.window, start)) {
                const QDateTime end = Periods::nextBucket(*query.window, start);
                const auto found = series.find(Periods::toMs(start));
                result.series << UsageBucket{std::max(start, range.from),
                                             std::min(end, range.to),
                                             found == series.end() ? 0 : found->second.value(meter->aggregation)};
            }
        } else {
            for (const auto& [bucket, acc] : series) {
                const QDateTime start = Periods::fromMs(bucket);
                result.series << UsageBucket{
                    start, Periods::nextBucket(*query.window, start), acc.value(meter->aggregation)};
            }
        }
    }
    return result;
}

Result<SummaryPage>
UsageReader::summary(const TimeRange& range, const QString& customerId, const QString& cursor, int limit) const
{
    if (auto s = checkRange(range); !s.ok())
        return s.error();
    if (limit < 1 || limit > 10000)
        return Error::invalid(QStringLiteral("limit must be 1-10000"), QStringLiteral("limit"));
    QString afterCustomer;
    QString afterMeter;
    if (!cursor.isEmpty()) {
        const QList<QByteArray> parts =
            QByteArray::fromBase64(cursor.toLatin1(), QByteArray::Base64UrlEncoding).split('\n');
        if (parts.size() != 2)
            return Error::invalid(QStringLiteral("cursor is not one this server made"), QStringLiteral("cursor"));
        afterCustomer = QString::fromUtf8(parts[0]);
        afterMeter = QString::fromUtf8(parts[1]);
    }
    const QSqlDatabase db = m_database.connection();
    auto catalog = m_catalog.snapshot(db);
    if (!catalog.ok())
        return catalog.error();
    QList<SummaryRow> rows;
    for (const Meter& meter : catalog.value()->meters) {
        auto values = byCustomer(db, meter, customerId, range);
        if (!values.ok())
            return values.error();
        for (auto it = values.value().cbegin(); it != values.value().cend(); ++it)
            rows << SummaryRow{it.key(), meter.id, it.value().value(meter.aggregation)};
    }
    std::sort(rows.begin(), rows.end(), [](const SummaryRow& a, const SummaryRow& b) {
        return std::tie(a.customerId, a.meterId) < std::tie(b.customerId, b.meterId);
    });
    SummaryPage page;
    page.from = range.from;
    page.to = range.to;
    for (const SummaryRow& row : std::as_const(rows)) {
        if (!cursor.isEmpty() && std::tie(row.customerId, row.meterId) <= std::tie(afterCustomer, afterMeter))
            continue;
        if (page.data.size() == limit) {
            const SummaryRow& last = page.data.constLast();
            page.nextCursor = QString::fromLatin1(
                (last.customerId.toUtf8() + '\n' + last.meterId.toUtf8()).toBase64(QByteArray::Base64UrlEncoding));
            break;
        }
        page.data << row;
    }
    return page;
}

Result<qint64> UsageReader::latestUsageChange() const
{
    // On PostgreSQL every transaction below the snapshot's xmin has ended, so whatever it stored is visible
    // to a read that starts after this one; those at or above it are read again next time.
    const QString sql = m_database.kind() == Database::Kind::Postgres
                            ? QStringLiteral("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
                            : QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM events");
    auto cursor = Sql::scalar(m_database.connection(), sql);
    if (!cursor.ok())
        return cursor.error();
    return cursor.value().value_or(0).toLongLong();
}

Result<UsageChangePage> UsageReader::changedSince(qint64 since, int limit) const
{
    if (limit < 1 || limit > 10000)
        return Error::invalid(QStringLiteral("limit must be 1-10000"), QStringLiteral("limit"));
    if (since < 0)
        return Error::invalid(QStringLiteral("since must be a cursor this server gave"), QStringLiteral("since"));
    // The next cursor first: events stored while the customers are read are listed again next time.
    auto next = latestUsageChange();
    if (!next.ok())
        return next.error();
    const QSqlDatabase db = m_database.connection();
    auto moved = m_database.kind() == Database::Kind::Postgres
                     ? Sql::run(db,
                                QStringLiteral("SELECT DISTINCT customer_id FROM events"
                                               " WHERE xact >= (?::text)::xid8 LIMIT ?"),
                                {QString::number(since), limit + 1})
                     : Sql::run(db,
                                QStringLiteral("SELECT DISTINCT customer_id FROM events"
                                               " WHERE seq > ? AND seq <= ? LIMIT ?"),
                                {since, next.value(), limit + 1});
    if (!moved.ok())
        return moved.error();
    UsageChangePage page;
    page.nextCursor = next.value();
    while (moved.value().next())
        page.customers << moved.value().value(0).toString();
    if (page.customers.size() > limit) {
        page.customers.clear();
        page.truncated = true;
        return page;
    }
    std::sort(page.customers.begin(), page.customers.end());
    auto catalog = m_catalog.snapshot(db);
    if (!catalog.ok())
        return catalog.error();
    QList<const Meter*> meters;
    for (const Meter& meter : catalog.value()->meters)
        meters << &meter;
    std::sort(meters.begin(), meters.end(), [](const Meter* a, const Meter* b) { return a->id < b->id; });
    // Every window, even with no one listed: a client sees from the ranges when one has rolled over.
    const QDateTime now = m_clock();
    for (Period period : {Period::Hour, Period::Day, Period::Week, Period::Month, Period::Lifetime}) {
        UsageWindowFigures figures;
        figures.period = period;
        const TimeRange range = Periods::window(period, now);
        figures.from = range.from;
        figures.to = range.to;
        for (const QString& customerId : std::as_const(page.customers)) {
            for (const Meter* meter : std::as_const(meters)) {
                auto values = byCustomer(db, *meter, customerId, range);
                if (!values.ok())
                    return values.error();
                if (const auto v = values.value().constFind(customerId); v != values.value().cend())
                    figures.data << SummaryRow{customerId, meter->id, v->value(meter->aggregation)};
            }
        }
        page.windows << figures;
    }
    return page;
}

Result<QList<InvoiceLine>> UsageReader::invoiceLines(const TimeRange& range) const
{
    if (auto s = checkRange(range); !s.ok())
        return s.error();
    const QSqlDatabase db = m_database.connection();
    auto catalog = m_catalog.snapshot(db);
    if (!catalog.ok())
        return catalog.error();
    auto customers = Sql::run(db,
                              QStringLiteral("SELECT id, name, external_id, plan_id FROM customers WHERE"
                                             " deleted_at IS NULL AND plan_id IS NOT NULL ORDER BY id"));
    if (!customers.ok())
        return customers.error();

    QHash<QString, QHash<QString, Accumulator>> quantities; // meter → customer → usage
    QList<InvoiceLine> lines;
    while (customers.value().next()) {
        const Sql::Statement& r = customers.value();
        const auto plan = catalog.value()->plans.constFind(r.value(3).toString());
        if (plan == catalog.value()->plans.cend())
            continue;
        QList<Price> prices = plan->prices;
        std::sort(prices.begin(), prices.end(), [](const Price& a, const Price& b) { return a.meterId < b.meterId; });
        for (const Price& price : std::as_const(prices)) {
            const auto meter = catalog.value()->meters.constFind(price.meterId);
            if (meter == catalog.value()->meters.cend())
                continue;
            if (!quantities.contains(meter->id)) {
                auto values = byCustomer(db, *meter, {}, range);
                if (!values.ok())
                    return values.error();
                quantities.insert(meter->id, values.value());
            }
            InvoiceLine line;
            line.periodStart = range.from;
            line.periodEnd = range.to;
            line.customerId = r.value(0).toString();
            line.customerName = r.value(1).toString();
            line.externalId = r.value(2).toString();
            line.planId = plan->id;
            line.meterId = meter->id;
            line.meterName = meter->name;
            line.quantity = quantities.value(meter->id).value(line.customerId).value(meter->aggregation);
            line.includedUnits = price.includedUnits;
            // In micro-units, so 0.3 - 0.1 is 0.2 and not 0.19999999999999998.
            const qint64 billable =
                std::max<qint64>(0, quantityToMicros(line.quantity) - quantityToMicros(price.includedUnits));
            line.billableUnits = double(billable) / Money::Scale;
            line.unitPrice = price.unitPrice;
            line.perUnits = price.perUnits;
            line.amount = InvoiceCsv::amount(line.billableUnits, price.unitPrice, price.perUnits);
            line.currency = plan->currency;
            lines << line;
        }
    }
    return lines;
}

Status UsageReader::writeInvoiceCsv(const TimeRange& range, QIODevice& out) const
{
    auto lines = invoiceLines(range);
    if (!lines.ok())
        return lines.error();
    if (out.write(InvoiceCsv::header()) < 0)
        return Error::storage(QStringLiteral("cannot write the invoice: %1").arg(out.errorString()));
    for (const InvoiceLine& line : lines.value()) {
        if (out.write(InvoiceCsv::row(line)) < 0)
            return Error::storage(QStringLiteral("cannot write the invoice: %1").arg(out.errorString()));
    }
    return success();
}

Status UsageReader::writeUsageCsv(const TimeRange& range, const QString& customerId, QIODevice& out) const
{
    if (!range.from.isValid() || !range.to.isValid())
        return Error::invalid(QStringLiteral("the usage export needs from and to"), QStringLiteral("from"));
    if (auto s = checkRange(range); !s.ok())
        return s;
    const QSqlDatabase db = m_database.connection();
    if (!customerId.isEmpty()) {
        if (auto customer = Catalog::requireCustomer(db, customerId); !customer.ok())
            return customer.error();
    }
    auto catalog = m_catalog.snapshot(db);
    if (!catalog.ok())
        return catalog.error();
    QList<Meter> meters = catalog.value()->meters.values();
    std::sort(meters.begin(), meters.end(), [](const Meter& a, const Meter& b) { return a.id < b.id; });
    if (out.write("day_start,day_end,customer_id,meter_id,meter_name,aggregation,value\r\n") < 0)
        return Error::storage(QStringLiteral("cannot write the export: %1").arg(out.errorString()));
    for (const Meter& meter : std::as_const(meters)) {
        Collect c;
        c.meter = &meter;
        c.customerId = customerId;
        c.range = range;
        c.groupBy = {CustomerKey};
        c.window = Window::Day;
        auto cells = collect(db, c);
        if (!cells.ok())
            return cells.error();
        for (const auto& [key, buckets] : cells.value()) {
            for (const auto& [bucket, acc] : buckets) {
                const QDateTime start = std::max(Periods::fromMs(bucket), range.from);
                const QDateTime end = std::min(Periods::nextBucket(Window::Day, Periods::fromMs(bucket)), range.to);
                const QStringList fields{Periods::toIso(start),
                                         Periods::toIso(end),
                                         InvoiceCsv::field(key.value(0)),
                                         InvoiceCsv::field(meter.id),
                                         InvoiceCsv::field(meter.name),
                                         toString(meter.aggregation),
                                         InvoiceCsv::quantity(acc.value(meter.aggregation))};
                if (out.write(fields.join(u',').toUtf8() + "\r\n") < 0)
                    return Error::storage(QStringLiteral("cannot write the export: %1").arg(out.errorString()));
            }
        }
    }
    return success();
}

} // namespace Meterline
