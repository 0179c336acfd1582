#pragma once

#include <QMutex>
#include <QSet>
#include <QSqlDatabase>
#include <QString>
#include <memory>

#include "core/result.h"

namespace Meterline
{

class CheckCache;

// One store: where Meterline's data lives. Opens (and migrates) the schema once, then hands every
// thread its own connection, named "<storeId>@<thread>", as Qt Sql requires.
class Database
{
public:
    enum class Kind
    {
        Sqlite,
        Postgres
    };
    struct Options
    {
        // Migrate an older schema on open. When false, an older schema is an error.
        bool migrate = true;
        // SQLite: synchronous=FULL (an acknowledged commit survives power loss). Benchmarks may turn it off.
        bool durable = true;
        // SQLite: answer warm limit checks from memory (core/checkcache.h). Tests turn it off to compare.
        bool checkCache = true;
    };

    // spec: a SQLite file path, or postgresql://user:pass@host:port/dbname
    static Result<std::unique_ptr<Database>> open(const QString& spec);
    static Result<std::unique_ptr<Database>> open(const QString& spec, const Options& options);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // The user's data-folder database: <AppDataLocation>/meterline.db (shared by the dashboard and server).
    static QString defaultPath();
    // Whether spec names a PostgreSQL database (postgresql://… or postgres://…) rather than a SQLite file.
    static bool isPostgres(const QString& spec);
    // Registers, unopened, a Qt Sql connection called name to spec, set up as the store's own connections are
    // (driver, host, credentials, URL query items as libpq options). Tools and tests use it for raw access.
    static QSqlDatabase addQtConnection(const QString& spec, const QString& name);

    Kind kind() const { return m_kind; }
    // The kind of a store connection (for code that is handed a connection, not the Database).
    static Kind kindOf(const QSqlDatabase& connection);
    QString spec() const { return m_spec; }
    int schemaVersion() const { return m_schemaVersion; }

    // This thread's connection, opened on first use. Never pass it to another thread.
    QSqlDatabase connection() const;
    // Closes this thread's connection; worker threads call it before they finish.
    void releaseThreadConnection() const;

    // The check cache of this store in this process; nullptr on PostgreSQL or when turned off.
    CheckCache* checkCache() const { return m_checkCache.get(); }

private:
    Database(Kind kind, QString spec, Options options);
    Result<QSqlDatabase> openConnection(const QString& name) const;
    QSqlDatabase namedConnection() const; // connection() without the per-thread shortcut

    Kind m_kind;
    QString m_spec;
    Options m_options;
    int m_serial; // unique in the process: names the connections and keys the per-thread shortcut
    QString m_storeId;
    int m_schemaVersion = 0;
    mutable QMutex m_mutex;
    mutable QSet<QString> m_connectionNames;
    std::unique_ptr<CheckCache> m_checkCache;
};

} // namespace Meterline
