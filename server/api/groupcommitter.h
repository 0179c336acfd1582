#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "core/service.h"

namespace Meterline::Api
{

// Group commit for single-event records: one SQLite writer serialises commits, so concurrent records are
// gathered while the previous group commits and land together in one transaction (one fsync). Each caller
// is answered after the commit that holds its event — never before — so an acknowledged event is durable.
// The committer's thread is what limits records per second, so done runs on the caller's thread when that
// thread runs an event loop (an HTTP worker builds its own answer); otherwise on the committer's. A group's
// answers for one thread go there together, in order, as one queued call: one wakeup per thread and group,
// not one per event. Batches run on the same thread, each in its own transaction between groups, so that no
// HTTP worker waits for SQLite's write lock. After a quiet while, the committer moves the event tail into the
// per-customer indexes (core/eventtail.h), so that reads stop scanning it.
class GroupCommitter
{
public:
    using Done = std::function<void(Result<RecordResult>)>;
    using BatchDone = std::function<void(Result<BatchResult>)>;
    // Told of every group of single records once it is written: its events and its transaction's time
    // (statements, commit, and the event tail's move when it fell due). Runs on the committer's thread.
    using GroupObserver = std::function<void(int events, qint64 durationMicros)>;

    explicit GroupCommitter(Service& service, int maxGroup = 1000, GroupObserver observer = {});
    ~GroupCommitter(); // drains what was submitted, then stops

    void submit(EventInput input, Done done);
    void submitBatch(QList<EventInput> inputs, BatchDone done);
    // Stops taking new events (they are answered with a storage error), drains the queue, joins the thread.
    void stop();

    struct Home; // where a caller is answered: its thread, while it lives

    // Quiet time after the last record before the committer moves the event tail into the indexes.
    static constexpr int IdleBeforeIndexingMs = 200;

private:
    void run();

    // Who waits for an answer, and where it is to run.
    struct Caller
    {
        Done done;
        std::shared_ptr<Home> home;
    };
    struct Pending
    {
        EventInput input;
        Caller caller;
    };
    struct PendingBatch
    {
        QList<EventInput> inputs;
        BatchDone done;
        std::shared_ptr<Home> home;
    };
    static std::shared_ptr<Home> callerHome();
    // Answers a committed group: one posted call per home thread, which runs that thread's answers in order.
    static void answerGroup(std::vector<Caller>& callers, QList<Result<RecordResult>>& results);
    // Queues job (moving it) unless stopping; false, and job untouched, when it was not queued.
    bool enqueue(std::variant<Pending, PendingBatch>& job);
    Service& m_service;
    const int m_maxGroup;
    const GroupObserver m_observer;
    // The standard library's, not QMutex and QWaitCondition: QWaitCondition::wait unlocks the mutex inside Qt,
    // where ThreadSanitizer cannot see it (Debian's Qt is not instrumented), and these two are what it must see.
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::variant<Pending, PendingBatch>> m_queue; // in arrival order
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace Meterline::Api
