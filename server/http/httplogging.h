#pragma once

#include <QLoggingCategory>

namespace Meterline::Http
{
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
} // namespace Meterline::Http
