// meterline-server's configuration file: where it is found, its keys, the order flag > environment > file >
// default, and the refusals that stop a command before it opens a database or a socket. The real binary for what
// a user sees, ServerSettingsBuilder for what reaches the webhook sender and the log filter.

#include <QFile>
#include <QLoggingCategory>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "server/serversettings.h"

using namespace Meterline;
using namespace Qt::StringLiterals;

namespace
{

const QString ServerBinary = QStringLiteral(METERLINE_SERVER_BIN);

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs the server with `environment` added to this test's (CTest sets METERLINE_CONFIG empty: no system file).
Run runServer(const QStringList& arguments, const QStringList& environment = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& pair : environment)
        env.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
    p.setProcessEnvironment(env);
    p.start(ServerBinary, arguments);
    p.waitForFinished(60000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(text);
    return file.fileName();
}

// Starts serve and returns the address of its first line ("" when it did not print one).
QString startServe(QProcess& process, const QStringList& arguments, const QStringList& environment = {})
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& pair : environment)
        env.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
    process.setProcessEnvironment(env);
    process.start(ServerBinary, QStringList{u"serve"_s} + arguments);
    if (!process.waitForStarted(10000))
        return {};
    QByteArray first;
    for (int i = 0; i < 100 && !first.contains('\n'); ++i) {
        process.waitForReadyRead(100);
        first += process.readAllStandardOutput();
    }
    static const QRegularExpression line(u"^listening on http://([^\\n]+)\\n"_s);
    const auto match = line.match(QString::fromUtf8(first));
    return match.hasMatch() ? match.captured(1) : QString();
}

void stop(QProcess& process)
{
    process.terminate();
    QVERIFY(process.state() == QProcess::NotRunning || process.waitForFinished(20000));
    QCOMPARE(process.exitCode(), 0);
}

} // namespace

class TestServeConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init_createsTheDatabaseTheFileNames()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(u"from-file.db"_s);
        const QString conf = writeFile(dir, u"m.conf"_s, "[server]\ndatabase = " + db.toUtf8() + "\n");
        const Run run = runServer({u"init"_s, u"--config"_s, conf});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(db), qPrintable(run.out));
        QVERIFY(QFile::exists(db));
    }

    void configVariable_findsTheFileAndEmptyMeansNone()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(u"env-file.db"_s);
        const QString conf = writeFile(dir, u"m.conf"_s, "[server]\ndatabase = " + db.toUtf8() + "\n");
        QCOMPARE(runServer({u"init"_s}, {u"METERLINE_CONFIG="_s + conf}).exitCode, 0);
        QVERIFY(QFile::exists(db));
        // Empty: no file, so the default database (here under a temporary data folder).
        const Run none =
            runServer({u"init"_s}, {u"METERLINE_CONFIG="_s, u"XDG_DATA_HOME="_s + dir.filePath(u"data"_s)});
        QCOMPARE(none.exitCode, 0);
        QVERIFY2(none.out.contains(dir.filePath(u"data/Meterline/meterline.db"_s)), qPrintable(none.out));
    }

    void serve_listensWhereTheFileSays_andFlagBeatsEnvironmentBeatsFile()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(u"serve.db"_s);
        const QString conf =
            writeFile(dir,
                      u"m.conf"_s,
                      "[server]\ndatabase = " + db.toUtf8() + "\nlisten = 127.0.0.1:0\naccess-log = "
                          + dir.filePath(u"file.log"_s).toUtf8() + "\nthreads = 2\nlog-level = warning\n");
        {
            QProcess server;
            const QString address = startServe(server, {u"--config"_s, conf});
            QVERIFY2(address.startsWith(u"127.0.0.1:"_s), qPrintable(address));
            stop(server);
            QVERIFY(QFile::exists(db));
            QVERIFY(QFile::exists(dir.filePath(u"file.log"_s))); // the file's access log
        }
        {
            // The environment over the file: another loopback address (all of 127/8 is loopback), another log.
            QProcess server;
            const QString address = startServe(
                server,
                {u"--config"_s, conf},
                {u"METERLINE_LISTEN=127.0.0.2:0"_s, u"METERLINE_ACCESS_LOG="_s + dir.filePath(u"env.log"_s)});
            QVERIFY2(address.startsWith(u"127.0.0.2:"_s), qPrintable(address));
            stop(server);
            QVERIFY(QFile::exists(dir.filePath(u"env.log"_s)));
        }
        {
            // The flag over the environment.
            QProcess server;
            const QString address = startServe(
                server, {u"--config"_s, conf, u"--listen"_s, u"localhost:0"_s}, {u"METERLINE_LISTEN=127.0.0.2:0"_s});
            QVERIFY2(address.startsWith(u"127.0.0.1:"_s), qPrintable(address));
            stop(server);
        }
    }

    void databaseOrder_flagThenEnvironmentThenFile()
    {
        QTemporaryDir dir;
        const QString conf = writeFile(dir, u"m.conf"_s, "[server]\ndatabase = " + dir.filePath(u"file.db"_s).toUtf8());
        const QString fromEnv = dir.filePath(u"env.db"_s);
        const QString fromFlag = dir.filePath(u"flag.db"_s);
        Run run = runServer({u"init"_s, u"--config"_s, conf}, {u"METERLINE_DB="_s + fromEnv});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(fromEnv), qPrintable(run.out));
        run = runServer({u"init"_s, u"--config"_s, conf, u"--db"_s, fromFlag}, {u"METERLINE_DB="_s + fromEnv});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(fromFlag), qPrintable(run.out));
        QVERIFY(!QFile::exists(dir.filePath(u"file.db"_s)));
    }

    void badFile_exitsTwoNamingFileAndKey_andCreatesNothing_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown key") << QByteArray("[server]\nlistn = 127.0.0.1:1\n") << u"init"_s
                                     << u"[server] listn: unknown setting"_s;
        QTest::newRow("unknown section") << QByteArray("[srv]\nlisten = 127.0.0.1:1\n") << u"init"_s
                                         << u"[srv] listen: unknown setting"_s;
        QTest::newRow("key before a section")
            << QByteArray("listen = 127.0.0.1:1\n") << u"init"_s << u"unknown setting"_s;
        QTest::newRow("bad listen") << QByteArray("[server]\nlisten = nowhere\n") << u"serve"_s
                                    << u"[server] listen: takes host:port"_s;
        QTest::newRow("port 65536") << QByteArray("[server]\nlisten = 127.0.0.1:65536\n") << u"serve"_s
                                    << u"[server] listen: takes host:port"_s;
        QTest::newRow("threads 257") << QByteArray("[server]\nthreads = 257\n") << u"serve"_s
                                     << u"[server] threads: needs a whole number from 0 to 256, not '257'"_s;
        QTest::newRow("threads -1") << QByteArray("[server]\nthreads = -1\n") << u"keys"_s
                                    << u"[server] threads: needs a whole number"_s;
        QTest::newRow("bad log level") << QByteArray("[server]\nlog-level = loud\n") << u"init"_s
                                       << u"[server] log-level: is debug, info, warning or error, not 'loud'"_s;
        QTest::newRow("empty database") << QByteArray("[server]\ndatabase =\n") << u"init"_s
                                        << u"[server] database: needs a value"_s;
        QTest::newRow("bad webhook timeout") << QByteArray("[webhooks]\ntimeout-ms = 0\n") << u"serve"_s
                                             << u"[webhooks] timeout-ms: needs milliseconds from 1"_s;
        QTest::newRow("bad retry scale") << QByteArray("[webhooks]\nretry-scale = -2\n") << u"serve"_s
                                         << u"[webhooks] retry-scale: needs a number above 0"_s;
        QTest::newRow("bad allow-targets")
            << QByteArray("[webhooks]\nallow-targets = hooks.internal, 10.0.0.0/40\n") << u"serve"_s
            << u"[webhooks] allow-targets: '10.0.0.0/40' is not an address range"_s;
    }

    void badFile_exitsTwoNamingFileAndKey_andCreatesNothing()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, command);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString db = dir.filePath(u"never.db"_s);
        const QString conf = writeFile(dir, u"bad.conf"_s, text);
        QStringList arguments{command, u"--config"_s, conf, u"--db"_s, db};
        if (command == u"keys"_s)
            arguments << u"list"_s;
        if (command == u"serve"_s)
            arguments << u"--access-log"_s << QString();
        const Run run = runServer(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(conf) && run.err.contains(expected), qPrintable(run.err));
        QCOMPARE(run.err.count(u'\n'), 1); // one line
        QVERIFY(run.out.isEmpty());        // serve printed no address: it never listened
        QVERIFY(!QFile::exists(db));
    }

    void badEnvironmentAndFlags_areRefusedLikeTheFile()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(u"never.db"_s);
        Run run = runServer({u"serve"_s, u"--db"_s, db}, {u"METERLINE_THREADS=257"_s});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(u"METERLINE_THREADS: needs a whole number from 0 to 256"_s), qPrintable(run.err));
        run = runServer({u"serve"_s, u"--db"_s, db, u"--threads"_s, u"257"_s});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(u"--threads: needs a whole number"_s), qPrintable(run.err));
        run = runServer({u"serve"_s, u"--db"_s, db, u"--listen"_s, u"127.0.0.1:65536"_s});
        QCOMPARE(run.exitCode, 2);
        run = runServer({u"serve"_s, u"--db"_s, db, u"--log-level"_s, u"verbose"_s});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(u"--log-level: is debug, info, warning or error"_s), qPrintable(run.err));
        run = runServer({u"serve"_s, u"--db"_s, db}, {u"METERLINE_WEBHOOK_POLL_MS=soon"_s});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(!QFile::exists(db));
    }

    void missingExplicitFile_isAnError_missingDefaultIsNot()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(u"absent.conf"_s);
        Run run = runServer({u"init"_s, u"--config"_s, missing, u"--db"_s, dir.filePath(u"a.db"_s)});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(missing + u": no such configuration file"_s), qPrintable(run.err));
        run = runServer({u"init"_s, u"--db"_s, dir.filePath(u"b.db"_s)}, {u"METERLINE_CONFIG="_s + missing});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(!QFile::exists(dir.filePath(u"a.db"_s)) && !QFile::exists(dir.filePath(u"b.db"_s)));
        bool required = true;
        qunsetenv("METERLINE_CONFIG");
        const QString path = ServerSettingsBuilder::locate(std::nullopt, &required);
        QVERIFY(!required); // the default location may be absent
        QCOMPARE(path.isEmpty(), !QFile::exists(ServerSettingsBuilder::DefaultConfigPath));
        qputenv("METERLINE_CONFIG", "");
    }

    void help_statesWhereTheFileIsAndTheOrder()
    {
        const QString order = u"flags, environment, the configuration\nfile, built-in defaults"_s;
        const Run top = runServer({u"--help"_s});
        QCOMPARE(top.exitCode, 0);
        QVERIFY2(top.out.contains(ServerSettingsBuilder::DefaultConfigPath), qPrintable(top.out));
        QVERIFY2(top.out.contains(order), qPrintable(top.out));
        const Run serve = runServer({u"serve"_s, u"--help"_s});
        QCOMPARE(serve.exitCode, 0);
        for (const QString& option : {u"--config"_s, u"--log-level"_s, u"--threads"_s, u"METERLINE_CONFIG"_s})
            QVERIFY2(serve.out.contains(option), qPrintable(option));
        QVERIFY2(serve.out.simplified().contains(u"the command's flags, the environment, the configuration file, the "
                                                 u"built-in defaults"_s),
                 qPrintable(serve.out));
    }

    void builder_webhookSettingsAndLogLevel_fromFileThenEnvironment()
    {
        QTemporaryDir dir;
        const QString conf = writeFile(dir,
                                       u"m.conf"_s,
                                       "[server]\nlog-level = error\n#threads = 999\n"
                                       "[webhooks]\npoll-interval-ms = 250\ntimeout-ms = 3600000\nlease-ms = 0\n"
                                       "retry-scale = 0.5\nallow-targets = hooks.internal, 10.0.0.0/8\n");
        ServerSettingsBuilder builder;
        QVERIFY2(builder.applyFile(conf, true), qPrintable(builder.error()));
        QCOMPARE(builder.configPath(), conf);
        QCOMPARE(builder.settings().webhooks.pollIntervalMs, 250);
        QCOMPARE(builder.settings().webhooks.timeoutMs, 3'600'000); // the largest accepted
        QCOMPARE(builder.settings().webhooks.leaseMs, 0);
        QCOMPARE(builder.settings().webhooks.retryScale, 0.5);
        QCOMPARE(builder.settings().webhooks.targets.entries(), (QStringList{u"hooks.internal"_s, u"10.0.0.0/8"_s}));
        QCOMPARE(builder.settings().logLevel, u"error"_s);

        qputenv("METERLINE_WEBHOOK_POLL_MS", "75");
        qputenv("METERLINE_WEBHOOK_ALLOW_TARGETS", "127.0.0.1");
        QVERIFY2(builder.applyEnvironment(), qPrintable(builder.error()));
        qunsetenv("METERLINE_WEBHOOK_POLL_MS");
        qunsetenv("METERLINE_WEBHOOK_ALLOW_TARGETS");
        QCOMPARE(builder.settings().webhooks.targets.entries(), QStringList{u"127.0.0.1"_s}); // the whole list replaced
        QCOMPARE(builder.settings().webhooks.pollIntervalMs, 75);
        QCOMPARE(builder.settings().webhooks.timeoutMs, 3'600'000); // untouched by the environment

        // A refused value leaves every setting as it was.
        QVERIFY(!builder.apply(u"webhooks/timeout-ms"_s, u"3600001"_s, u"--test"_s));
        QCOMPARE(builder.error(), u"--test: needs milliseconds from 1 to 3600000, not '3600001'"_s);
        QCOMPARE(builder.settings().webhooks.timeoutMs, 3'600'000);
        QVERIFY(builder.apply(u"server/threads"_s, u"256"_s, u"--threads"_s));
        QVERIFY(!builder.apply(u"server/threads"_s, u"257"_s, u"--threads"_s));
        QCOMPARE(builder.settings().threads, 256);
        QVERIFY(builder.apply(u"server/listen"_s, u"127.0.0.1:65535"_s, u"--listen"_s));
        QVERIFY(!builder.apply(u"server/listen"_s, u"127.0.0.1:65536"_s, u"--listen"_s));
        QCOMPARE(builder.settings().listen, u"127.0.0.1:65535"_s);
    }

    void logLevel_setsTheFilterOfMeterlineCategories()
    {
        QLoggingCategory core("meterline.core.store");
        QLoggingCategory other("qt.network");
        QLoggingCategory::setFilterRules(ServerSettings::loggingRules(u"error"_s));
        QVERIFY(!core.isWarningEnabled());
        QVERIFY(core.isCriticalEnabled());
        QLoggingCategory::setFilterRules(ServerSettings::loggingRules(u"warning"_s));
        QVERIFY(core.isWarningEnabled());
        QVERIFY(!core.isInfoEnabled());
        QLoggingCategory::setFilterRules(ServerSettings::loggingRules(u"info"_s));
        QVERIFY(core.isInfoEnabled());
        QVERIFY(!core.isDebugEnabled());
        QLoggingCategory::setFilterRules(ServerSettings::loggingRules(u"debug"_s));
        QVERIFY(core.isDebugEnabled());
        QVERIFY(!other.isDebugEnabled()); // only meterline.*
        QVERIFY(ServerSettings::loggingRules(u"loud"_s).isEmpty());
        QLoggingCategory::setFilterRules(QString());
    }

    void packagedFile_isValidAndNamesTheStateFolder()
    {
        const QString packaged = QFINDTESTDATA("../../packaging/server/meterline-server.conf");
        QVERIFY(!packaged.isEmpty());
        ServerSettingsBuilder builder;
        QVERIFY2(builder.applyFile(packaged, true), qPrintable(builder.error()));
        QCOMPARE(builder.settings().database, u"/var/lib/meterline/meterline.db"_s);
        QCOMPARE(builder.settings().listen, u"127.0.0.1:8787"_s);
        QCOMPARE(builder.settings().accessLog, u"-"_s);
        QCOMPARE(builder.settings().logLevel, u"info"_s);
    }
};

QTEST_GUILESS_MAIN(TestServeConfig)
#include "testserveconfig.moc"
