#pragma once

#include <QHash>
#include <QString>
#include <QtGlobal>
#include <mutex>

namespace Meterline
{

// Core logs through categories, and some of its warnings repeat once per event (a customer out of credits logs
// every event it records: demo-data alone would print hundreds of lines). While a LogLimiter lives, the first
// few messages of each category go to stderr as usual and the rest are counted; its destructor prints one line
// per category that had more. Criticals and fatals always go through. One at a time; its
// handler is called from every thread that logs (serve's HTTP threads among them).
class LogLimiter
{
public:
    explicit LogLimiter(int shownPerCategory = 3);
    ~LogLimiter();
    LogLimiter(const LogLimiter&) = delete;
    LogLimiter& operator=(const LogLimiter&) = delete;

private:
    static void handle(QtMsgType type, const QMessageLogContext& context, const QString& message);

    int m_shownPerCategory;
    std::mutex m_mutex; // Qt calls a message handler from the logging thread, unserialised
    QHash<QString, qint64> m_seen;
    QtMessageHandler m_previous = nullptr;
};

} // namespace Meterline
