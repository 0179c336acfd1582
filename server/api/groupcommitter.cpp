#include "server/api/groupcommitter.h"

#include <QThread>
#include <optional>

#include "core/database.h"

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

// Runs done(result) on the caller's thread while it lives, else here.
template <typename T>
void answer(const std::shared_ptr<GroupCommitter::Home>& home, std::function<void(T)> done, T result)
{
    if (home) {
        QMutexLocker lock(&home->mutex);
        if (home->object) {
            QMetaObject::invokeMethod(
                home->object,
                [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); },
                Qt::QueuedConnection);
            return;
        }
    }
    done(std::move(result));
}

Error shuttingDown()
{
    return Error::storage(QStringLiteral("the server is shutting down"));
}

} // namespace

GroupCommitter::GroupCommitter(Service& service, int maxGroup)
    : m_service(service)
    , m_maxGroup(std::max(1, maxGroup))
    , m_thread([this] { run(); })
{
}

GroupCommitter::~GroupCommitter()
{
    stop();
}

bool GroupCommitter::enqueue(std::variant<Pending, PendingBatch>& job)
{
    QMutexLocker lock(&m_mutex);
    if (m_stopping)
        return false;
    m_queue.push_back(std::move(job));
    m_wake.wakeOne();
    return true;
}

void GroupCommitter::submit(EventInput input, Done done)
{
    std::variant<Pending, PendingBatch> job = Pending{std::move(input), std::move(done), callerHome()};
    if (!enqueue(job))
        std::get<Pending>(job).done(shuttingDown());
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
        QMutexLocker lock(&m_mutex);
        m_stopping = true;
        m_wake.wakeAll();
    }
    if (m_thread.joinable())
        m_thread.join();
}

void GroupCommitter::run()
{
    for (;;) {
        std::vector<Pending> group;
        std::optional<PendingBatch> batch;
        {
            QMutexLocker lock(&m_mutex);
            while (m_queue.empty() && !m_stopping)
                m_wake.wait(&m_mutex);
            if (m_queue.empty() && m_stopping)
                break;
            if (auto* first = std::get_if<PendingBatch>(&m_queue.front())) {
                batch = std::move(*first);
                m_queue.pop_front();
            }
            // The single events up to the next batch, at most m_maxGroup of them.
            while (!batch && !m_queue.empty() && group.size() < size_t(m_maxGroup)
                   && std::holds_alternative<Pending>(m_queue.front())) {
                group.push_back(std::get<Pending>(std::move(m_queue.front())));
                m_queue.pop_front();
            }
        }
        if (batch) {
            answer(batch->home, std::move(batch->done), m_service.recordBatch(batch->inputs));
            continue;
        }
        QList<EventInput> inputs;
        inputs.reserve(qsizetype(group.size()));
        for (const Pending& p : group)
            inputs << p.input;
        QList<Result<RecordResult>> results = m_service.recordEach(inputs);
        for (size_t i = 0; i < group.size(); ++i)
            answer(group[i].home, std::move(group[i].done), std::move(results[qsizetype(i)]));
    }
    m_service.database().releaseThreadConnection();
}

} // namespace Meterline::Api
