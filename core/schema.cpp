#include "core/schema.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

#include "core/logging.h"

namespace Meterline::Schema
{

namespace
{

// One step of the schema. SQL is shared by SQLite and PostgreSQL; the few words that differ are
// written as tokens and replaced per dialect (see dialectSql).
struct Migration
{
    int version;
    const char* description;
    QStringList statements;
};

QString dialectSql(QString sql, Database::Kind kind)
{
    const bool sqlite = kind == Database::Kind::Sqlite;
    sql.replace(QStringLiteral("{SERIAL_PK}"),
                sqlite ? QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT") : QStringLiteral("BIGSERIAL PRIMARY KEY"));
    sql.replace(QStringLiteral("{DOUBLE}"), QStringLiteral("DOUBLE PRECISION"));
    // A block-range index: a few kilobytes per million time-ordered rows instead of a B-tree's tens of
    // megabytes, and as good for month ranges because events arrive in time order. SQLite has only B-trees.
    sql.replace(QStringLiteral("{USING_BRIN}"), sqlite ? QString() : QStringLiteral("USING BRIN"));
    // A statement of one dialect only: empty (skipped) on the other.
    for (const auto& [token, mine] :
         {std::pair{QStringLiteral("{SQLITE}"), sqlite}, std::pair{QStringLiteral("{POSTGRES}"), !sqlite}}) {
        if (sql.startsWith(token))
            return mine ? sql.mid(token.size()) : QString();
    }
    return sql;
}

const QList<Migration>& migrations()
{
    static const QList<Migration> list{
        {1,
         "customers, plans, meters, limits, events, rollups, balances, ledger, reservations, changes",
         {
             QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)"),
             QStringLiteral("INSERT INTO meta (key, value) VALUES ('config_version', 1)"),
             QStringLiteral("CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT NOT NULL, plan_id TEXT,"
                            " external_id TEXT NOT NULL DEFAULT '', metadata TEXT NOT NULL DEFAULT '{}',"
                            " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, deleted_at BIGINT)"),
             QStringLiteral("CREATE INDEX customers_plan ON customers (plan_id)"),
             QStringLiteral("CREATE TABLE plans (id TEXT PRIMARY KEY, name TEXT NOT NULL, currency TEXT NOT NULL,"
                            " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)"),
             QStringLiteral("CREATE TABLE plan_prices (plan_id TEXT NOT NULL, meter_id TEXT NOT NULL,"
                            " unit_price BIGINT NOT NULL, per_units BIGINT NOT NULL, included_units {DOUBLE} NOT NULL,"
                            " credits_per_unit BIGINT NOT NULL, PRIMARY KEY (plan_id, meter_id))"),
             QStringLiteral("CREATE TABLE meters (id TEXT PRIMARY KEY, name TEXT NOT NULL, aggregation TEXT NOT NULL,"
                            " event_types TEXT NOT NULL, dimension_filters TEXT NOT NULL,"
                            " dimension TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL,"
                            " updated_at BIGINT NOT NULL)"),
             QStringLiteral("CREATE TABLE limits (id TEXT PRIMARY KEY, scope TEXT NOT NULL, plan_id TEXT NOT NULL"
                            " DEFAULT '', customer_id TEXT NOT NULL DEFAULT '', meter_id TEXT NOT NULL,"
                            " period TEXT NOT NULL, value {DOUBLE} NOT NULL, mode TEXT NOT NULL,"
                            " created_at BIGINT NOT NULL)"),
             QStringLiteral(
                 "CREATE UNIQUE INDEX limits_owner ON limits (scope, plan_id, customer_id, meter_id, period)"),
             QStringLiteral("CREATE INDEX limits_customer ON limits (customer_id)"),
             QStringLiteral("CREATE TABLE events (seq {SERIAL_PK}, id TEXT NOT NULL UNIQUE,"
                            " customer_id TEXT NOT NULL, event_type TEXT NOT NULL, value {DOUBLE} NOT NULL,"
                            " dimensions TEXT NOT NULL, ts BIGINT NOT NULL, idempotency_key TEXT,"
                            " reservation_id TEXT, created_at BIGINT NOT NULL)"),
             QStringLiteral("CREATE INDEX events_customer_ts ON events (customer_id, ts)"),
             QStringLiteral("CREATE INDEX events_ts ON events (ts)"),
             QStringLiteral("CREATE TABLE idempotency_keys (customer_id TEXT NOT NULL, key TEXT NOT NULL,"
                            " fingerprint TEXT NOT NULL, event_id TEXT NOT NULL, created_at BIGINT NOT NULL,"
                            " PRIMARY KEY (customer_id, key))"),
             // Per-period aggregates, kept in the same transaction as each event, so check and record
             // never scan events. grain: h(our), d(ay), m(onth), l(ifetime: bucket 0).
             QStringLiteral("CREATE TABLE rollups (meter_id TEXT NOT NULL, customer_id TEXT NOT NULL,"
                            " grain TEXT NOT NULL, bucket BIGINT NOT NULL, total {DOUBLE} NOT NULL,"
                            " events BIGINT NOT NULL, maximum {DOUBLE} NOT NULL,"
                            " PRIMARY KEY (meter_id, customer_id, grain, bucket))"),
             QStringLiteral("CREATE INDEX rollups_meter_bucket ON rollups (meter_id, grain, bucket)"),
             QStringLiteral("CREATE TABLE balances (customer_id TEXT PRIMARY KEY, balance BIGINT NOT NULL,"
                            " reserve BIGINT NOT NULL, updated_at BIGINT NOT NULL)"),
             QStringLiteral("CREATE TABLE ledger (seq {SERIAL_PK}, id TEXT NOT NULL UNIQUE,"
                            " customer_id TEXT NOT NULL, kind TEXT NOT NULL, amount BIGINT NOT NULL,"
                            " balance_after BIGINT NOT NULL, unpaid BIGINT NOT NULL DEFAULT 0,"
                            " reason TEXT NOT NULL DEFAULT '', actor TEXT NOT NULL DEFAULT '',"
                            " idempotency_key TEXT, fingerprint TEXT, event_id TEXT, created_at BIGINT NOT NULL)"),
             QStringLiteral("CREATE INDEX ledger_customer ON ledger (customer_id, seq)"),
             QStringLiteral("CREATE UNIQUE INDEX ledger_idempotency ON ledger (customer_id, idempotency_key)"
                            " WHERE idempotency_key IS NOT NULL"),
             QStringLiteral("CREATE TABLE reservations (id TEXT PRIMARY KEY, customer_id TEXT NOT NULL,"
                            " meter_id TEXT NOT NULL DEFAULT '', amount {DOUBLE} NOT NULL, credits BIGINT NOT NULL,"
                            " state TEXT NOT NULL, expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL,"
                            " event_id TEXT)"),
             QStringLiteral("CREATE INDEX reservations_open ON reservations (customer_id, state, expires_at)"),
             QStringLiteral("CREATE TABLE changes (seq {SERIAL_PK}, entity TEXT NOT NULL, entity_id TEXT NOT NULL,"
                            " op TEXT NOT NULL, at BIGINT NOT NULL)"),
         }},
        {2,
         "event listing by type; ledger lookups by event",
         {
             QStringLiteral("CREATE INDEX events_customer_type_ts ON events (customer_id, event_type, ts)"),
             QStringLiteral("CREATE INDEX ledger_event ON ledger (event_id)"),
         }},
        {3,
         "API keys; webhook endpoints and their delivery outbox",
         {
             // Only a SHA-256 of each key's secret is stored; the key is shown once.
             QStringLiteral("CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, scope TEXT NOT NULL,"
                            " secret_hash TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT,"
                            " last_used_at BIGINT)"),
             QStringLiteral("CREATE TABLE webhook_endpoints (id TEXT PRIMARY KEY, url TEXT NOT NULL,"
                            " events TEXT NOT NULL, secret TEXT NOT NULL, balance_low_threshold BIGINT,"
                            " disabled INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, deleted_at BIGINT)"),
             QStringLiteral("CREATE TABLE webhook_deliveries (seq {SERIAL_PK}, id TEXT NOT NULL UNIQUE,"
                            " endpoint_id TEXT NOT NULL, event_type TEXT NOT NULL, payload TEXT NOT NULL,"
                            " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
                            " last_status INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',"
                            " next_attempt_at BIGINT NOT NULL, created_at BIGINT NOT NULL)"),
             QStringLiteral("CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq)"),
             QStringLiteral("CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at)"),
         }},
        {4,
         "per-key rate limits",
         {
             QStringLiteral("ALTER TABLE api_keys ADD COLUMN rate_limit INTEGER NOT NULL DEFAULT 0"),
         }},
        {5,
         "webhook delivery leases and attempt log; limit notifications already fired",
         {
             // A dispatcher owns a delivery while lease_token is its own and next_attempt_at (the lease end)
             // is in the future; a token left behind marks an attempt that never finished.
             QStringLiteral("ALTER TABLE webhook_deliveries ADD COLUMN lease_token TEXT"),
             QStringLiteral("ALTER TABLE webhook_deliveries ADD COLUMN delivered_at BIGINT"),
             QStringLiteral("CREATE TABLE webhook_attempts (seq {SERIAL_PK}, delivery_id TEXT NOT NULL,"
                            " attempt INTEGER NOT NULL, started_at BIGINT NOT NULL, duration_ms BIGINT NOT NULL,"
                            " status INTEGER NOT NULL, error TEXT NOT NULL DEFAULT '')"),
             QStringLiteral("CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, seq)"),
             // kind: threshold:80, threshold:100, exceeded. period_start 0 for lifetime limits.
             QStringLiteral("CREATE TABLE webhook_fired (customer_id TEXT NOT NULL, limit_id TEXT NOT NULL,"
                            " period_start BIGINT NOT NULL, kind TEXT NOT NULL, fired_at BIGINT NOT NULL,"
                            " PRIMARY KEY (customer_id, limit_id, period_start, kind))"),
         }},
        {6,
         "events: time index as a block-range (BRIN) index on PostgreSQL",
         {
             // Ranges over all customers (usage with groupBy, exports, retention's DELETE … WHERE ts < ?) read
             // the blocks of the range; per-customer ranges use events_customer_ts.
             QStringLiteral("DROP INDEX events_ts"),
             QStringLiteral("CREATE INDEX events_ts ON events {USING_BRIN} (ts)"),
         }},
        {7,
         "meta: write_clock, moved by every SQLite write transaction that changes rows",
         {
             // The check cache (core/checkcache.h) compares it with the state it holds, so that a change made
             // by another process (the dashboard, an admin command, a second server) is never answered from
             // memory. PostgreSQL servers keep no such cache and leave it at 0.
             QStringLiteral("INSERT INTO meta (key, value) VALUES ('write_clock', 0)"),
         }},
        {8,
         "events: per-customer indexes written in bulk on SQLite (indexed flag, events_indexed_through)",
         {
             // Each B-tree ordered by customer gets one page dirtied per event when a commit group spans many
             // customers: two such indexes were most of a durable record's cost (docs/architecture.md, "The
             // event tail"). On SQLite they become partial (WHERE indexed = 1); events are stored with
             // indexed = 0 and flagged in bulk once the tail after events_indexed_through is long enough.
             // The table is rebuilt to drop AUTOINCREMENT as well: events are never deleted, so the rowid
             // (max + 1) is as monotonic and saves a sqlite_sequence write per event.
             QStringLiteral("{SQLITE}CREATE TABLE events_v8 (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
                            " customer_id TEXT NOT NULL, event_type TEXT NOT NULL, value {DOUBLE} NOT NULL,"
                            " dimensions TEXT NOT NULL, ts BIGINT NOT NULL, idempotency_key TEXT,"
                            " reservation_id TEXT, created_at BIGINT NOT NULL, indexed INTEGER NOT NULL DEFAULT 1)"),
             QStringLiteral("{SQLITE}INSERT INTO events_v8 (seq, id, customer_id, event_type, value, dimensions, ts,"
                            " idempotency_key, reservation_id, created_at) SELECT seq, id, customer_id, event_type,"
                            " value, dimensions, ts, idempotency_key, reservation_id, created_at FROM events"),
             QStringLiteral("{SQLITE}DROP TABLE events"),
             QStringLiteral("{SQLITE}ALTER TABLE events_v8 RENAME TO events"),
             QStringLiteral("{SQLITE}DELETE FROM sqlite_sequence WHERE name = 'events'"),
             QStringLiteral("{SQLITE}CREATE INDEX events_customer_ts ON events (customer_id, ts) WHERE indexed = 1"),
             QStringLiteral("{SQLITE}CREATE INDEX events_customer_type_ts ON events (customer_id, event_type, ts)"
                            " WHERE indexed = 1"),
             QStringLiteral("{SQLITE}CREATE INDEX events_ts ON events (ts)"),
             // PostgreSQL writes every event indexed (its WAL logs index tuples, not pages): the column is
             // there so that one INSERT serves both; its mark is not read.
             QStringLiteral("{POSTGRES}ALTER TABLE events ADD COLUMN indexed INTEGER NOT NULL DEFAULT 1"),
             QStringLiteral("INSERT INTO meta (key, value) VALUES ('events_indexed_through',"
                            " (SELECT COALESCE(MAX(seq), 0) FROM events))"),
         }},
        {9,
         "events: one per-customer index on SQLite, carrying the event type",
         {
             // Moving the tail into two indexes was the larger part of a durable record's remaining cost, the
             // (customer, type, time) one the dearer. One index in the list's order, with the event type as
             // its last column, serves both: a listing filtered by type walks the customer's entries newest
             // first and tests the type in the index, reading only matching rows from the table.
             QStringLiteral("{SQLITE}DROP INDEX events_customer_type_ts"),
             QStringLiteral("{SQLITE}DROP INDEX events_customer_ts"),
             QStringLiteral("{SQLITE}CREATE INDEX events_customer_ts ON events (customer_id, ts, seq, event_type)"
                            " WHERE indexed = 1"),
         }},
        {10,
         "rollups: no lifetime rows (a lifetime window sums the month rows)",
         {
             // One upsert fewer per event and meter; the month rows hold the same totals.
             QStringLiteral("DELETE FROM rollups WHERE grain = 'l'"),
         }},
        {11,
         "events: the writing transaction's id on PostgreSQL (the usage feed's cursor)",
         {
             // Servers sharing a PostgreSQL database commit out of seq order, so a seq cursor could pass an
             // event still being written. The feed follows transaction ids instead (UsageReader::changedSince);
             // the index is appended to at its right edge, as the seq's is. SQLite needs neither.
             QStringLiteral("{POSTGRES}ALTER TABLE events ADD COLUMN xact xid8 NOT NULL DEFAULT pg_current_xact_id()"),
             QStringLiteral("{POSTGRES}CREATE INDEX events_xact ON events (xact)"),
         }},
    };
    return list;
}

Status exec(QSqlDatabase& db, const QString& sql)
{
    QSqlQuery q(db);
    if (!q.exec(sql))
        return Error::storage(QStringLiteral("%1: %2").arg(sql.left(80), q.lastError().text()));
    return success();
}

} // namespace

int latestVersion()
{
    return migrations().constLast().version;
}

Result<int> currentVersion(QSqlDatabase& db)
{
    // Not QSqlDatabase::tables(): on PostgreSQL it lists every schema, and a store lives in one (search_path).
    const bool postgres = db.driverName() == QLatin1String("QPSQL");
    QSqlQuery q(db);
    if (!q.exec(postgres ? QStringLiteral("SELECT to_regclass('schema_migrations') IS NOT NULL")
                         : QStringLiteral("SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table'"
                                          " AND name = 'schema_migrations'")))
        return Error::storage(q.lastError().text());
    if (!q.next() || !q.value(0).toBool())
        return 0;
    if (!q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")))
        return Error::storage(q.lastError().text());
    return q.next() ? q.value(0).toInt() : 0;
}

Result<int> migrate(QSqlDatabase& db, Database::Kind kind, int target)
{
    if (target < 0)
        target = latestVersion();
    // One writer at a time: a second process opening the same database waits here. SQLite's write lock is
    // the database's; PostgreSQL takes a transaction-scoped advisory lock (its DDL is transactional too).
    const QString begin = kind == Database::Kind::Sqlite
                              ? QStringLiteral("BEGIN IMMEDIATE")
                              : QStringLiteral("BEGIN; SELECT pg_advisory_xact_lock(7370026)");
    for (const QString& statement : {begin,
                                     QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER"
                                                    " PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT"
                                                    " NOT NULL)"),
                                     QStringLiteral("COMMIT")}) {
        if (auto s = exec(db, statement); !s.ok()) {
            exec(db, QStringLiteral("ROLLBACK")).ok();
            return s.error();
        }
    }
    auto version = currentVersion(db);
    if (!version.ok())
        return version.error();
    if (*version > latestVersion()) {
        return Error{ErrorCode::SchemaTooNew,
                     QStringLiteral("the database has schema version %1, newer than this build knows (%2): "
                                    "upgrade Meterline")
                         .arg(*version)
                         .arg(latestVersion()),
                     {}};
    }
    for (const Migration& m : migrations()) {
        if (m.version > target)
            break;
        if (auto s = exec(db, begin); !s.ok())
            return s.error();
        // Re-read inside the write lock: another process may have migrated meanwhile.
        auto inside = currentVersion(db);
        if (!inside.ok() || *inside >= m.version) {
            exec(db, QStringLiteral("ROLLBACK")).ok();
            if (!inside.ok())
                return inside.error();
            continue;
        }
        for (const QString& statement : m.statements) {
            const QString sql = dialectSql(statement, kind);
            if (sql.isEmpty())
                continue; // the other dialect's
            if (auto s = exec(db, sql); !s.ok()) {
                exec(db, QStringLiteral("ROLLBACK")).ok();
                qCWarning(lcStore) << "migration" << m.version << "failed:" << s.error().message;
                return s.error();
            }
        }
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)"));
        q.addBindValue(m.version);
        q.addBindValue(QString::fromLatin1(m.description));
        q.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (!q.exec()) {
            const QString message = q.lastError().text();
            exec(db, QStringLiteral("ROLLBACK")).ok();
            return Error::storage(message);
        }
        if (auto s = exec(db, QStringLiteral("COMMIT")); !s.ok())
            return s.error();
        qCInfo(lcStore) << "migrated schema to version" << m.version;
    }
    return currentVersion(db);
}

} // namespace Meterline::Schema
