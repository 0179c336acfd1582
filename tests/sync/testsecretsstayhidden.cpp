// Secrets stay where they belong (issue 18): a run of meterline-server, on a database URL with a password, that
// authenticates bearer keys (good and bad), creates an API key and a webhook endpoint over the API, and a run of
// the dashboard connected to it with --key, leave none of those secrets in clear text in what they print, in the
// access log, in the dashboard's settings or in any other file under their home. The store keeps only hashes of
// API keys; a webhook secret is the one secret the store must hold (it signs every delivery), so the store's own
// files are searched for the keys and the password but not for that secret.

#include <QDirIterator>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QUrl>

#include "core/database.h"
#include "core/service.h"
#include "synctestsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

struct Answer
{
    int status = 0;
    QJsonObject json;
};

// One request to the server, waited for (10 s at most).
Answer send(QNetworkAccessManager& network,
            quint16 port,
            const QByteArray& method,
            const QString& path,
            const QString& key,
            const QJsonObject& body = {})
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path)));
    request.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    QByteArray bytes;
    if (!body.isEmpty()) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    QNetworkReply* reply = network.sendCustomRequest(request, method, bytes);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.json = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return answer;
}

// The forms a secret could take in a file: as it is, percent-encoded (a URL in QSettings) and in base64
// (QSettings writes a QByteArray value as @ByteArray(...), a QVariant as base64).
QList<QByteArray> formsOf(const QString& secret)
{
    const QByteArray raw = secret.toUtf8();
    return {raw, QUrl::toPercentEncoding(secret), raw.toBase64(), raw.toBase64(QByteArray::Base64UrlEncoding)};
}

// The first secret (by name) found in bytes, or an empty string.
QString leakIn(const QByteArray& bytes, const QMap<QString, QString>& secrets)
{
    for (auto it = secrets.cbegin(); it != secrets.cend(); ++it) {
        for (const QByteArray& form : formsOf(it.value())) {
            if (bytes.contains(form))
                return it.key();
        }
    }
    return {};
}

} // namespace

class TestSecretsStayHidden : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serverAndDashboardRun_writeNoSecretInClearText()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QString config = home.filePath(u"config"_s);
        QVERIFY(QDir().mkpath(config));

        // The store: the private PostgreSQL (its trust authentication takes any password, so the URL can carry
        // one that must then appear nowhere) or a SQLite file under the home.
        QString password;
        QString db = qEnvironmentVariable("METERLINE_TEST_DB");
        if (db.startsWith(u"postgresql://"_s)) {
            password = u"pw-Zq81-never-logged"_s;
            QUrl url(db);
            url.setPassword(password);
            db = url.toString(QUrl::FullyEncoded);
        } else {
            db = home.filePath(u"store.db"_s);
        }

        QString adminKey;
        {
            auto opened = Database::open(db);
            VERIFY_OK(opened);
            Service service(*opened.value());
            auto admin = service.createApiKey(u"secrets test"_s, KeyScope::Admin);
            VERIFY_OK(admin);
            adminKey = admin->secret;
            opened.value()->releaseThreadConnection();
        }

        // Every process of the run keeps its files under the home; the webhook below points at loopback.
        qputenv("HOME", home.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", config.toUtf8());
        qputenv("XDG_DATA_HOME", home.filePath(u"data"_s).toUtf8());
        qputenv("XDG_CACHE_HOME", home.filePath(u"cache"_s).toUtf8());
        qputenv("XDG_STATE_HOME", home.filePath(u"state"_s).toUtf8());
        qputenv("METERLINE_WEBHOOK_ALLOW_TARGETS", "127.0.0.1");
        const QString accessLog = home.filePath(u"access.log"_s);

        QProcess server;
        const quint16 port = startServer(server, db, 0, accessLog);
        QVERIFY2(port, server.readAllStandardError().constData());

        QNetworkAccessManager network;
        const Answer created = send(network,
                                    port,
                                    "POST",
                                    u"/v1/api-keys"_s,
                                    adminKey,
                                    QJsonObject{{u"name"_s, u"reader"_s}, {u"scope"_s, u"read"_s}});
        QCOMPARE(created.status, 201);
        const QString readKey = created.json.value(u"key"_s).toString();
        QVERIFY(readKey.startsWith(u"mlk_"_s));
        QCOMPARE(send(network, port, "GET", u"/v1/customers"_s, readKey).status, 200);
        const QString wrongKey = readKey.left(readKey.size() - 6) + u"XXXXXX"_s; // a near miss, refused
        QCOMPARE(send(network, port, "GET", u"/v1/customers"_s, wrongKey).status, 401);
        const Answer webhook = send(
            network,
            port,
            "POST",
            u"/v1/webhooks"_s,
            adminKey,
            QJsonObject{{u"url"_s, u"http://127.0.0.1:9/hook"_s}, {u"events"_s, QJsonArray{u"balance.depleted"_s}}});
        QCOMPARE(webhook.status, 201);
        const QString webhookSecret = webhook.json.value(u"secret"_s).toString();
        QVERIFY(webhookSecret.size() >= 16);

        // The dashboard, connected with the admin key, syncs every page and exits after saving its settings.
        QProcess dashboard;
        dashboard.setProcessChannelMode(QProcess::SeparateChannels);
        dashboard.start(QStringLiteral(METERLINE_DASHBOARD_BIN),
                        {u"--server"_s,
                         u"http://127.0.0.1:%1"_s.arg(port),
                         u"--key"_s,
                         adminKey,
                         u"--screenshots"_s,
                         home.filePath(u"shots"_s)}); // on the offscreen platform: CTest sets QT_QPA_PLATFORM
        QVERIFY(dashboard.waitForFinished(180000));
        const QByteArray dashboardOutput = dashboard.readAllStandardOutput() + dashboard.readAllStandardError();
        QVERIFY2(dashboard.exitStatus() == QProcess::NormalExit && dashboard.exitCode() == 0,
                 dashboardOutput.constData());

        // A plain run, as an operator starts it: it remembers the connection in its settings (QSettings writes
        // them from the event loop shortly after the change), then it is closed from outside.
        const QString settingsFile = config + u"/Meterline/Meterline.conf"_s;
        QProcess console;
        console.setProcessChannelMode(QProcess::SeparateChannels);
        console.start(QStringLiteral(METERLINE_DASHBOARD_BIN),
                      {u"--server"_s, u"http://127.0.0.1:%1"_s.arg(port), u"--key"_s, adminKey});
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(settingsFile).size() > 0, 30000);
        QTest::qWait(2000); // its first sync, with the key, is done by now
        console.terminate();
        QVERIFY(console.waitForFinished(15000));
        const QByteArray consoleOutput = console.readAllStandardOutput() + console.readAllStandardError();

        server.terminate(); // SIGTERM: the access log is flushed and closed
        QVERIFY(server.waitForFinished(15000));
        const QByteArray serverOutput = server.readAllStandardOutput() + server.readAllStandardError();

        QMap<QString, QString> secrets{{u"admin key"_s, adminKey},
                                       {u"read key"_s, readKey},
                                       {u"refused key"_s, wrongKey},
                                       {u"webhook secret"_s, webhookSecret}};
        if (!password.isEmpty())
            secrets.insert(u"database password"_s, password);
        QMap<QString, QString> storeSecrets = secrets;
        storeSecrets.remove(u"webhook secret"_s);

        QCOMPARE(leakIn(serverOutput, secrets), QString());
        QCOMPARE(leakIn(dashboardOutput, secrets), QString());
        QCOMPARE(leakIn(consoleOutput, secrets), QString());

        // Every file the run left under the home; the ones that must exist are counted, so that an empty
        // search cannot pass.
        bool sawSettings = false;
        bool sawAccessLog = false;
        int files = 0;
        QDirIterator it(home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile file(path);
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
            const QByteArray bytes = file.readAll();
            ++files;
            const bool storeFile = it.fileName().startsWith(u"store.db"_s); // the SQLite file and its -wal/-shm
            const QString leak = leakIn(bytes, storeFile ? storeSecrets : secrets);
            QVERIFY2(leak.isEmpty(), qPrintable(u"%1 in clear text in %2"_s.arg(leak, path)));
            if (path == settingsFile) {
                sawSettings = true;
                // The dashboard did remember this connection, by its display name only.
                QVERIFY2(bytes.contains(u"127.0.0.1:%1"_s.arg(port).toUtf8()), bytes.constData());
            }
            if (path == accessLog) {
                sawAccessLog = true;
                QVERIFY(bytes.contains("/v1/api-keys")); // the log is real: it names the requests made
                QVERIFY(bytes.contains(" 401 ") || bytes.contains("\"status\":401"));
            }
        }
        QVERIFY(sawSettings);
        QVERIFY(sawAccessLog);
        qInfo("searched %d files and the three runs' output for %lld secrets in %d forms each: none found",
              files,
              qint64(secrets.size()),
              int(formsOf(adminKey).size()));
    }
};

QTEST_GUILESS_MAIN(TestSecretsStayHidden)
#include "testsecretsstayhidden.moc"
