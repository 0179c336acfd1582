#pragma once

#include <QList>
#include <QString>
#include <functional>

#include "core/types.h"

namespace Meterline
{

// How close a customer is to its limits, for overviews (the dashboard's customer list): the worst applying
// limit decides. Open reservations are not counted here; LimitChecker::check is the authority.
enum class LimitHealth
{
    NoLimits, // no applying limit
    Ok,       // below NearLimitFraction of every limit
    Near,     // at least NearLimitFraction of some limit, none reached
    Over      // used >= limit on some limit (a hard one now refuses)
};
inline constexpr double NearLimitFraction = 0.8;

struct LimitHealthResult
{
    LimitHealth health = LimitHealth::NoLimits;
    double worstFraction = 0; // used / limit of the worst limit (a limit of 0 counts as reached)
    Limit worst;              // that limit (empty id without limits)
};

namespace LimitOverview
{

// The limits that apply to a customer: the plan's, with a customer limit replacing the plan's on the same
// meter and period; only those of meterId unless it is empty. Ordered by meter, then period.
QList<Limit> applyingLimits(const Plan* plan, const QList<Limit>& customerLimits, const QString& meterId = {});

// used(meterId, period): the customer's aggregate over that limit's current window.
LimitHealthResult health(const QList<Limit>& applying, const std::function<double(const QString&, Period)>& used);

} // namespace LimitOverview

} // namespace Meterline
