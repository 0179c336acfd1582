#pragma once

#include <QByteArray>
#include <QFile>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace Meterline::Api
{

// One line per request (method, route, status, duration, key id — never the key or a body), buffered and
// written by its own thread so that logging never stalls a request on a slow terminal.
class AccessLog
{
public:
    // path: a file, "-" for stderr, or empty for no access log.
    explicit AccessLog(const QString& path);
    ~AccessLog(); // flushes

    bool isOpen() const { return m_open; }
    // One line: "<time> <method> <route> <status> <ms>ms key=<key id or -> id=<request id or ->".
    void write(const QByteArray& method,
               const QString& route,
               int status,
               qint64 durationMicros,
               const QString& keyId,
               QByteArrayView requestId);

private:
    void run();

    QFile m_file;
    bool m_open = false;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::string m_buffer;
    static constexpr size_t kWakeBytes = 64 * 1024;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace Meterline::Api
