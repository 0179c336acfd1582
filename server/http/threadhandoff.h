#pragma once

// ThreadSanitizer and Qt's queued calls. Debian's Qt is not built with ThreadSanitizer, so it cannot see that Qt
// orders a queued call after everything its sender did before posting it (Qt's event queue locks with futexes
// of its own). Where this project posts work to another thread, it says so: handedOff before the post, takenOver
// first thing in the queued call, both naming the same object. Outside a ThreadSanitizer build both are nothing.

#include <QMetaObject>
#include <QObject>
#include <utility>

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
#endif

namespace Meterline::ThreadHandoff
{

inline void handedOff([[maybe_unused]] void* token)
{
#if defined(__SANITIZE_THREAD__)
    __tsan_release(token);
#endif
}

inline void takenOver([[maybe_unused]] void* token)
{
#if defined(__SANITIZE_THREAD__)
    __tsan_acquire(token);
#endif
}

// A job queued to another thread, with the hand-off said both ways: the queued call runs after the post, and Qt
// destroys it on whichever thread lets go of it last.
template <typename Job> struct QueuedJob
{
    void* token;
    Job job;

    QueuedJob(void* t, Job j)
        : token(t)
        , job(std::move(j))
    {
    }
    QueuedJob(QueuedJob&&) = default;
    ~QueuedJob() { takenOver(token); }
    void operator()()
    {
        takenOver(token);
        job();
        handedOff(token);
    }
};

// QMetaObject::invokeMethod(target, job, Qt::QueuedConnection), with token (any object both sides know) naming
// the hand-off.
template <typename Job> void post(QObject* target, void* token, Job job)
{
    QueuedJob<Job> queued{token, std::move(job)};
    handedOff(token); // what job carries was written on this thread
    QMetaObject::invokeMethod(target, std::move(queued), Qt::QueuedConnection);
}

} // namespace Meterline::ThreadHandoff
