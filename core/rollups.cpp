#include "core/rollups.h"

#include <QHash>
#include <algorithm>
#include <map>

#include "core/periods.h"
#include "core/sql.h"
#include "core/storedjson.h"

namespace Meterline
{

void Aggregate::add(double value)
{
    total += value;
    maximum = events == 0 ? value : std::max(maximum, value);
    ++events;
}

void Aggregate::merge(const Aggregate& other)
{
    if (other.events == 0)
        return;
    maximum = events == 0 ? other.maximum : std::max(maximum, other.maximum);
    total += other.total;
    events += other.events;
}

void Aggregate::upsert(const Aggregate& increment)
{
    total = total + increment.total;
    events += increment.events;
    maximum = std::max(maximum, increment.maximum);
}

double Aggregate::valueFor(Aggregation aggregation) const
{
    switch (aggregation) {
    case Aggregation::Sum:
        return total;
    case Aggregation::Count:
        return double(events);
    case Aggregation::Max:
        return events ? maximum : 0;
    case Aggregation::UniqueCount:
        break;
    }
    return 0;
}

QString Rollups::grainCode(Grain grain)
{
    switch (grain) {
    case Grain::Hour:
        return QStringLiteral("h");
    case Grain::Day:
        return QStringLiteral("d");
    case Grain::Month:
        return QStringLiteral("m");
    }
    return {};
}

namespace
{

struct BucketKey
{
    QString customerId;
    Rollups::Grain grain;
    qint64 bucket;
    bool operator==(const BucketKey&) const = default;
};

size_t qHash(const BucketKey& key, size_t seed = 0)
{
    return qHashMulti(seed, key.customerId, int(key.grain), key.bucket);
}

qint64 bucketOf(Rollups::Grain grain, qint64 timestampMs)
{
    const QDateTime t = Periods::fromMs(timestampMs);
    switch (grain) {
    case Rollups::Grain::Hour:
        return Periods::toMs(Periods::bucketStart(Window::Hour, t));
    case Rollups::Grain::Day:
        return Periods::toMs(Periods::bucketStart(Window::Day, t));
    case Rollups::Grain::Month:
        return Periods::toMs(Periods::bucketStart(Window::Month, t));
    }
    return 0;
}

constexpr Rollups::Grain allGrains[] = {Rollups::Grain::Hour, Rollups::Grain::Day, Rollups::Grain::Month};

// rows rows of increments, or (replace) of whole new row states.
QString upsertSql(Database::Kind kind, int rows, bool replace)
{
    QStringList values;
    for (int i = 0; i < rows; ++i)
        values << QStringLiteral("(?, ?, ?, ?, ?, ?, ?)");
    const QString greatest = kind == Database::Kind::Sqlite ? QStringLiteral("MAX") : QStringLiteral("GREATEST");
    const QString update =
        replace ? QStringLiteral("total = excluded.total, events = excluded.events, maximum = excluded.maximum")
                : QStringLiteral("total = rollups.total + excluded.total, events = rollups.events + excluded.events,"
                                 " maximum = %1(rollups.maximum, excluded.maximum)")
                      .arg(greatest);
    return QStringLiteral("INSERT INTO rollups (meter_id, customer_id, grain, bucket, total, events, maximum) VALUES ")
           + values.join(QStringLiteral(", "))
           + QStringLiteral(" ON CONFLICT (meter_id, customer_id, grain, bucket) DO UPDATE SET ") + update;
}

// Rows per upsert statement: a few fixed sizes, so that a handful of prepared statements serve every group.
constexpr size_t rowsPerStatement[] = {256, 64, 16, 4, 1};

} // namespace

Status Rollups::add(const QSqlDatabase& db,
                    Database::Kind kind,
                    const QString& meterId,
                    const QString& customerId,
                    qint64 timestampMs,
                    double value)
{
    RollupWriter writer(kind);
    writer.add(meterId, customerId, timestampMs, value);
    return writer.flush(db);
}

void RollupWriter::add(const QString& meterId, const QString& customerId, qint64 timestampMs, double value)
{
    Aggregate increment;
    increment.add(value);
    for (Rollups::Grain grain : allGrains)
        m_rows.push_back(PendingRow{meterId, customerId, grain, bucketOf(grain, timestampMs), increment});
}

namespace
{

template <typename Row> bool sameRow(const Row& a, const Row& b)
{
    return a.grain == b.grain && a.bucketMs == b.bucketMs && a.customerId == b.customerId && a.meterId == b.meterId;
}

} // namespace

Status RollupWriter::flush(const QSqlDatabase& db)
{
    // In key order (the index's): neighbouring rows share pages, and concurrent PostgreSQL transactions lock
    // rows in one order. Stable, so that the increments of one row keep their order.
    std::stable_sort(m_rows.begin(), m_rows.end(), [](const PendingRow& a, const PendingRow& b) {
        if (const int meter = QString::compare(a.meterId, b.meterId); meter != 0)
            return meter < 0;
        if (const int customer = QString::compare(a.customerId, b.customerId); customer != 0)
            return customer < 0;
        return std::pair(int(a.grain), a.bucketMs) < std::pair(int(b.grain), b.bucketMs);
    });
    // The cache of limit checks learns every increment, in order, whichever way the rows are written.
    for (const PendingRow& row : m_rows)
        Sql::WriteTransaction::noteRollupUpsert(row.meterId, row.customerId, row.grain, row.bucketMs, row.aggregate);
    std::vector<PendingRow> rows = std::move(m_rows);
    m_rows.clear();
    if (m_kind != Database::Kind::Sqlite)
        return writeAll(db, rows, Write::AddIncrements);

    std::vector<PendingRow> single;
    std::vector<PendingRow> folded;
    for (size_t at = 0; at < rows.size();) {
        size_t end = at + 1;
        while (end < rows.size() && sameRow(rows[end], rows[at]))
            ++end;
        if (end - at == 1) {
            single.push_back(std::move(rows[at]));
        } else {
            auto row = foldedRow(db, rows, at, end);
            if (!row.ok())
                return row.error();
            folded.push_back(std::move(row).value());
        }
        at = end;
    }
    if (auto s = writeAll(db, single, Write::AddIncrements); !s.ok())
        return s;
    return writeAll(db, folded, Write::ReplaceRows);
}

Result<RollupWriter::PendingRow>
RollupWriter::foldedRow(const QSqlDatabase& db, const std::vector<PendingRow>& rows, size_t from, size_t to)
{
    PendingRow row = rows[from];
    auto stored = Sql::run(db,
                           QStringLiteral("SELECT total, events, maximum FROM rollups WHERE meter_id = ?"
                                          " AND customer_id = ? AND grain = ? AND bucket = ?"),
                           {row.meterId, row.customerId, Rollups::grainCode(row.grain), row.bucketMs});
    if (!stored.ok())
        return stored.error();
    size_t next = from + 1; // a new row starts as its first increment, as the first upsert inserts it
    if (stored.value().next()) {
        row.aggregate.total = stored.value().value(0).toDouble();
        row.aggregate.events = stored.value().value(1).toLongLong();
        row.aggregate.maximum = stored.value().value(2).toDouble();
        next = from;
    }
    for (size_t i = next; i < to; ++i)
        row.aggregate.upsert(rows[i].aggregate);
    return row;
}

Status RollupWriter::writeAll(const QSqlDatabase& db, const std::vector<PendingRow>& rows, Write write) const
{
    size_t at = 0;
    while (at < rows.size()) {
        size_t run = rows.size() - at;
        if (m_kind == Database::Kind::Postgres) {
            // PostgreSQL refuses an upsert that affects one row twice: such a row starts the next statement.
            for (size_t i = at + 1; i < at + run; ++i) {
                if (sameRow(rows[i], rows[i - 1])) { // sorted: repeats are neighbours
                    run = i - at;
                    break;
                }
            }
        }
        const size_t count =
            *std::find_if(std::begin(rowsPerStatement), std::end(rowsPerStatement), [&](size_t n) { return n <= run; });
        if (auto s = this->write(db, rows, at, count, write); !s.ok())
            return s;
        at += count;
    }
    return success();
}

Status RollupWriter::write(
    const QSqlDatabase& db, const std::vector<PendingRow>& rows, size_t from, size_t count, Write write) const
{
    static const auto statements = [](Database::Kind kind, Write write) {
        std::map<size_t, QString> sql;
        for (size_t n : rowsPerStatement)
            sql[n] = upsertSql(kind, int(n), write == Write::ReplaceRows);
        return sql;
    };
    static const std::map<size_t, QString> sqlite = statements(Database::Kind::Sqlite, Write::AddIncrements);
    static const std::map<size_t, QString> sqliteReplace = statements(Database::Kind::Sqlite, Write::ReplaceRows);
    static const std::map<size_t, QString> postgres = statements(Database::Kind::Postgres, Write::AddIncrements);
    const auto& sql = m_kind == Database::Kind::Postgres ? postgres
                      : write == Write::ReplaceRows      ? sqliteReplace
                                                         : sqlite;
    QVariantList values;
    values.reserve(qsizetype(count * 7));
    for (size_t i = from; i < from + count; ++i) {
        const PendingRow& row = rows[i];
        values << row.meterId << row.customerId << Rollups::grainCode(row.grain) << row.bucketMs << row.aggregate.total
               << row.aggregate.events << row.aggregate.maximum;
    }
    auto q = Sql::run(db, sql.at(count), values);
    if (!q.ok())
        return q.error();
    return success();
}

Status Rollups::remove(const QSqlDatabase& db, const QString& meterId)
{
    auto removed = Sql::exec(db, QStringLiteral("DELETE FROM rollups WHERE meter_id = ?"), {meterId});
    if (!removed.ok())
        return removed.error();
    return success();
}

Status Rollups::rebuild(const QSqlDatabase& db, Database::Kind kind, const Meter& meter)
{
    if (kind == Database::Kind::Postgres) {
        // Wait for the transactions recording events with the old catalog (they hold this row FOR SHARE) and
        // hold new ones back until the change commits: the events read below are then all there are.
        auto locked = Sql::run(db, QStringLiteral("SELECT value FROM meta WHERE key = 'config_version' FOR UPDATE"));
        if (!locked.ok())
            return locked.error();
    }
    if (auto s = remove(db, meter.id); !s.ok())
        return s;
    if (!rollsUp(meter))
        return success();
    // Aggregate in memory by bucket, then write each bucket once. Reads events in seq order, in pages, so
    // memory holds the buckets, not the events.
    QHash<BucketKey, Aggregate> buckets;
    qint64 lastSeq = 0;
    constexpr int page = 20000;
    for (;;) {
        auto q = Sql::run(db,
                          QStringLiteral("SELECT seq, customer_id, event_type, value, dimensions, ts FROM events"
                                         " WHERE seq > ? ORDER BY seq LIMIT ?"),
                          {lastSeq, page});
        if (!q.ok())
            return q.error();
        int count = 0;
        while (q.value().next()) {
            ++count;
            lastSeq = q.value().value(0).toLongLong();
            const QString eventType = q.value().value(2).toString();
            const Dimensions dims =
                meter.dimensionFilters.isEmpty() ? Dimensions() : StoredJson::toMap(q.value().value(4).toString());
            if (!meter.matches(eventType, dims))
                continue;
            const QString customerId = q.value().value(1).toString();
            const double value = q.value().value(3).toDouble();
            const qint64 ts = q.value().value(5).toLongLong();
            for (Grain grain : allGrains)
                buckets[BucketKey{customerId, grain, bucketOf(grain, ts)}].add(value);
        }
        if (count < page)
            break;
    }
    const QString sql = QStringLiteral("INSERT INTO rollups (meter_id, customer_id, grain, bucket, total, events, "
                                       "maximum) VALUES (?, ?, ?, ?, ?, ?, ?)");
    Q_UNUSED(kind);
    for (auto it = buckets.cbegin(); it != buckets.cend(); ++it) {
        auto q = Sql::run(db,
                          sql,
                          {meter.id,
                           it.key().customerId,
                           grainCode(it.key().grain),
                           it.key().bucket,
                           it.value().total,
                           it.value().events,
                           it.value().maximum});
        if (!q.ok())
            return q.error();
    }
    return success();
}

Result<Aggregate> Rollups::read(
    const QSqlDatabase& db, const QString& meterId, const QString& customerId, Grain grain, qint64 fromMs, qint64 toMs)
{
    auto q = Sql::run(db,
                      QStringLiteral("SELECT SUM(total), SUM(events), MAX(maximum) FROM rollups WHERE meter_id = ?"
                                     " AND customer_id = ? AND grain = ? AND bucket >= ? AND bucket < ?"),
                      {meterId, customerId, grainCode(grain), fromMs, toMs});
    if (!q.ok())
        return q.error();
    Aggregate a;
    if (q.value().next() && !q.value().isNull(1)) {
        a.total = q.value().value(0).toDouble();
        a.events = q.value().value(1).toLongLong();
        a.maximum = q.value().value(2).toDouble();
    }
    return a;
}

Result<QList<Rollups::Row>> Rollups::rows(
    const QSqlDatabase& db, const QString& meterId, const QString& customerId, Grain grain, qint64 fromMs, qint64 toMs)
{
    const QString base = QStringLiteral("SELECT customer_id, bucket, total, events, maximum FROM rollups"
                                        " WHERE meter_id = ? AND grain = ? AND bucket >= ? AND bucket < ?");
    auto q = customerId.isEmpty() ? Sql::run(db, base, {meterId, grainCode(grain), fromMs, toMs})
                                  : Sql::run(db,
                                             base + QStringLiteral(" AND customer_id = ?"),
                                             {meterId, grainCode(grain), fromMs, toMs, customerId});
    if (!q.ok())
        return q.error();
    QList<Row> rows;
    while (q.value().next()) {
        Row row;
        row.customerId = q.value().value(0).toString();
        row.bucketMs = q.value().value(1).toLongLong();
        row.aggregate.total = q.value().value(2).toDouble();
        row.aggregate.events = q.value().value(3).toLongLong();
        row.aggregate.maximum = q.value().value(4).toDouble();
        rows << row;
    }
    return rows;
}

} // namespace Meterline
