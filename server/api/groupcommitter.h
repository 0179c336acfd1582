#pragma once

#include <QMutex>
#include <QWaitCondition>
#include <deque>
#include <functional>
#include <thread>

#include "core/service.h"

namespace Meterline::Api
{

// Group commit for single-event records: one SQLite writer serialises commits, so concurrent records are
// gathered while the previous group commits and land together in one transaction (one fsync). Each caller
// is answered after the commit that holds its event — never before — so an acknowledged event is durable.
class GroupCommitter
{
public:
    using Done = std::function<void(Result<RecordResult>)>;

    explicit GroupCommitter(Service& service, int maxGroup = 1000);
    ~GroupCommitter(); // drains what was submitted, then stops

    void submit(EventInput input, Done done);
    // Stops taking new events (they are answered with a storage error), drains the queue, joins the thread.
    void stop();

private:
    void run();

    struct Pending
    {
        EventInput input;
        Done done;
    };
    Service& m_service;
    const int m_maxGroup;
    QMutex m_mutex;
    QWaitCondition m_wake;
    std::deque<Pending> m_queue;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace Meterline::Api
