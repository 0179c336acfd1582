#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QObject>
#include <deque>
#include <memory>
#include <string>

namespace Meterline::Http
{

class DirectSocketNotifier;

// What a SocketChannel tells its owner, by direct calls (no signal dispatch per read or write).
class SocketListener
{
public:
    virtual ~SocketListener() = default;
    virtual void onReadyRead() = 0;    // input() has new bytes
    virtual void onBytesWritten() = 0; // the kernel took some of our output
    virtual void onDisconnected() = 0; // the descriptor is closed (peer gone, error, or disconnectFromHost done)
};

// A connected, non-blocking TCP socket on its thread's event loop: the part of QTcpSocket the HTTP engine uses,
// without its per-read and per-write overhead (a FIONREAD ioctl and a ring buffer copy per read, signal dispatch,
// write notifier toggling). Input is read straight into one buffer that the parser reads in place; output written
// between two flush() calls leaves with one send() (a batch of pipelined answers), large bodies with writev()
// without being copied. What the kernel does not take waits here and leaves when the socket is writable again.
//
// Reading stops while kMaxInputBytes are unconsumed (as QTcpSocket's read buffer size did) and resumes as they are
// consumed. End of input from the peer closes once the output is flushed, like QAbstractSocket::disconnectFromHost.
class SocketChannel : public QObject
{
public:
    static constexpr qsizetype kMaxInputBytes = 64 * 1024;

    explicit SocketChannel(SocketListener* listener, QObject* parent = nullptr);
    ~SocketChannel() override; // closes the descriptor

    // Takes over an accepted socket (made non-blocking, Nagle off); false when that fails (descriptor left open).
    bool open(qintptr descriptor);
    bool isOpen() const { return m_fd >= 0; }
    QHostAddress peerAddress() const;

    // Received and not yet consumed.
    QByteArrayView input() const { return QByteArrayView(m_in.get() + m_inBegin, qsizetype(m_inEnd - m_inBegin)); }
    void consume(qsizetype bytes);

    void write(QByteArrayView bytes);    // copied into the current batch
    void write(const QByteArray& bytes); // shared, not copied: for large bodies and stream chunks
    void flush();                        // hands what is written to the kernel now
    qint64 bytesToWrite() const { return qint64(m_batch.size()) + m_backlogBytes; }

    void shutdownWrite();      // FIN after what is sent; reading goes on
    void disconnectFromHost(); // closes once the output is flushed (at once when there is none)
    void abort();              // closes now, dropping unsent output; no onDisconnected()

private:
    void readable();
    void writable();
    bool makeInputRoom();
    void moveBatchToBacklog();
    qint64 sendBacklog(); // bytes sent, -1 when the connection failed (closed and notified)
    void updateNotifiers();
    void close(bool notify);

    SocketListener* m_listener;
    int m_fd = -1;
    DirectSocketNotifier* m_readNotifier = nullptr;
    DirectSocketNotifier* m_writeNotifier = nullptr;

    std::unique_ptr<char[]> m_in; // received bytes; the unconsumed ones are [m_inBegin, m_inEnd)
    std::size_t m_inCapacity = 0;
    std::size_t m_inBegin = 0;
    std::size_t m_inEnd = 0;
    std::string m_batch;              // written since the last flush, nothing waiting before it
    std::deque<QByteArray> m_backlog; // output the kernel has not taken yet, in order
    qsizetype m_backlogOffset = 0;    // sent bytes of m_backlog.front()
    qint64 m_backlogBytes = 0;
    bool m_closing = false; // disconnectFromHost(): no more reading, close when flushed
};

} // namespace Meterline::Http
