#pragma once

#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <memory>

#include "core/database.h"
#include "core/result.h"
#include "core/service.h"
#include "core/types.h"

namespace Meterline
{

// Plans and meters as the hot paths need them: read once, shared, reloaded when the stored
// config_version moves (any process that changes a plan or meter bumps it in the same transaction).
struct CatalogSnapshot
{
    qint64 version = 0;
    QHash<QString, Meter> meters;
    QHash<QString, Plan> plans;
    QHash<QString, QList<Limit>> customerLimits; // customer id → its own limits (scope customer)
    QList<WebhookEndpoint> webhooks;             // live, enabled endpoints, without their secrets

    // Whether any endpoint wants this event type: emission costs nothing while none does.
    bool subscribed(const QString& eventType) const;
};

// Customers, plans, meters and limits: their validation, storage, and the change log.
class Catalog
{
public:
    Catalog(Database& database, Clock clock);

    // rowLock: " FOR SHARE" in a PostgreSQL write transaction that applies the snapshot (recording events): a
    // meter change (Rollups::rebuild) then waits for it, and it for the change, as SQLite's one writer does.
    Result<std::shared_ptr<const CatalogSnapshot>> snapshot(const QSqlDatabase& db, const QString& rowLock = {}) const;

    Result<Customer> createCustomer(const Customer& customer);
    Result<Customer> customer(const QString& id) const;
    Result<QList<Customer>> customers() const;
    Result<Customer> updateCustomer(const QString& id, const CustomerPatch& patch);
    Status deleteCustomer(const QString& id);
    // A live customer read on db (inside a caller's transaction); nullopt when unknown or deleted.
    static Result<std::optional<Customer>> findCustomer(const QSqlDatabase& db, const QString& id);
    // The same, with customer_not_found when there is none.
    static Result<Customer> requireCustomer(const QSqlDatabase& db, const QString& id);

    Result<Plan> createPlan(const Plan& plan);
    Result<Plan> plan(const QString& id) const;
    Result<QList<Plan>> plans() const;
    Result<Plan> replacePlan(const Plan& plan);
    Status deletePlan(const QString& id);

    Result<Meter> createMeter(const Meter& meter);
    Result<Meter> meter(const QString& id) const;
    Result<QList<Meter>> meters() const;
    Result<Meter> replaceMeter(const Meter& meter);
    Status deleteMeter(const QString& id);

    Result<Limit> createLimit(const Limit& limit);
    Result<Limit> limit(const QString& id) const;
    Result<QList<Limit>> limits() const;
    Result<Limit> replaceLimit(const Limit& limit);
    Status deleteLimit(const QString& id);
    static Result<QList<Limit>> customerLimits(const QSqlDatabase& db, const QString& customerId);

    Result<ChangePage> changes(qint64 since, int limit) const;
    // The newest change's seq (0 for none): where a client that just read everything starts.
    Result<qint64> latestChange() const;
    static Status
    logChange(const QSqlDatabase& db, const QString& entity, const QString& id, const QString& op, qint64 atMs);
    // Moves config_version, so every process reloads its snapshot (plans, meters, limits, webhook endpoints).
    static Status bumpConfig(const QSqlDatabase& db);

private:
    Status validateCustomer(const Customer& customer) const;
    Status validatePlan(const QSqlDatabase& db, const Plan& plan) const;
    Status validateMeter(const Meter& meter) const;
    Status validateLimit(const QSqlDatabase& db, const Limit& limit) const;
    Status storePlanTerms(const QSqlDatabase& db, const Plan& plan, qint64 nowMs);
    Result<Limit> writeLimit(const Limit& limit, bool replace);
    Result<Meter> writeMeter(const Meter& meter, bool replace);
    Result<Plan> writePlan(const Plan& plan, bool replace);
    qint64 nowMs() const;

    Database& m_database;
    Clock m_clock;
    mutable QMutex m_cacheMutex;
    mutable std::shared_ptr<const CatalogSnapshot> m_cache;
};

} // namespace Meterline
