#include "server/loglimiter.h"

#include <cstdio>

namespace Meterline
{

namespace
{

LogLimiter* current = nullptr;

} // namespace

LogLimiter::LogLimiter(int shownPerCategory)
    : m_shownPerCategory(shownPerCategory)
{
    current = this;
    m_previous = qInstallMessageHandler(&LogLimiter::handle);
}

LogLimiter::~LogLimiter()
{
    qInstallMessageHandler(m_previous);
    current = nullptr;
    for (auto it = m_seen.cbegin(); it != m_seen.cend(); ++it) {
        if (it.value() > m_shownPerCategory) {
            std::fprintf(stderr,
                         "%s: … and %lld more messages like these\n",
                         qPrintable(it.key()),
                         static_cast<long long>(it.value() - m_shownPerCategory));
        }
    }
}

void LogLimiter::handle(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (current && type != QtCriticalMsg && type != QtFatalMsg) {
        const QString category = QString::fromLatin1(context.category ? context.category : "default");
        if (++current->m_seen[category] > current->m_shownPerCategory)
            return;
    }
    const QString line = qFormatLogMessage(type, context, message);
    std::fprintf(stderr, "%s\n", qPrintable(line));
    std::fflush(stderr);
}

} // namespace Meterline
