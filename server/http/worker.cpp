#include "server/http/worker.h"

#include <algorithm>

#include "server/http/connection.h"

namespace Meterline::Http
{

namespace
{

// Deadlines are checked this often: an eighth of the shortest timeout, within [5, 250] ms.
int sweepInterval(const Limits& limits)
{
    int shortest = 2000;
    for (int timeout : {limits.headerTimeoutMs, limits.bodyTimeoutMs, limits.idleTimeoutMs}) {
        if (timeout > 0)
            shortest = std::min(shortest, timeout);
    }
    return std::clamp(shortest / 8, 5, 250);
}

} // namespace

Worker::Worker(std::shared_ptr<ServerContext> context)
    : m_context(std::move(context))
    , m_sweepTimer(this)
{
    m_sweepTimer.setInterval(sweepInterval(m_context->limits));
    connect(&m_sweepTimer, &QTimer::timeout, this, &Worker::sweep);
}

Worker::~Worker()
{
    m_sweepTimer.stop();
    m_connections.clear();
    m_closed.clear();
    QMutexLocker lock(&m_inboxMutex);
    for (qintptr descriptor : m_inbox) {
        closeDescriptor(descriptor);
        m_context->connections.fetch_sub(1, std::memory_order_relaxed);
    }
    m_inbox.clear();
}

void Worker::enqueue(qintptr descriptor)
{
    bool wake;
    {
        QMutexLocker lock(&m_inboxMutex);
        wake = m_inbox.empty();
        m_inbox.push_back(descriptor);
    }
    if (wake)
        QMetaObject::invokeMethod(this, &Worker::takeIncoming, Qt::QueuedConnection);
}

void Worker::takeIncoming()
{
    std::vector<qintptr> descriptors;
    {
        QMutexLocker lock(&m_inboxMutex);
        descriptors.swap(m_inbox);
    }
    for (qintptr descriptor : descriptors) {
        // the connection owns the slot in the connection count from here on
        auto connection = std::make_unique<Connection>(this, m_context);
        if (m_stopping) {
            closeDescriptor(descriptor);
            continue;
        }
        Connection* raw = connection.get();
        m_connections.emplace(raw, std::move(connection));
        if (!raw->open(descriptor)) {
            m_connections.erase(raw);
            continue;
        }
        if (!m_sweepTimer.isActive())
            m_sweepTimer.start();
    }
    checkDrained();
}

void Worker::connectionClosed(Connection* connection)
{
    auto it = m_connections.find(connection);
    if (it == m_connections.end())
        return;
    // not deleted here: the connection is still on the call stack
    m_closed.push_back(std::move(it->second));
    m_connections.erase(it);
    if (!m_reapPosted) {
        m_reapPosted = true;
        QMetaObject::invokeMethod(this, &Worker::reap, Qt::QueuedConnection);
    }
    if (m_connections.empty())
        m_sweepTimer.stop();
    checkDrained();
}

void Worker::reap()
{
    m_reapPosted = false;
    m_closed.clear();
}

void Worker::sweep()
{
    const qint64 now = Connection::nowMs();
    m_expired.clear();
    for (const auto& [connection, owner] : m_connections) {
        const qint64 deadline = connection->deadline();
        if (deadline != 0 && deadline <= now)
            m_expired.push_back(connection);
    }
    for (Connection* connection : m_expired)
        connection->expire(now); // may close it: it then moves to m_closed, still alive
    m_expired.clear();
}

void Worker::beginStop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    std::vector<Connection*> connections;
    connections.reserve(m_connections.size());
    for (const auto& [connection, owner] : m_connections)
        connections.push_back(connection);
    for (Connection* connection : connections)
        connection->beginStop();
    checkDrained();
}

void Worker::forceStop()
{
    m_stopping = true;
    std::vector<Connection*> connections;
    connections.reserve(m_connections.size());
    for (const auto& [connection, owner] : m_connections)
        connections.push_back(connection);
    for (Connection* connection : connections)
        connection->abort();
    checkDrained();
}

void Worker::checkDrained()
{
    if (m_stopping && !m_drained && m_connections.empty()) {
        m_drained = true;
        Q_EMIT drained();
    }
}

} // namespace Meterline::Http
