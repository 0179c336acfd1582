#pragma once

#include <QIODevice>
#include <atomic>
#include <functional>

namespace Meterline::Dashboard
{

// A write-only pass-through to another device that counts the bytes and stops the writer when asked:
// once cancel is true every write fails, so core's CSV writers end with an error instead of finishing.
class ProgressDevice : public QIODevice
{
public:
    ProgressDevice(QIODevice& target,
                   const std::atomic_bool& cancel,
                   std::function<void(qint64 written)> progress,
                   QObject* parent = nullptr);

    qint64 written() const { return m_written; }
    bool wasCancelled() const { return m_cancelled; }

protected:
    qint64 readData(char* data, qint64 maxSize) override;
    qint64 writeData(const char* data, qint64 size) override;

private:
    QIODevice& m_target;
    const std::atomic_bool& m_cancel;
    std::function<void(qint64)> m_progress;
    qint64 m_written = 0;
    qint64 m_reported = 0;
    bool m_cancelled = false;
};

} // namespace Meterline::Dashboard
