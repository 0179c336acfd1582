#pragma once

// A fresh store per test: a SQLite file in its own temporary folder (or, when METERLINE_TEST_DB names a
// PostgreSQL server, a schema of its own there), a unique store id, and a clock the test sets. Every test
// builds its own TestStore, so no state leaks between tests or data rows.

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QUrlQuery>
#include <QUuid>
#include <atomic>
#include <memory>

// Evaluates r once (QVERIFY2 evaluates its description even on success, so naming r twice would run a
// call like store->record(x) twice).
#define VERIFY_OK(r)                                                                                                   \
    do {                                                                                                               \
        const auto& verifyOkResult = (r);                                                                              \
        QVERIFY2(verifyOkResult.ok(), qPrintable(::Meterline::Testing::describe(verifyOkResult)));                     \
    } while (false)
// Runs a helper that may fail a QVERIFY and stops the test when it did.
#define CHECKED(call)                                                                                                  \
    do {                                                                                                               \
        call;                                                                                                          \
        if (QTest::currentTestFailed())                                                                                \
            return;                                                                                                    \
    } while (false)

#include "core/database.h"
#include "core/service.h"

namespace Meterline::Testing
{

// "ok", or the error's code, message and field: for QVERIFY2 messages.
template <typename T> QString describe(const Result<T>& r)
{
    if (r.ok())
        return QStringLiteral("ok");
    return QStringLiteral("%1: %2 (field '%3')").arg(r.error().code, r.error().message, r.error().field);
}

inline QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), QTimeZone::utc());
}

// A meter over the events whose type matches one of eventTypes ("llm.*" by prefix; none: every event);
// dimension is unique_count's, filters the meter's dimension filters.
inline Meter meter(const QString& id,
                   Aggregation aggregation,
                   const QStringList& eventTypes = {},
                   const QString& dimension = {},
                   const QMap<QString, QStringList>& filters = {})
{
    Meter m;
    m.id = id;
    m.name = id;
    m.aggregation = aggregation;
    m.eventTypes = eventTypes;
    m.dimension = dimension;
    m.dimensionFilters = filters;
    return m;
}

// A limit of the plan "pro" (the plan the core tests build).
inline Limit planLimit(const QString& meterId, Period period, double value, LimitMode mode = LimitMode::Hard)
{
    Limit l;
    l.scope = LimitScope::Plan;
    l.planId = QStringLiteral("pro");
    l.meterId = meterId;
    l.period = period;
    l.value = value;
    l.mode = mode;
    return l;
}

// Where one test's store lives. Without METERLINE_TEST_DB: a file in a fresh temporary folder. With
// METERLINE_TEST_DB=postgresql://… (the test command starts a private server and sets it): a fresh schema on
// that server, the store's connections confined to it by search_path, dropped when the test ends.
class TestLocation
{
public:
    TestLocation()
    {
        QVERIFY2(m_dir.isValid(), "temporary folder");
        const QString server = qEnvironmentVariable("METERLINE_TEST_DB");
        if (server.isEmpty()) {
            m_spec = m_dir.filePath(QStringLiteral("meterline.db"));
            return;
        }
        QVERIFY2(Database::isPostgres(server), "METERLINE_TEST_DB must be a postgresql:// URL");
        m_server = server;
        m_schema = QStringLiteral("t_") + QUuid::createUuid().toString(QUuid::Id128);
        QUrl url(server);
        QUrlQuery query(url);
        query.addQueryItem(QStringLiteral("options"), QStringLiteral("-csearch_path=") + m_schema);
        url.setQuery(query);
        m_spec = url.toString();
        QVERIFY2(admin(QStringLiteral("CREATE SCHEMA ") + m_schema), "cannot create the test's schema");
    }
    ~TestLocation()
    {
        if (!m_schema.isEmpty())
            admin(QStringLiteral("DROP SCHEMA ") + m_schema + QStringLiteral(" CASCADE"));
    }
    TestLocation(const TestLocation&) = delete;
    TestLocation& operator=(const TestLocation&) = delete;

    bool isPostgres() const { return !m_schema.isEmpty(); }
    Database::Kind kind() const { return isPostgres() ? Database::Kind::Postgres : Database::Kind::Sqlite; }
    // What Database::open takes.
    QString spec() const { return m_spec; }
    // A raw Qt connection to the test's store (schemas built by hand, inspection); remove it by name.
    QSqlDatabase rawConnection(const QString& name) const
    {
        QSqlDatabase db = Database::addQtConnection(m_spec, name);
        if (!db.open())
            qWarning() << "cannot open" << name << db.lastError().text();
        return db;
    }

private:
    // Runs one statement on the server outside the test's schema; false (with a warning) on failure.
    bool admin(const QString& sql) const
    {
        const QString name = QStringLiteral("admin-") + m_schema;
        bool done = false;
        {
            QSqlDatabase db = Database::addQtConnection(m_server, name);
            if (db.open()) {
                QSqlQuery q(db);
                done = q.exec(QStringLiteral("SET client_min_messages = warning")) && q.exec(sql);
                if (!done)
                    qWarning() << sql << q.lastError().text();
            } else {
                qWarning() << "cannot reach" << m_server << db.lastError().text();
            }
        }
        QSqlDatabase::removeDatabase(name);
        return done;
    }

    QTemporaryDir m_dir;
    QString m_server;
    QString m_schema;
    QString m_spec;
};

class TestStore
{
public:
    explicit TestStore(const QDateTime& now = utc(2026, 3, 15, 12, 0, 0))
        : m_nowMs(now.toMSecsSinceEpoch())
    {
        Database::Options options;
        options.durable = false; // tests do not need power-loss durability
        auto opened = Database::open(path(), options);
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        m_db = std::move(opened).value();
        m_service = std::make_unique<Service>(*m_db, [this] { return this->now(); });
    }

    // What the store was opened with: a SQLite file or a postgresql:// URL.
    QString path() const { return m_location.spec(); }
    const TestLocation& location() const { return m_location; }
    Database& db() { return *m_db; }
    Service& service() { return *m_service; }
    Service* operator->() { return m_service.get(); }

    QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(m_nowMs.load(), QTimeZone::utc()); }
    void setNow(const QDateTime& t) { m_nowMs.store(t.toMSecsSinceEpoch()); }
    void advance(qint64 ms) { m_nowMs.fetch_add(ms); }

private:
    TestLocation m_location; // first: it outlives the store's connections
    std::atomic<qint64> m_nowMs;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Service> m_service;
};

// A customer named by its id, created in the store (the test stops when it cannot be).
inline void addCustomer(TestStore& store, const QString& id)
{
    Customer c;
    c.id = id;
    c.name = id;
    const auto done = store->createCustomer(c);
    VERIFY_OK(done);
}

} // namespace Meterline::Testing
