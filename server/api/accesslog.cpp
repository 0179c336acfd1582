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

namespace
{

// Routes and key ids are ASCII: copied through a buffer on the stack, without a QByteArray per field; anything
// else (or a long text) as UTF-8.
void appendUtf8(std::string& out, QStringView text)
{
    char ascii[128];
    if (text.size() <= qsizetype(sizeof ascii)) {
        qsizetype n = 0;
        for (; n < text.size() && text[n].unicode() < 0x80; ++n)
            ascii[n] = char(text[n].unicode());
        if (n == text.size()) {
            out.append(ascii, size_t(n));
            return;
        }
    }
    const QByteArray utf8 = text.toUtf8();
    out.append(utf8.constData(), size_t(utf8.size()));
}

// Writes value's decimal digits (at least minDigits, zero-padded) at p; returns the end.
char* writeNumber(char* p, qint64 value, int minDigits = 1)
{
    char digits[20];
    int n = 0;
    value = qMax<qint64>(value, 0);
    do {
        digits[n++] = char('0' + value % 10);
        value /= 10;
    } while (value > 0 || n < minDigits);
    while (n > 0)
        *p++ = digits[--n];
    return p;
}

} // namespace

void AccessLog::write(const QByteArray& method,
                      const QString& route,
                      int status,
                      qint64 durationMicros,
                      const QString& keyId,
                      QByteArrayView requestId)
{
    if (!m_open)
        return;
    // Built in a buffer each thread keeps: this runs per request, and an allocation per field showed in profiles.
    thread_local std::string line;
    line.clear();
    // the time's text changes once a millisecond: made once per millisecond and thread
    struct TimeText
    {
        qint64 ms = -1;
        char text[Periods::IsoMaxLength];
        int length = 0;
    };
    thread_local TimeText time;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now != time.ms) {
        time.length = Periods::writeIso(time.text, now, true);
        time.ms = now;
    }
    line.append(time.text, size_t(time.length));
    line += ' ';
    line.append(method.constData(), size_t(method.size()));
    line += ' ';
    appendUtf8(line, route);
    char numbers[80]; // " 200 1.042ms key="
    char* p = numbers;
    *p++ = ' ';
    p = writeNumber(p, status);
    *p++ = ' ';
    p = writeNumber(p, durationMicros / 1000);
    *p++ = '.';
    p = writeNumber(p, durationMicros % 1000, 3);
    for (char c : {'m', 's', ' ', 'k', 'e', 'y', '='})
        *p++ = c;
    line.append(numbers, size_t(p - numbers));
    if (keyId.isEmpty())
        line += '-';
    else
        appendUtf8(line, keyId);
    line += " id=";
    if (requestId.isEmpty())
        line += '-';
    else
        line.append(requestId.data(), size_t(requestId.size()));
    line += '\n';
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        m_buffer.append(line);
        wake = m_buffer.size() > kWakeBytes;
    }
    if (wake)
        m_wake.notify_one();
}

void AccessLog::run()
{
    std::string chunk; // swapped with m_buffer: the two buffers keep their capacity
    for (;;) {
        bool stopping = false;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(
                lock, std::chrono::milliseconds(200), [this] { return m_stopping || m_buffer.size() > kWakeBytes; });
            chunk.swap(m_buffer);
            stopping = m_stopping;
        }
        if (!chunk.empty()) {
            m_file.write(chunk.data(), qint64(chunk.size()));
            m_file.flush();
            chunk.clear();
        }
        if (stopping)
            break;
    }
}

} // namespace Meterline::Api
