#include "sync/progressdevice.h"

namespace Meterline::Dashboard
{

namespace
{

constexpr qint64 ReportEveryBytes = 256 * 1024; // progress signals at most every 256 KiB

} // namespace

ProgressDevice::ProgressDevice(QIODevice& target,
                               const std::atomic_bool& cancel,
                               std::function<void(qint64)> progress,
                               QObject* parent)
    : QIODevice(parent)
    , m_target(target)
    , m_cancel(cancel)
    , m_progress(std::move(progress))
{
    open(QIODevice::WriteOnly);
}

qint64 ProgressDevice::readData(char*, qint64)
{
    return -1;
}

qint64 ProgressDevice::writeData(const char* data, qint64 size)
{
    if (m_cancel.load()) {
        m_cancelled = true;
        setErrorString(QStringLiteral("cancelled"));
        return -1;
    }
    const qint64 n = m_target.write(data, size);
    if (n < 0) {
        setErrorString(m_target.errorString());
        return -1;
    }
    m_written += n;
    if (m_progress && m_written - m_reported >= ReportEveryBytes) {
        m_reported = m_written;
        m_progress(m_written);
    }
    return n;
}

} // namespace Meterline::Dashboard
