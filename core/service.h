#pragma once

#include <QDateTime>
#include <QIODevice>
#include <functional>
#include <memory>

#include "core/result.h"
#include "core/types.h"

namespace Meterline
{

class Database;
class Catalog;
class Recorder;
class LimitChecker;
class Ledger;
class UsageReader;
class ApiKeys;
class Webhooks;
class WebhookOutbox;

using Clock = std::function<QDateTime()>; // returns UTC "now"

// The one facade over Meterline's rules that the server and the dashboard call. Thread-safe: each
// calling thread uses its own database connection. Errors come back as values, never exceptions.
class Service
{
public:
    explicit Service(Database& database, Clock clock = {});
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    Database& database() const { return m_database; }
    QDateTime now() const;

    // Customers
    Result<Customer> createCustomer(const Customer& customer);
    Result<Customer> customer(const QString& id) const;
    Result<QList<Customer>> customers() const;
    Result<Customer> updateCustomer(const QString& id, const CustomerPatch& patch);
    Status deleteCustomer(const QString& id);

    // Plans (with their limits and prices)
    Result<Plan> createPlan(const Plan& plan);
    Result<Plan> plan(const QString& id) const;
    Result<QList<Plan>> plans() const;
    Result<Plan> replacePlan(const Plan& plan); // PUT: limits and prices replaced whole
    Status deletePlan(const QString& id);

    // Meters. Creating or changing a meter aggregates older events too.
    Result<Meter> createMeter(const Meter& meter);
    Result<Meter> meter(const QString& id) const;
    Result<QList<Meter>> meters() const;
    Result<Meter> replaceMeter(const Meter& meter);
    Status deleteMeter(const QString& id);

    // Limits (plan or customer scope). An empty id on create gets a server-made one.
    Result<Limit> createLimit(const Limit& limit);
    Result<Limit> limit(const QString& id) const;
    Result<QList<Limit>> limits() const;
    Result<Limit> replaceLimit(const Limit& limit);
    Status deleteLimit(const QString& id);

    // Check · Record
    Result<CheckResult> check(const CheckRequest& request);
    Result<RecordResult> record(const EventInput& input);
    Result<BatchResult> recordBatch(const QList<EventInput>& inputs); // valid events land even if others fail
    // Group commit: each input gets its own answer, all land in one transaction (one durable commit).
    // A storage failure fails them all; nothing is half-written.
    QList<Result<RecordResult>> recordEach(const QList<EventInput>& inputs);
    // SQLite: moves the events not yet in the per-customer indexes into them (core/eventtail.h); a writer
    // calls it when it has been idle a while. The number moved (0 on PostgreSQL).
    Result<int> indexEventTail();
    Result<EventPage> events(const EventQuery& query) const;
    Result<Reservation> reservation(const QString& id) const;

    // Balances
    Result<Balance> balance(const QString& customerId) const;
    Result<BalanceChangeResult> credit(const QString& customerId, const BalanceChange& change);
    Result<BalanceChangeResult> debit(const QString& customerId, const BalanceChange& change);
    Result<Balance> setReserve(const QString& customerId, Money reserve, const QString& actor = {});
    Result<LedgerPage> transactions(const QString& customerId, const QString& cursor = {}, int limit = 100) const;
    // Stored balances of live customers (those with prepaid credits), by customer id, paged (limit 1..10000).
    Result<BalancePage> balances(const QString& cursor = {}, int limit = 1000) const;

    // Usage and billing
    Result<TimeRange> resolvePeriod(NamedPeriod period) const;
    Result<UsageResult> usage(const UsageQuery& query) const;
    Result<SummaryPage> usageSummary(const TimeRange& range,
                                     const QString& customerId = {},
                                     const QString& cursor = {},
                                     int limit = 1000) const;
    Result<QList<InvoiceLine>> invoiceLines(const TimeRange& range) const;
    // Streams the invoice CSV of SPEC §4 (header row first), one customer at a time.
    Status writeInvoiceCsv(const TimeRange& range, QIODevice& out) const;
    // Daily usage per customer × meter (header: day_start,day_end,customer_id,meter_id,meter_name,aggregation,value).
    Status writeUsageCsv(const TimeRange& range, const QString& customerId, QIODevice& out) const;

    // API keys (the secret is returned once, by create)
    Result<ApiKeyCreated> createApiKey(const QString& name, KeyScope scope, int rateLimit = 0);
    Result<QList<ApiKey>> apiKeys() const;
    Status revokeApiKey(const QString& id);
    Result<ApiKey> verifyApiKey(const QString& presented) const;
    Status touchApiKey(const QString& id);

    // Webhook endpoints (the secret is returned once, by create)
    Result<WebhookEndpoint> createWebhook(const WebhookEndpoint& endpoint);
    Result<QList<WebhookEndpoint>> webhooks() const;
    Result<WebhookEndpoint> webhook(const QString& id) const;
    Status deleteWebhook(const QString& id);
    Result<QList<WebhookDelivery>> webhookDeliveries(const QString& endpointId, int limit = 100) const;
    // "Send test event": queues a webhook.test delivery to the endpoint (a running server sends it).
    Result<WebhookDelivery> sendTestWebhook(const QString& endpointId);
    // "Retry now": the delivery is due at once, under the same webhook-id (conflict while it is being sent).
    Result<WebhookDelivery> retryWebhookDelivery(const QString& endpointId, const QString& deliveryId);

    // Incremental sync
    Result<ChangePage> changes(qint64 since, int limit = 1000) const;
    // The newest change's seq: read it BEFORE a full read, then sync from it (nothing in between is missed).
    Result<qint64> latestChange() const;
    // The usage feed (GET /v1/usage/changes): see UsageReader::changedSince.
    Result<UsageChangePage> usageChanges(qint64 since, int limit = 1000) const;
    Result<qint64> latestUsageChange() const;

private:
    Database& m_database;
    Clock m_clock;
    std::unique_ptr<Catalog> m_catalog;
    std::unique_ptr<WebhookOutbox> m_outbox;
    std::unique_ptr<Ledger> m_ledger;
    std::unique_ptr<Recorder> m_recorder;
    std::unique_ptr<LimitChecker> m_checker;
    std::unique_ptr<UsageReader> m_usage;
    std::unique_ptr<ApiKeys> m_keys;
    std::unique_ptr<Webhooks> m_webhooks;
};

} // namespace Meterline
