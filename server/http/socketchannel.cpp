#include "server/http/socketchannel.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "server/http/directsocketnotifier.h"

namespace Meterline::Http
{

namespace
{

constexpr std::size_t kFirstInputCapacity = 4 * 1024; // a few pipelined requests
constexpr std::size_t kKeptInputCapacity = 16 * 1024; // an idle connection keeps no bigger buffer
constexpr std::size_t kKeptBatchCapacity = 64 * 1024;
constexpr int kMaxIovecs = 16;

bool wouldBlock(int error)
{
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

} // namespace

SocketChannel::SocketChannel(SocketListener* listener, QObject* parent)
    : QObject(parent)
    , m_listener(listener)
{
}

SocketChannel::~SocketChannel()
{
    close(false);
}

bool SocketChannel::open(qintptr descriptor)
{
    const int fd = int(descriptor);
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return false;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); // answers leave at once, not after a delayed ACK
    m_fd = fd;
    m_readNotifier = new DirectSocketNotifier(
        QSocketNotifier::Read, [this] { readable(); }, this);
    m_readNotifier->setSocket(descriptor);
    m_readNotifier->setEnabled(true);
    m_writeNotifier = new DirectSocketNotifier(
        QSocketNotifier::Write, [this] { writable(); }, this);
    m_writeNotifier->setSocket(descriptor); // enabled only while output waits
    return true;
}

QHostAddress SocketChannel::peerAddress() const
{
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (m_fd < 0 || ::getpeername(m_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return {};
    return QHostAddress(reinterpret_cast<const sockaddr*>(&address));
}

bool SocketChannel::makeInputRoom()
{
    const std::size_t used = m_inEnd - m_inBegin;
    if (used >= std::size_t(kMaxInputBytes))
        return false;
    if (m_inCapacity - m_inEnd >= kFirstInputCapacity / 2)
        return true;
    if (m_inBegin > 0 && m_inCapacity - used >= kFirstInputCapacity / 2) {
        std::memmove(m_in.get(), m_in.get() + m_inBegin, used);
    } else {
        const std::size_t capacity = std::min(
            std::max({kFirstInputCapacity, m_inCapacity * 2, used + kFirstInputCapacity}), std::size_t(kMaxInputBytes));
        auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
        if (used > 0)
            std::memcpy(bigger.get(), m_in.get() + m_inBegin, used);
        m_in = std::move(bigger);
        m_inCapacity = capacity;
    }
    m_inBegin = 0;
    m_inEnd = used;
    return true;
}

void SocketChannel::readable()
{
    if (m_fd < 0 || m_closing)
        return;
    if (!makeInputRoom()) {
        updateNotifiers(); // full: reading resumes as the owner consumes
        return;
    }
    const std::size_t room = std::min(m_inCapacity - m_inEnd, std::size_t(kMaxInputBytes) - (m_inEnd - m_inBegin));
    const ssize_t got = ::recv(m_fd, m_in.get() + m_inEnd, room, 0);
    if (got > 0) {
        m_inEnd += std::size_t(got);
        if (m_inEnd - m_inBegin >= std::size_t(kMaxInputBytes))
            updateNotifiers();
        m_listener->onReadyRead();
        return;
    }
    if (got == 0) {
        disconnectFromHost(); // the peer finished sending: close once our answers are out
        return;
    }
    if (!wouldBlock(errno))
        close(true);
}

void SocketChannel::consume(qsizetype bytes)
{
    const bool wasFull = m_inEnd - m_inBegin >= std::size_t(kMaxInputBytes);
    m_inBegin = std::min(m_inBegin + std::size_t(bytes), m_inEnd);
    if (m_inBegin == m_inEnd) {
        m_inBegin = m_inEnd = 0;
        if (m_inCapacity > kKeptInputCapacity) {
            m_in.reset(); // thousands of idle keep-alive connections may be open
            m_inCapacity = 0;
        }
    }
    if (wasFull)
        updateNotifiers();
}

void SocketChannel::write(QByteArrayView bytes)
{
    if (m_fd >= 0)
        m_batch.append(bytes.data(), std::size_t(bytes.size()));
}

void SocketChannel::write(const QByteArray& bytes)
{
    if (m_fd < 0 || bytes.isEmpty())
        return;
    moveBatchToBacklog();
    m_backlog.push_back(bytes);
    m_backlogBytes += bytes.size();
}

void SocketChannel::moveBatchToBacklog()
{
    if (m_batch.empty())
        return;
    m_backlog.emplace_back(m_batch.data(), qsizetype(m_batch.size()));
    m_backlogBytes += qint64(m_batch.size());
    m_batch.clear();
}

void SocketChannel::flush()
{
    if (m_fd < 0)
        return;
    qint64 sent = 0;
    if (m_backlog.empty()) {
        if (m_batch.empty())
            return;
        // the common case: nothing waits, the batch leaves with one send()
        const ssize_t n = ::send(m_fd, m_batch.data(), m_batch.size(), MSG_NOSIGNAL);
        if (n < 0 && !wouldBlock(errno)) {
            close(true);
            return;
        }
        sent = qMax<ssize_t>(n, 0);
        if (std::size_t(sent) < m_batch.size()) {
            m_backlog.emplace_back(m_batch.data() + sent, qsizetype(m_batch.size()) - sent);
            m_backlogBytes += qint64(m_batch.size()) - sent;
        }
        m_batch.clear();
        if (m_batch.capacity() > kKeptBatchCapacity)
            std::string().swap(m_batch);
    } else {
        moveBatchToBacklog();
        sent = sendBacklog();
        if (sent < 0)
            return;
    }
    if (m_backlogBytes > 0)
        updateNotifiers();
    if (sent > 0)
        m_listener->onBytesWritten();
}

qint64 SocketChannel::sendBacklog()
{
    qint64 total = 0;
    while (!m_backlog.empty()) {
        iovec vectors[kMaxIovecs];
        int count = 0;
        std::size_t offered = 0;
        for (auto it = m_backlog.begin(); it != m_backlog.end() && count < kMaxIovecs; ++it, ++count) {
            const qsizetype skip = count == 0 ? m_backlogOffset : 0;
            vectors[count].iov_base = const_cast<char*>(it->constData()) + skip;
            vectors[count].iov_len = std::size_t(it->size() - skip);
            offered += vectors[count].iov_len;
        }
        msghdr message{};
        message.msg_iov = vectors;
        message.msg_iovlen = std::size_t(count);
        const ssize_t n = ::sendmsg(m_fd, &message, MSG_NOSIGNAL); // writev, without SIGPIPE
        if (n < 0) {
            if (wouldBlock(errno))
                break;
            close(true);
            return -1;
        }
        total += n;
        m_backlogBytes -= n;
        qsizetype left = n;
        while (left > 0) {
            const qsizetype rest = m_backlog.front().size() - m_backlogOffset;
            if (left < rest) {
                m_backlogOffset += left;
                break;
            }
            left -= rest;
            m_backlog.pop_front();
            m_backlogOffset = 0;
        }
        if (std::size_t(n) < offered)
            break; // the kernel's buffer is full
    }
    return total;
}

void SocketChannel::writable()
{
    if (m_fd < 0)
        return;
    const qint64 sent = sendBacklog();
    if (sent < 0)
        return;
    updateNotifiers();
    if (m_closing && bytesToWrite() == 0) {
        close(true);
        return;
    }
    if (sent > 0)
        m_listener->onBytesWritten();
}

void SocketChannel::updateNotifiers()
{
    if (m_fd < 0)
        return;
    const bool read = !m_closing && m_inEnd - m_inBegin < std::size_t(kMaxInputBytes);
    if (m_readNotifier->isEnabled() != read)
        m_readNotifier->setEnabled(read);
    const bool write = m_backlogBytes > 0;
    if (m_writeNotifier->isEnabled() != write)
        m_writeNotifier->setEnabled(write);
}

void SocketChannel::shutdownWrite()
{
    if (m_fd >= 0)
        ::shutdown(m_fd, SHUT_WR);
}

void SocketChannel::disconnectFromHost()
{
    if (m_fd < 0)
        return;
    m_closing = true;
    flush();
    if (m_fd < 0)
        return; // failed while flushing: closed already
    if (bytesToWrite() == 0)
        close(true);
    else
        updateNotifiers();
}

void SocketChannel::abort()
{
    close(false);
}

void SocketChannel::close(bool notify)
{
    if (m_fd < 0)
        return;
    // off before the descriptor goes: its number may be reused by the next accepted socket
    m_readNotifier->setEnabled(false);
    m_writeNotifier->setEnabled(false);
    ::close(m_fd);
    m_fd = -1;
    m_batch.clear();
    m_backlog.clear();
    m_backlogOffset = 0;
    m_backlogBytes = 0;
    if (notify)
        m_listener->onDisconnected();
}

} // namespace Meterline::Http
