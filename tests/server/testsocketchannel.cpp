// TestSocketChannel: the HTTP engine's non-blocking socket on its own, over a socket pair: output order across
// copied and shared writes when the kernel's buffer is full, the input cap and its resumption, end of input
// closing only after the output is out, and abort without a callback.

#include <QElapsedTimer>
#include <QTest>
#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/http/socketchannel.h"

using namespace Meterline::Http;

namespace
{

// Records the channel's callbacks.
struct Listener : SocketListener
{
    int readyReads = 0;
    int written = 0;
    int disconnected = 0;
    void onReadyRead() override { ++readyReads; }
    void onBytesWritten() override { ++written; }
    void onDisconnected() override { ++disconnected; }
};

// A connected pair: one end for the channel, the other (blocking) for the test as the peer.
struct Pair
{
    int channelEnd = -1;
    int peer = -1;
    Pair()
    {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0) {
            channelEnd = fds[0];
            peer = fds[1];
        }
    }
    ~Pair()
    {
        if (peer >= 0)
            ::close(peer);
    }
};

// Reads from the peer end, running the event loop so the channel can send what waits, until `bytes` arrived.
QByteArray readFromPeer(int peer, qsizetype bytes)
{
    QByteArray got;
    QElapsedTimer timer;
    timer.start();
    char buffer[65536];
    while (got.size() < bytes && timer.elapsed() < 10'000) {
        QCoreApplication::processEvents();
        const ssize_t n = ::recv(peer, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0)
            got.append(buffer, n);
        else if (n == 0)
            break;
    }
    return got;
}

} // namespace

class TestSocketChannel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void output_keepsOrderWhenTheKernelIsFull();
    void input_stopsAtCapAndResumesAsConsumed();
    void endOfInput_closesAfterOutputIsOut();
    void abort_closesWithoutCallback();
};

void TestSocketChannel::output_keepsOrderWhenTheKernelIsFull()
{
    Pair pair;
    QVERIFY(pair.peer >= 0);
    Listener listener;
    SocketChannel channel(&listener);
    QVERIFY(channel.open(pair.channelEnd));

    // far more than a socket buffer holds, in copied pieces and shared large ones, all before the peer reads
    QByteArray expected;
    for (int i = 0; i < 40; ++i) {
        const QByteArray head = "head " + QByteArray::number(i) + '\n';
        channel.write(QByteArrayView(head));
        const QByteArray body(100'000 + i, char('a' + i % 26));
        channel.write(body); // shared
        expected += head + body;
        channel.flush();
    }
    QVERIFY2(channel.bytesToWrite() > 0, "the kernel took everything: the test did not fill it");
    QCOMPARE(listener.disconnected, 0);

    const QByteArray got = readFromPeer(pair.peer, expected.size());
    QCOMPARE(got.size(), expected.size());
    QVERIFY(got == expected);
    QCOMPARE(channel.bytesToWrite(), 0);
    QVERIFY(listener.written > 1); // also from the write notifier, not only from flush()
}

void TestSocketChannel::input_stopsAtCapAndResumesAsConsumed()
{
    Pair pair;
    QVERIFY(pair.peer >= 0);
    Listener listener;
    SocketChannel channel(&listener);
    QVERIFY(channel.open(pair.channelEnd));

    const qsizetype total = 3 * SocketChannel::kMaxInputBytes + 123;
    QByteArray sent(total, Qt::Uninitialized);
    for (qsizetype i = 0; i < total; ++i)
        sent[i] = char(i * 7 % 251);
    ::fcntl(pair.peer, F_SETFL, ::fcntl(pair.peer, F_GETFL) | O_NONBLOCK);
    qsizetype at = 0;
    while (at < total) { // as much as the kernel takes; the channel reads without anyone consuming
        const ssize_t n = ::send(pair.peer, sent.constData() + at, size_t(total - at), 0);
        if (n <= 0)
            break;
        at += n;
    }
    for (int i = 0; i < 50; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(channel.input().size(), SocketChannel::kMaxInputBytes); // stopped at the cap

    QByteArray received;
    QElapsedTimer timer;
    timer.start();
    while (received.size() < total && timer.elapsed() < 10'000) {
        if (at < total) {
            const ssize_t n = ::send(pair.peer, sent.constData() + at, size_t(total - at), 0);
            if (n > 0)
                at += n;
        }
        const QByteArrayView input = channel.input();
        const qsizetype take = qMin<qsizetype>(input.size(), 1000); // consumed in small steps, as a parser may
        received.append(input.first(take));
        channel.consume(take);
        QCoreApplication::processEvents();
    }
    QCOMPARE(received.size(), total);
    QVERIFY(received == sent);
    QCOMPARE(listener.disconnected, 0);
}

void TestSocketChannel::endOfInput_closesAfterOutputIsOut()
{
    Pair pair;
    QVERIFY(pair.peer >= 0);
    Listener listener;
    SocketChannel channel(&listener);
    QVERIFY(channel.open(pair.channelEnd));

    const QByteArray answer(2'000'000, 'x'); // more than the kernel takes at once
    channel.write(answer);
    channel.flush();
    QVERIFY(channel.bytesToWrite() > 0);
    ::shutdown(pair.peer, SHUT_WR); // the peer is done sending, but still reads
    for (int i = 0; i < 20; ++i)
        QCoreApplication::processEvents();
    QVERIFY(channel.isOpen()); // not before the answer is out
    QCOMPARE(listener.disconnected, 0);

    QCOMPARE(readFromPeer(pair.peer, answer.size()).size(), answer.size());
    QTRY_COMPARE(listener.disconnected, 1);
    QVERIFY(!channel.isOpen());
    char byte;
    QCOMPARE(::recv(pair.peer, &byte, 1, 0), ssize_t(0)); // closed after the last byte
}

void TestSocketChannel::abort_closesWithoutCallback()
{
    Pair pair;
    QVERIFY(pair.peer >= 0);
    Listener listener;
    SocketChannel channel(&listener);
    QVERIFY(channel.open(pair.channelEnd));
    channel.write(QByteArrayView("never sent"));
    channel.abort();
    QVERIFY(!channel.isOpen());
    QCOMPARE(channel.bytesToWrite(), 0);
    QCOMPARE(listener.disconnected, 0);
    char byte;
    QCOMPARE(::recv(pair.peer, &byte, 1, 0), ssize_t(0)); // the peer sees the close, and nothing of the output
}

QTEST_GUILESS_MAIN(TestSocketChannel)
#include "testsocketchannel.moc"
