#include "server/api/ratelimiter.h"

#include <algorithm>

namespace Meterline::Api
{

RateLimiter::RateLimiter()
{
    m_clock.start();
}

bool RateLimiter::admit(const QString& keyId, int perSecond)
{
    const qint64 now = m_clock.nsecsElapsed();
    QMutexLocker lock(&m_mutex);
    auto it = m_buckets.find(keyId);
    if (it == m_buckets.end())
        it = m_buckets.insert(keyId, Bucket{double(perSecond), now});
    Bucket& b = it.value();
    b.tokens = std::min(double(perSecond), b.tokens + double(now - b.lastNs) * perSecond / 1e9);
    b.lastNs = now;
    if (b.tokens < 1.0)
        return false;
    b.tokens -= 1.0;
    return true;
}

Throttle::Throttle(qint64 intervalMs)
    : m_intervalMs(intervalMs)
{
    m_clock.start();
}

bool Throttle::due(const QString& key)
{
    const qint64 now = m_clock.elapsed();
    QMutexLocker lock(&m_mutex);
    auto it = m_last.find(key);
    if (it != m_last.end() && now - it.value() < m_intervalMs)
        return false;
    m_last.insert(key, now);
    return true;
}

} // namespace Meterline::Api
