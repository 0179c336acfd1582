#include "server/api/metrics.h"

#include <QList>
#include <algorithm>

namespace Meterline::Api
{

template <size_t N> void Metrics::Histogram<N>::observe(const std::array<double, N>& bounds, double value)
{
    for (size_t i = 0; i < N; ++i) {
        if (value <= bounds[i])
            ++buckets[i];
    }
    ++count;
    sum += value;
}

template <size_t N>
void Metrics::Histogram<N>::appendTo(QByteArray& out,
                                     const QByteArray& name,
                                     const QByteArray& label,
                                     const std::array<double, N>& bounds) const
{
    const QByteArray open = label.isEmpty() ? QByteArray("{") : '{' + label + ',';
    const QByteArray labels = label.isEmpty() ? QByteArray(" ") : '{' + label + "} ";
    for (size_t i = 0; i < N; ++i) {
        out += name + "_bucket" + open + "le=\"" + QByteArray::number(bounds[i]) + "\"} "
               + QByteArray::number(buckets[i]) + '\n';
    }
    out += name + "_bucket" + open + "le=\"+Inf\"} " + QByteArray::number(count) + '\n';
    out += name + "_sum" + labels + QByteArray::number(sum, 'g', 12) + '\n';
    out += name + "_count" + labels + QByteArray::number(count) + '\n';
}

void Metrics::observeGroupCommit(int events, qint64 durationMicros)
{
    QMutexLocker lock(&m_groupMutex);
    m_groupEvents.observe(bucketsEvents, events);
    m_groupDuration.observe(bucketsSeconds, double(durationMicros) / 1e6);
}

void Metrics::observeRequest(const QString& route, int status, qint64 durationMicros)
{
    const double seconds = double(durationMicros) / 1e6;
    QMutexLocker lock(&m_mutex);
    RouteStats& stats = m_routes[route];
    auto counted = std::find_if(stats.requestsByStatus.begin(),
                                stats.requestsByStatus.end(),
                                [status](const std::pair<int, quint64>& entry) { return entry.first == status; });
    if (counted == stats.requestsByStatus.end())
        stats.requestsByStatus.append({status, 1});
    else
        ++counted->second;
    stats.latency.observe(bucketsSeconds, seconds);
}

QByteArray Metrics::exposition() const
{
    QByteArray out;
    out += "# HELP meterline_http_requests_total HTTP requests by route and status.\n"
           "# TYPE meterline_http_requests_total counter\n";
    QMutexLocker lock(&m_mutex);
    QStringList routes = m_routes.keys();
    routes.sort();
    for (const QString& route : std::as_const(routes)) {
        auto counts = m_routes.constFind(route)->requestsByStatus;
        std::sort(counts.begin(), counts.end());
        for (const auto& [status, count] : std::as_const(counts)) {
            out += "meterline_http_requests_total{route=\"" + route.toUtf8() + "\",status=\""
                   + QByteArray::number(status) + "\"} " + QByteArray::number(count) + '\n';
        }
    }
    out += "# HELP meterline_http_request_duration_seconds Time from a complete request to its answer.\n"
           "# TYPE meterline_http_request_duration_seconds histogram\n";
    for (const QString& route : std::as_const(routes)) {
        m_routes.constFind(route)->latency.appendTo(
            out, "meterline_http_request_duration_seconds", "route=\"" + route.toUtf8() + '"', bucketsSeconds);
    }
    lock.unlock();
    out += "# HELP meterline_events_ingested_total Events recorded (replays not counted).\n"
           "# TYPE meterline_events_ingested_total counter\n"
           "meterline_events_ingested_total "
           + QByteArray::number(m_eventsIngested.load()) + '\n';
    out += "# HELP meterline_checks_total Limit checks by outcome.\n"
           "# TYPE meterline_checks_total counter\n"
           "meterline_checks_total{allowed=\"true\"} "
           + QByteArray::number(m_checksAllowed.load()) + "\nmeterline_checks_total{allowed=\"false\"} "
           + QByteArray::number(m_checksDenied.load()) + '\n';
    QMutexLocker groupLock(&m_groupMutex);
    out += "# HELP meterline_group_commit_events Single-event records committed together in one transaction.\n"
           "# TYPE meterline_group_commit_events histogram\n";
    m_groupEvents.appendTo(out, "meterline_group_commit_events", {}, bucketsEvents);
    out += "# HELP meterline_group_commit_duration_seconds Time of a group's transaction: its statements, the"
           " commit with its disk sync, and when due the move of the event tail into the indexes.\n"
           "# TYPE meterline_group_commit_duration_seconds histogram\n";
    m_groupDuration.appendTo(out, "meterline_group_commit_duration_seconds", {}, bucketsSeconds);
    return out;
}

} // namespace Meterline::Api
