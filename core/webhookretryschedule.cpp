#include "core/webhookretryschedule.h"

#include <QRandomGenerator>
#include <algorithm>
#include <array>
#include <cmath>

namespace Meterline
{

namespace
{

constexpr std::array<qint64, 6> Steps{5'000, 30'000, 120'000, 600'000, 1'800'000, 3'600'000};
constexpr qint64 Hour = 3'600'000;
constexpr qint64 Window = 24 * Hour;

} // namespace

WebhookRetrySchedule::WebhookRetrySchedule(double scale, double jitter)
    : m_scale(scale > 0 ? scale : 1.0)
    , m_jitter(std::clamp(jitter, 0.0, 0.5))
{
}

qint64 WebhookRetrySchedule::baseDelayMs(int failedAttempts) const
{
    const qint64 step = failedAttempts < 1                    ? Steps.front()
                        : failedAttempts <= int(Steps.size()) ? Steps.at(failedAttempts - 1)
                                                              : Hour;
    return std::max<qint64>(1, std::llround(double(step) * m_scale));
}

qint64 WebhookRetrySchedule::delayMs(int failedAttempts) const
{
    const double spread = (QRandomGenerator::global()->generateDouble() * 2 - 1) * m_jitter;
    return std::max<qint64>(1, std::llround(double(baseDelayMs(failedAttempts)) * (1 + spread)));
}

qint64 WebhookRetrySchedule::retryWindowMs() const
{
    return std::llround(double(Window) * m_scale);
}

bool WebhookRetrySchedule::givesUp(qint64 createdAtMs, qint64 nowMs) const
{
    return nowMs - createdAtMs >= retryWindowMs();
}

} // namespace Meterline
