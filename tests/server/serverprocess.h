#pragma once

// Helpers of the tests that run meterline-server as a process and crash it: serve on 127.0.0.1 port 0 with fast
// webhook settings, waited for on the event loop (so that a receiver or a load driver in the test process keeps
// running meanwhile), and a private PostgreSQL (scripts/pg-test-server.sh) that a test may kill with SIGKILL and
// start again on the same data, as after a crash of the database host.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

namespace Meterline::Testing
{

// Runs the event loop until process has ended, at most timeoutMs; whether it ended.
inline bool waitForEnd(QProcess& process, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (process.state() != QProcess::NotRunning && timer.elapsed() < timeoutMs)
        QTest::qWait(5);
    return process.state() == QProcess::NotRunning;
}

// A loopback port that was free a moment ago (bound to port 0, then released).
inline quint16 freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

// serve's environment in these tests: no configuration file (METERLINE_CONFIG empty), webhook deliveries to loopback
// receivers, looked for every 50 ms, each attempt within 3 s, a dead server's claims free after 4 s, the retry
// delays a hundredth of the real ones (the 24 h retry window becomes 14 minutes: longer than any test).
inline QProcessEnvironment serveEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("METERLINE_CONFIG"), QString());
    env.insert(QStringLiteral("METERLINE_WEBHOOK_POLL_MS"), QStringLiteral("50"));
    env.insert(QStringLiteral("METERLINE_WEBHOOK_TIMEOUT_MS"), QStringLiteral("3000"));
    env.insert(QStringLiteral("METERLINE_WEBHOOK_LEASE_MS"), QStringLiteral("4000"));
    env.insert(QStringLiteral("METERLINE_WEBHOOK_RETRY_SCALE"), QStringLiteral("0.01"));
    env.insert(QStringLiteral("METERLINE_WEBHOOK_ALLOW_TARGETS"), QStringLiteral("127.0.0.1"));
    return env;
}

// meterline-server serve --db db on 127.0.0.1:0, no access log, its stderr (the server log) appended to logFile
// (empty: passed on to the test's). The port it listens on once it printed "listening on …", 0 on failure.
inline quint16 startServe(QProcess& process,
                          const QString& db,
                          const QString& logFile = {},
                          const QProcessEnvironment& env = serveEnvironment())
{
    if (logFile.isEmpty()) {
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    } else {
        process.setProcessChannelMode(QProcess::SeparateChannels);
        process.setStandardErrorFile(logFile, QIODevice::Append);
    }
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(METERLINE_SERVER_BIN),
                  {QStringLiteral("serve"),
                   QStringLiteral("--db"),
                   db,
                   QStringLiteral("--listen"),
                   QStringLiteral("127.0.0.1:0"),
                   QStringLiteral("--access-log"),
                   QString()});
    if (!process.waitForStarted(10000))
        return 0;
    QByteArray first;
    QElapsedTimer timer;
    timer.start();
    while (!first.contains('\n') && process.state() == QProcess::Running && timer.elapsed() < 60000) {
        QTest::qWait(5);
        first += process.readAllStandardOutput();
    }
    static const QRegularExpression line(QStringLiteral("^listening on http://127\\.0\\.0\\.1:(\\d+)\\n"));
    const auto match = line.match(QString::fromUtf8(first));
    return match.hasMatch() ? quint16(match.captured(1).toUInt()) : 0;
}

// The last lines of a log file, for a failure message.
inline QString tailOf(const QString& path, int lines = 40)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("(no %1)").arg(path);
    const QList<QByteArray> all = file.readAll().split('\n');
    return QString::fromUtf8(all.mid(std::max<qsizetype>(0, all.size() - lines)).join('\n'));
}

// A PostgreSQL 15 of the test's own, started by scripts/pg-test-server.sh on a free loopback port (never the shared
// fixture server other tests use), stopped and deleted by the destructor. kill() ends every process of it with
// SIGKILL, and restart() starts it again on the same data folder, which makes PostgreSQL run crash recovery.
class PrivatePostgres
{
public:
    explicit PrivatePostgres(QString script)
        : m_script(std::move(script))
    {
    }
    ~PrivatePostgres() { stop(); }
    PrivatePostgres(const PrivatePostgres&) = delete;
    PrivatePostgres& operator=(const PrivatePostgres&) = delete;

    // False, with error() saying why, when the binaries are missing or the server does not start.
    bool start()
    {
        if (!m_state.isValid())
            return fail(QStringLiteral("no temporary folder"));
        if (!QFileInfo::exists(m_script))
            return fail(QStringLiteral("no %1").arg(m_script));
        m_port = freeLoopbackPort();
        QProcess script;
        script.setProcessChannelMode(QProcess::MergedChannels);
        script.start(QStringLiteral("bash"),
                     {m_script, QStringLiteral("start"), m_state.path(), QString::number(m_port)});
        m_started = true; // stop() cleans up whatever part of it started
        if (!waitForEnd(script, 180000) || script.exitStatus() != QProcess::NormalExit || script.exitCode() != 0)
            return fail(QStringLiteral("pg-test-server.sh start failed: %1").arg(QString::fromUtf8(script.readAll())));
        const QStringList out = QString::fromUtf8(script.readAll()).trimmed().split(u'\n');
        m_url = out.constLast().trimmed();
        QFile folder(m_state.filePath(QStringLiteral("folder")));
        if (!folder.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("pg-test-server.sh left no folder file"));
        m_folder = QString::fromUtf8(folder.readAll()).trimmed();
        if (!m_url.startsWith(QLatin1String("postgresql://")) || m_folder.isEmpty())
            return fail(QStringLiteral("unexpected output of pg-test-server.sh: %1").arg(out.join(u'\n')));
        return true;
    }

    QString url() const { return m_url; }
    QString error() const { return m_error; }
    QString logFile() const { return m_folder + QStringLiteral("/server.log"); }

    // SIGKILL to the postmaster and every child of it (backends, WAL writer, checkpointer…): nothing gets to clean up
    // or flush. The postmaster is stopped first so that it forks nothing while its children are listed. Then the
    // lock files naming the dead postmaster are removed, as after a host crash (a dead process may linger as a
    // zombie when nobody reaps it, and PostgreSQL would take the zombie for a running server).
    bool kill()
    {
        const qint64 postmaster = pidIn(m_folder + QStringLiteral("/data/postmaster.pid"));
        if (postmaster <= 0 || !alive(postmaster))
            return fail(QStringLiteral("no running postmaster in %1").arg(m_folder));
        ::kill(pid_t(postmaster), SIGSTOP);
        QList<qint64> processes = childrenOf(postmaster);
        processes.prepend(postmaster);
        for (const qint64 pid : std::as_const(processes))
            ::kill(pid_t(pid), SIGKILL);
        QElapsedTimer timer;
        timer.start();
        for (const qint64 pid : std::as_const(processes)) {
            while (alive(pid) && timer.elapsed() < 20000)
                QTest::qWait(5);
            if (alive(pid))
                return fail(QStringLiteral("process %1 of PostgreSQL survived SIGKILL").arg(pid));
        }
        const QString socketLock = m_folder + QStringLiteral("/.s.PGSQL.%1.lock").arg(m_port);
        for (const QString& lock : {m_folder + QStringLiteral("/data/postmaster.pid"), socketLock}) {
            if (QFileInfo::exists(lock) && !alive(pidIn(lock)))
                QFile::remove(lock);
        }
        return true;
    }

    // pg_ctl start on the data folder, with the settings scripts/pg-test-server.sh starts it with, as its owner;
    // waits (on the event loop) until it accepts connections again, after its crash recovery.
    bool restart()
    {
        const QString bin = qEnvironmentVariableIsSet("METERLINE_PG_BIN")
                                ? qEnvironmentVariable("METERLINE_PG_BIN")
                                : QStringLiteral("/usr/lib/postgresql/15/bin");
        QStringList command{bin + QStringLiteral("/pg_ctl"),
                            QStringLiteral("start"),
                            QStringLiteral("-D"),
                            m_folder + QStringLiteral("/data"),
                            QStringLiteral("-w"),
                            QStringLiteral("-t"),
                            QStringLiteral("60"),
                            QStringLiteral("-l"),
                            logFile(),
                            QStringLiteral("-o"),
                            QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 -c max_connections=400"
                                           " -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
                                .arg(m_port)
                                .arg(m_folder)};
        if (::geteuid() == 0) {
            // PostgreSQL refuses to run as root: as the script does, run it as postgres (else nobody).
            const QString owner = ::getpwnam("postgres") ? QStringLiteral("postgres") : QStringLiteral("nobody");
            command = QStringList{QStringLiteral("-u"), owner, QStringLiteral("--")} + command;
            command.prepend(QStringLiteral("runuser"));
        }
        QProcess pgCtl;
        pgCtl.setProcessChannelMode(QProcess::MergedChannels);
        pgCtl.start(command.takeFirst(), command);
        if (!waitForEnd(pgCtl, 120000) || pgCtl.exitStatus() != QProcess::NormalExit || pgCtl.exitCode() != 0) {
            return fail(QStringLiteral("pg_ctl start failed: %1\n%2")
                            .arg(QString::fromUtf8(pgCtl.readAll()), tailOf(logFile())));
        }
        return true;
    }

    void stop()
    {
        if (!m_started)
            return;
        m_started = false;
        QProcess script;
        script.start(QStringLiteral("bash"), {m_script, QStringLiteral("stop"), m_state.path()});
        script.waitForFinished(180000);
    }

private:
    bool fail(const QString& message)
    {
        m_error = message;
        return false;
    }

    // The pid on the first line of a PostgreSQL lock file; 0 when there is none.
    static qint64 pidIn(const QString& lockFile)
    {
        QFile file(lockFile);
        if (!file.open(QIODevice::ReadOnly))
            return 0;
        return file.readLine().trimmed().toLongLong();
    }

    // The fields of /proc/<pid>/stat after the command name (state, ppid, …); empty when there is no such process.
    static QList<QByteArray> statOf(qint64 pid)
    {
        QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!file.open(QIODevice::ReadOnly))
            return {};
        const QByteArray stat = file.readAll();
        const qsizetype close = stat.lastIndexOf(')');
        return close < 0 ? QList<QByteArray>() : stat.mid(close + 2).split(' ');
    }

    // Running (a zombie has ended: it only waits to be reaped).
    static bool alive(qint64 pid)
    {
        if (pid <= 0)
            return false;
        const QList<QByteArray> stat = statOf(pid);
        return !stat.isEmpty() && stat.first() != "Z" && stat.first() != "X";
    }

    static QList<qint64> childrenOf(qint64 parent)
    {
        QList<qint64> children;
        const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString& entry : entries) {
            bool numeric = false;
            const qint64 pid = entry.toLongLong(&numeric);
            if (!numeric)
                continue;
            const QList<QByteArray> stat = statOf(pid);
            if (stat.size() > 1 && stat.at(1).toLongLong() == parent)
                children << pid;
        }
        return children;
    }

    QString m_script;
    QTemporaryDir m_state;
    quint16 m_port = 0;
    bool m_started = false;
    QString m_url;
    QString m_folder;
    QString m_error;
};

} // namespace Meterline::Testing
