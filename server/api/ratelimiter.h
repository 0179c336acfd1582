#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QString>

namespace Meterline::Api
{

// Per-key token buckets: a key with a limit of N requests per second may burst N, then N per second.
// In memory, per server process (several servers each allow N).
class RateLimiter
{
public:
    RateLimiter();
    bool admit(const QString& keyId, int perSecond);

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 lastNs = 0;
    };
    QMutex m_mutex;
    QHash<QString, Bucket> m_buckets;
    QElapsedTimer m_clock;
};

// Says yes at most once per interval for each key: for writes that only need to be roughly current.
class Throttle
{
public:
    explicit Throttle(qint64 intervalMs);
    bool due(const QString& key);

private:
    const qint64 m_intervalMs;
    QMutex m_mutex;
    QHash<QString, qint64> m_last;
    QElapsedTimer m_clock;
};

} // namespace Meterline::Api
