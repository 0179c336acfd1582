#include "core/database.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>
#include <atomic>

#include "core/checkcache.h"
#include "core/logging.h"
#include "core/schema.h"
#include "core/sql.h"

namespace Meterline
{

namespace
{

std::atomic<int> storeCounter{0};

QString currentThreadKey()
{
    return QString::number(quintptr(QThread::currentThreadId()), 16);
}

// This thread's open connection of each store (by store serial), so that connection(), called several
// times per request, is a short scan instead of a name built and looked up under Qt Sql's global lock.
struct ThreadConnection
{
    int store;
    QSqlDatabase db;
};
thread_local QList<ThreadConnection> t_connections;

void forgetThreadConnection(int store)
{
    t_connections.removeIf([store](const ThreadConnection& c) { return c.store == store; });
}

} // namespace

Database::Database(Kind kind, QString spec, Options options)
    : m_kind(kind)
    , m_spec(std::move(spec))
    , m_options(options)
    , m_serial(++storeCounter)
    , m_storeId(QStringLiteral("meterline-%1").arg(m_serial))
{
    if (kind == Kind::Sqlite && options.checkCache)
        m_checkCache = std::make_unique<CheckCache>();
}

Result<std::unique_ptr<Database>> Database::open(const QString& spec)
{
    return open(spec, Options{});
}

Result<std::unique_ptr<Database>> Database::open(const QString& spec, const Options& options)
{
    if (spec.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("no database given"), QStringLiteral("db"));
    const bool postgres = isPostgres(spec);
    if (!postgres) {
        const QFileInfo file(spec);
        if (!QDir().mkpath(file.absolutePath()))
            return Error::storage(QStringLiteral("cannot create the folder %1").arg(file.absolutePath()));
    }
    std::unique_ptr<Database> db(new Database(postgres ? Kind::Postgres : Kind::Sqlite, spec, options));
    auto connection = db->openConnection(db->m_storeId + u'@' + currentThreadKey());
    if (!connection.ok())
        return connection.error();
    QSqlDatabase sql = connection.value();
    auto current = Schema::currentVersion(sql);
    if (!current.ok())
        return current.error();
    if (*current > Schema::latestVersion()) {
        return Error{ErrorCode::SchemaTooNew,
                     QStringLiteral("the database has schema version %1, newer than this build knows (%2): "
                                    "upgrade Meterline")
                         .arg(*current)
                         .arg(Schema::latestVersion()),
                     {}};
    }
    if (*current < Schema::latestVersion()) {
        if (!options.migrate) {
            return Error::storage(QStringLiteral("the database has schema version %1 and needs migrating to %2 "
                                                 "(run meterline-server init)")
                                      .arg(*current)
                                      .arg(Schema::latestVersion()));
        }
        auto migrated = Schema::migrate(sql, db->m_kind);
        if (!migrated.ok())
            return migrated.error();
        current = migrated;
    }
    db->m_schemaVersion = *current;
    return db;
}

Database::~Database()
{
    forgetThreadConnection(m_serial); // other threads released theirs before they finished
    QMutexLocker lock(&m_mutex);
    // removeDatabase closes each connection once no QSqlDatabase copy of it is left.
    for (const QString& name : std::as_const(m_connectionNames)) {
        Sql::forgetConnection(name);
        QSqlDatabase::removeDatabase(name);
    }
}

QString Database::defaultPath()
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (folder.isEmpty())
        folder = QDir::homePath() + QStringLiteral("/.local/share");
    return folder + QStringLiteral("/Meterline/meterline.db");
}

Database::Kind Database::kindOf(const QSqlDatabase& connection)
{
    return connection.driverName() == QLatin1String("QPSQL") ? Kind::Postgres : Kind::Sqlite;
}

bool Database::isPostgres(const QString& spec)
{
    return spec.startsWith(QLatin1String("postgresql://")) || spec.startsWith(QLatin1String("postgres://"));
}

QSqlDatabase Database::addQtConnection(const QString& spec, const QString& name)
{
    QSqlDatabase db;
    if (!isPostgres(spec)) {
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(spec);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=30000"));
        return db;
    }
    const QUrl url(spec);
    db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    db.setHostName(url.host().isEmpty() ? QStringLiteral("localhost") : url.host());
    db.setPort(url.port(5432));
    db.setUserName(url.userName());
    db.setPassword(url.password());
    db.setDatabaseName(url.path().mid(1));
    QStringList options;
    const QUrlQuery query(url);
    for (const auto& [key, value] : query.queryItems(QUrl::FullyDecoded))
        options << key + u'=' + value;
    db.setConnectOptions(options.join(u';'));
    return db;
}

QSqlDatabase Database::connection() const
{
    for (const ThreadConnection& c : std::as_const(t_connections)) {
        if (c.store == m_serial) {
            if (c.db.isOpen() && !Sql::takeLostConnection(c.db))
                return c.db;
            break;
        }
    }
    forgetThreadConnection(m_serial); // a copy would keep a replaced connection from closing
    QSqlDatabase db = namedConnection();
    if (db.isOpen())
        t_connections.append(ThreadConnection{m_serial, db});
    return db;
}

QSqlDatabase Database::namedConnection() const
{
    const QString name = m_storeId + u'@' + currentThreadKey();
    {
        QMutexLocker lock(&m_mutex);
        if (m_connectionNames.contains(name)) {
            lock.unlock();
            QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.isValid() && db.isOpen() && !Sql::takeLostConnection(db))
                return db;
        }
    }
    auto opened = openConnection(name);
    if (!opened.ok()) {
        qCWarning(lcStore) << "cannot open a connection:" << opened.error().message;
        return {};
    }
    return opened.value();
}

void Database::releaseThreadConnection() const
{
    forgetThreadConnection(m_serial);
    const QString name = m_storeId + u'@' + currentThreadKey();
    QMutexLocker lock(&m_mutex);
    if (m_connectionNames.remove(name)) {
        Sql::forgetConnection(name);
        QSqlDatabase::removeDatabase(name);
    }
}

Result<QSqlDatabase> Database::openConnection(const QString& name) const
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_connectionNames.contains(name)) {
            // A stale connection of this thread (closed by an error): replace it.
            Sql::forgetConnection(name);
            QSqlDatabase::removeDatabase(name);
            m_connectionNames.remove(name);
        }
    }
    QSqlDatabase db = addQtConnection(m_spec, name);
    if (!db.open()) {
        const QString message = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return Error::storage(QStringLiteral("cannot open the database: %1").arg(message));
    }
    {
        QSqlQuery q(db);
        const QStringList pragmas =
            m_kind == Kind::Sqlite ? QStringList{QStringLiteral("PRAGMA journal_mode=WAL"),
                                                 m_options.durable ? QStringLiteral("PRAGMA synchronous=FULL")
                                                                   : QStringLiteral("PRAGMA synchronous=OFF"),
                                                 QStringLiteral("PRAGMA foreign_keys=ON"),
                                                 // 32 MiB of pages per connection: indexes stay in memory
                                                 QStringLiteral("PRAGMA cache_size=-32768")}
                                   // PostgreSQL: notices ("already exists, skipping") are not for the server log.
                                   : QStringList{QStringLiteral("SET client_min_messages = warning"),
                                                 m_options.durable ? QStringLiteral("SET synchronous_commit = on")
                                                                   : QStringLiteral("SET synchronous_commit = off")};
        for (const QString& pragma : pragmas) {
            if (!q.exec(pragma)) {
                const QString message = q.lastError().text();
                q = QSqlQuery();
                db.close();
                db = QSqlDatabase();
                QSqlDatabase::removeDatabase(name);
                return Error::storage(QStringLiteral("cannot configure the database: %1").arg(message));
            }
        }
    }
    QMutexLocker lock(&m_mutex);
    m_connectionNames.insert(name);
    return db;
}

} // namespace Meterline
