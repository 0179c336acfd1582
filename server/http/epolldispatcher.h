#pragma once

#include <QAbstractEventDispatcher>
#include <QtGlobal>

#ifdef Q_OS_LINUX

#include <atomic>
#include <unordered_map>
#include <vector>

namespace Meterline::Http
{

// The worker threads' event dispatcher on Linux: epoll instead of poll, so a thread with thousands of idle
// keep-alive connections pays per ready socket, not per open socket, every turn of its loop. It also spares
// what Qt's default (GLib) dispatcher does per request: GLib wakes its own loop through an eventfd whenever a
// socket notifier is switched on or off, and QTcpSocket switches its write notifier on and off for every answer.
//
// Socket interest changes are applied to the kernel lazily, right before epoll_wait, so such on/off toggles cost
// nothing; a descriptor that loses its last notifier is removed at once (it is about to be closed and may be
// reused). Level-triggered, like poll. Timers are few per worker (the deadline sweep): a plain vector.
class EpollDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollDispatcher(QObject* parent = nullptr);
    ~EpollDispatcher() override;

    bool isValid() const { return m_epoll >= 0 && m_wakeFd >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier* notifier) override;
    void unregisterSocketNotifier(QSocketNotifier* notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject* object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject* object) override;
    QList<TimerInfo> registeredTimers(QObject* object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;

private:
    struct Watch
    {
        QSocketNotifier* read = nullptr;
        QSocketNotifier* write = nullptr;
        QSocketNotifier* exception = nullptr;
        quint8 direct = 0;        // bit per QSocketNotifier::Type: a DirectSocketNotifier, called without an event
        quint32 kernelEvents = 0; // what epoll has for it
        bool inKernel = false;
        bool dirty = false;
    };
    struct Timer
    {
        int id;
        qint64 intervalMs;
        Qt::TimerType type;
        QObject* object;
        qint64 dueMs;
    };

    void applyInterest();
    void removeFromKernel(int fd, Watch& watch);
    int msUntilNextTimer(qint64 nowMs) const;
    bool fireTimers();
    bool activate(int fd, quint32 events);

    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_wakePending{false};
    std::atomic<bool> m_interrupt{false};
    std::unordered_map<int, Watch> m_watches;
    std::vector<int> m_dirty;
    std::vector<Timer> m_timers;
};

} // namespace Meterline::Http

#endif // Q_OS_LINUX
