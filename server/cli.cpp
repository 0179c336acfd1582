#include "server/cli.h"

#include <QCoreApplication>
#include <QDate>
#include <QFileInfo>
#include <QIODevice>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QTimeZone>
#include <QUrl>

#include "core/database.h"
#include "core/demodata.h"
#include "core/periods.h"
#include "core/service.h"
#include "core/types.h"
#include "server/servecommand.h"
#include "server/serversettings.h"

using namespace Qt::StringLiterals;

namespace Meterline
{

namespace
{

const QString Program = u"meterline-server"_s;

QCommandLineOption dbOption()
{
    return QCommandLineOption(u"db"_s,
                              u"The database: a SQLite file or postgresql://user:pass@host:port/dbname. "
                              u"Default: $METERLINE_DB, else the configuration file's [server] database, else "
                              u"%1."_s.arg(Database::defaultPath()),
                              u"path or url"_s);
}

// The flags that set a configuration file's key (the rest of the keys come only from the file and environment).
QString keyOfFlag(const QString& flag)
{
    if (flag == u"db"_s)
        return u"server/database"_s;
    if (flag == u"listen"_s || flag == u"threads"_s || flag == u"access-log"_s || flag == u"log-level"_s)
        return u"server/"_s + flag;
    return {};
}

const QString PrecedenceHelp =
    u"Settings apply in this order, each over the ones after it: the command's flags, the environment, the "
    u"configuration file, the built-in defaults."_s;

bool isPostgres(const QString& spec)
{
    return spec.startsWith(u"postgresql://"_s) || spec.startsWith(u"postgres://"_s);
}

// What a message may show of a database: never a password.
QString displaySpec(const QString& spec)
{
    return isPostgres(spec) ? QUrl(spec).toString(QUrl::RemovePassword) : spec;
}

QString describe(const Error& error)
{
    QString text = error.message.isEmpty() ? error.code : error.message;
    if (!error.field.isEmpty())
        text += u" (field %1)"_s.arg(error.field);
    return text;
}

// "2026-11-01" (midnight UTC) or an ISO 8601 date-time with 'Z' or an offset; invalid otherwise.
QDateTime parseInstant(const QString& text)
{
    if (text.size() == 10) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        return date.isValid() ? QDateTime(date, QTime(0, 0), QTimeZone::utc()) : QDateTime();
    }
    return Periods::parseIso(text);
}

QString namedPeriods()
{
    QStringList names;
    for (const NamedPeriod p : {NamedPeriod::CurrentHour,
                                NamedPeriod::CurrentDay,
                                NamedPeriod::CurrentWeek,
                                NamedPeriod::CurrentMonth,
                                NamedPeriod::PreviousMonth,
                                NamedPeriod::Lifetime})
        names << toString(p);
    return names.join(u", "_s);
}

QString describeRange(const TimeRange& range)
{
    if (!range.from.isValid() && !range.to.isValid())
        return u"lifetime"_s;
    return u"[%1, %2)"_s.arg(range.from.isValid() ? Periods::toIso(range.from) : u"…"_s,
                             range.to.isValid() ? Periods::toIso(range.to) : u"…"_s);
}

std::optional<int> boundedInt(const QString& text, int min, int max)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < min || value > max)
        return std::nullopt;
    return value;
}

} // namespace

Cli::Cli(QIODevice& out, QIODevice& err)
    : m_out(out)
    , m_err(err)
{
}

int Cli::run(const QStringList& arguments)
{
    if (arguments.size() < 2)
        return fail(UsageError, u"missing command (see '%1 --help')"_s.arg(Program));
    const QString command = arguments.at(1);
    const QStringList rest = arguments.mid(2);

    if (command == u"--help"_s || command == u"-h"_s || command == u"-?"_s || command == u"--help-all"_s) {
        print(topLevelHelp());
        return Success;
    }
    if (command == u"help"_s) { // "help <command>" is "<command> --help"
        if (rest.isEmpty()) {
            print(topLevelHelp());
            return Success;
        }
        return run({arguments.at(0), rest.at(0), u"--help"_s});
    }
    if (command == u"--version"_s || command == u"-v"_s) {
        print(u"%1 %2\n"_s.arg(Program, QCoreApplication::applicationVersion()));
        return Success;
    }
    if (command == u"init"_s)
        return init(rest);
    if (command == u"demo-data"_s)
        return demoData(rest);
    if (command == u"export"_s)
        return exportData(rest);
    if (command == u"serve"_s)
        return serve(rest);
    if (command == u"keys"_s)
        return keys(rest);
    if (command.startsWith(u'-'))
        return fail(UsageError,
                    u"unknown option '%1' before the command: options go after it (%2 <command> [options])"_s.arg(
                        command, Program));
    return fail(UsageError, u"unknown command '%1' (see '%2 --help')"_s.arg(command, Program));
}

int Cli::init(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Creates the database, or migrates an older one to this build's schema, "
                                     u"and prints its schema version."_s);
    parser.addOption(dbOption());
    if (const auto stop = parse(parser, u"init"_s, u"[options]"_s, arguments))
        return *stop;
    if (!parser.positionalArguments().isEmpty())
        return fail(UsageError, u"init: unexpected argument '%1'"_s.arg(parser.positionalArguments().constFirst()));
    const QString spec = databaseSpec();
    if (spec.isEmpty())
        return fail(UsageError, u"init: --db needs a value"_s);

    auto db = Database::open(spec);
    if (!db.ok())
        return fail(Failure, u"init: cannot open %1: %2"_s.arg(displaySpec(spec), describe(db.error())));
    print(u"%1: schema version %2\n"_s.arg(displaySpec(spec)).arg(db.value()->schemaVersion()));
    return Success;
}

int Cli::demoData(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Fills a database with realistic demo data: the LLM meters, the plans free / pro / enterprise, customers "
        u"(some with prepaid credits) and events over the last days. Creates the database if needed. A database "
        u"that already holds the demo meters is left as it is."_s);
    parser.addOption(dbOption());
    const QCommandLineOption customersOption(
        u"customers"_s, u"How many customers (1-10000, default 12)."_s, u"N"_s, u"12"_s);
    const QCommandLineOption daysOption(
        u"days"_s, u"How many days of events, ending now (1-3650, default 30)."_s, u"D"_s, u"30"_s);
    parser.addOptions({customersOption, daysOption});
    if (const auto stop = parse(parser, u"demo-data"_s, u"[options]"_s, arguments))
        return *stop;
    if (!parser.positionalArguments().isEmpty())
        return fail(UsageError,
                    u"demo-data: unexpected argument '%1'"_s.arg(parser.positionalArguments().constFirst()));
    const auto customers = boundedInt(parser.value(customersOption), 1, 10'000);
    if (!customers)
        return fail(UsageError,
                    u"demo-data: --customers needs a whole number from 1 to 10000, not '%1'"_s.arg(
                        parser.value(customersOption)));
    const auto days = boundedInt(parser.value(daysOption), 1, 3650);
    if (!days)
        return fail(UsageError,
                    u"demo-data: --days needs a whole number from 1 to 3650, not '%1'"_s.arg(parser.value(daysOption)));
    const QString spec = databaseSpec();
    if (spec.isEmpty())
        return fail(UsageError, u"demo-data: --db needs a value"_s);

    auto db = Database::open(spec);
    if (!db.ok())
        return fail(Failure, u"demo-data: cannot open %1: %2"_s.arg(displaySpec(spec), describe(db.error())));
    Service service(*db.value());
    const QString marker = QString::fromLatin1(DemoData::TokensMeterId);
    if (service.meter(marker).ok()) {
        print(u"%1 already has demo data (meter %2): left as it is\n"_s.arg(displaySpec(spec), marker));
        return Success;
    }
    if (const Status generated = DemoData::generate(service, *customers, *days); !generated.ok())
        return fail(Failure, u"demo-data: %1"_s.arg(describe(generated.error())));
    print(u"%1: demo data for %2 customers over %3 days\n"_s.arg(displaySpec(spec)).arg(*customers).arg(*days));
    return Success;
}

int Cli::exportData(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"export invoices: writes the invoice CSV (SPEC §4: one row per customer × priced meter of the plan) for a "
        u"billing period, named with --period or given with --from and --to (half-open [from, to), UTC)."_s);
    parser.addOption(dbOption());
    const QCommandLineOption periodOption(u"period"_s, u"A named period: %1."_s.arg(namedPeriods()), u"p"_s);
    const QCommandLineOption fromOption(
        u"from"_s, u"Start, included: 2026-11-01 (00:00 UTC) or an ISO 8601 date-time."_s, u"date"_s);
    const QCommandLineOption toOption(u"to"_s, u"End, excluded: as --from."_s, u"date"_s);
    const QCommandLineOption outOption(
        u"out"_s, u"The CSV file to write; '-' (the default) writes to stdout."_s, u"file"_s, u"-"_s);
    parser.addOptions({periodOption, fromOption, toOption, outOption});
    parser.addPositionalArgument(u"what"_s, u"What to export: invoices."_s, u"invoices"_s);
    if (const auto stop = parse(parser, u"export"_s, u"invoices [options]"_s, arguments))
        return *stop;

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return fail(UsageError, u"export: say what to export: '%1 export invoices'"_s.arg(Program));
    if (positional.constFirst() != u"invoices"_s)
        return fail(UsageError, u"export: unknown export '%1' (only 'invoices')"_s.arg(positional.constFirst()));
    if (positional.size() > 1)
        return fail(UsageError, u"export: unexpected argument '%1'"_s.arg(positional.at(1)));

    const bool named = parser.isSet(periodOption);
    const bool explicitRange = parser.isSet(fromOption) || parser.isSet(toOption);
    if (named && explicitRange)
        return fail(UsageError, u"export: give --period or --from/--to, not both"_s);
    if (!named && !explicitRange)
        return fail(UsageError, u"export: missing --period (%1) or --from and --to"_s.arg(namedPeriods()));
    std::optional<NamedPeriod> period;
    TimeRange range;
    if (named) {
        period = parseNamedPeriod(parser.value(periodOption));
        if (!period)
            return fail(UsageError,
                        u"export: unknown period '%1' (%2)"_s.arg(parser.value(periodOption), namedPeriods()));
    } else {
        if (!parser.isSet(fromOption) || !parser.isSet(toOption))
            return fail(UsageError, u"export: --from and --to go together"_s);
        range.from = parseInstant(parser.value(fromOption));
        range.to = parseInstant(parser.value(toOption));
        if (!range.from.isValid())
            return fail(UsageError, u"export: --from: not a date: '%1'"_s.arg(parser.value(fromOption)));
        if (!range.to.isValid())
            return fail(UsageError, u"export: --to: not a date: '%1'"_s.arg(parser.value(toOption)));
        if (range.from >= range.to)
            return fail(UsageError, u"export: --from must be before --to"_s);
    }
    const QString outPath = parser.value(outOption);
    if (outPath.isEmpty())
        return fail(UsageError, u"export: --out needs a file name, or '-' for stdout"_s);
    const QString spec = databaseSpec();
    if (spec.isEmpty())
        return fail(UsageError, u"export: --db needs a value"_s);

    // Exporting never creates a database: a mistyped path is an error, not an empty invoice.
    if (!isPostgres(spec) && !QFileInfo::exists(spec))
        return fail(Failure, u"export: no database at %1 (create one with '%2 init')"_s.arg(spec, Program));
    auto db = Database::open(spec);
    if (!db.ok())
        return fail(Failure, u"export: cannot open %1: %2"_s.arg(displaySpec(spec), describe(db.error())));
    Service service(*db.value());
    if (period) {
        const Result<TimeRange> resolved = service.resolvePeriod(*period);
        if (!resolved.ok())
            return fail(Failure, u"export: %1"_s.arg(describe(resolved.error())));
        range = resolved.value();
    }

    if (outPath == u"-"_s) {
        if (const Status written = service.writeInvoiceCsv(range, m_out); !written.ok())
            return fail(Failure, u"export: %1"_s.arg(describe(written.error())));
        return Success;
    }
    // QSaveFile: a failed export leaves no half-written file behind.
    QSaveFile file(outPath);
    if (!file.open(QIODevice::WriteOnly))
        return fail(Failure, u"export: cannot write %1: %2"_s.arg(outPath, file.errorString()));
    if (const Status written = service.writeInvoiceCsv(range, file); !written.ok()) {
        file.cancelWriting();
        return fail(Failure, u"export: %1"_s.arg(describe(written.error())));
    }
    if (!file.commit())
        return fail(Failure, u"export: cannot write %1: %2"_s.arg(outPath, file.errorString()));
    print(u"invoices %1 written to %2\n"_s.arg(describeRange(range), outPath));
    return Success;
}

int Cli::serve(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Serves the HTTP API of SPEC §3 until SIGTERM or SIGINT, then stops gracefully: no new connections, every "
        u"request in flight answered, every acknowledged event committed, exit status 0. Prints 'listening on "
        u"http://HOST:PORT' as its first line once it accepts connections.\n"
        u"Webhook deliveries take [webhooks] poll-interval-ms, timeout-ms, lease-ms, retry-scale and allow-targets "
        u"from the configuration file (or METERLINE_WEBHOOK_POLL_MS, _TIMEOUT_MS, _LEASE_MS, _RETRY_SCALE, "
        u"_ALLOW_TARGETS). Deliveries go only to public addresses over https, unless allow-targets lists the host."_s);
    parser.addOption(dbOption());
    const QCommandLineOption listenOption(
        u"listen"_s,
        u"host:port to listen on; port 0 picks a free port (default: $METERLINE_LISTEN, else the file's "
        u"[server] listen, else 127.0.0.1:8787)."_s,
        u"host:port"_s);
    const QCommandLineOption logOption(
        u"access-log"_s,
        u"Where the one-line-per-request log goes: a file, '-' for stderr (the default), or '' for none "
        u"($METERLINE_ACCESS_LOG, [server] access-log)."_s,
        u"file"_s);
    const QCommandLineOption threadsOption(
        u"threads"_s,
        u"HTTP worker threads, 0 to 256 (default 0: one per core, at least 2; $METERLINE_THREADS, "
        u"[server] threads)."_s,
        u"N"_s);
    const QCommandLineOption logLevelOption(
        u"log-level"_s,
        u"debug, info, warning or error: the least severe message logged (default: each part's own; "
        u"$METERLINE_LOG_LEVEL, [server] log-level)."_s,
        u"level"_s);
    parser.addOptions({listenOption, logOption, threadsOption, logLevelOption});
    if (const auto stop = parse(parser, u"serve"_s, u"[options]"_s, arguments))
        return *stop;
    if (!parser.positionalArguments().isEmpty())
        return fail(UsageError, u"serve: unexpected argument '%1'"_s.arg(parser.positionalArguments().constFirst()));
    ServeCommand::Options options;
    options.database = databaseSpec();
    options.listen = m_settings.listen;
    options.accessLog = m_settings.accessLog;
    options.threads = m_settings.threads;
    options.webhooks = m_settings.webhooks;
    return ServeCommand::run(options, m_out, m_err);
}

int Cli::keys(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"keys create --name N --scope ingest|read|admin: makes an API key and prints it "
                                     u"alone on stdout (it is shown once; only its hash is stored).\n"
                                     u"keys list: the keys (never their secrets).\n"
                                     u"keys revoke <id>: the key stops working at once."_s);
    parser.addOption(dbOption());
    const QCommandLineOption nameOption(u"name"_s, u"A name that says who uses the key."_s, u"name"_s);
    const QCommandLineOption scopeOption(u"scope"_s, u"ingest, read or admin."_s, u"scope"_s);
    const QCommandLineOption rateOption(
        u"rate-limit"_s, u"Requests per second this key may make (default 0: no limit)."_s, u"N"_s, u"0"_s);
    parser.addOptions({nameOption, scopeOption, rateOption});
    parser.addPositionalArgument(u"action"_s, u"create, list or revoke."_s, u"create|list|revoke [id]"_s);
    if (const auto stop = parse(parser, u"keys"_s, u"create|list|revoke [id] [options]"_s, arguments))
        return *stop;
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return fail(UsageError, u"keys: say create, list or revoke"_s);
    const QString action = positional.constFirst();
    const QString spec = databaseSpec();
    if (spec.isEmpty())
        return fail(UsageError, u"keys: --db needs a value"_s);

    if (action == u"create"_s) {
        if (positional.size() > 1)
            return fail(UsageError, u"keys create: unexpected argument '%1'"_s.arg(positional.at(1)));
        if (!parser.isSet(nameOption) || parser.value(nameOption).trimmed().isEmpty())
            return fail(UsageError, u"keys create: --name is required"_s);
        const auto scope = parseKeyScope(parser.value(scopeOption));
        if (!scope)
            return fail(UsageError, u"keys create: --scope must be ingest, read or admin"_s);
        auto db = Database::open(spec);
        if (!db.ok())
            return fail(Failure, u"keys: cannot open %1: %2"_s.arg(displaySpec(spec), describe(db.error())));
        Service service(*db.value());
        const auto rate = boundedInt(parser.value(rateOption), 0, 1'000'000);
        if (!rate)
            return fail(UsageError, u"keys create: --rate-limit needs a whole number from 0 to 1000000"_s);
        auto created = service.createApiKey(parser.value(nameOption), *scope, *rate);
        if (!created.ok())
            return fail(Failure, u"keys create: %1"_s.arg(describe(created.error())));
        print(created->secret + u'\n');
        return Success;
    }
    if (action == u"list"_s || action == u"revoke"_s) {
        if (action == u"list"_s && positional.size() > 1)
            return fail(UsageError, u"keys list: unexpected argument '%1'"_s.arg(positional.at(1)));
        if (action == u"revoke"_s && positional.size() != 2)
            return fail(UsageError, u"keys revoke: give the key id (see 'keys list')"_s);
        auto db = Database::open(spec);
        if (!db.ok())
            return fail(Failure, u"keys: cannot open %1: %2"_s.arg(displaySpec(spec), describe(db.error())));
        Service service(*db.value());
        if (action == u"revoke"_s) {
            if (const Status revoked = service.revokeApiKey(positional.at(1)); !revoked.ok())
                return fail(Failure, u"keys revoke: %1"_s.arg(describe(revoked.error())));
            print(u"revoked %1\n"_s.arg(positional.at(1)));
            return Success;
        }
        auto keys = service.apiKeys();
        if (!keys.ok())
            return fail(Failure, u"keys list: %1"_s.arg(describe(keys.error())));
        print(u"id\tname\tscope\tcreated\trevoked\n"_s);
        for (const ApiKey& key : keys.value()) {
            print(u"%1\t%2\t%3\t%4\t%5\n"_s.arg(key.id,
                                                key.name,
                                                toString(key.scope),
                                                Periods::toIso(key.createdAt),
                                                key.revokedAt.isValid() ? Periods::toIso(key.revokedAt) : u"-"_s));
        }
        return Success;
    }
    return fail(UsageError, u"keys: unknown action '%1' (create, list or revoke)"_s.arg(action));
}

std::optional<int>
Cli::parse(QCommandLineParser& parser, const QString& command, const QString& syntax, const QStringList& arguments)
{
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption config(
        u"config"_s,
        u"The configuration file (INI). Default: $METERLINE_CONFIG (empty: none), else %1 when it exists. %2"_s.arg(
            ServerSettingsBuilder::DefaultConfigPath, PrecedenceHelp),
        u"file"_s);
    parser.addOption(config);
    if (!parser.parse(QStringList{Program + u' ' + command} + arguments))
        return fail(UsageError, u"%1: %2"_s.arg(command, parser.errorText()));
    if (parser.isSet(help) || parser.isSet(u"help-all"_s)) {
        // Qt's usage line names the executable as invoked; name the sub-command instead.
        QString text = parser.helpText();
        text = u"Usage: %1 %2 %3"_s.arg(Program, command, syntax) + text.mid(text.indexOf(u'\n'));
        print(text);
        return Success;
    }

    // Defaults, then the file, the environment and the flags, each over the one before.
    ServerSettingsBuilder settings;
    bool required = false;
    const QString path = ServerSettingsBuilder::locate(
        parser.isSet(config) ? std::optional<QString>(parser.value(config)) : std::nullopt, &required);
    if (!settings.applyFile(path, required) || !settings.applyEnvironment())
        return fail(UsageError, u"%1: %2"_s.arg(command, settings.error()));
    for (const QString& flag : parser.optionNames()) {
        const QString key = keyOfFlag(flag);
        if (!key.isEmpty() && !settings.apply(key, parser.value(flag), u"--"_s + flag))
            return fail(UsageError, u"%1: %2"_s.arg(command, settings.error()));
    }
    m_settings = settings.settings();
    if (!m_settings.logLevel.isEmpty())
        QLoggingCategory::setFilterRules(ServerSettings::loggingRules(m_settings.logLevel));
    return std::nullopt;
}

QString Cli::databaseSpec() const
{
    return m_settings.database.isEmpty() ? Database::defaultPath() : m_settings.database;
}

QString Cli::topLevelHelp() const
{
    return u"Usage: %1 <command> [options]\n"
           u"Meterline's server and admin commands (usage metering, limits and prepaid credits for AI products).\n"
           u"\n"
           u"Commands:\n"
           u"  init                Create the database or migrate it to this build's schema; prints the schema "
           u"version.\n"
           u"  demo-data           Fill a database with realistic demo data (--customers N, --days D).\n"
           u"  export invoices     Write the invoice CSV of a period (--period p, or --from/--to; --out file or -).\n"
           u"  serve               Serve the HTTP API (--listen host:port, default 127.0.0.1:8787).\n"
           u"  keys                Create, list or revoke API keys.\n"
           u"\n"
           u"Options:\n"
           u"  -h, --help          This help; '%1 <command> --help' (or '%1 help <command>') for a command's.\n"
           u"  -v, --version       The version.\n"
           u"\n"
           u"Every command takes --db <path or postgresql://…>; without it $METERLINE_DB, else the configuration\n"
           u"file's [server] database, else %2.\n"
           u"Every command takes --config <file>: the configuration file (INI; docs/configuration.md, man\n"
           u"meterline-server). Without it $METERLINE_CONFIG (empty: none), else %3 when it exists.\n"
           u"Settings apply in this order, each over the ones after it: flags, environment, the configuration\n"
           u"file, built-in defaults.\n"
           u"Exit status: 0 success, 2 usage error, 1 any other failure (with a one-line reason on stderr).\n"_s.arg(
               Program, Database::defaultPath(), ServerSettingsBuilder::DefaultConfigPath);
}

void Cli::print(const QString& text)
{
    m_out.write(text.toUtf8());
}

int Cli::fail(int status, const QString& reason)
{
    QString line = reason;
    line.replace(u'\r', u' ').replace(u'\n', u' '); // one line, whatever a driver's message holds
    m_err.write(u"%1: %2\n"_s.arg(Program, line).toUtf8());
    return status;
}

} // namespace Meterline
