#include "server/api/accesslog.h"

#include <QDateTime>
#include <chrono>
#include <cstdio>

#include "core/periods.h"

namespace Meterline::Api
{

AccessLog::AccessLog(const QString& path)
{
    if (path.isEmpty())
        return;
    m_open = path == QLatin1String("-")
                 ? m_file.open(stderr, QIODevice::WriteOnly | QIODevice::Unbuffered)
                 : (m_file.setFileName(path), m_file.open(QIODevice::Append | QIODevice::WriteOnly));
    if (m_open)
        m_thread = std::thread([this] { run(); });
}

AccessLog::~AccessLog()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

void AccessLog::write(
    const QByteArray& method, const QString& route, int status, qint64 durationMicros, const QString& keyId)
{
    if (!m_open)
        return;
    QByteArray line;
    line.reserve(128);
    Periods::appendIso(line, QDateTime::currentMSecsSinceEpoch(), true);
    line += ' ';
    line += method;
    line += ' ';
    line += route.toUtf8();
    line += ' ';
    line += QByteArray::number(status);
    line += ' ';
    line += QByteArray::number(double(durationMicros) / 1000.0, 'f', 3);
    line += "ms key=";
    line += keyId.isEmpty() ? QByteArray("-") : keyId.toLatin1();
    line += '\n';
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        m_buffer += line;
        wake = m_buffer.size() > 64 * 1024;
    }
    if (wake)
        m_wake.notify_one();
}

void AccessLog::run()
{
    for (;;) {
        QByteArray chunk;
        bool stopping = false;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(
                lock, std::chrono::milliseconds(200), [this] { return m_stopping || m_buffer.size() > 64 * 1024; });
            chunk.swap(m_buffer);
            stopping = m_stopping;
        }
        if (!chunk.isEmpty()) {
            m_file.write(chunk);
            m_file.flush();
        }
        if (stopping)
            break;
    }
}

} // namespace Meterline::Api
