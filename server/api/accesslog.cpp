#include "server/api/accesslog.h"

#include <QDateTime>
#include <chrono>
#include <cstdio>
#include <string>

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
    // std::string: its appends are inline, QByteArray's (6.4) go through a general insert; this runs per request.
    std::string line;
    line.reserve(160);
    char text[Periods::IsoMaxLength];
    line.append(text, Periods::writeIso(text, QDateTime::currentMSecsSinceEpoch(), true));
    line.push_back(' ');
    line.append(method.constData(), size_t(method.size()));
    line.push_back(' ');
    line.append(route.toStdString());
    line.push_back(' ');
    line.append(std::to_string(status));
    line.push_back(' ');
    line.append(std::to_string(durationMicros / 1000));
    line.push_back('.');
    const auto fraction = std::to_string(1000 + durationMicros % 1000); // "1042": the 3 digits after the point
    line.append(fraction, 1, 3);
    line.append("ms key=");
    line.append(keyId.isEmpty() ? std::string("-") : keyId.toStdString());
    line.push_back('\n');
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        m_buffer.append(line.data(), qsizetype(line.size()));
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
