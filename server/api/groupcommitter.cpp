#include "server/api/groupcommitter.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QThread>
#include <algorithm>
#include <chrono>
#include <optional>

#include "core/database.h"
#include "core/logging.h"
#include "server/http/threadhandoff.h"

namespace Meterline::Api
{

struct GroupCommitter::Home
{
    QMutex mutex;
    QObject* object = nullptr; // lives in the caller's thread; null once that thread ended
};

namespace
{

// One per thread that submits: its answers are posted to an object of the thread, which is gone (and
// unreachable through the Home) when the thread ends.
struct HomeOwner
{
    std::shared_ptr<GroupCommitter::Home> home;
    QObject object;

    HomeOwner();
    ~HomeOwner();
};

} // namespace

HomeOwner::HomeOwner()
    : home(std::make_shared<GroupCommitter::Home>())
{
    home->object = &object;
}

HomeOwner::~HomeOwner()
{
    QMutexLocker lock(&home->mutex);
    home->object = nullptr;
}

std::shared_ptr<GroupCommitter::Home> GroupCommitter::callerHome()
{
    if (QThread::currentThread()->loopLevel() == 0)
        return nullptr; // no event loop would run a posted answer
    thread_local HomeOwner owner;
    return owner.home;
}

namespace
{

// Runs job on the caller's thread while it lives (one queued call), else here.
template <typename Job> void runAtHome(const std::shared_ptr<GroupCommitter::Home>& home, Job job)
{
    if (home) {
        QMutexLocker lock(&home->mutex);
        if (home->object) {
            ThreadHandoff::post(home->object, home.get(), std::move(job));
            return;
        }
    }
    job();
}

Error shuttingDown()
{
    return Error::storage(QStringLiteral("the server is shutting down"));
}

} // namespace

GroupCommitter::GroupCommitter(Service& service, int maxGroup, GroupObserver observer)
    : m_service(service)
    , m_maxGroup(std::max(1, maxGroup))
    , m_observer(std::move(observer))
    , m_thread([this] { run(); })
{
}

GroupCommitter::~GroupCommitter()
{
    stop();
}

bool GroupCommitter::enqueue(std::variant<Pending, PendingBatch>& job)
{
    std::lock_guard lock(m_mutex);
    if (m_stopping)
        return false;
    m_queue.push_back(std::move(job));
    m_wake.notify_one();
    return true;
}

void GroupCommitter::submit(EventInput input, Done done)
{
    std::variant<Pending, PendingBatch> job = Pending{std::move(input), Caller{std::move(done), callerHome()}};
    if (!enqueue(job))
        std::get<Pending>(job).caller.done(shuttingDown());
}

void GroupCommitter::submitBatch(QList<EventInput> inputs, BatchDone done)
{
    std::variant<Pending, PendingBatch> job = PendingBatch{std::move(inputs), std::move(done), callerHome()};
    if (!enqueue(job))
        std::get<PendingBatch>(job).done(shuttingDown());
}

void GroupCommitter::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_wake.notify_all();
    }
    if (m_thread.joinable())
        m_thread.join();
}

void GroupCommitter::answerGroup(std::vector<Caller>& callers, QList<Result<RecordResult>>& results)
{
    struct Answer
    {
        Done done;
        Result<RecordResult> result;
    };
    struct HomeAnswers
    {
        std::shared_ptr<Home> home; // null: the callers without an event loop, answered here
        size_t count = 0;
        std::vector<Answer> answers;
    };
    // Few homes, one per HTTP worker thread: a linear search. Counted first, so that each list is allocated once.
    std::vector<HomeAnswers> homes;
    std::vector<size_t> homeOf;
    homeOf.reserve(callers.size());
    for (const Caller& caller : callers) {
        size_t h = 0;
        while (h < homes.size() && homes[h].home != caller.home)
            ++h;
        if (h == homes.size())
            homes.push_back(HomeAnswers{caller.home, 0, {}});
        ++homes[h].count;
        homeOf.push_back(h);
    }
    for (HomeAnswers& home : homes)
        home.answers.reserve(home.count);
    for (size_t i = 0; i < callers.size(); ++i)
        homes[homeOf[i]].answers.push_back(Answer{std::move(callers[i].done), std::move(results[qsizetype(i)])});
    for (HomeAnswers& home : homes) {
        runAtHome(home.home, [answers = std::move(home.answers)]() mutable {
            for (Answer& answer : answers)
                answer.done(std::move(answer.result));
        });
    }
}

void GroupCommitter::run()
{
    bool tailGrew = false; // events were recorded since the event tail was last moved
    for (;;) {
        QList<EventInput> inputs;
        std::vector<Caller> callers;
        std::optional<PendingBatch> batch;
        {
            std::unique_lock lock(m_mutex);
            while (m_queue.empty() && !m_stopping) {
                if (!tailGrew) {
                    m_wake.wait(lock);
                } else if (m_wake.wait_for(lock, std::chrono::milliseconds(IdleBeforeIndexingMs))
                           == std::cv_status::timeout) {
                    // Idle a while: reads should not keep scanning a tail that no longer grows. Submitters go
                    // on queueing meanwhile.
                    lock.unlock();
                    if (auto moved = m_service.indexEventTail(); !moved.ok())
                        qCWarning(lcStore) << "cannot index the event tail:" << moved.error().message;
                    tailGrew = false;
                    lock.lock();
                }
            }
            if (m_queue.empty() && m_stopping)
                break;
            if (auto* first = std::get_if<PendingBatch>(&m_queue.front())) {
                batch = std::move(*first);
                m_queue.pop_front();
            }
            // The single events up to the next batch, at most m_maxGroup of them.
            if (!batch) {
                const qsizetype room = std::min(qsizetype(m_queue.size()), qsizetype(m_maxGroup));
                inputs.reserve(room);
                callers.reserve(size_t(room));
            }
            while (!batch && !m_queue.empty() && inputs.size() < m_maxGroup
                   && std::holds_alternative<Pending>(m_queue.front())) {
                Pending& pending = std::get<Pending>(m_queue.front());
                inputs.append(std::move(pending.input));
                callers.push_back(std::move(pending.caller));
                m_queue.pop_front();
            }
        }
        tailGrew = true;
        if (batch) {
            runAtHome(batch->home,
                      [done = std::move(batch->done), result = m_service.recordBatch(batch->inputs)]() mutable {
                          done(std::move(result));
                      });
            continue;
        }
        QElapsedTimer written;
        written.start();
        QList<Result<RecordResult>> results = m_service.recordEach(inputs);
        if (m_observer)
            m_observer(int(inputs.size()), written.nsecsElapsed() / 1000);
        answerGroup(callers, results);
    }
    m_service.database().releaseThreadConnection();
}

} // namespace Meterline::Api
