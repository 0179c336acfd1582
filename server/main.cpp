// meterline-server: Meterline's admin command line (SPEC §6). See Cli for the sub-commands.

#include <QBuffer>
#include <QCoreApplication>
#include <QFile>
#include <cstdio>

#include "server/cli.h"
#include "server/loglimiter.h"

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("meterline-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(METERLINE_VERSION));

    QFile out;
    QFile err;
    if (!out.open(stdout, QIODevice::WriteOnly) || !err.open(stderr, QIODevice::WriteOnly | QIODevice::Unbuffered)) {
        std::fputs("meterline-server: cannot open the standard streams\n", stderr);
        return 1;
    }
    // The reason of a failure is held back so that it is the last line on stderr, after core's log messages.
    QBuffer reason;
    reason.open(QIODevice::WriteOnly);
    int status = 0;
    {
        const Meterline::LogLimiter logLimiter;
        Meterline::Cli cli(out, reason);
        status = cli.run(QCoreApplication::arguments());
    }
    out.flush();
    err.write(reason.data());
    return status;
}
