#pragma once

// Helpers of the dashboard sync tests: waiting for a sync, a store filled with demo data at the real "now"
// (the worker's own Service reads the real clock), a meterline-server process, and a TCP proxy that can
// swallow the answer of one request (a send that timed out after the server did the work).

#include <QDir>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <functional>

#include "core/demodata.h"
#include "sync/syncclient.h"
#include "tests/testsupport.h"

namespace Meterline::Testing
{

// Waits for the client's next syncFinished; false after timeoutMs.
inline bool waitForSync(Dashboard::SyncClient& client, int timeoutMs = 20000)
{
    QSignalSpy finished(&client, &Dashboard::SyncClient::syncFinished);
    return finished.wait(timeoutMs);
}

// Waits until the client reports this state.
inline bool waitForState(Dashboard::SyncClient& client, Dashboard::SyncState state, int timeoutMs = 20000)
{
    if (client.status().state == state)
        return true;
    QSignalSpy changed(&client, &Dashboard::SyncClient::statusChanged);
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (client.status().state == state)
            return true;
        changed.wait(200);
    }
    return client.status().state == state;
}

struct ActionOutcome
{
    bool finished = false;
    bool ok = false;
    QString message;
    QVariant result;
};

// Waits for actionFinished of one action id.
inline ActionOutcome waitForAction(Dashboard::SyncClient& client, const QString& actionId, int timeoutMs = 20000)
{
    ActionOutcome outcome;
    QMetaObject::Connection c =
        QObject::connect(&client,
                         &Dashboard::SyncClient::actionFinished,
                         &client,
                         [&](const QString& id, bool ok, const QString& message, const QVariant& result) {
                             if (id == actionId)
                                 outcome = {true, ok, message, result};
                         });
    QTRY_LOOP_IMPL(outcome.finished, timeoutMs, 50);
    QObject::disconnect(c);
    return outcome;
}

inline int creditsWithKey(Service& service, const QString& customerId, const QString& key)
{
    auto page = service.transactions(customerId, {}, 1000);
    if (!page.ok())
        return -1;
    int n = 0;
    for (const LedgerTransaction& t : page->data)
        n += t.idempotencyKey == key && t.kind == TransactionKind::Credit;
    return n;
}

// meterline-server serve on 127.0.0.1:port (0: any), its access log in accessLog (empty: none); the port it
// listens on, 0 on failure.
inline quint16 startServer(QProcess& process, const QString& db, quint16 port = 0, const QString& accessLog = {})
{
    process.setProcessChannelMode(QProcess::SeparateChannels);
    // METERLINE_CONFIG empty: an installed /etc/meterline/meterline-server.conf never changes what a test sees,
    // run by ctest or by hand.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("METERLINE_CONFIG"), QString());
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(METERLINE_SERVER_BIN),
                  {QStringLiteral("serve"),
                   QStringLiteral("--db"),
                   db,
                   QStringLiteral("--listen"),
                   QStringLiteral("127.0.0.1:%1").arg(port),
                   QStringLiteral("--access-log"),
                   accessLog});
    if (!process.waitForStarted(10000))
        return 0;
    QByteArray first;
    for (int i = 0; i < 200 && !first.contains('\n'); ++i) {
        process.waitForReadyRead(100);
        first += process.readAllStandardOutput();
    }
    static const QRegularExpression line(QStringLiteral("^listening on http://127\\.0\\.0\\.1:(\\d+)\\n"));
    const auto match = line.match(QString::fromUtf8(first));
    return match.hasMatch() ? quint16(match.captured(1).toUInt()) : 0;
}

inline void stopServer(QProcess& process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    process.kill(); // as abrupt as a crash: the client must cope
    process.waitForFinished(10000);
}

// A TCP proxy on loopback in front of the server. swallowAnswerOf(pattern): the answer to the first request
// whose bytes contain pattern is never passed on (the connection is closed later), so the client times out
// although the server did the work.
class SwallowingProxy : public QObject
{
public:
    explicit SwallowingProxy(quint16 upstreamPort)
        : m_upstream(upstreamPort)
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] { accept(); });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    void swallowAnswerOf(const QByteArray& pattern) { m_pattern = pattern; }
    int swallowed() const { return m_swallowed; }

private:
    void accept()
    {
        while (QTcpSocket* client = m_server.nextPendingConnection()) {
            auto* upstream = new QTcpSocket(client);
            auto swallow = std::make_shared<bool>(false);
            upstream->connectToHost(QHostAddress::LocalHost, m_upstream);
            QObject::connect(client, &QTcpSocket::readyRead, client, [this, client, upstream, swallow] {
                const QByteArray bytes = client->readAll();
                if (!m_pattern.isEmpty() && bytes.contains(m_pattern)) {
                    m_pattern.clear();
                    *swallow = true;
                    ++m_swallowed;
                }
                upstream->write(bytes);
            });
            QObject::connect(upstream, &QTcpSocket::readyRead, client, [client, upstream, swallow] {
                const QByteArray bytes = upstream->readAll();
                if (!*swallow)
                    client->write(bytes);
            });
            QObject::connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
            QObject::connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
        }
    }

    QTcpServer m_server;
    quint16 m_upstream;
    QByteArray m_pattern;
    int m_swallowed = 0;
};

} // namespace Meterline::Testing
