#include "core/limitoverview.h"

#include <QSet>
#include <algorithm>

namespace Meterline::LimitOverview
{

QList<Limit> applyingLimits(const Plan* plan, const QList<Limit>& customerLimits, const QString& meterId)
{
    QList<Limit> result;
    for (const Limit& l : customerLimits) {
        if (meterId.isEmpty() || l.meterId == meterId)
            result << l;
    }
    // A customer's own limit replaces the plan's on the same meter and period (a customer has few).
    const qsizetype own = result.size();
    const auto overridden = [&result, own](const Limit& l) {
        return std::any_of(result.cbegin(), result.cbegin() + own, [&l](const Limit& o) {
            return o.period == l.period && o.meterId == l.meterId;
        });
    };
    if (plan) {
        for (const Limit& l : plan->limits) {
            if ((meterId.isEmpty() || l.meterId == meterId) && !overridden(l))
                result << l;
        }
    }
    std::stable_sort(result.begin(), result.end(), [](const Limit& a, const Limit& b) {
        if (a.meterId != b.meterId)
            return a.meterId < b.meterId;
        return int(a.period) < int(b.period);
    });
    return result;
}

LimitHealthResult health(const QList<Limit>& applying, const std::function<double(const QString&, Period)>& used)
{
    LimitHealthResult result;
    for (const Limit& limit : applying) {
        const double value = used(limit.meterId, limit.period);
        // A cap of 0 allows nothing: it is reached from the start.
        const double fraction = limit.value > 0 ? value / limit.value : 1.0;
        if (result.worst.id.isEmpty() || fraction > result.worstFraction) {
            result.worstFraction = fraction;
            result.worst = limit;
        }
    }
    if (result.worst.id.isEmpty())
        return result;
    if (result.worstFraction >= 1.0)
        result.health = LimitHealth::Over;
    else if (result.worstFraction >= NearLimitFraction)
        result.health = LimitHealth::Near;
    else
        result.health = LimitHealth::Ok;
    return result;
}

} // namespace Meterline::LimitOverview
