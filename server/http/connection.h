#pragma once

#include <QByteArray>
#include <QObject>
#include <memory>
#include <string>

#include "server/http/httpmessage.h"
#include "server/http/recyclingqueue.h"
#include "server/http/requestparser.h"
#include "server/http/servercontext.h"
#include "server/http/socketchannel.h"

namespace Meterline::Http
{

class Worker;

// One client connection on a worker thread: reads and parses requests, calls the handler for each, and writes
// the answers strictly in request order, however late or from whichever thread they arrive. Owned by its Worker,
// which also checks its deadline (header, body, idle, write stall, lingering close) on a coarse timer.
class Connection : public QObject, private SocketListener
{
    Q_OBJECT

public:
    enum class DeadlineKind
    {
        None,   // a request is with the handler: no timeout applies
        Idle,   // keep-alive with nothing to do: close quietly
        Head,   // headers in progress: 408
        Body,   // body in progress: 408
        Write,  // the client does not read what we send: abort
        Linger, // answered and half-closed, waiting for the client to go: abort
    };

    Connection(Worker* worker, std::shared_ptr<ServerContext> context);
    ~Connection() override;

    // Takes over an accepted socket; false (descriptor closed) when that fails.
    bool open(qintptr descriptor);

    const std::shared_ptr<ConnectionLink>& link() const { return m_link; }
    // The answer to request `serial`; ignored when that request was answered already or the connection is closed.
    // On the connection's thread only.
    void deliver(quint64 serial, Response&& response);

    qint64 deadline() const { return m_deadline; } // monotonic ms, 0 = none
    void expire(qint64 nowMs);                     // the deadline passed
    // Server stop: an idle connection closes now; one with a request in progress finishes it, answers it with
    // "Connection: close" and closes.
    void beginStop();
    void abort();

    static qint64 nowMs();

private:
    struct Pending
    {
        explicit Pending(Request&& request)
            : request(std::move(request))
        {
        }

        Request request;
        Response response;
        qint64 startNs = 0;
        bool ready = false;
        bool keepAlive = true;
        bool http10 = false;
        bool error = false; // made by the engine: always closes
    };

    void pump();
    void readRequests();
    void dispatch();
    void queueError(int status, const QString& message);
    void writeResponses();
    // Serializes the status line and headers (and a small body) into m_out and writes them in one go.
    void writeHead(const Pending& pending, int status, bool close, bool chunked, bool withBody);
    bool produceStream(); // true when the stream ended
    void finishFront();   // observer, then pop
    void startLinger();
    void discardInput();
    void onReadyRead() override { pump(); }
    void onBytesWritten() override;
    void onDisconnected() override;
    void finish();
    void setDeadline(DeadlineKind kind, int timeoutMs);
    void refreshDeadline();

    Worker* m_worker;
    std::shared_ptr<ServerContext> m_context;
    const Limits& m_limits;
    std::shared_ptr<ConnectionLink> m_link;
    SocketChannel m_socket;
    RequestParser m_parser;

    std::string m_out;               // reused for every response head (std::string: inline appends)
    RecyclingQueue<Pending> m_queue; // requests in order; front = next to answer
    quint64 m_nextSerial = 1;        // serial of the next request; the front's is m_nextSerial - m_queue.size()

    qint64 m_deadline = 0;
    DeadlineKind m_deadlineKind = DeadlineKind::None;
    qint64 m_discarded = 0;

    bool m_pumping = false;
    bool m_pumpAgain = false;
    bool m_reading = false;         // in readRequests(): a synchronous answer is written right after it
    bool m_inputBlocked = false;    // too many answers owed or unsent: reading resumes when they leave
    bool m_streaming = false;       // the front response is a stream being produced
    bool m_noMoreRequests = false;  // error, "Connection: close" or server stop: read no further request
    bool m_closeAfterWrite = false; // the last response is written: close once it is flushed
    bool m_lingering = false;
    bool m_stopping = false;
    bool m_closed = false; // the socket is gone or going
    bool m_finished = false;
};

} // namespace Meterline::Http
