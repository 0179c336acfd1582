#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>
#include <QVarLengthArray>
#include <array>
#include <atomic>
#include <utility>

namespace Meterline::Api
{

// Prometheus counters of the API (GET /metrics): requests by route and status, a latency histogram,
// events ingested, checks denied, and the group commits of single records (how many events each took, how
// long its transaction took): when records slow down, these tell a full queue from a slow disk. Updated from
// every worker thread and the committer's.
class Metrics
{
public:
    void observeRequest(const QString& route, int status, qint64 durationMicros);
    void observeGroupCommit(int events, qint64 durationMicros);
    void addEventsIngested(qint64 count) { m_eventsIngested.fetch_add(count, std::memory_order_relaxed); }
    void addCheckDenied() { m_checksDenied.fetch_add(1, std::memory_order_relaxed); }
    void addCheckAllowed() { m_checksAllowed.fetch_add(1, std::memory_order_relaxed); }

    QByteArray exposition() const; // the Prometheus text format

    static constexpr std::array<double, 12> bucketsSeconds{
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0};
    // Events per group: powers of two up to the largest group (ApiServer::Options::maxGroupCommit, 1000).
    static constexpr std::array<double, 11> bucketsEvents{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

private:
    template <size_t N> struct Histogram
    {
        std::array<quint64, N> buckets{};
        quint64 count = 0;
        double sum = 0;

        void observe(const std::array<double, N>& bounds, double value);
        // The _bucket, _sum and _count lines of name, with label ("" or key="value") on each.
        void appendTo(QByteArray& out,
                      const QByteArray& name,
                      const QByteArray& label,
                      const std::array<double, N>& bounds) const;
    };
    using Latency = Histogram<bucketsSeconds.size()>;
    struct RouteStats
    {
        QVarLengthArray<std::pair<int, quint64>, 4> requestsByStatus; // a route answers with few statuses
        Latency latency;
    };
    mutable QMutex m_mutex;
    QHash<QString, RouteStats> m_routes; // one lookup per request
    std::atomic<qint64> m_eventsIngested{0};
    std::atomic<qint64> m_checksDenied{0};
    std::atomic<qint64> m_checksAllowed{0};
    mutable QMutex m_groupMutex; // the committer's, apart from the workers' request counts
    Histogram<bucketsEvents.size()> m_groupEvents;
    Latency m_groupDuration;
};

} // namespace Meterline::Api
