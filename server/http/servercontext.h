#pragma once

#include <QMutex>
#include <QThread>
#include <atomic>

#include "server/http/httpserver.h"

namespace Meterline::Http
{

class Connection;

// What every worker thread shares with the server: read-only after construction, except the counter.
struct ServerContext
{
    ServerContext(Handler handler, Limits limits)
        : handler(std::move(handler))
        , limits(std::move(limits))
    {
    }

    const Handler handler; // called from every worker thread at once
    const Limits limits;
    std::atomic<int> connections{0}; // accepted and not yet destroyed, for limits.maxConnections
};

// Shared by a Connection and the Responders of its requests, so that send() from another thread can tell
// whether the connection still exists without touching a deleted object. The connection sets and clears the
// pointer on its own thread under the mutex; other threads read it only under the mutex, and post to it while
// holding it, so ~Connection cannot run in between (and ~QObject then drops what was posted).
struct ConnectionLink
{
    QMutex mutex;
    Connection* connection = nullptr;
    QThread* thread = nullptr; // the connection's thread, fixed
};

// Closes an accepted socket that no QTcpSocket took over.
void closeDescriptor(qintptr descriptor);

} // namespace Meterline::Http
