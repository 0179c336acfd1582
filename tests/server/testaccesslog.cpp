// TestAccessLog: one line per request with time, method, route, status, duration, key id (issue 4's
// operability rule) and the answer's Request-Id, written by the log's own thread and flushed when it closes.

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "server/api/accesslog.h"

using namespace Meterline::Api;
using namespace Qt::StringLiterals;

class TestAccessLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lines_carryEachFieldInOrder()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"access.log"_s);
        {
            AccessLog log(path);
            QVERIFY(log.isOpen());
            log.write("POST", u"/v1/limits/check"_s, 200, 1042, u"key_0a1b"_s, "req_0123456789ab0000000001");
            log.write("GET", u"/healthz"_s, 200, 7, QString(), "req_0123456789ab0000000002");
            log.write("DELETE", u"/v1/customers/{id}"_s, 404, 12'345'678, u"key_ff"_s, {});
        } // closing flushes
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size(), 4); // three lines and the empty rest after the last newline
        QCOMPARE(lines.last(), QByteArray());
        const QRegularExpression time(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z "_s);
        for (int i = 0; i < 3; ++i)
            QVERIFY2(time.match(QString::fromLatin1(lines[i])).hasMatch(), lines[i].constData());
        QCOMPARE(lines[0].mid(25),
                 QByteArray("POST /v1/limits/check 200 1.042ms key=key_0a1b id=req_0123456789ab0000000001"));
        QCOMPARE(lines[1].mid(25), QByteArray("GET /healthz 200 0.007ms key=- id=req_0123456789ab0000000002"));
        QCOMPARE(lines[2].mid(25), QByteArray("DELETE /v1/customers/{id} 404 12345.678ms key=key_ff id=-"));
    }

    void noPath_writesNothing()
    {
        AccessLog log{QString()};
        QVERIFY(!log.isOpen());
        log.write("GET", u"/healthz"_s, 200, 1, QString(), {}); // harmless
    }
};

QTEST_GUILESS_MAIN(TestAccessLog)
#include "testaccesslog.moc"
