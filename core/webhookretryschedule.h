#pragma once

#include <QtGlobal>

namespace Meterline
{

// When a failed webhook delivery is tried again (SPEC §5): 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then
// hourly, each delay moved by a random jitter so that many deliveries failing together do not come back
// together; no further try once 24 h have passed since the delivery was made. A scale (tests: 0.001)
// shrinks every delay and the 24 h window alike.
class WebhookRetrySchedule
{
public:
    explicit WebhookRetrySchedule(double scale = 1.0, double jitter = 0.2);

    // The delay before the next try after the given number of failed attempts (1 = the first failed),
    // without jitter.
    qint64 baseDelayMs(int failedAttempts) const;
    // The same with jitter: within ±jitter of the base delay.
    qint64 delayMs(int failedAttempts) const;
    qint64 retryWindowMs() const;
    // True when a delivery made at createdAtMs that failed at nowMs gets no further try.
    bool givesUp(qint64 createdAtMs, qint64 nowMs) const;

private:
    double m_scale;
    double m_jitter;
};

} // namespace Meterline
