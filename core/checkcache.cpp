#include "core/checkcache.h"

#include <algorithm>

#include "core/database.h"
#include "core/sql.h"

namespace Meterline
{

namespace
{

void applyUpsert(CheckCache::Window& window, const StoreChanges::RollupUpsert& upsert)
{
    auto at = std::lower_bound(window.rows.begin(),
                               window.rows.end(),
                               upsert.bucketMs,
                               [](const Rollups::Row& row, qint64 bucket) { return row.bucketMs < bucket; });
    if (at != window.rows.end() && at->bucketMs == upsert.bucketMs) {
        at->aggregate.upsert(upsert.delta);
        return;
    }
    Rollups::Row row;
    row.bucketMs = upsert.bucketMs;
    row.aggregate = upsert.delta;
    window.rows.insert(at, row);
}

// The clock read by this thread's current request (CheckCache::RequestReading).
struct RequestClock
{
    bool open = false;
    const Database* store = nullptr; // the store it was read from; nullptr: not read yet
    qint64 value = 0;
};
thread_local RequestClock t_requestClock;

} // namespace

CheckCache::RequestReading::RequestReading()
{
    t_requestClock = RequestClock{true, nullptr, 0};
}

CheckCache::RequestReading::~RequestReading()
{
    t_requestClock = RequestClock{};
}

Result<qint64> CheckCache::requestClock(const Database& database)
{
    if (t_requestClock.open && t_requestClock.store == &database)
        return t_requestClock.value;
    auto read = readClock(database.connection());
    if (read.ok())
        noteRequestClock(database, read.value());
    return read;
}

void CheckCache::noteRequestClock(const Database& database, qint64 clock)
{
    if (t_requestClock.open && !t_requestClock.store) {
        t_requestClock.store = &database;
        t_requestClock.value = clock;
    }
}

Aggregate CheckCache::Window::aggregate() const
{
    // In bucket order, as SQLite's SUM walks the rollups index: the same additions, the same result.
    Aggregate sum;
    for (const Rollups::Row& row : rows)
        sum.merge(row.aggregate);
    return sum;
}

bool CheckCache::Window::covers(const QString& meter, Rollups::Grain g, qint64 bucketMs) const
{
    return grain == g && bucketMs >= fromMs && bucketMs < toMs && meterId == meter;
}

const CheckCache::Window*
CheckCache::Entry::window(const QString& meterId, Rollups::Grain grain, qint64 fromMs, qint64 toMs) const
{
    for (const Window& w : windows) {
        if (w.grain == grain && w.fromMs == fromMs && w.toMs == toMs && w.meterId == meterId)
            return &w;
    }
    return nullptr;
}

void CheckCache::Entry::merge(const Entry& newer)
{
    customer = newer.customer;
    for (const Window& w : newer.windows) {
        if (!window(w.meterId, w.grain, w.fromMs, w.toMs))
            windows << w;
    }
    for (auto it = newer.held.cbegin(); it != newer.held.cend(); ++it)
        held.insert(it.key(), it.value());
    if (newer.balance)
        balance = newer.balance;
    validUntilMs = std::min(validUntilMs, newer.validUntilMs);
}

Result<qint64> CheckCache::readClock(const QSqlDatabase& db)
{
    auto clock = Sql::scalar(db, QStringLiteral("SELECT value FROM meta WHERE key = 'write_clock'"));
    if (!clock.ok())
        return clock.error();
    if (!clock.value())
        return Error::storage(QStringLiteral("meta.write_clock is missing"));
    return clock.value()->toLongLong();
}

CheckCache::View CheckCache::lookup(qint64 clock, const QString& customerId, qint64 nowMs) const
{
    View view;
    {
        QMutexLocker lock(&m_mutex);
        if (m_clock >= 0 && m_clock >= clock) {
            const auto it = m_entries.constFind(customerId);
            if (it != m_entries.cend() && nowMs < it.value()->validUntilMs) {
                view.catalog = m_catalog;
                view.entry = it.value();
            }
        }
    }
    return view;
}

void CheckCache::store(qint64 clock,
                       std::shared_ptr<const CatalogSnapshot> catalog,
                       const QString& customerId,
                       Entry entry)
{
    QMutexLocker lock(&m_mutex);
    if (m_clock >= 0 && clock < m_clock)
        return; // read before changes the cache already holds
    if (clock != m_clock) {
        // Newer than what is held (another process wrote, or the cache was emptied): start over at clock. A
        // commit of this process not applied yet then fails to follow and empties the cache again.
        forgetAll();
        m_clock = clock;
        m_catalog = std::move(catalog);
    }
    if (m_entries.size() >= maxEntries && !m_entries.contains(customerId))
        m_entries.clear();
    auto held = m_entries.constFind(customerId);
    if (held != m_entries.cend()) {
        auto merged = std::make_shared<Entry>(*held.value());
        merged->merge(entry);
        m_entries.insert(customerId, std::move(merged));
    } else {
        m_entries.insert(customerId, std::make_shared<const Entry>(std::move(entry)));
    }
}

void CheckCache::committed(qint64 clock, const StoreChanges& changes)
{
    QMutexLocker lock(&m_mutex);
    if (m_clock < 0)
        return; // nothing held
    if (!changes.described || clock != m_clock + 1) {
        forgetAll();
        return;
    }
    for (const QString& customerId : changes.customers)
        m_entries.remove(customerId);
    QHash<QString, std::shared_ptr<Entry>> changed; // copied once per customer, then edited
    for (const StoreChanges::RollupUpsert& upsert : changes.rollups) {
        std::shared_ptr<Entry>& copy = changed[upsert.customerId];
        if (!copy) {
            const auto held = m_entries.constFind(upsert.customerId);
            if (held == m_entries.cend()) {
                changed.remove(upsert.customerId);
                continue;
            }
            copy = std::make_shared<Entry>(*held.value());
        }
        for (Window& w : copy->windows) {
            if (w.covers(upsert.meterId, upsert.grain, upsert.bucketMs))
                applyUpsert(w, upsert);
        }
    }
    for (auto it = changed.cbegin(); it != changed.cend(); ++it)
        m_entries.insert(it.key(), it.value());
    m_clock = clock;
}

void CheckCache::clear()
{
    QMutexLocker lock(&m_mutex);
    forgetAll();
}

void CheckCache::forgetAll()
{
    m_entries.clear();
    m_catalog.reset();
    m_clock = -1;
}

qint64 CheckCache::hits() const
{
    return m_hits.load();
}

qint64 CheckCache::misses() const
{
    return m_misses.load();
}

void CheckCache::countHit() const
{
    ++m_hits;
}

void CheckCache::countMiss() const
{
    ++m_misses;
}

} // namespace Meterline
