#pragma once

#include <QLoggingCategory>

namespace Meterline
{
Q_DECLARE_LOGGING_CATEGORY(lcStore)
Q_DECLARE_LOGGING_CATEGORY(lcLedger)
} // namespace Meterline
