#include "core/logging.h"

namespace Meterline
{
Q_LOGGING_CATEGORY(lcStore, "meterline.core.store", QtWarningMsg)
Q_LOGGING_CATEGORY(lcLedger, "meterline.core.ledger", QtWarningMsg)
} // namespace Meterline
