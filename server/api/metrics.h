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
// events ingested, checks denied. Updated from every worker thread.
class Metrics
{
public:
    void observeRequest(const QString& route, int status, qint64 durationMicros);
    void addEventsIngested(qint64 count) { m_eventsIngested.fetch_add(count, std::memory_order_relaxed); }
    void addCheckDenied() { m_checksDenied.fetch_add(1, std::memory_order_relaxed); }
    void addCheckAllowed() { m_checksAllowed.fetch_add(1, std::memory_order_relaxed); }

    QByteArray exposition() const; // the Prometheus text format

    static constexpr std::array<double, 12> bucketsSeconds{
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0};

private:
    struct Histogram
    {
        std::array<quint64, bucketsSeconds.size()> buckets{};
        quint64 count = 0;
        double sumSeconds = 0;
    };
    struct RouteStats
    {
        QVarLengthArray<std::pair<int, quint64>, 4> requestsByStatus; // a route answers with few statuses
        Histogram latency;
    };
    mutable QMutex m_mutex;
    QHash<QString, RouteStats> m_routes; // one lookup per request
    std::atomic<qint64> m_eventsIngested{0};
    std::atomic<qint64> m_checksDenied{0};
    std::atomic<qint64> m_checksAllowed{0};
};

} // namespace Meterline::Api
