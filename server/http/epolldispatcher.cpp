#include "server/http/epolldispatcher.h"

#ifdef Q_OS_LINUX

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "server/http/directsocketnotifier.h"
#include "server/http/httplogging.h"

namespace Meterline::Http
{

namespace
{

constexpr int kMaxEvents = 256;

// The same readiness mapping as Qt's poll-based dispatcher: a hang-up or an error wakes every kind of notifier,
// so QAbstractSocket gets to read the EOF or the error.
constexpr quint32 kReadEvents = EPOLLIN | EPOLLHUP | EPOLLERR;
constexpr quint32 kWriteEvents = EPOLLOUT | EPOLLHUP | EPOLLERR;
constexpr quint32 kExceptionEvents = EPOLLPRI | EPOLLHUP | EPOLLERR;

qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

EpollDispatcher::EpollDispatcher(QObject* parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_wakeFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (m_epoll < 0 || m_wakeFd < 0) {
        qCWarning(lcHttp) << "epoll dispatcher unavailable:" << strerror(errno);
        return;
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_wakeFd;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event) < 0) {
        qCWarning(lcHttp) << "epoll dispatcher unavailable:" << strerror(errno);
        ::close(m_wakeFd);
        m_wakeFd = -1;
    }
}

EpollDispatcher::~EpollDispatcher()
{
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool EpollDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupt.store(false, std::memory_order_relaxed);
    // Cleared before the posted events are sent: a post after this point writes the eventfd again, so
    // epoll_wait below cannot sleep through it.
    m_wakePending.store(false, std::memory_order_seq_cst);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();
    if (m_interrupt.load(std::memory_order_relaxed))
        return false;

    const bool wait = flags.testFlag(QEventLoop::WaitForMoreEvents);
    const int timeout = wait ? msUntilNextTimer(steadyMs()) : 0;
    applyInterest();
    if (timeout != 0)
        Q_EMIT aboutToBlock();
    epoll_event events[kMaxEvents];
    int ready = ::epoll_wait(m_epoll, events, kMaxEvents, timeout);
    if (ready < 0) {
        if (errno != EINTR)
            qCWarning(lcHttp) << "epoll_wait failed:" << strerror(errno);
        ready = 0;
    }
    if (timeout != 0)
        Q_EMIT awake();

    bool handled = false;
    for (int i = 0; i < ready; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd) {
            quint64 count;
            while (::read(m_wakeFd, &count, sizeof count) > 0) {
            }
            handled = true;
            continue;
        }
        if (!flags.testFlag(QEventLoop::ExcludeSocketNotifiers))
            handled = activate(fd, events[i].events) || handled;
    }
    if (!flags.testFlag(QEventLoop::X11ExcludeTimers))
        handled = fireTimers() || handled;
    return handled;
}

bool EpollDispatcher::activate(int fd, quint32 events)
{
    // Looked up again for each kind: an activation may unregister, delete or replace notifiers of this descriptor.
    bool handled = false;
    for (auto type : {QSocketNotifier::Read, QSocketNotifier::Write, QSocketNotifier::Exception}) {
        const quint32 mask = type == QSocketNotifier::Read    ? kReadEvents
                             : type == QSocketNotifier::Write ? kWriteEvents
                                                              : kExceptionEvents;
        if (!(events & mask))
            continue;
        const auto it = m_watches.find(fd);
        if (it == m_watches.end())
            return handled;
        QSocketNotifier* notifier = type == QSocketNotifier::Read    ? it->second.read
                                    : type == QSocketNotifier::Write ? it->second.write
                                                                     : it->second.exception;
        if (!notifier)
            continue;
        if (it->second.direct & (1u << type)) {
            static_cast<DirectSocketNotifier*>(notifier)->activate();
        } else {
            QEvent event(QEvent::SockAct);
            QCoreApplication::sendEvent(notifier, &event);
        }
        handled = true;
    }
    return handled;
}

void EpollDispatcher::registerSocketNotifier(QSocketNotifier* notifier)
{
    const int fd = int(notifier->socket());
    Watch& watch = m_watches[fd];
    QSocketNotifier*& slot = notifier->type() == QSocketNotifier::Read    ? watch.read
                             : notifier->type() == QSocketNotifier::Write ? watch.write
                                                                          : watch.exception;
    if (slot && slot != notifier)
        qCWarning(lcHttp) << "two socket notifiers of one type for descriptor" << fd;
    slot = notifier;
    const auto bit = quint8(1u << notifier->type());
    if (dynamic_cast<DirectSocketNotifier*>(notifier))
        watch.direct |= bit;
    else
        watch.direct &= quint8(~bit);
    if (!watch.dirty) {
        watch.dirty = true;
        m_dirty.push_back(fd);
    }
}

void EpollDispatcher::unregisterSocketNotifier(QSocketNotifier* notifier)
{
    const int fd = int(notifier->socket());
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    Watch& watch = it->second;
    QSocketNotifier*& slot = notifier->type() == QSocketNotifier::Read    ? watch.read
                             : notifier->type() == QSocketNotifier::Write ? watch.write
                                                                          : watch.exception;
    if (slot != notifier)
        return;
    slot = nullptr;
    if (!watch.read && !watch.write && !watch.exception) {
        // Now, not lazily: the descriptor is probably closed next, and its number reused by a new socket.
        removeFromKernel(fd, watch);
        m_watches.erase(it); // a pending m_dirty entry for it is skipped
        return;
    }
    if (!watch.dirty) {
        watch.dirty = true;
        m_dirty.push_back(fd);
    }
}

void EpollDispatcher::removeFromKernel(int fd, Watch& watch)
{
    if (watch.inKernel)
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); // EBADF after a close is fine: epoll dropped it then
    watch.inKernel = false;
    watch.kernelEvents = 0;
}

void EpollDispatcher::applyInterest()
{
    for (int fd : m_dirty) {
        const auto it = m_watches.find(fd);
        if (it == m_watches.end())
            continue;
        Watch& watch = it->second;
        if (!watch.dirty)
            continue;
        watch.dirty = false;
        const quint32 wanted = (watch.read ? quint32(EPOLLIN) : 0u) | (watch.write ? quint32(EPOLLOUT) : 0u)
                               | (watch.exception ? quint32(EPOLLPRI) : 0u);
        if (watch.inKernel && wanted == watch.kernelEvents)
            continue; // switched off and on again in between: nothing to tell the kernel
        epoll_event event{};
        event.events = wanted;
        event.data.fd = fd;
        int result;
        if (watch.inKernel) {
            result = ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
            if (result < 0 && errno == ENOENT)
                result = ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
        } else {
            result = ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
            if (result < 0 && errno == EEXIST)
                result = ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
        }
        if (result < 0) {
            qCWarning(lcHttp) << "epoll_ctl failed for descriptor" << fd << ":" << strerror(errno);
            continue;
        }
        watch.inKernel = true;
        watch.kernelEvents = wanted;
    }
    m_dirty.clear();
}

void EpollDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject* object)
{
    m_timers.push_back({timerId, qMax<qint64>(interval, 0), timerType, object, steadyMs() + qMax<qint64>(interval, 0)});
}

bool EpollDispatcher::unregisterTimer(int timerId)
{
    const auto it = std::find_if(m_timers.begin(), m_timers.end(), [&](const Timer& t) { return t.id == timerId; });
    if (it == m_timers.end())
        return false;
    m_timers.erase(it);
    return true;
}

bool EpollDispatcher::unregisterTimers(QObject* object)
{
    const auto before = m_timers.size();
    std::erase_if(m_timers, [&](const Timer& t) { return t.object == object; });
    return m_timers.size() != before;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollDispatcher::registeredTimers(QObject* object) const
{
    QList<TimerInfo> timers;
    for (const Timer& t : m_timers) {
        if (t.object == object)
            timers.append(TimerInfo(t.id, int(t.intervalMs), t.type));
    }
    return timers;
}

int EpollDispatcher::remainingTime(int timerId)
{
    const qint64 now = steadyMs();
    for (const Timer& t : m_timers) {
        if (t.id == timerId)
            return int(qMax<qint64>(t.dueMs - now, 0));
    }
    return -1;
}

int EpollDispatcher::msUntilNextTimer(qint64 nowMs) const
{
    if (m_timers.empty())
        return -1;
    qint64 next = std::numeric_limits<qint64>::max();
    for (const Timer& t : m_timers)
        next = qMin(next, t.dueMs);
    return int(std::clamp<qint64>(next - nowMs, 0, std::numeric_limits<int>::max()));
}

bool EpollDispatcher::fireTimers()
{
    if (m_timers.empty())
        return false;
    const qint64 now = steadyMs();
    std::vector<int> due;
    for (const Timer& t : m_timers) {
        if (t.dueMs <= now)
            due.push_back(t.id);
    }
    for (int id : due) {
        // looked up again: an earlier timer event may have killed this one
        const auto it = std::find_if(m_timers.begin(), m_timers.end(), [&](const Timer& t) { return t.id == id; });
        if (it == m_timers.end() || it->dueMs > now)
            continue;
        // rescheduled before it runs, so that a nested event loop does not fire it again
        it->dueMs += it->intervalMs;
        if (it->dueMs <= now)
            it->dueMs = now + it->intervalMs;
        QObject* object = it->object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
    }
    return !due.empty();
}

void EpollDispatcher::wakeUp()
{
    // any thread
    if (!m_wakePending.exchange(true, std::memory_order_seq_cst)) {
        const quint64 one = 1;
        [[maybe_unused]] const auto written = ::write(m_wakeFd, &one, sizeof one);
    }
}

void EpollDispatcher::interrupt()
{
    m_interrupt.store(true, std::memory_order_relaxed);
    wakeUp();
}

} // namespace Meterline::Http

#endif // Q_OS_LINUX
