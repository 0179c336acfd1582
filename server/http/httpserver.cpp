#include "server/http/httpserver.h"

#include <QThread>
#include <QTimer>
#include <algorithm>
#include <vector>

#include "server/http/acceptor.h"
#include "server/http/connection.h"
#include "server/http/epolldispatcher.h"
#include "server/http/httplogging.h"
#include "server/http/servercontext.h"
#include "server/http/threadhandoff.h"
#include "server/http/worker.h"

namespace Meterline::Http
{

Responder::Responder(QPointer<Connection> connection, quint64 requestSerial)
    : m_link(connection ? connection->link() : nullptr) // made on the connection's thread
    , m_serial(requestSerial)
{
}

void Responder::send(Response response) const
{
    if (!m_link)
        return;
    if (QThread::currentThread() == m_link->thread) {
        // A synchronous handler on the worker: written straight away, no event loop turn. Only this thread
        // changes m_link->connection, so reading it here needs no lock.
        if (Connection* connection = m_link->connection)
            connection->deliver(m_serial, std::move(response));
        return;
    }
    QMutexLocker lock(&m_link->mutex);
    Connection* connection = m_link->connection;
    if (!connection)
        return;
    ThreadHandoff::post(
        connection, m_link.get(), [connection, serial = m_serial, response = std::move(response)]() mutable {
            connection->deliver(serial, std::move(response));
        });
}

class Server::Private
{
public:
    Private(Server* q, Handler handler, Limits limits, int workerThreads)
        : q(q)
        , context(std::make_shared<ServerContext>(std::move(handler), std::move(limits)))
        , threadCount(workerThreads > 0 ? workerThreads : std::max(2, QThread::idealThreadCount()))
        , acceptor([this](qintptr descriptor) { accept(descriptor); })
    {
        graceTimer.setSingleShot(true);
        QObject::connect(&graceTimer, &QTimer::timeout, q, [this] { forceStop(); });
    }

    void startWorkers();
    void accept(qintptr descriptor);
    void forceStop();
    void workerDrained();
    void emitStopped();

    Server* q;
    std::shared_ptr<ServerContext> context;
    const int threadCount;
    Observer observer;
    Acceptor acceptor;
    QTimer graceTimer;
    std::vector<std::unique_ptr<QThread>> threads;
    std::vector<Worker*> workers; // each deleted on its thread when the thread finishes
    std::size_t nextWorker = 0;
    int drainedWorkers = 0;
    bool stopping = false;
    bool stoppedEmitted = false;
    QString error;
};

void Server::Private::startWorkers()
{
    if (!workers.empty())
        return;
    for (int i = 0; i < threadCount; ++i) {
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(QStringLiteral("meterline-http-%1").arg(i));
#ifdef Q_OS_LINUX
        // METERLINE_HTTP_DISPATCHER=qt keeps Qt's default dispatcher: an escape hatch, and for comparisons.
        if (qgetenv("METERLINE_HTTP_DISPATCHER") != "qt") {
            auto dispatcher = std::make_unique<EpollDispatcher>();
            if (dispatcher->isValid())
                thread->setEventDispatcher(dispatcher.release()); // the thread owns it
        }
#endif
        auto* worker = new Worker(context); // no parent: it changes thread
        worker->setObserver(observer);
        worker->moveToThread(thread.get());
        QObject::connect(thread.get(), &QThread::finished, worker, &QObject::deleteLater);
        QObject::connect(worker, &Worker::drained, q, [this] { workerDrained(); });
        thread->start();
        threads.push_back(std::move(thread));
        workers.push_back(worker);
    }
}

void Server::Private::accept(qintptr descriptor)
{
    const Limits& limits = context->limits;
    if (stopping || context->connections.load(std::memory_order_relaxed) >= limits.maxConnections) {
        closeDescriptor(descriptor);
        return;
    }
    context->connections.fetch_add(1, std::memory_order_relaxed);
    workers[nextWorker++ % workers.size()]->enqueue(descriptor);
}

void Server::Private::forceStop()
{
    for (Worker* worker : workers)
        QMetaObject::invokeMethod(worker, &Worker::forceStop, Qt::QueuedConnection);
}

void Server::Private::workerDrained()
{
    if (++drainedWorkers >= int(workers.size()))
        emitStopped();
}

void Server::Private::emitStopped()
{
    if (stoppedEmitted)
        return;
    stoppedEmitted = true;
    graceTimer.stop();
    Q_EMIT q->stopped();
}

Server::Server(Handler handler, Limits limits, int workerThreads, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(handler), std::move(limits), workerThreads))
{
}

Server::~Server()
{
    d->stopping = true;
    d->graceTimer.stop();
    d->acceptor.close();
    for (const auto& thread : d->threads)
        thread->quit(); // each worker deletes its connections as its thread finishes
    for (const auto& thread : d->threads)
        thread->wait();
}

void Server::setObserver(Observer observer)
{
    d->observer = observer;
    for (Worker* worker : d->workers) {
        QMetaObject::invokeMethod(
            worker, [worker, observer] { worker->setObserver(observer); }, Qt::QueuedConnection);
    }
}

bool Server::listen(const QHostAddress& address, quint16 port)
{
    if (d->stopping) {
        d->error = QStringLiteral("the server was stopped");
        return false;
    }
    d->startWorkers();
    d->acceptor.setListenBacklogSize(1024);
    if (!d->acceptor.listen(address, port)) {
        d->error = d->acceptor.errorString();
        return false;
    }
    d->error.clear();
    return true;
}

quint16 Server::port() const
{
    return d->acceptor.serverPort();
}

QString Server::errorString() const
{
    return d->error;
}

void Server::stop(int graceMs)
{
    if (d->stopping)
        return;
    d->stopping = true;
    d->acceptor.close();
    if (d->workers.empty()) {
        QMetaObject::invokeMethod(
            this, [this] { d->emitStopped(); }, Qt::QueuedConnection);
        return;
    }
    for (Worker* worker : d->workers)
        QMetaObject::invokeMethod(worker, &Worker::beginStop, Qt::QueuedConnection);
    d->graceTimer.start(std::max(0, graceMs));
}

} // namespace Meterline::Http
