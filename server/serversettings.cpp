#include "server/serversettings.h"

#include <QFileInfo>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace Meterline
{

namespace
{

struct Key
{
    const char* name;        // section/key in the file
    const char* environment; // the variable that overrides it
};

// The file's keys, and the environment variable of each (docs/configuration.md lists them with their defaults).
constexpr Key Keys[] = {
    {"server/database", "METERLINE_DB"},
    {"server/listen", "METERLINE_LISTEN"},
    {"server/threads", "METERLINE_THREADS"},
    {"server/access-log", "METERLINE_ACCESS_LOG"},
    {"server/log-level", "METERLINE_LOG_LEVEL"},
    {"webhooks/poll-interval-ms", "METERLINE_WEBHOOK_POLL_MS"},
    {"webhooks/timeout-ms", "METERLINE_WEBHOOK_TIMEOUT_MS"},
    {"webhooks/lease-ms", "METERLINE_WEBHOOK_LEASE_MS"},
    {"webhooks/retry-scale", "METERLINE_WEBHOOK_RETRY_SCALE"},
    {"webhooks/allow-targets", "METERLINE_WEBHOOK_ALLOW_TARGETS"},
};

// Variables whose empty value means "not set" (an empty database or address is never meant).
bool emptyMeansUnset(const QString& key)
{
    return key == u"server/database"_s || key == u"server/listen"_s;
}

std::optional<qint64> wholeNumber(const QString& text, qint64 min, qint64 max)
{
    bool ok = false;
    const qint64 value = text.trimmed().toLongLong(&ok);
    if (!ok || value < min || value > max)
        return std::nullopt;
    return value;
}

// "[server] threads" as the file's sections show it.
QString inFile(const QString& path, const QString& key)
{
    const qsizetype slash = key.indexOf(u'/');
    return u"%1: [%2] %3"_s.arg(path, key.left(slash), key.mid(slash + 1));
}

} // namespace

const QString ServerSettingsBuilder::DefaultConfigPath = u"/etc/meterline/meterline-server.conf"_s;

bool ServerSettings::parseListen(const QString& listen, QHostAddress* address, quint16* port)
{
    const qsizetype colon = listen.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    QString host = listen.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const int p = listen.mid(colon + 1).toInt(&ok);
    if (!ok || p < 0 || p > 65535)
        return false;
    if (host == QLatin1String("localhost"))
        *address = QHostAddress(QHostAddress::LocalHost);
    else if (!address->setAddress(host))
        return false;
    *port = quint16(p);
    return true;
}

QString ServerSettings::loggingRules(const QString& logLevel)
{
    if (logLevel == u"debug"_s)
        return u"meterline.*=true"_s;
    if (logLevel == u"info"_s)
        return u"meterline.*.debug=false\nmeterline.*.info=true\nmeterline.*.warning=true"_s;
    if (logLevel == u"warning"_s)
        return u"meterline.*.debug=false\nmeterline.*.info=false\nmeterline.*.warning=true"_s;
    if (logLevel == u"error"_s)
        return u"meterline.*.debug=false\nmeterline.*.info=false\nmeterline.*.warning=false"_s;
    return {};
}

QString ServerSettingsBuilder::locate(const std::optional<QString>& flag, bool* required)
{
    *required = true;
    if (flag)
        return *flag;
    if (qEnvironmentVariableIsSet("METERLINE_CONFIG"))
        return qEnvironmentVariable("METERLINE_CONFIG"); // empty: no file at all
    *required = false;
    return QFileInfo::exists(DefaultConfigPath) ? DefaultConfigPath : QString();
}

QStringList ServerSettingsBuilder::keys()
{
    QStringList names;
    for (const Key& key : Keys)
        names << QString::fromLatin1(key.name);
    return names;
}

QString ServerSettingsBuilder::environmentVariable(const QString& key)
{
    for (const Key& k : Keys) {
        if (key == QLatin1String(k.name))
            return QString::fromLatin1(k.environment);
    }
    return {};
}

bool ServerSettingsBuilder::applyFile(const QString& path, bool required)
{
    if (path.isEmpty())
        return true;
    const QFileInfo info(path);
    if (!info.exists())
        return required ? refuse(path, u"no such configuration file"_s) : true;
    if (info.isDir() || !info.isReadable()) // /dev/null is fine: an empty file
        return refuse(path, u"cannot read the configuration file"_s);

    QSettings file(path, QSettings::IniFormat);
    if (file.status() != QSettings::NoError)
        return refuse(path, u"not an INI file (sections in [brackets], lines key = value)"_s);
    const QStringList known = keys();
    const ServerSettings before = m_settings;
    for (const QString& key : file.allKeys()) {
        // QSettings takes only ';' for a comment; a "#key = value" line is one too, as in most INI files.
        if (key.section(u'/', -1).startsWith(u'#'))
            continue;
        // Keys before any section land in [General]; every known key has its section.
        if (!known.contains(key)) {
            m_settings = before;
            return refuse(key.contains(u'/') ? inFile(path, key) : u"%1: %2"_s.arg(path, key),
                          u"unknown setting (the settings are: %1)"_s.arg(known.join(u", "_s)));
        }
        // QSettings reads "a, b" as a list; no setting is one, so the commas are the value's own.
        const QVariant value = file.value(key);
        const QString text =
            value.metaType().id() == QMetaType::QStringList ? value.toStringList().join(u", "_s) : value.toString();
        if (!apply(key, text, inFile(path, key))) {
            m_settings = before;
            return false;
        }
    }
    m_configPath = path;
    return true;
}

bool ServerSettingsBuilder::applyEnvironment()
{
    const ServerSettings before = m_settings;
    for (const Key& key : Keys) {
        if (!qEnvironmentVariableIsSet(key.environment))
            continue;
        const QString name = QString::fromLatin1(key.name);
        const QString value = qEnvironmentVariable(key.environment);
        if (value.isEmpty() && emptyMeansUnset(name))
            continue;
        if (!apply(name, value, QString::fromLatin1(key.environment))) {
            m_settings = before;
            return false;
        }
    }
    return true;
}

bool ServerSettingsBuilder::apply(const QString& key, const QString& value, const QString& source)
{
    ServerSettings& s = m_settings;
    if (key == u"server/database"_s) {
        if (value.trimmed().isEmpty())
            return refuse(source, u"needs a value: a SQLite file or postgresql://…"_s);
        s.database = value.trimmed();
    } else if (key == u"server/listen"_s) {
        QHostAddress address;
        quint16 port = 0;
        if (!ServerSettings::parseListen(value.trimmed(), &address, &port))
            return refuse(source, u"takes host:port (e.g. 127.0.0.1:8787), not '%1'"_s.arg(value));
        s.listen = value.trimmed();
    } else if (key == u"server/threads"_s) {
        const auto threads = wholeNumber(value, 0, 256);
        if (!threads)
            return refuse(source, u"needs a whole number from 0 to 256, not '%1'"_s.arg(value));
        s.threads = int(*threads);
    } else if (key == u"server/access-log"_s) {
        s.accessLog = value.trimmed();
    } else if (key == u"server/log-level"_s) {
        const QString level = value.trimmed().toLower();
        if (ServerSettings::loggingRules(level).isEmpty())
            return refuse(source, u"is debug, info, warning or error, not '%1'"_s.arg(value));
        s.logLevel = level;
    } else if (key == u"webhooks/poll-interval-ms"_s || key == u"webhooks/timeout-ms"_s) {
        const auto ms = wholeNumber(value, 1, 3'600'000);
        if (!ms)
            return refuse(source, u"needs milliseconds from 1 to 3600000, not '%1'"_s.arg(value));
        (key == u"webhooks/timeout-ms"_s ? s.webhooks.timeoutMs : s.webhooks.pollIntervalMs) = int(*ms);
    } else if (key == u"webhooks/lease-ms"_s) {
        const auto ms = wholeNumber(value, 0, 86'400'000);
        if (!ms)
            return refuse(source, u"needs milliseconds from 0 (the timeout + 30 s) to 86400000, not '%1'"_s.arg(value));
        s.webhooks.leaseMs = *ms;
    } else if (key == u"webhooks/retry-scale"_s) {
        bool ok = false;
        const double scale = value.trimmed().toDouble(&ok);
        if (!ok || !(scale > 0) || scale > 1000)
            return refuse(source, u"needs a number above 0 and at most 1000, not '%1'"_s.arg(value));
        s.webhooks.retryScale = scale;
    } else if (key == u"webhooks/allow-targets"_s) {
        QString problem;
        const auto targets = Api::WebhookTargets::fromAllowList(value, &problem);
        if (!targets)
            return refuse(source,
                          problem + u" (the allow-list holds host names, addresses and ranges such as 10.0.0.0/8)"_s);
        s.webhooks.targets = *targets;
    } else {
        return refuse(source, u"unknown setting"_s);
    }
    return true;
}

bool ServerSettingsBuilder::refuse(const QString& source, const QString& problem)
{
    m_error = u"%1: %2"_s.arg(source, problem);
    return false;
}

} // namespace Meterline
