#include "server/http/connection.h"

#include <QPointer>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

#include "server/http/httplogging.h"
#include "server/http/worker.h"

namespace Meterline::Http
{

namespace
{

constexpr std::size_t kMaxPipelined = 16;       // requests parsed ahead of their answers
constexpr qint64 kOutputHighWater = 256 * 1024; // above this no new request is read and no stream chunk made
constexpr int kLingerMs = 2000; // after a closing answer, how long the client's late bytes are read and dropped
constexpr qint64 kMaxLingerBytes = 8 * 1024 * 1024;
constexpr qsizetype kInlineBodyBytes = 4096; // smaller bodies are copied behind the head: one write

constexpr QByteArrayView kCrlf("\r\n");

QByteArrayView statusLine(int status)
{
    switch (status) {
    case 200:
        return "HTTP/1.1 200 OK\r\n";
    case 201:
        return "HTTP/1.1 201 Created\r\n";
    case 202:
        return "HTTP/1.1 202 Accepted\r\n";
    case 204:
        return "HTTP/1.1 204 No Content\r\n";
    case 301:
        return "HTTP/1.1 301 Moved Permanently\r\n";
    case 302:
        return "HTTP/1.1 302 Found\r\n";
    case 304:
        return "HTTP/1.1 304 Not Modified\r\n";
    case 400:
        return "HTTP/1.1 400 Bad Request\r\n";
    case 401:
        return "HTTP/1.1 401 Unauthorized\r\n";
    case 402:
        return "HTTP/1.1 402 Payment Required\r\n";
    case 403:
        return "HTTP/1.1 403 Forbidden\r\n";
    case 404:
        return "HTTP/1.1 404 Not Found\r\n";
    case 405:
        return "HTTP/1.1 405 Method Not Allowed\r\n";
    case 408:
        return "HTTP/1.1 408 Request Timeout\r\n";
    case 409:
        return "HTTP/1.1 409 Conflict\r\n";
    case 410:
        return "HTTP/1.1 410 Gone\r\n";
    case 411:
        return "HTTP/1.1 411 Length Required\r\n";
    case 412:
        return "HTTP/1.1 412 Precondition Failed\r\n";
    case 413:
        return "HTTP/1.1 413 Payload Too Large\r\n";
    case 415:
        return "HTTP/1.1 415 Unsupported Media Type\r\n";
    case 422:
        return "HTTP/1.1 422 Unprocessable Content\r\n";
    case 429:
        return "HTTP/1.1 429 Too Many Requests\r\n";
    case 431:
        return "HTTP/1.1 431 Request Header Fields Too Large\r\n";
    case 500:
        return "HTTP/1.1 500 Internal Server Error\r\n";
    case 501:
        return "HTTP/1.1 501 Not Implemented\r\n";
    case 502:
        return "HTTP/1.1 502 Bad Gateway\r\n";
    case 503:
        return "HTTP/1.1 503 Service Unavailable\r\n";
    case 504:
        return "HTTP/1.1 504 Gateway Timeout\r\n";
    case 505:
        return "HTTP/1.1 505 HTTP Version Not Supported\r\n";
    default:
        return {};
    }
}

void appendNumber(std::string& out, qint64 value)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = char('0' + value % 10);
        value /= 10;
    } while (value > 0);
    while (n > 0)
        out.push_back(digits[--n]);
}

void append(std::string& out, QByteArrayView text)
{
    out.append(text.data(), size_t(text.size()));
}

// "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n" (RFC 9110 §5.6.7), made once a second per thread.
QByteArrayView dateHeader()
{
    struct Cache
    {
        std::time_t second = -1;
        char text[64] = {};
        int length = 0;
    };
    thread_local Cache cache;
    const std::time_t now = std::time(nullptr);
    if (now != cache.second) {
        static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
        static constexpr const char* kMonths[] = {
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        std::tm tm{};
#ifdef Q_OS_WIN
        gmtime_s(&tm, &now);
#else
        gmtime_r(&now, &tm);
#endif
        cache.length = std::snprintf(cache.text,
                                     sizeof cache.text,
                                     "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n",
                                     kDays[tm.tm_wday % 7],
                                     tm.tm_mday,
                                     kMonths[tm.tm_mon % 12],
                                     tm.tm_year + 1900,
                                     tm.tm_hour,
                                     tm.tm_min,
                                     tm.tm_sec);
        cache.second = now;
    }
    return QByteArrayView(cache.text, cache.length);
}

// A header a handler may add: a token name, no CR, LF or NUL in the value, and not one the engine writes itself.
bool isAllowedExtraHeader(const QByteArray& name, const QByteArray& value)
{
    if (name.isEmpty())
        return false;
    for (char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f || c == ':')
            return false;
    }
    for (char ch : value) {
        if (ch == '\r' || ch == '\n' || ch == '\0')
            return false;
    }
    for (QByteArrayView reserved : {"content-length", "transfer-encoding", "connection", "date"}) {
        if (name.size() == reserved.size() && QByteArrayView(name).compare(reserved, Qt::CaseInsensitive) == 0)
            return false;
    }
    return true;
}

bool isSafeHeaderValue(const QByteArray& value)
{
    for (char ch : value) {
        if (ch == '\r' || ch == '\n' || ch == '\0')
            return false;
    }
    return true;
}

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

qint64 Connection::nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

Connection::Connection(Worker* worker, std::shared_ptr<ServerContext> context)
    : m_worker(worker)
    , m_context(std::move(context))
    , m_limits(m_context->limits)
    , m_link(std::make_shared<ConnectionLink>())
    , m_socket(this)
    , m_parser(m_limits)
{
    m_link->thread = QThread::currentThread();
    QMutexLocker lock(&m_link->mutex);
    m_link->connection = this;
}

Connection::~Connection()
{
    {
        QMutexLocker lock(&m_link->mutex);
        m_link->connection = nullptr;
    }
    m_socket.abort(); // closes without calling back into a half-destroyed connection
    m_context->connections.fetch_sub(1, std::memory_order_relaxed);
}

bool Connection::open(qintptr descriptor)
{
    if (!m_socket.open(descriptor)) {
        qCWarning(lcHttp) << "cannot take over an accepted socket:" << strerror(errno);
        closeDescriptor(descriptor);
        return false;
    }
    m_parser.setPeer(m_socket.peerAddress());
    m_parser.reset();
    m_out.reserve(512);
    setDeadline(DeadlineKind::Idle, m_limits.idleTimeoutMs);
    return true;
}

void Connection::pump()
{
    if (m_pumping) {
        if (!m_reading)
            m_pumpAgain = true; // readRequests() is followed by writeResponses() anyway
        return;
    }
    m_pumping = true;
    do {
        m_pumpAgain = false;
        if (m_lingering)
            discardInput();
        else
            readRequests();
        writeResponses();
    } while (m_pumpAgain && !m_closed);
    m_pumping = false;
    if (m_closed)
        finish();
    else
        refreshDeadline();
}

void Connection::readRequests()
{
    m_inputBlocked = false;
    m_reading = true;
    while (!m_closed && !m_noMoreRequests) {
        if (m_queue.size() >= kMaxPipelined || m_socket.bytesToWrite() >= kOutputHighWater) {
            m_inputBlocked = true; // resumed when answers leave
            break;
        }
        if (m_stopping && m_parser.phase() == RequestParser::Phase::Idle) {
            m_noMoreRequests = true; // the server stops: no new request on this connection
            break;
        }
        const QByteArrayView input = m_socket.input(); // parsed in place, in the socket's buffer
        if (input.isEmpty())
            break;

        const RequestParser::Phase before = m_parser.phase();
        m_socket.consume(m_parser.feed(input));
        const RequestParser::Phase after = m_parser.phase();

        if (after == RequestParser::Phase::Head && before == RequestParser::Phase::Idle) {
            setDeadline(DeadlineKind::Head, m_limits.headerTimeoutMs); // from the first byte of the request
        } else if (after == RequestParser::Phase::Body && before != RequestParser::Phase::Body) {
            setDeadline(DeadlineKind::Body, m_limits.bodyTimeoutMs);
            // interim answer only when no earlier answer is owed, or it would overtake one
            if (m_parser.expectsContinue() && m_queue.empty() && m_socket.input().isEmpty()) {
                m_socket.write(QByteArrayView("HTTP/1.1 100 Continue\r\n\r\n"));
                m_socket.flush();
            }
        }
        if (after == RequestParser::Phase::Failed) {
            queueError(m_parser.errorStatus(), m_parser.errorMessage());
            break;
        }
        if (after == RequestParser::Phase::Complete)
            dispatch();
    }
    m_reading = false;
}

void Connection::dispatch()
{
    Pending& pending = m_queue.emplace_back(m_parser.takeRequest());
    pending.request.id = RequestId::next();
    pending.keepAlive = m_parser.keepAlive();
    pending.http10 = m_parser.isHttp10();
    pending.startNs = nowNs();
    m_parser.reset();
    if (!pending.keepAlive)
        m_noMoreRequests = true;
    m_deadlineKind = DeadlineKind::None; // with the handler now; refreshDeadline() sets the next one
    m_deadline = 0;

    const quint64 serial = m_nextSerial++;
    // `pending` stays put while the handler runs: nothing else touches the queue until it returns
    try {
        m_context->handler(pending.request, Responder(QPointer<Connection>(this), serial));
    } catch (const std::exception& e) {
        qCWarning(lcHttp) << "handler threw:" << e.what();
        deliver(serial, Response::error(500, QStringLiteral("internal_error"), QStringLiteral("internal error")));
    } catch (...) {
        qCWarning(lcHttp) << "handler threw";
        deliver(serial, Response::error(500, QStringLiteral("internal_error"), QStringLiteral("internal error")));
    }
}

void Connection::queueError(int status, const QString& message)
{
    Pending& pending = m_queue.emplace_back(m_parser.takeRequest()); // what was read of it, for the observer
    pending.request.id = RequestId::next();
    pending.response = Response::error(status, RequestParser::errorCodeFor(status), message);
    pending.ready = true;
    pending.error = true;
    pending.keepAlive = false;
    pending.http10 = m_parser.isHttp10();
    pending.startNs = nowNs();
    ++m_nextSerial;
    m_parser.reset();
    m_noMoreRequests = true;
}

void Connection::deliver(quint64 serial, Response&& response)
{
    if (m_closed)
        return;
    const quint64 frontSerial = m_nextSerial - m_queue.size();
    if (serial < frontSerial || serial >= m_nextSerial)
        return; // answered and sent already
    Pending& pending = m_queue[serial - frontSerial];
    if (pending.ready)
        return; // answered twice: the first answer counts
    pending.response = std::move(response);
    pending.ready = true;
    if (serial == frontSerial)
        pump(); // later answers wait for the earlier ones
}

void Connection::writeHead(const Pending& pending, int status, bool close, bool chunked, bool withBody)
{
    const Response& response = pending.response;
    const bool bodyless = status < 200 || status == 204 || status == 304;
    m_out.clear(); // keeps the capacity
    const QByteArrayView line = statusLine(status);
    if (!line.isEmpty()) {
        append(m_out, line);
    } else {
        append(m_out, "HTTP/1.1 ");
        appendNumber(m_out, status);
        append(m_out, " \r\n");
    }
    append(m_out, dateHeader());
    append(m_out, "Request-Id: ");
    append(m_out, pending.request.id.text());
    append(m_out, "\r\n");
    if (!bodyless && !response.contentType.isEmpty() && isSafeHeaderValue(response.contentType)) {
        append(m_out, "Content-Type: ");
        append(m_out, response.contentType);
        append(m_out, kCrlf);
    }
    if (chunked) {
        append(m_out, "Transfer-Encoding: chunked\r\n");
    } else if (!bodyless && !response.stream) {
        append(m_out, "Content-Length: ");
        appendNumber(m_out, response.body.size());
        append(m_out, kCrlf);
    }
    if (close)
        append(m_out, "Connection: close\r\n");
    else if (pending.http10)
        append(m_out, "Connection: keep-alive\r\n");
    for (const auto& [name, value] : response.headers) {
        if (!isAllowedExtraHeader(name, value)) {
            qCWarning(lcHttp) << "dropped response header" << name;
            continue;
        }
        append(m_out, name);
        append(m_out, ": ");
        append(m_out, value);
        append(m_out, kCrlf);
    }
    append(m_out, kCrlf);

    if (withBody && !bodyless && response.body.size() <= kInlineBodyBytes)
        append(m_out, response.body);
    m_socket.write(QByteArrayView(m_out.data(), qsizetype(m_out.size())));
    if (withBody && !bodyless && response.body.size() > kInlineBodyBytes)
        m_socket.write(response.body); // a large body is shared with the socket's buffer, not copied
}

void Connection::writeResponses()
{
    if (m_closed)
        return;
    if (m_streaming && !produceStream())
        return;

    bool wrote = false;
    while (!m_closed && !m_queue.empty() && m_queue.front().ready) {
        Pending& front = m_queue.front();
        int status = front.response.status;
        if (status < 200 || status > 999) {
            qCWarning(lcHttp) << "handler answered with status" << status << "- sent as 500";
            status = 500;
            front.response = Response::error(500, QStringLiteral("internal_error"), QStringLiteral("internal error"));
        }
        front.response.status = status;
        const bool head = front.request.method == "HEAD";
        bool close = front.error || !front.keepAlive || (m_noMoreRequests && m_queue.size() == 1);

        if (front.response.stream && !head && status != 204 && status != 304) {
            const bool chunked = !front.http10; // an HTTP/1.0 client reads to the end of the connection
            close = close || !chunked;
            if (close) {
                m_noMoreRequests = true;
                m_closeAfterWrite = true;
            }
            writeHead(front, status, close, chunked, false);
            m_streaming = true;
            if (!produceStream())
                return; // continues as the client reads (onBytesWritten)
            continue;
        }

        writeHead(front, status, close, false, !head);
        wrote = true;
        if (close) {
            m_noMoreRequests = true;
            m_closeAfterWrite = true;
        }
        finishFront();
        if (m_inputBlocked)
            m_pumpAgain = true; // room for requests that waited
    }
    if (wrote)
        m_socket.flush(); // the batch of answers leaves together, now

    if (m_closed)
        return;
    if (m_noMoreRequests && m_queue.empty())
        m_closeAfterWrite = true;
    if (m_closeAfterWrite && m_queue.empty() && !m_lingering && m_socket.bytesToWrite() == 0)
        startLinger();
}

bool Connection::produceStream()
{
    Pending& front = m_queue.front();
    const bool chunked = !front.http10;
    while (!m_closed && m_socket.bytesToWrite() < kOutputHighWater) {
        QByteArray chunk;
        try {
            chunk = front.response.stream();
        } catch (...) {
            qCWarning(lcHttp) << "response stream threw; connection aborted";
            abort();
            return false;
        }
        if (chunk.isEmpty()) {
            if (chunked)
                m_socket.write(QByteArrayView("0\r\n\r\n"));
            m_streaming = false;
            finishFront();
            m_socket.flush();
            if (m_inputBlocked)
                m_pumpAgain = true;
            return true;
        }
        if (chunked) {
            char size[24];
            const int n = std::snprintf(size, sizeof size, "%llx\r\n", static_cast<unsigned long long>(chunk.size()));
            chunk.prepend(size, n); // one buffer per chunk: framing and data leave together
            chunk.append(kCrlf);
        }
        m_socket.write(chunk);
        m_socket.flush(); // keeps the kernel's buffer full and ours small
    }
    return false;
}

void Connection::finishFront()
{
    Pending& front = m_queue.front();
    if (const Observer& observer = m_worker->observer()) {
        const qint64 micros = (nowNs() - front.startNs) / 1000;
        try {
            observer(front.request, front.response.status, micros);
        } catch (...) {
            qCWarning(lcHttp) << "observer threw";
        }
    }
    m_queue.pop_front();
}

void Connection::startLinger()
{
    // Half-close and read what the client still sends: closing with unread bytes makes the kernel reset the
    // connection, and a reset can destroy our last answer (a 413 or 408) before the client read it.
    m_lingering = true;
    m_socket.shutdownWrite();
    setDeadline(DeadlineKind::Linger, kLingerMs);
    discardInput();
}

void Connection::discardInput()
{
    const qsizetype available = m_socket.input().size();
    m_socket.consume(available);
    m_discarded += available;
    if (m_discarded > kMaxLingerBytes)
        abort();
}

void Connection::onBytesWritten()
{
    if (m_deadlineKind == DeadlineKind::Idle || m_deadlineKind == DeadlineKind::Write)
        setDeadline(m_deadlineKind, m_limits.idleTimeoutMs); // the client reads: not stalled
    if (m_pumping)
        return;
    if (m_streaming || m_closeAfterWrite || m_inputBlocked)
        pump();
}

void Connection::onDisconnected()
{
    m_closed = true;
    if (!m_pumping)
        finish();
}

void Connection::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_closed = true;
    m_deadline = 0;
    m_deadlineKind = DeadlineKind::None;
    m_streaming = false;
    m_queue.clear(); // requests, bodies and stream producers go now, not when the worker reaps us
    m_worker->connectionClosed(this);
}

void Connection::abort()
{
    if (m_finished)
        return;
    m_closed = true;
    m_socket.abort();
    if (!m_pumping)
        finish();
}

void Connection::beginStop()
{
    if (m_closed)
        return;
    m_stopping = true;
    const bool idle = m_queue.empty() && m_parser.phase() == RequestParser::Phase::Idle && !m_closeAfterWrite;
    if (idle) {
        m_closed = true;
        m_socket.disconnectFromHost(); // flushes what is still buffered, then closes
        if (!m_socket.isOpen())
            finish();
        return;
    }
    pump();
}

void Connection::expire(qint64 nowMs)
{
    if (m_closed || m_deadline == 0 || m_deadline > nowMs)
        return;
    switch (m_deadlineKind) {
    case DeadlineKind::None:
        return;
    case DeadlineKind::Idle:
        if (m_socket.bytesToWrite() > 0) {
            abort(); // answers the client does not read
            return;
        }
        m_closed = true;
        m_socket.disconnectFromHost();
        if (!m_socket.isOpen())
            finish();
        return;
    case DeadlineKind::Head:
    case DeadlineKind::Body:
        queueError(408,
                   m_deadlineKind == DeadlineKind::Head ? QStringLiteral("request headers not received in time")
                                                        : QStringLiteral("request body not received in time"));
        setDeadline(DeadlineKind::None, 0);
        pump();
        return;
    case DeadlineKind::Write:
    case DeadlineKind::Linger:
        abort();
        return;
    }
}

void Connection::setDeadline(DeadlineKind kind, int timeoutMs)
{
    m_deadlineKind = kind;
    m_deadline = (kind == DeadlineKind::None || timeoutMs <= 0) ? 0 : nowMs() + timeoutMs;
}

void Connection::refreshDeadline()
{
    if (m_lingering)
        return;
    const RequestParser::Phase phase = m_parser.phase();
    if (phase == RequestParser::Phase::Head || phase == RequestParser::Phase::Body)
        return; // set when the request began or its head ended
    DeadlineKind want = DeadlineKind::Idle;
    if (!m_queue.empty())
        want = m_streaming ? DeadlineKind::Write : DeadlineKind::None;
    else if (m_closeAfterWrite)
        want = DeadlineKind::Write;
    if (want != m_deadlineKind)
        setDeadline(want, m_limits.idleTimeoutMs);
}

} // namespace Meterline::Http
