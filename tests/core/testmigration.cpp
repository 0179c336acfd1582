// Schema migrations: a database made by the first schema version opens, is migrated, and keeps its data;
// a database newer than this build is refused with a clear error and left untouched. Runs on the test's
// location: a SQLite file, or a fresh schema on PostgreSQL (core/testmigration@postgresql).

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>
#include <memory>

#include "core/database.h"
#include "core/schema.h"
#include "core/service.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;

class TestMigration : public QObject
{
    Q_OBJECT

private:
    // Builds a database at schema version `version` with raw SQL only, as an older build left it.
    static void makeDatabaseAt(const TestLocation& location, int version)
    {
        {
            QSqlDatabase db = location.rawConnection(QStringLiteral("old-build"));
            QVERIFY(db.isOpen());
            auto migrated = Schema::migrate(db, location.kind(), version);
            QVERIFY2(migrated.ok(), migrated.ok() ? "" : qPrintable(migrated.error().message));
            QCOMPARE(migrated.value(), version);
            QSqlQuery q(db);
            QVERIFY(
                q.exec(QStringLiteral("INSERT INTO customers (id, name, external_id, metadata, created_at, updated_at)"
                                      " VALUES ('cust_old', 'Old Co', 'cus_1', '{}', 0, 0)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO events (id, customer_id, event_type, value, dimensions, ts,"
                                          " created_at) VALUES ('evt_old', 'cust_old', 'llm.completion', 42, '{}',"
                                          " 1767225600000, 0)"))); // 2026-01-01
            QVERIFY(q.exec(QStringLiteral("INSERT INTO balances (customer_id, balance, reserve, updated_at)"
                                          " VALUES ('cust_old', 5000000, 0, 0)")));
            QVERIFY(
                q.exec(QStringLiteral("INSERT INTO ledger (id, customer_id, kind, amount, balance_after, created_at)"
                                      " VALUES ('txn_old', 'cust_old', 'credit', 5000000, 5000000, 0)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("old-build"));
    }

    static int storedVersion(const TestLocation& location)
    {
        int version = -1;
        {
            QSqlDatabase db = location.rawConnection(QStringLiteral("inspect"));
            if (db.isOpen()) {
                QSqlQuery q(db);
                if (q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) && q.next())
                    version = q.value(0).toInt();
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("inspect"));
        return version;
    }

private Q_SLOTS:
    void latestVersion_isAboveTheFirst() { QVERIFY(Schema::latestVersion() >= 2); }

    void open_emptyFile_createsLatestSchema()
    {
        TestLocation path;
        auto db = Database::open(path.spec());
        QVERIFY(db.ok());
        QCOMPARE(db.value()->schemaVersion(), Schema::latestVersion());
        QCOMPARE(storedVersion(path), Schema::latestVersion());
    }

    void open_firstVersion_migratesAndKeepsData()
    {
        TestLocation path;
        CHECKED(makeDatabaseAt(path, 1));
        QCOMPARE(storedVersion(path), 1);

        auto db = Database::open(path.spec());
        QVERIFY2(db.ok(), db.ok() ? "" : qPrintable(db.error().message));
        QCOMPARE(db.value()->schemaVersion(), Schema::latestVersion());
        QCOMPARE(storedVersion(path), Schema::latestVersion());

        Service service(*db.value(), [] { return utc(2026, 1, 15); });
        auto customer = service.customer(QStringLiteral("cust_old"));
        QVERIFY(customer.ok());
        QCOMPARE(customer->name, QStringLiteral("Old Co"));
        auto balance = service.balance(QStringLiteral("cust_old"));
        QVERIFY(balance.ok());
        QCOMPARE(balance->balance.toString(), QStringLiteral("5.000000"));
        auto events = service.events(EventQuery{QStringLiteral("cust_old"), {}, {}, {}, 10, {}, {}});
        QVERIFY(events.ok());
        QCOMPARE(events->data.size(), 1);
        QCOMPARE(events->data.first().value, 42.0);

        // A meter defined after the migration aggregates the event the old build stored.
        Meter tokens;
        tokens.id = QStringLiteral("llm-tokens");
        tokens.name = QStringLiteral("Tokens");
        tokens.eventTypes = {QStringLiteral("llm.*")};
        QVERIFY(service.createMeter(tokens).ok());
        UsageQuery query;
        query.meterId = tokens.id;
        query.customerId = QStringLiteral("cust_old");
        query.period = NamedPeriod::CurrentMonth;
        auto usage = service.usage(query);
        QVERIFY(usage.ok());
        QCOMPARE(usage->value, 42.0);
    }

    // Schema 10: lifetime windows sum the month rows, so the lifetime rows go and the month rows stay.
    void open_ninth_dropsLifetimeRollupsOnly()
    {
        TestLocation path;
        CHECKED(makeDatabaseAt(path, 9));
        {
            QSqlDatabase db = path.rawConnection(QStringLiteral("rollups"));
            QSqlQuery q(db);
            for (const QString& row : {QStringLiteral("'m', 1767225600000"), QStringLiteral("'l', 0")}) {
                QVERIFY(
                    q.exec(QStringLiteral("INSERT INTO rollups (meter_id, customer_id, grain, bucket, total, events,"
                                          " maximum) VALUES ('llm-tokens', 'cust_old', %1, 42, 1, 42)")
                               .arg(row)));
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("rollups"));

        auto db = Database::open(path.spec());
        QVERIFY2(db.ok(), db.ok() ? "" : qPrintable(db.error().message));
        QSqlQuery q(db.value()->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT grain, bucket, total FROM rollups")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("m"));
        QCOMPARE(q.value(1).toLongLong(), 1767225600000);
        QCOMPARE(q.value(2).toDouble(), 42.0);
        QVERIFY(!q.next());
    }

    void open_migrationIsIdempotent()
    {
        TestLocation path;
        QVERIFY(Database::open(path.spec()).ok());
        auto again = Database::open(path.spec());
        QVERIFY(again.ok());
        QCOMPARE(again.value()->schemaVersion(), Schema::latestVersion());
    }

    // Servers started together on an empty database: one migrates, the others wait and find it done.
    void open_concurrently_migratesOnce()
    {
        TestLocation path;
        std::atomic<int> opened{0};
        std::vector<std::unique_ptr<QThread>> threads;
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back(QThread::create([&] {
                auto db = Database::open(path.spec());
                if (db.ok() && db.value()->schemaVersion() == Schema::latestVersion())
                    ++opened;
                else if (!db.ok())
                    qWarning() << db.error().message;
            }));
        }
        for (auto& t : threads)
            t->start();
        for (auto& t : threads)
            QVERIFY(t->wait(60'000));
        QCOMPARE(opened.load(), 4);
        QCOMPARE(storedVersion(path), Schema::latestVersion());
        QSqlDatabase db = path.rawConnection(QStringLiteral("count"));
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")) && q.next());
        QCOMPARE(q.value(0).toInt(), Schema::latestVersion());
        q = QSqlQuery();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("count"));
    }

    // Month ranges over every customer and retention find events by time: on PostgreSQL through a block-range
    // index (kilobytes at hundreds of millions of rows), on SQLite through a B-tree.
    void eventsTimeIndex_isBlockRangeOnPostgres()
    {
        TestLocation path;
        QVERIFY(Database::open(path.spec()).ok());
        QString method;
        {
            QSqlDatabase db = path.rawConnection(QStringLiteral("index"));
            QSqlQuery q(db);
            QVERIFY(q.exec(path.isPostgres()
                               ? QStringLiteral("SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam"
                                                " WHERE c.relname = 'events_ts'"
                                                " AND c.relnamespace = current_schema()::regnamespace")
                               : QStringLiteral("SELECT 'btree' FROM sqlite_master WHERE type = 'index'"
                                                " AND name = 'events_ts' AND tbl_name = 'events'")));
            if (q.next())
                method = q.value(0).toString();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("index"));
        QCOMPARE(method, path.isPostgres() ? QStringLiteral("brin") : QStringLiteral("btree"));
    }

    void open_withoutMigrate_refusesAnOlderSchema()
    {
        TestLocation path;
        CHECKED(makeDatabaseAt(path, 1));
        Database::Options options;
        options.migrate = false;
        auto db = Database::open(path.spec(), options);
        QVERIFY(!db.ok());
        QVERIFY(db.error().message.contains(QStringLiteral("migrat")));
        QCOMPARE(storedVersion(path), 1);
    }

    void open_newerSchema_isRefusedAndUntouched()
    {
        TestLocation path;
        QVERIFY(Database::open(path.spec()).ok());
        {
            QSqlDatabase db = path.rawConnection(QStringLiteral("future"));
            QVERIFY(db.isOpen());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_migrations (version, description, applied_at)"
                                          " VALUES (999, 'from the future', 0)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("future"));

        auto db = Database::open(path.spec());
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, ErrorCode::SchemaTooNew);
        QVERIFY(db.error().message.contains(QStringLiteral("999")));
        QCOMPARE(storedVersion(path), 999);
    }
};

QTEST_GUILESS_MAIN(TestMigration)
#include "testmigration.moc"
