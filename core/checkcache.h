#pragma once

#include <QHash>
#include <QList>
#include <QMutex>
#include <QSqlDatabase>
#include <QString>
#include <atomic>
#include <limits>
#include <memory>
#include <optional>

#include "core/catalog.h"
#include "core/result.h"
#include "core/rollups.h"
#include "core/storechanges.h"
#include "core/types.h"

namespace Meterline
{

// The figures plain limit checks (no reservation) read, held in memory on SQLite so that a warm check
// runs one statement instead of seven. Exact, not a time-to-live cache:
// - Every SQLite write transaction that changes rows moves meta.write_clock (Sql::WriteTransaction), in
//   every process. The cache holds the state at one clock value; a check first reads the clock and is
//   answered from memory only when the cache is at that clock or newer. A write by another process (the
//   dashboard, an admin command, a second server on the file) is therefore never answered from memory.
// - A write transaction of this process that described its changes (the recorder's, a reservation's, a
//   balance change) moves the cache one clock step by applying them: rollup rows grow exactly as the
//   upsert grew them, customers whose holds or balance changed are forgotten. Any other write, or a step
//   that does not follow the cache's clock, empties the cache.
// - Holds expire with time: an entry is used only before the earliest expiry of its customer's open holds.
// - Windows roll over with time: a window is found by its bounds, which a new period does not match.
// unique_count meters are counted from events and never held here. PostgreSQL servers keep no cache.
class CheckCache
{
public:
    // One limit window's rollup rows (ascending bucket), summed as SQLite sums them.
    struct Window
    {
        QString meterId;
        Rollups::Grain grain = Rollups::Grain::Month;
        qint64 fromMs = 0;
        qint64 toMs = 0;
        QList<Rollups::Row> rows; // customerId unused

        Aggregate aggregate() const;
        bool covers(const QString& meter, Rollups::Grain g, qint64 bucketMs) const;
    };

    // What is held of one customer, all read at one clock value.
    struct Entry
    {
        Customer customer;
        QList<Window> windows;
        QHash<QString, double> held; // meter id → units of open holds that count against it
        std::optional<Balance> balance;
        qint64 validUntilMs = std::numeric_limits<qint64>::max(); // the earliest expiry of an open hold

        const Window* window(const QString& meterId, Rollups::Grain grain, qint64 fromMs, qint64 toMs) const;
        void merge(const Entry& newer); // what a second check read at the same clock
    };

    struct View
    {
        std::shared_ptr<const CatalogSnapshot> catalog;
        std::shared_ptr<const Entry> entry; // null: the cache cannot answer
    };

    // Entries kept before the cache starts over (about 1 KiB each).
    static constexpr int maxEntries = 100000;

    // meta.write_clock as the connection sees it now (inside a transaction: its snapshot).
    static Result<qint64> readClock(const QSqlDatabase& db);

    // Within one request, the clock is read once: the API key check and a cached check then rest on the
    // same reading, and a write after it is seen by the next request. The server opens one per request.
    class RequestReading
    {
    public:
        RequestReading();
        ~RequestReading();
        RequestReading(const RequestReading&) = delete;
        RequestReading& operator=(const RequestReading&) = delete;
    };
    // The clock as read earlier in this thread's current request, else read now (a store read that must
    // match its own snapshot uses readClock inside its transaction instead).
    static Result<qint64> requestClock(const Database& database);
    // A clock value read by another statement of the request (the API key check reads it with revoked_at).
    static void noteRequestClock(const Database& database, qint64 clock);

    // The customer's figures at clock or later, usable at nowMs; an empty view when not held.
    View lookup(qint64 clock, const QString& customerId, qint64 nowMs) const;
    // Keeps what a check read inside one read transaction at clock (with the catalog of that snapshot).
    void store(qint64 clock, std::shared_ptr<const CatalogSnapshot> catalog, const QString& customerId, Entry entry);
    // A write transaction of this process committed and moved the clock to clock.
    void committed(qint64 clock, const StoreChanges& changes);
    void clear();

    // For tests and /metrics: answers given from memory, and checks that had to read the store.
    qint64 hits() const;
    qint64 misses() const;
    void countHit() const;
    void countMiss() const;

private:
    void forgetAll(); // m_mutex held

    mutable QMutex m_mutex;
    qint64 m_clock = -1; // the clock value all entries hold; -1: unknown (nothing held)
    std::shared_ptr<const CatalogSnapshot> m_catalog;
    QHash<QString, std::shared_ptr<const Entry>> m_entries;
    mutable std::atomic<qint64> m_hits{0};
    mutable std::atomic<qint64> m_misses{0};
};

} // namespace Meterline
