#pragma once

// A webhook receiver on loopback for the tests: a QTcpServer that reads each HTTP request, checks its
// Standard Webhooks signature and timestamp with its own code (not the sender's), and answers with the
// status the test asked for — or hangs, holding the connection open without a word.

#include <QDateTime>
#include <QHash>
#include <QMessageAuthenticationCode>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

namespace Meterline::Testing
{

struct ReceivedWebhook
{
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    QByteArray id() const { return headers.value("webhook-id"); }
    qint64 timestamp() const { return headers.value("webhook-timestamp").toLongLong(); }
};

class WebhookReceiver : public QObject
{
public:
    static constexpr int Hang = 0; // answer nothing, keep the connection open

    WebhookReceiver()
    {
        QVERIFY(m_server.listen(QHostAddress::LocalHost, 0));
        connect(&m_server, &QTcpServer::newConnection, this, &WebhookReceiver::accept);
    }

    QString url() const { return QStringLiteral("http://127.0.0.1:%1/hooks").arg(m_server.serverPort()); }
    quint16 port() const { return m_server.serverPort(); }
    // The statuses of the next requests, in order; after them every request gets 200.
    void answerWith(const QList<int>& statuses) { m_statuses = statuses; }
    // The Location header of every 3xx answer.
    void redirectTo(const QString& location) { m_location = location.toUtf8(); }
    const QList<ReceivedWebhook>& received() const { return m_received; }

    // Standard Webhooks verification, written from the scheme alone: HMAC-SHA256 keyed by the base64 part of
    // whsec_<base64> over "id.timestamp.body", base64, compared with each "v1,<sig>" of the header; and the
    // timestamp within five minutes of now.
    static bool verify(const QString& secret, const ReceivedWebhook& hook, qint64 nowSeconds)
    {
        if (!secret.startsWith(QLatin1String("whsec_")) || hook.id().isEmpty())
            return false;
        const QByteArray key = QByteArray::fromBase64(secret.mid(6).toLatin1());
        const QByteArray timestamp = hook.headers.value("webhook-timestamp");
        bool ok = false;
        const qint64 seconds = timestamp.toLongLong(&ok);
        if (!ok || qAbs(nowSeconds - seconds) > 300)
            return false;
        QMessageAuthenticationCode mac(QCryptographicHash::Sha256, key);
        mac.addData(hook.id() + '.' + timestamp + '.' + hook.body);
        const QByteArray expected = "v1," + mac.result().toBase64();
        for (const QByteArray& signature : hook.headers.value("webhook-signature").split(' ')) {
            if (signature == expected)
                return true;
        }
        return false;
    }
    static bool verify(const QString& secret, const ReceivedWebhook& hook)
    {
        return verify(secret, hook, QDateTime::currentSecsSinceEpoch());
    }

private:
    void accept()
    {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
        }
    }

    void read(QTcpSocket* socket)
    {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        ReceivedWebhook hook;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                hook.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = hook.headers.value("content-length").toLongLong();
        if (buffer.size() < end + 4 + length)
            return;
        hook.body = buffer.mid(end + 4, length);
        m_buffers.remove(socket);
        m_received << hook;
        const int status = m_statuses.isEmpty() ? 200 : m_statuses.takeFirst();
        if (status == Hang)
            return;
        const QByteArray location =
            status >= 300 && status < 400 && !m_location.isEmpty() ? "Location: " + m_location + "\r\n" : QByteArray();
        socket->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\n" + location
                      + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QList<int> m_statuses;
    QByteArray m_location;
    QList<ReceivedWebhook> m_received;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

} // namespace Meterline::Testing
