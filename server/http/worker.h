#pragma once

#include <QMutex>
#include <QObject>
#include <QTimer>
#include <memory>
#include <unordered_map>
#include <vector>

#include "server/http/servercontext.h"

namespace Meterline::Http
{

class Connection;

// One worker thread's share of the server: it owns its connections (created, run and deleted on its thread) and
// checks their deadlines on one coarse timer instead of a timer per connection.
class Worker : public QObject
{
    Q_OBJECT

public:
    explicit Worker(std::shared_ptr<ServerContext> context);
    ~Worker() override;

    // From the acceptor's thread: queue an accepted descriptor for this worker.
    void enqueue(qintptr descriptor);

    // On the worker's thread.
    const Observer& observer() const { return m_observer; }
    void setObserver(Observer observer) { m_observer = std::move(observer); }
    void beginStop();
    void forceStop();
    void connectionClosed(Connection* connection);

Q_SIGNALS:
    // After beginStop(), once no connection is left; emitted once.
    void drained();

private:
    void takeIncoming();
    void sweep();
    void reap();
    void checkDrained();

    std::shared_ptr<ServerContext> m_context;
    Observer m_observer;
    QTimer m_sweepTimer;

    QMutex m_inboxMutex;
    std::vector<qintptr> m_inbox; // accepted, not yet taken over; closed if the worker dies first

    std::unordered_map<Connection*, std::unique_ptr<Connection>> m_connections;
    std::vector<Connection*> m_expired;                // reused by sweep()
    std::vector<std::unique_ptr<Connection>> m_closed; // deleted on the next event loop turn
    bool m_reapPosted = false;
    bool m_stopping = false;
    bool m_drained = false;
};

} // namespace Meterline::Http
