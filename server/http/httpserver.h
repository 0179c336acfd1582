#pragma once

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>

#include "server/http/httpmessage.h"

namespace Meterline::Http
{

class Connection;
struct ConnectionLink;

// Sends the answer to one request, from any thread, at most once (later calls are ignored). Copyable;
// if the connection is gone by then (client hung up, server stopped), send() does nothing.
class Responder
{
public:
    Responder() = default;
    explicit Responder(QPointer<Connection> connection, quint64 requestSerial);
    void send(Response response) const;

private:
    // Not the QPointer itself: QPointer cannot be read safely from another thread while its object is being
    // destroyed. The link is a small shared, mutex-guarded handle that ~Connection clears.
    std::shared_ptr<ConnectionLink> m_link;
    quint64 m_serial = 0;
};

// Called on a worker thread for every complete request. It must call responder.send() exactly once,
// now or later (e.g. after a group commit on another thread).
using Handler = std::function<void(const Request& request, const Responder& responder)>;
// Called on the worker thread after each response was written: for the access log and metrics.
using Observer = std::function<void(const Request& request, int status, qint64 durationMicros)>;

struct Limits
{
    qint64 maxHeaderBytes = 16 * 1024; // request line + headers; more → 431
    qint64 maxBodyBytes = 1024 * 1024; // default cap; more → 413 without reading the body
    // Per-request cap from method and path (e.g. 16 MiB for a batch); returns maxBodyBytes when unset.
    std::function<qint64(const QByteArray& method, const QString& path)> maxBodyFor;
    int headerTimeoutMs = 10'000; // a request's headers must arrive within this → 408
    int bodyTimeoutMs = 30'000;   // its body within this → 408
    int idleTimeoutMs = 60'000;   // a keep-alive connection with no request is closed
    int maxConnections = 10'000;
};

// A small HTTP/1.1 server on QTcpServer: one acceptor, N worker threads each running an event loop that owns
// its connections; keep-alive, pipelining (answered in order), Content-Length and chunked request bodies.
class Server : public QObject
{
    Q_OBJECT

public:
    Server(Handler handler, Limits limits = {}, int workerThreads = 0, QObject* parent = nullptr);
    ~Server() override; // stops at once if still running

    void setObserver(Observer observer);
    // Port 0 picks a free port; port() tells which.
    bool listen(const QHostAddress& address, quint16 port);
    quint16 port() const;
    QString errorString() const;

    // Graceful stop: stops accepting at once, closes idle connections, lets every request in flight get its
    // answer (sent with Connection: close), then emits stopped(). After graceMs, closes what is left.
    void stop(int graceMs = 10'000);

Q_SIGNALS:
    void stopped();

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Meterline::Http
