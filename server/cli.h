#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <optional>

#include "server/serversettings.h"

class QIODevice;

namespace Meterline
{

// meterline-server's command line (SPEC §6): the sub-commands that need no HTTP — init, demo-data and
// export invoices, serve (the HTTP API) and keys.
// Exit status: 0 success, 2 usage error, 1 any other failure; a failure always leaves one line on `err`.
class Cli
{
public:
    enum ExitCode
    {
        Success = 0,
        Failure = 1,
        UsageError = 2
    };

    // Help, results and `export --out -` go to `out`; reasons to `err`.
    Cli(QIODevice& out, QIODevice& err);

    // arguments as QCoreApplication::arguments(): the program first.
    int run(const QStringList& arguments);

private:
    int init(const QStringList& arguments);
    int demoData(const QStringList& arguments);
    int exportData(const QStringList& arguments);
    int serve(const QStringList& arguments);
    int keys(const QStringList& arguments);

    // Parses a sub-command's arguments (and adds --config to them), then builds m_settings from the configuration
    // file, the environment and the flags. Returns an exit status to stop with (after --help or a usage error,
    // a bad setting included), or nothing to go on.
    std::optional<int>
    parse(QCommandLineParser& parser, const QString& command, const QString& syntax, const QStringList& arguments);
    // --db, else $METERLINE_DB, else the configuration file's, else Database::defaultPath().
    QString databaseSpec() const;

    QString topLevelHelp() const;
    void print(const QString& text);
    int fail(int status, const QString& reason);

    QIODevice& m_out;
    QIODevice& m_err;
    ServerSettings m_settings;
};

} // namespace Meterline
