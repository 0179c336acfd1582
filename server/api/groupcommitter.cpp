#include "server/api/groupcommitter.h"

#include "core/database.h"

namespace Meterline::Api
{

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

void GroupCommitter::submit(EventInput input, Done done)
{
    {
        QMutexLocker lock(&m_mutex);
        if (!m_stopping) {
            m_queue.push_back(Pending{std::move(input), std::move(done)});
            m_wake.wakeOne();
            return;
        }
    }
    done(Error::storage(QStringLiteral("the server is shutting down")));
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
        {
            QMutexLocker lock(&m_mutex);
            while (m_queue.empty() && !m_stopping)
                m_wake.wait(&m_mutex);
            if (m_queue.empty() && m_stopping)
                break;
            const size_t take = std::min<size_t>(m_queue.size(), size_t(m_maxGroup));
            group.reserve(take);
            for (size_t i = 0; i < take; ++i) {
                group.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
            }
        }
        QList<EventInput> inputs;
        inputs.reserve(qsizetype(group.size()));
        for (const Pending& p : group)
            inputs << p.input;
        QList<Result<RecordResult>> results = m_service.recordEach(inputs);
        for (size_t i = 0; i < group.size(); ++i)
            group[i].done(std::move(results[qsizetype(i)]));
    }
    m_service.database().releaseThreadConnection();
}

} // namespace Meterline::Api
