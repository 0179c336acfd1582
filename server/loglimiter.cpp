#include "server/loglimiter.h"

#include <atomic>
#include <cstdio>

namespace Meterline
{

namespace
{

std::atomic<LogLimiter*> current = nullptr; // read by the handler on any thread

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
    std::lock_guard lock(m_mutex); // a handler still running on another thread ends first
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
    LogLimiter* limiter = current.load();
    if (limiter && type != QtCriticalMsg && type != QtFatalMsg) {
        const QString category = QString::fromLatin1(context.category ? context.category : "default");
        std::lock_guard lock(limiter->m_mutex);
        if (++limiter->m_seen[category] > limiter->m_shownPerCategory)
            return;
    }
    const QString line = qFormatLogMessage(type, context, message);
    std::fprintf(stderr, "%s\n", qPrintable(line));
    std::fflush(stderr);
}

} // namespace Meterline
