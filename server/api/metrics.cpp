#include "server/api/metrics.h"

#include <QList>
#include <algorithm>

namespace Meterline::Api
{

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
    Histogram& h = stats.latency;
    for (size_t i = 0; i < bucketsSeconds.size(); ++i) {
        if (seconds <= bucketsSeconds[i])
            ++h.buckets[i];
    }
    ++h.count;
    h.sumSeconds += seconds;
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
        const Histogram& h = m_routes.constFind(route)->latency;
        const QByteArray label = "route=\"" + route.toUtf8() + '"';
        for (size_t i = 0; i < bucketsSeconds.size(); ++i) {
            out += "meterline_http_request_duration_seconds_bucket{" + label + ",le=\""
                   + QByteArray::number(bucketsSeconds[i]) + "\"} " + QByteArray::number(h.buckets[i]) + '\n';
        }
        out += "meterline_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} "
               + QByteArray::number(h.count) + '\n';
        out += "meterline_http_request_duration_seconds_sum{" + label + "} " + QByteArray::number(h.sumSeconds, 'g', 12)
               + '\n';
        out += "meterline_http_request_duration_seconds_count{" + label + "} " + QByteArray::number(h.count) + '\n';
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
    return out;
}

} // namespace Meterline::Api
