// The real meterline-server: a delivery in flight when the server is killed with SIGKILL is delivered by the
// next server on the same database, under the same webhook-id; SIGTERM stops the dispatcher cleanly.

#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "core/database.h"
#include "core/service.h"
#include "serverprocess.h"
#include "testsupport.h"
#include "webhookreceiver.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

// serve on port 0 with the tests' fast webhook settings, but a receiver that hangs keeps its attempt open and a
// dead server's claim runs out quickly; true once it listens.
bool startRestartServe(QProcess& process, const QString& db)
{
    QProcessEnvironment env = serveEnvironment();
    env.insert(u"METERLINE_WEBHOOK_TIMEOUT_MS"_s, u"60000"_s);
    env.insert(u"METERLINE_WEBHOOK_LEASE_MS"_s, u"1500"_s);
    env.remove(u"METERLINE_WEBHOOK_RETRY_SCALE"_s);
    return Testing::startServe(process, db, {}, env) != 0;
}

} // namespace

class TestWebhookRestart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sigkillMidDelivery_deliversAfterRestart()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"webhooks.db"_s);
        WebhookReceiver receiver;
        receiver.answerWith({WebhookReceiver::Hang});
        QString endpointId;
        QString secret;
        QString deliveryId;
        {
            auto db = Database::open(path);
            VERIFY_OK(db);
            Service service(*db.value());
            WebhookEndpoint endpoint;
            endpoint.url = receiver.url();
            endpoint.events = QStringList{u"balance.depleted"_s};
            auto created = service.createWebhook(endpoint);
            VERIFY_OK(created);
            endpointId = created->id;
            secret = created->secret;
            auto queued = service.sendTestWebhook(endpointId);
            VERIFY_OK(queued);
            deliveryId = queued->id;
            db.value()->releaseThreadConnection();
        }

        QProcess first;
        QVERIFY(startRestartServe(first, path));
        QTRY_COMPARE_WITH_TIMEOUT(receiver.received().size(), 1, 10000); // the first attempt hangs
        first.kill();                                                    // SIGKILL: no chance to record anything
        QVERIFY(first.waitForFinished(10000));
        QCOMPARE(first.exitStatus(), QProcess::CrashExit);

        QProcess second;
        QVERIFY(startRestartServe(second, path));
        QTRY_COMPARE_WITH_TIMEOUT(receiver.received().size(), 2, 15000);
        for (const ReceivedWebhook& hook : receiver.received()) {
            QCOMPARE(hook.id(), deliveryId.toUtf8());
            QVERIFY(WebhookReceiver::verify(secret, hook));
        }

        auto db = Database::open(path);
        VERIFY_OK(db);
        Service service(*db.value());
        QTRY_COMPARE_WITH_TIMEOUT(service.webhookDeliveries(endpointId)->first().state, u"delivered"_s, 5000);
        const WebhookDelivery delivery = service.webhookDeliveries(endpointId)->first();
        QCOMPARE(delivery.attemptLog.size(), 2);
        QCOMPARE(delivery.attemptLog.at(0).status, 0);
        QVERIFY(delivery.attemptLog.at(0).error.contains(u"stopped"_s));
        QCOMPARE(delivery.attemptLog.at(1).status, 200);
        QCOMPARE(receiver.received().size(), 2); // nothing sent twice by the second server

        second.terminate(); // SIGTERM: the dispatcher stops with the server, exit status 0
        QVERIFY(second.waitForFinished(15000));
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 0);
        db.value()->releaseThreadConnection();
    }
};

QTEST_GUILESS_MAIN(TestWebhookRestart)
#include "testwebhookrestart.moc"
