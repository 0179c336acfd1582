// TestHttpServer: the HTTP/1.1 engine live on 127.0.0.1, driven by raw QTcpSockets so every test controls the
// bytes on the wire: keep-alive, pipelining in order across threads, early 413, timeouts, Connection: close,
// many connections, streaming with back-pressure, graceful and forced stop, malformed input.

#include <QElapsedTimer>
#include <QFile>
#include <QMutex>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "server/http/httpserver.h"

using namespace Meterline::Http;

namespace
{

struct HttpReply
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
};

// Takes one complete response off the front of `buffer` (Content-Length or chunked body; interim 1xx answers are
// skipped); false while it is incomplete.
bool takeReply(QByteArray& buffer, HttpReply& reply)
{
    for (;;) {
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return false;
        const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
        HttpReply r;
        r.status = lines.first().trimmed().split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            r.headers.insert(line.left(colon).toLower(), line.mid(colon + 1).trimmed());
        }
        qsizetype at = headEnd + 4;
        if (r.status >= 100 && r.status < 200) {
            buffer.remove(0, at);
            continue;
        }
        if (r.headers.value("transfer-encoding") == "chunked") {
            for (;;) {
                const qsizetype lineEnd = buffer.indexOf("\r\n", at);
                if (lineEnd < 0)
                    return false;
                const qint64 size = buffer.mid(at, lineEnd - at).toLongLong(nullptr, 16);
                at = lineEnd + 2;
                if (buffer.size() < at + size + 2)
                    return false;
                r.body += buffer.mid(at, size);
                at += size + 2;
                if (size == 0)
                    break;
            }
        } else {
            const qint64 length = r.headers.value("content-length").toLongLong();
            if (buffer.size() < at + length)
                return false;
            r.body = buffer.mid(at, length);
            at += length;
        }
        buffer.remove(0, at);
        reply = r;
        return true;
    }
}

// A raw client; waits spin the test thread's event loop, where the server's acceptor lives.
struct Client
{
    QTcpSocket socket;
    QByteArray raw;    // everything received
    QByteArray buffer; // not yet parsed
    QList<HttpReply> replies;

    bool connectTo(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
    void send(const QByteArray& bytes)
    {
        socket.write(bytes);
        socket.flush();
    }
    void pull()
    {
        if (!socket.isOpen())
            return;
        const QByteArray data = socket.readAll();
        raw += data;
        buffer += data;
        HttpReply reply;
        while (takeReply(buffer, reply))
            replies.append(reply);
    }
    bool waitForReplies(int count, int timeoutMs = 5000)
    {
        return QTest::qWaitFor(
            [&] {
                pull();
                return replies.size() >= count;
            },
            timeoutMs);
    }
    bool waitForClosed(int timeoutMs = 5000)
    {
        return QTest::qWaitFor(
            [&] {
                pull();
                return socket.state() == QAbstractSocket::UnconnectedState;
            },
            timeoutMs);
    }
    bool isOpen() const { return socket.state() == QAbstractSocket::ConnectedState; }
};

QByteArray get(const QByteArray& path, const QByteArray& extra = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
}

Response echo(const Request& request)
{
    return Response::json(
        200, "{\"path\":\"" + request.path.toUtf8() + "\",\"bytes\":" + QByteArray::number(request.body.size()) + "}");
}

qint64 kernelSendBufferMax()
{
    QFile file(QStringLiteral("/proc/sys/net/ipv4/tcp_wmem"));
    if (file.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> values = file.readAll().simplified().split(' ');
        if (values.size() == 3)
            return values[2].toLongLong();
    }
    return 4 * 1024 * 1024; // Linux's default
}

// Threads a handler starts to answer later; joined before the test ends.
class LaterThreads
{
public:
    ~LaterThreads() { join(); }
    void run(std::function<void()> f)
    {
        QMutexLocker lock(&m_mutex);
        m_threads.emplace_back(std::move(f));
    }
    void join()
    {
        std::vector<std::thread> threads;
        {
            QMutexLocker lock(&m_mutex);
            threads.swap(m_threads);
        }
        for (auto& thread : threads)
            thread.join();
    }

private:
    QMutex m_mutex;
    std::vector<std::thread> m_threads;
};

struct Observed
{
    QMutex mutex;
    QList<QPair<int, qint64>> calls; // status, duration in µs
    int count()
    {
        QMutexLocker lock(&mutex);
        return int(calls.size());
    }
};

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

private slots:
    void keepAlive_threeSequentialRequests();
    void everyAnswer_carriesARequestIdOfItsOwn();
    void pipelined_answeredInOrderAcrossThreads();
    void contentLength100MiB_refusedRightAfterHeaders();
    void engineErrors_answeredAsJsonAndClosed_data();
    void engineErrors_answeredAsJsonAndClosed();
    void trickle_gets408AtDeadline_data();
    void trickle_gets408AtDeadline();
    void idleConnection_closedAfterIdleTimeout_data();
    void idleConnection_closedAfterIdleTimeout();
    void connectionClose_honoured_data();
    void connectionClose_honoured();
    void expectContinue_interimAnswerThenBody();
    void handlerThrows_answers500AndKeepsServing();
    void manyConnections_allAnswered();
    void streaming_slowClientBoundsBufferedBytes();
    void maxConnections_extraClosedAtOnce();
    void stop_finishesInFlightAndRefusesNew();
    void stop_forceClosesAfterGrace();
    void destructor_withoutStop_shutsDownCleanly();
    void malformedBytes_neverCrash();
};

void TestHttpServer::keepAlive_threeSequentialRequests()
{
    Observed observed;
    Server server([](const Request& request, const Responder& responder) { responder.send(echo(request)); }, {}, 2);
    server.setObserver([&](const Request& request, int status, qint64 micros) {
        QMutexLocker lock(&observed.mutex);
        observed.calls.append({request.path.startsWith(QStringLiteral("/r")) ? status : -1, micros});
    });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QVERIFY(server.port() != 0);

    Client client;
    QVERIFY(client.connectTo(server.port()));
    for (int i = 1; i <= 3; ++i) {
        client.send(get("/r" + QByteArray::number(i)));
        QVERIFY(client.waitForReplies(i));
        const HttpReply& reply = client.replies.last();
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.body, "{\"path\":\"/r" + QByteArray::number(i) + "\",\"bytes\":0}");
        QCOMPARE(reply.headers.value("content-type"), QByteArray("application/json"));
        QCOMPARE(reply.headers.value("content-length").toInt(), reply.body.size());
        QVERIFY(reply.headers.value("date").endsWith(" GMT"));
        QVERIFY(!reply.headers.contains("connection"));
        QVERIFY(client.isOpen());
    }
    QVERIFY(QTest::qWaitFor([&] { return observed.count() == 3; }, 2000));
    QMutexLocker lock(&observed.mutex);
    for (const auto& [status, micros] : observed.calls) {
        QCOMPARE(status, 200);
        QVERIFY(micros >= 0 && micros < 5'000'000);
    }
}

// The Request-Id header names each answer, the engine's own errors included, so that a client's error report can
// be matched to the server's: "req_" and 22 hex digits, never the same twice.
void TestHttpServer::everyAnswer_carriesARequestIdOfItsOwn()
{
    Server server([](const Request& request, const Responder& responder) { responder.send(echo(request)); }, {}, 2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    static const QRegularExpression shape(QStringLiteral("^req_[0-9a-f]{22}$"));
    QSet<QByteArray> seen;

    Client client;
    QVERIFY(client.connectTo(server.port()));
    for (int i = 1; i <= 3; ++i) {
        client.send(get("/r" + QByteArray::number(i)));
        QVERIFY(client.waitForReplies(i));
        const QByteArray id = client.replies.last().headers.value("request-id");
        QVERIFY2(shape.match(QString::fromLatin1(id)).hasMatch(), id.constData());
        seen.insert(id);
    }
    Client broken;
    QVERIFY(broken.connectTo(server.port()));
    broken.send("NOT HTTP\r\n\r\n");
    QVERIFY(broken.waitForReplies(1));
    QCOMPARE(broken.replies.last().status, 400);
    const QByteArray errorId = broken.replies.last().headers.value("request-id");
    QVERIFY2(shape.match(QString::fromLatin1(errorId)).hasMatch(), errorId.constData());
    seen.insert(errorId);
    QCOMPARE(seen.size(), 4);
}

void TestHttpServer::pipelined_answeredInOrderAcrossThreads()
{
    LaterThreads later;
    QMutex eventsMutex;
    QStringList events;
    auto log = [&](const QString& event) {
        QMutexLocker lock(&eventsMutex);
        events.append(event);
    };
    Server server(
        [&](const Request& request, const Responder& responder) {
            log(QStringLiteral("handler ") + request.path);
            if (request.path == QStringLiteral("/2")) {
                // answered from another thread, after the third request was handled
                later.run([responder, request, &log] {
                    QThread::msleep(300);
                    log(QStringLiteral("send /2"));
                    responder.send(echo(request));
                });
                return;
            }
            responder.send(echo(request));
            responder.send(Response::json(500, "{\"twice\":true}")); // ignored: one answer per request
        },
        {},
        2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    Client client;
    QVERIFY(client.connectTo(server.port()));
    client.send(get("/1") + get("/2") + get("/3")); // one write
    QVERIFY(client.waitForReplies(3));
    QCOMPARE(client.replies[0].body, QByteArray("{\"path\":\"/1\",\"bytes\":0}"));
    QCOMPARE(client.replies[1].body, QByteArray("{\"path\":\"/2\",\"bytes\":0}"));
    QCOMPARE(client.replies[2].body, QByteArray("{\"path\":\"/3\",\"bytes\":0}"));
    for (const HttpReply& reply : client.replies)
        QCOMPARE(reply.status, 200);
    {
        QMutexLocker lock(&eventsMutex);
        QVERIFY2(events.indexOf(QStringLiteral("handler /3")) < events.indexOf(QStringLiteral("send /2")),
                 qPrintable(events.join(u", ")));
    }
    QTest::qWait(100);
    client.pull();
    QCOMPARE(client.replies.size(), 3); // no second answers leaked out
    QVERIFY(client.buffer.isEmpty());
    QVERIFY(client.isOpen());
}

void TestHttpServer::contentLength100MiB_refusedRightAfterHeaders()
{
    std::atomic<int> handled{0};
    Server server(
        [&](const Request& request, const Responder& responder) {
            ++handled;
            responder.send(echo(request));
        },
        {}, // default cap: 1 MiB
        2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    Client client;
    QVERIFY(client.connectTo(server.port()));
    client.send("POST /v1/events HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                "Content-Length: 104857600\r\n\r\n");
    const QByteArray piece(16 * 1024, 'x');
    qint64 sent = 0;
    // keep sending the body, as a client that does not wait would, until the answer shows up
    const bool answered = QTest::qWaitFor(
        [&] {
            client.pull();
            if (!client.replies.isEmpty())
                return true;
            if (client.isOpen() && client.socket.bytesToWrite() < 64 * 1024) {
                client.socket.write(piece);
                sent += piece.size();
            }
            return false;
        },
        5000);
    QVERIFY(answered);
    QVERIFY2(sent < 1024 * 1024, qPrintable(QString::number(sent)));
    const HttpReply& reply = client.replies.first();
    QCOMPARE(reply.status, 413);
    QCOMPARE(reply.headers.value("connection"), QByteArray("close"));
    QVERIFY(reply.body.contains("\"code\":\"payload_too_large\""));
    QCOMPARE(handled.load(), 0);
    QVERIFY(client.waitForClosed());
}

void TestHttpServer::engineErrors_answeredAsJsonAndClosed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("code");

    QTest::addRow("garbage line") << QByteArray("HELLO\r\n\r\n") << 400 << QByteArray("invalid_request");
    QTest::addRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: t\r\n\r\n") << 400
                              << QByteArray("invalid_request");
    QTest::addRow("gzip coding") << QByteArray("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n") << 400
                                 << QByteArray("invalid_request");
    QTest::addRow("CL and TE") << QByteArray(
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
                               << 400 << QByteArray("invalid_request");
    QTest::addRow("header too large") << QByteArray("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + QByteArray(20000, 'a'))
                                      << 431 << QByteArray("invalid_request");
    QTest::addRow("chunked over cap") << QByteArray("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                    "100001\r\n") // 1 MiB + 1
                                      << 413 << QByteArray("payload_too_large");
    // the error waits for the earlier answer, then closes
    QTest::addRow("after a good request") << QByteArray(get("/ok") + "GET / HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n")
                                          << 400 << QByteArray("invalid_request");
}

void TestHttpServer::engineErrors_answeredAsJsonAndClosed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    QFETCH(QByteArray, code);
    Observed observed;
    Server server([](const Request& request, const Responder& responder) { responder.send(echo(request)); }, {}, 2);
    server.setObserver([&](const Request&, int status, qint64 micros) {
        QMutexLocker lock(&observed.mutex);
        observed.calls.append({status, micros});
    });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    Client client;
    QVERIFY(client.connectTo(server.port()));
    client.send(bytes);
    const int expected = bytes.startsWith("GET /ok") ? 2 : 1;
    QVERIFY(client.waitForReplies(expected));
    const HttpReply& reply = client.replies.last();
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.headers.value("connection"), QByteArray("close"));
    QCOMPARE(reply.headers.value("content-type"), QByteArray("application/json"));
    QVERIFY2(reply.body.startsWith("{\"error\":{\"code\":\"" + code + "\""), reply.body.constData());
    QVERIFY(reply.body.contains("\"message\":\""));
    if (expected == 2)
        QCOMPARE(client.replies.first().status, 200);
    QVERIFY(client.waitForClosed());
    QVERIFY(QTest::qWaitFor([&] { return observed.count() == expected; }, 2000));
    QMutexLocker lock(&observed.mutex);
    QCOMPARE(observed.calls.last().first, status);
}

void TestHttpServer::trickle_gets408AtDeadline_data()
{
    QTest::addColumn<QByteArray>("start"); // sent at once
    QTest::addColumn<bool>("body");        // then trickled: header bytes or body bytes

    QTest::addRow("headers") << QByteArray("G") << false;
    QTest::addRow("body") << QByteArray("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n") << true;
}

void TestHttpServer::trickle_gets408AtDeadline()
{
    QFETCH(QByteArray, start);
    QFETCH(bool, body);
    Limits limits;
    limits.headerTimeoutMs = 700;
    limits.bodyTimeoutMs = 700;
    limits.idleTimeoutMs = 10'000;
    Server server([](const Request& request, const Responder& responder) { responder.send(echo(request)); }, limits, 2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    Client client;
    QVERIFY(client.connectTo(server.port()));
    // slowloris: one byte every 50 ms, each arriving well within any per-read timeout
    const QByteArray rest =
        body ? QByteArray(1000, 'b') : QByteArray("ET / HTTP/1.1\r\nHost: t\r\nX-Slow: " + QByteArray(500, 's'));
    qsizetype next = 0;
    QTimer trickle;
    QObject::connect(&trickle, &QTimer::timeout, [&] {
        if (next < rest.size() && client.isOpen())
            client.send(rest.mid(next++, 1));
    });
    QElapsedTimer clock;
    client.send(start);
    clock.start();
    trickle.start(50);
    QVERIFY(client.waitForReplies(1, 5000));
    const qint64 elapsed = clock.elapsed();
    trickle.stop();
    QCOMPARE(client.replies.first().status, 408);
    QVERIFY(client.replies.first().body.contains("\"code\":\"request_timeout\""));
    QCOMPARE(client.replies.first().headers.value("connection"), QByteArray("close"));
    QVERIFY2(elapsed >= 650 && elapsed <= 1500, qPrintable(QString::number(elapsed)));
    QVERIFY(next > 5); // it did trickle
    QVERIFY(client.waitForClosed());
}

void TestHttpServer::idleConnection_closedAfterIdleTimeout_data()
{
    QTest::addColumn<bool>("afterRequest");
    QTest::addRow("fresh connection") << false;
    QTest::addRow("after a request") << true;
}

void TestHttpServer::idleConnection_closedAfterIdleTimeout()
{
    QFETCH(bool, afterRequest);
    Limits limits;
    limits.idleTimeoutMs = 400;
    Server server([](const Request& request, const Responder& responder) { responder.send(echo(request)); }, limits, 2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    Client client;
    QVERIFY(client.connectTo(server.port()));
    QElapsedTimer clock;
    clock.start();
    if (afterRequest) {
        // requests keep it alive past one idle timeout
        for (int i = 0; i < 4; ++i) {
            QTest::qWait(200);
            client.send(get("/r"));
            QVERIFY(client.waitForReplies(i + 1));
        }
        QVERIFY(client.isOpen());
        clock.restart();
    }
    QVERIFY(client.waitForClosed(3000));
    const qint64 elapsed = clock.elapsed();
    QVERIFY2(elapsed >= 350 && elapsed <= 1200, qPrintable(QString::number(elapsed)));
}

void TestHttpServer::connectionClose_honoured_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<bool>("closes");

    QTest::addRow("1.1 default") << QByteArray("GET /a HTTP/1.1\r\nHost: t\r\n\r\n") << false;
    QTest::addRow("1.1 close") << QByteArray("GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n") << true;
    QTest::addRow("1.0 default") << QByteArray("GET /a HTTP/1.0\r\n\r\n") << true;
    QTest::addRow("1.0 keep-alive") << QByteArray("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << false;
}

void TestHttpServer::connectionClose_honoured()
{
    QFETCH(QByteArray, request);
    QFETCH(bool, closes);
    Server server([](const Request& request, const Responder& responder) { responder.send(echo(request)); }, {}, 2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    Client client;
    QVERIFY(client.connectTo(server.port()));
    client.send(request + request); // a request after "close" is never answered
    QVERIFY(client.waitForReplies(1));
    QCOMPARE(client.replies.first().status, 200);
    if (closes) {
        QCOMPARE(client.replies.first().headers.value("connection"), QByteArray("close"));
        QVERIFY(client.waitForClosed(2000));
        QCOMPARE(client.replies.size(), 1);
    } else {
        QVERIFY(client.waitForReplies(2));
        QVERIFY(client.replies.first().headers.value("connection") != "close");
        QTest::qWait(200);
        QVERIFY(client.isOpen());
    }
}

void TestHttpServer::expectContinue_interimAnswerThenBody()
{
    Server server([](const Request& request, const Responder& responder) { responder.send(echo(request)); }, {}, 2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    Client client;
    QVERIFY(client.connectTo(server.port()));
    client.send("POST /up HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    QVERIFY(QTest::qWaitFor(
        [&] {
            client.pull();
            return client.raw.contains("HTTP/1.1 100 Continue\r\n\r\n");
        },
        3000));
    QVERIFY(client.replies.isEmpty());
    client.send("hello");
    QVERIFY(client.waitForReplies(1));
    QCOMPARE(client.replies.first().body, QByteArray("{\"path\":\"/up\",\"bytes\":5}"));
}

void TestHttpServer::handlerThrows_answers500AndKeepsServing()
{
    Server server(
        [](const Request& request, const Responder& responder) {
            if (request.path == QStringLiteral("/throw"))
                throw std::runtime_error("bug");
            responder.send(echo(request));
        },
        {},
        2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    Client client;
    QVERIFY(client.connectTo(server.port()));
    client.send(get("/throw") + get("/fine"));
    QVERIFY(client.waitForReplies(2));
    QCOMPARE(client.replies[0].status, 500);
    QVERIFY(client.replies[0].body.contains("\"code\":\"internal_error\""));
    QCOMPARE(client.replies[1].status, 200);
    QVERIFY(client.isOpen());
}

void TestHttpServer::manyConnections_allAnswered()
{
    constexpr int kConnections = 64;
    constexpr int kRequests = 50;
    std::atomic<int> handled{0};
    Server server(
        [&](const Request& request, const Responder& responder) {
            ++handled;
            responder.send(echo(request));
        },
        {},
        2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < kConnections; ++i) {
        clients.push_back(std::make_unique<Client>());
        clients.back()->socket.connectToHost(QHostAddress::LocalHost, server.port());
    }
    QVERIFY(QTest::qWaitFor(
        [&] {
            for (const auto& client : clients) {
                if (!client->isOpen())
                    return false;
            }
            return true;
        },
        10000));
    for (int i = 0; i < kConnections; ++i)
        clients[i]->send(get("/c" + QByteArray::number(i) + "/0"));
    const bool done = QTest::qWaitFor(
        [&] {
            bool all = true;
            for (int i = 0; i < kConnections; ++i) {
                Client& client = *clients[i];
                const qsizetype before = client.replies.size();
                client.pull();
                if (client.replies.size() > before && client.replies.size() < kRequests)
                    client.send(get("/c" + QByteArray::number(i) + "/" + QByteArray::number(client.replies.size())));
                all = all && client.replies.size() >= kRequests;
            }
            return all;
        },
        60000);
    QVERIFY(done);
    QCOMPARE(handled.load(), kConnections * kRequests);
    for (int i = 0; i < kConnections; ++i) {
        const Client& client = *clients[i];
        QCOMPARE(client.replies.size(), kRequests);
        for (int r = 0; r < kRequests; ++r) {
            QCOMPARE(client.replies[r].status, 200);
            QCOMPARE(client.replies[r].body,
                     "{\"path\":\"/c" + QByteArray::number(i) + "/" + QByteArray::number(r) + "\",\"bytes\":0}");
        }
        QVERIFY(client.isOpen());
    }
}

void TestHttpServer::streaming_slowClientBoundsBufferedBytes()
{
    constexpr qint64 kChunk = 64 * 1024;
    constexpr qint64 kTotal = 50 * 1024 * 1024;
    // Produced but not yet read by the client: the kernel's send buffer (Linux grows it up to tcp_wmem's maximum)
    // plus at most 1 MiB in the engine and the client's small buffers. The stream itself is 50 MiB.
    const qint64 kBound = kernelSendBufferMax() + 1024 * 1024;
    std::atomic<qint64> produced{0};
    Server server(
        [&](const Request&, const Responder& responder) {
            Response response;
            response.contentType = "text/csv";
            response.stream = [&produced]() -> QByteArray {
                if (produced.load() >= kTotal)
                    return {};
                produced += kChunk;
                return QByteArray(kChunk, 'x');
            };
            responder.send(response);
        },
        {},
        2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    Client client;
    QVERIFY(client.connectTo(server.port()));
    client.socket.setReadBufferSize(128 * 1024);
    client.socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 64 * 1024);
    client.send(get("/export.csv"));

    // Incremental chunked decoding; `consumed` counts body bytes the client has read.
    QByteArray pending;
    qint64 consumed = 0;
    qint64 chunkLeft = -1; // -1: a size line is next
    bool headDone = false;
    bool ended = false;
    qint64 worst = 0;
    auto readSome = [&](qint64 maxBytes) {
        pending += client.socket.read(maxBytes);
        worst = qMax(worst, produced.load() - consumed);
        for (;;) {
            if (!headDone) {
                const qsizetype end = pending.indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                QVERIFY(pending.startsWith("HTTP/1.1 200 OK\r\n"));
                QVERIFY(pending.left(end).contains("Transfer-Encoding: chunked"));
                pending.remove(0, end + 4);
                headDone = true;
            } else if (chunkLeft < 0) {
                const qsizetype end = pending.indexOf("\r\n");
                if (end < 0)
                    return;
                chunkLeft = pending.left(end).toLongLong(nullptr, 16);
                pending.remove(0, end + 2);
                if (chunkLeft == 0) {
                    ended = true;
                    return;
                }
            } else {
                if (pending.size() < chunkLeft + 2)
                    return;
                consumed += chunkLeft;
                pending.remove(0, chunkLeft + 2);
                chunkLeft = -1;
            }
        }
    };

    // a client that does not read at all: production stops at the bound
    QTest::qWait(1000);
    const qint64 stalled = produced.load();
    QVERIFY2(stalled > 0 && stalled <= kBound, qPrintable(QString::number(stalled)));
    QTest::qWait(300);
    QCOMPARE(produced.load(), stalled);

    // then a slow reader: what fits its 128 KiB buffer per event loop turn
    QVERIFY(QTest::qWaitFor(
        [&] {
            while (client.socket.bytesAvailable() > 0 && !ended)
                readSome(64 * 1024);
            return ended;
        },
        120000));
    QCOMPARE(consumed, kTotal);
    QCOMPARE(produced.load(), kTotal);
    QVERIFY2(worst <= kBound, qPrintable(QString::number(worst)));
    qInfo() << "stream: produced-but-unread at most" << worst / 1024 << "KiB; stalled client:" << stalled / 1024
            << "KiB; bound" << kBound / 1024 << "KiB";
    QVERIFY(client.isOpen()); // kept alive after the last chunk
}

void TestHttpServer::maxConnections_extraClosedAtOnce()
{
    Limits limits;
    limits.maxConnections = 2;
    Server server([](const Request& request, const Responder& responder) { responder.send(echo(request)); }, limits, 2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    Client a;
    Client b;
    QVERIFY(a.connectTo(server.port()));
    QVERIFY(b.connectTo(server.port()));
    a.send(get("/a"));
    b.send(get("/b"));
    QVERIFY(a.waitForReplies(1));
    QVERIFY(b.waitForReplies(1));

    Client c;
    c.socket.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(c.waitForClosed(2000));
    QVERIFY(c.replies.isEmpty());

    a.socket.disconnectFromHost();
    QVERIFY(a.waitForClosed());
    // the slot is free again once the server noticed
    QVERIFY(QTest::qWaitFor(
        [&] {
            Client d;
            if (!d.connectTo(server.port()))
                return false;
            d.send(get("/d"));
            return d.waitForReplies(1, 500);
        },
        5000));
}

void TestHttpServer::stop_finishesInFlightAndRefusesNew()
{
    LaterThreads later;
    std::atomic<bool> slowReceived{false};
    Server server(
        [&](const Request& request, const Responder& responder) {
            if (request.path == QStringLiteral("/slow")) {
                slowReceived = true;
                later.run([responder, request] {
                    QThread::msleep(400);
                    responder.send(echo(request));
                });
                return;
            }
            responder.send(echo(request));
        },
        {},
        2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const quint16 port = server.port();

    Client busy;
    Client idle;
    QVERIFY(busy.connectTo(port));
    QVERIFY(idle.connectTo(port));
    idle.send(get("/fast"));
    QVERIFY(idle.waitForReplies(1));
    busy.send(get("/slow"));
    QVERIFY(QTest::qWaitFor([&] { return slowReceived.load(); }, 3000));

    QSignalSpy stopped(&server, &Server::stopped);
    QElapsedTimer clock;
    clock.start();
    server.stop(5000);

    Client late;
    late.socket.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(QTest::qWaitFor([&] { return late.socket.state() == QAbstractSocket::UnconnectedState; }, 3000));
    QCOMPARE(late.socket.error(), QAbstractSocket::ConnectionRefusedError);

    QVERIFY(idle.waitForClosed(1000)); // idle ones go at once
    QVERIFY(busy.waitForReplies(1, 3000));
    QCOMPARE(busy.replies.first().status, 200);
    QCOMPARE(busy.replies.first().body, QByteArray("{\"path\":\"/slow\",\"bytes\":0}"));
    QCOMPARE(busy.replies.first().headers.value("connection"), QByteArray("close"));
    QVERIFY(busy.waitForClosed(3000));
    QVERIFY(stopped.count() == 1 || stopped.wait(3000));
    QVERIFY2(clock.elapsed() < 4000, qPrintable(QString::number(clock.elapsed())));
    QTest::qWait(100);
    QCOMPARE(stopped.count(), 1);
}

void TestHttpServer::stop_forceClosesAfterGrace()
{
    QMutex mutex;
    QList<Responder> kept;
    Server server(
        [&](const Request&, const Responder& responder) {
            QMutexLocker lock(&mutex);
            kept.append(responder); // never answered
        },
        {},
        2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    Client client;
    QVERIFY(client.connectTo(server.port()));
    client.send(get("/never"));
    QVERIFY(QTest::qWaitFor(
        [&] {
            QMutexLocker lock(&mutex);
            return !kept.isEmpty();
        },
        3000));

    QSignalSpy stopped(&server, &Server::stopped);
    QElapsedTimer clock;
    clock.start();
    server.stop(300);
    QVERIFY(stopped.wait(3000));
    const qint64 elapsed = clock.elapsed();
    QVERIFY2(elapsed >= 250 && elapsed < 2000, qPrintable(QString::number(elapsed)));
    QVERIFY(client.waitForClosed(2000));
    QVERIFY(client.replies.isEmpty());
    QMutexLocker lock(&mutex);
    kept.first().send(Response::json(200, "{}")); // the connection is gone: nothing happens
}

void TestHttpServer::destructor_withoutStop_shutsDownCleanly()
{
    QMutex mutex;
    QList<Responder> kept;
    auto server = std::make_unique<Server>(
        [&](const Request& request, const Responder& responder) {
            if (request.path == QStringLiteral("/stream")) {
                Response response;
                response.stream = [] { return QByteArray(64 * 1024, 's'); }; // endless
                responder.send(response);
                return;
            }
            QMutexLocker lock(&mutex);
            kept.append(responder);
        },
        Limits{},
        2);
    QVERIFY(server->listen(QHostAddress::LocalHost, 0));
    Client waiting;
    Client streaming;
    Client idle;
    Client partial;
    QVERIFY(waiting.connectTo(server->port()));
    QVERIFY(streaming.connectTo(server->port()));
    QVERIFY(idle.connectTo(server->port()));
    QVERIFY(partial.connectTo(server->port()));
    waiting.send(get("/wait"));
    streaming.socket.setReadBufferSize(64 * 1024);
    streaming.send(get("/stream"));
    partial.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc");
    QVERIFY(QTest::qWaitFor(
        [&] {
            QMutexLocker lock(&mutex);
            return !kept.isEmpty();
        },
        3000));
    QVERIFY(QTest::qWaitFor([&] { return streaming.socket.bytesAvailable() > 0; }, 3000));

    // answered from another thread while the server goes away
    std::atomic<bool> stopSending{false};
    Responder responder = kept.first();
    std::thread sender([&] {
        while (!stopSending.load())
            responder.send(Response::json(200, "{}"));
    });
    server.reset();
    stopSending = true;
    sender.join();
    responder.send(Response::json(200, "{}"));
    QVERIFY(waiting.waitForClosed(3000));
    QVERIFY(streaming.waitForClosed(3000));
    QVERIFY(idle.waitForClosed(3000));
    QVERIFY(partial.waitForClosed(3000));
}

void TestHttpServer::malformedBytes_neverCrash()
{
    Limits limits;
    limits.headerTimeoutMs = 300;
    limits.bodyTimeoutMs = 300;
    limits.maxHeaderBytes = 2048;
    limits.maxBodyBytes = 4096;
    limits.idleTimeoutMs = 1000;
    std::atomic<int> handled{0};
    Server server(
        [&](const Request& request, const Responder& responder) {
            ++handled;
            responder.send(echo(request));
        },
        limits,
        2);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    QRandomGenerator random(4242);
    const QByteArray valid = "POST /v1/events?x=%41 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "5\r\nhello\r\n0\r\n\r\n";
    int errors = 0;
    for (int batch = 0; batch < 10; ++batch) {
        std::vector<std::unique_ptr<Client>> clients;
        for (int i = 0; i < 20; ++i) {
            auto client = std::make_unique<Client>();
            QVERIFY(client->connectTo(server.port()));
            QByteArray bytes;
            if (i % 2 == 0) {
                bytes.resize(random.bounded(1, 3000));
                for (char& c : bytes)
                    c = char(random.bounded(256));
            } else {
                bytes = valid;
                for (int flips = random.bounded(1, 5); flips > 0; --flips)
                    bytes[random.bounded(int(bytes.size()))] = char(random.bounded(256));
            }
            client->send(bytes);
            clients.push_back(std::move(client));
        }
        // every connection ends: answered and closed (an error, or a 408 for what never completes), or answered
        // with 200 and kept alive
        for (auto& client : clients) {
            QVERIFY(QTest::qWaitFor(
                [&] {
                    client->pull();
                    return !client->isOpen() || (!client->replies.isEmpty() && client->replies.last().status == 200);
                },
                5000));
            for (const HttpReply& reply : client->replies) {
                QVERIFY(reply.status == 200 || (reply.status >= 400 && reply.status < 500));
                if (reply.status != 200) {
                    ++errors;
                    QVERIFY(reply.body.startsWith("{\"error\":{\"code\":"));
                }
            }
        }
    }
    QVERIFY2(errors > 80, qPrintable(QString::number(errors)));
    Client after;
    QVERIFY(after.connectTo(server.port()));
    after.send(valid);
    QVERIFY(after.waitForReplies(1));
    QCOMPARE(after.replies.first().status, 200);
    QCOMPARE(after.replies.first().body, QByteArray("{\"path\":\"/v1/events\",\"bytes\":5}"));
}

QTEST_GUILESS_MAIN(TestHttpServer)
#include "testhttpserver.moc"
