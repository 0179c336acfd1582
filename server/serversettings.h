#pragma once

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <optional>

#include "server/api/webhooksender.h"

namespace Meterline
{

// What meterline-server's commands take from its configuration file, the environment and their flags.
struct ServerSettings
{
    QString database; // a SQLite file or postgresql://…; empty: Database::defaultPath()
    QString listen = QStringLiteral("127.0.0.1:8787");
    int threads = 0;                         // HTTP worker threads; 0: one per core, at least 2
    QString accessLog = QStringLiteral("-"); // a file, '-' for stderr, empty for none
    QString logLevel;                        // debug, info, warning or error; empty: each category's own level
    Api::WebhookSender::Options webhooks;

    // host:port (IPv6 in brackets, 'localhost'); port 0 picks a free one. False when it is not one.
    static bool parseListen(const QString& listen, QHostAddress* address, quint16* port);
    // QLoggingCategory rules for a log level of meterline.* ("" for an empty level).
    static QString loggingRules(const QString& logLevel);
};

// Builds ServerSettings from its sources, lowest precedence first: built-in defaults, the configuration file, the
// environment, the flags. Each value is checked as it is applied; a bad one stops with a message that names its
// source ("/etc/meterline/meterline-server.conf: [server] threads", "METERLINE_THREADS", "--threads").
class ServerSettingsBuilder
{
public:
    // The file's location: --config when given, else $METERLINE_CONFIG (set but empty: no file), else
    // DefaultConfigPath when it exists. `required` tells whether a missing file is an error.
    static QString locate(const std::optional<QString>& flag, bool* required);
    static const QString DefaultConfigPath;

    // Every key the file may hold, as "section/key".
    static QStringList keys();
    // The environment variable of a key.
    static QString environmentVariable(const QString& key);

    // Each returns false, with error() set, on a bad value or file; the settings are then as before the call.
    bool applyFile(const QString& path, bool required);
    bool applyEnvironment();
    bool apply(const QString& key, const QString& value, const QString& source);

    const ServerSettings& settings() const { return m_settings; }
    // The file that was read; empty when none.
    const QString& configPath() const { return m_configPath; }
    const QString& error() const { return m_error; }

private:
    bool refuse(const QString& source, const QString& problem);

    ServerSettings m_settings;
    QString m_configPath;
    QString m_error;
};

} // namespace Meterline
