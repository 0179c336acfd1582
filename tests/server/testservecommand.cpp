// The real meterline-server binary: its first line, its exit codes, keys on the command line, and a SIGTERM
// in the middle of load that loses no acknowledged event.

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <memory>

#include "core/database.h"
#include "core/service.h"
#include "serverprocess.h"

using namespace Meterline;
using namespace Meterline::Testing;

namespace
{

const QString ServerBinary = QStringLiteral(METERLINE_SERVER_BIN);

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runServer(const QStringList& arguments)
{
    QProcess p;
    p.start(ServerBinary, arguments);
    p.waitForFinished(60000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace

class TestServeCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serve_printsListeningFirstAndExitsZeroOnSigterm()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("serve.db"));
        QProcess server;
        const quint16 port = startServe(server, db);
        QVERIFY(port > 0);
        QNetworkAccessManager network;
        QNetworkReply* reply =
            network.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/healthz").arg(port))));
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(5000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
        server.terminate(); // SIGTERM
        QVERIFY(server.waitForFinished(15000));
        QCOMPARE(server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.exitCode(), 0);
    }

    void usageErrors_exitTwoWithOneLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addRow("bad listen") << QStringList{"serve", "--listen", "nonsense"};
        QTest::addRow("listen port out of range") << QStringList{"serve", "--listen", "127.0.0.1:70000"};
        QTest::addRow("keys without action") << QStringList{"keys"};
        QTest::addRow("keys create without name") << QStringList{"keys", "create", "--scope", "admin"};
        QTest::addRow("keys create bad scope") << QStringList{"keys", "create", "--name", "x", "--scope", "root"};
        QTest::addRow("keys revoke without id") << QStringList{"keys", "revoke"};
        QTest::addRow("unknown command") << QStringList{"launch"};
    }
    void usageErrors_exitTwoWithOneLine()
    {
        QFETCH(QStringList, arguments);
        QTemporaryDir dir;
        arguments << QStringLiteral("--db") << dir.filePath(QStringLiteral("x.db"));
        const Run run = runServer(arguments);
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY(run.err.startsWith("meterline-server: "));
    }

    void keys_createPrintsTheKeyAloneAndRevokeStopsIt()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("keys.db"));
        const Run created = runServer({QStringLiteral("keys"),
                                       QStringLiteral("create"),
                                       QStringLiteral("--db"),
                                       db,
                                       QStringLiteral("--name"),
                                       QStringLiteral("ops"),
                                       QStringLiteral("--scope"),
                                       QStringLiteral("read")});
        QCOMPARE(created.exitCode, 0);
        const QString key = QString::fromUtf8(created.out).trimmed();
        QVERIFY(key.startsWith(QStringLiteral("mlk_")));
        QCOMPARE(created.out.count('\n'), 1);

        const Run listed = runServer({QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--db"), db});
        QCOMPARE(listed.exitCode, 0);
        QVERIFY(!listed.out.contains(key.toUtf8())); // secrets are never listed
        const QString id = QString::fromUtf8(listed.out.split('\n').value(1).split('\t').value(0));
        QVERIFY(id.startsWith(QStringLiteral("key_")));

        auto database = Database::open(db);
        QVERIFY(database.ok());
        Service service(*database.value());
        QVERIFY(service.verifyApiKey(key).ok());
        const Run revoked =
            runServer({QStringLiteral("keys"), QStringLiteral("revoke"), id, QStringLiteral("--db"), db});
        QCOMPARE(revoked.exitCode, 0);
        QVERIFY(!service.verifyApiKey(key).ok());
        const Run again = runServer(
            {QStringLiteral("keys"), QStringLiteral("revoke"), QStringLiteral("key_nope"), QStringLiteral("--db"), db});
        QCOMPARE(again.exitCode, 1);
    }

    void sigtermDuringLoad_keepsEveryAcknowledgedEvent()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("load.db"));
        {
            auto database = Database::open(db);
            QVERIFY(database.ok());
            Service service(*database.value());
            Customer c;
            c.id = QStringLiteral("acme");
            c.name = QStringLiteral("Acme");
            QVERIFY(service.createCustomer(c).ok());
            auto key = service.createApiKey(QStringLiteral("ingest"), KeyScope::Ingest);
            QVERIFY(key.ok());
            m_key = key->secret;
            database.value()->releaseThreadConnection();
        }
        QProcess server;
        const quint16 port = startServe(server, db);
        QVERIFY(port > 0);

        // 8 clients keep records in flight; SIGTERM once 300 were acknowledged.
        QSet<QString> acknowledged;
        int inFlight = 0;
        bool stopping = false;
        std::vector<std::unique_ptr<QNetworkAccessManager>> clients;
        for (int i = 0; i < 8; ++i)
            clients.push_back(std::make_unique<QNetworkAccessManager>());
        QEventLoop loop;
        std::function<void(QNetworkAccessManager*)> send = [&](QNetworkAccessManager* client) {
            if (stopping)
                return;
            QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/v1/events").arg(port)));
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            request.setRawHeader("Authorization", "Bearer " + m_key.toLatin1());
            QNetworkReply* reply =
                client->post(request, QByteArrayLiteral(R"({"customerId":"acme","eventType":"llm.call","value":3})"));
            ++inFlight;
            QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, client] {
                --inFlight;
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 201) {
                    acknowledged.insert(
                        QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("id")).toString());
                    if (acknowledged.size() == 300 && !stopping) {
                        stopping = true;
                        server.terminate();
                    }
                }
                reply->deleteLater();
                if (!stopping)
                    send(client);
                else if (inFlight == 0)
                    loop.quit();
            });
        };
        for (auto& client : clients) {
            for (int i = 0; i < 4; ++i)
                send(client.get());
        }
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        loop.exec();
        QVERIFY(stopping);
        // The server may have exited while the loop ran (its finished signal already delivered): then
        // waitForFinished() answers false at once, so only a server still running is waited for.
        QVERIFY(server.state() == QProcess::NotRunning || server.waitForFinished(20000));
        QCOMPARE(server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.exitCode(), 0);
        QVERIFY(acknowledged.size() >= 300);

        auto database = Database::open(db);
        QVERIFY(database.ok());
        Service service(*database.value());
        QSet<QString> stored;
        QString cursor;
        do {
            auto page = service.events(EventQuery{QStringLiteral("acme"), {}, {}, {}, 1000, cursor, {}});
            QVERIFY(page.ok());
            for (const Event& e : page->data)
                stored.insert(e.id);
            cursor = page->nextCursor;
        } while (!cursor.isEmpty());
        for (const QString& id : std::as_const(acknowledged))
            QVERIFY2(stored.contains(id), qPrintable(QStringLiteral("acknowledged event %1 is missing").arg(id)));
    }

private:
    QString m_key;
};

QTEST_GUILESS_MAIN(TestServeCommand)
#include "testservecommand.moc"
