#include "server/http/httplogging.h"

namespace Meterline::Http
{
Q_LOGGING_CATEGORY(lcHttp, "meterline.server.http", QtWarningMsg)
} // namespace Meterline::Http
