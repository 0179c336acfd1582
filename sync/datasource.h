#pragma once

#include <QIODevice>
#include <atomic>
#include <functional>

#include "core/result.h"
#include "core/types.h"
#include "models/eventsmodel.h"
#include "sync/synctypes.h"

namespace Meterline::Dashboard
{

// Where the worker reads and writes: a store through core (LocalSource) or a meterline-server over HTTP
// (RemoteSource). Lives on the worker thread and is called only there; calls block that thread (never the
// GUI's) and return values or an Error. Error code "unreachable" means the source could not be reached at
// all (connection refused, timeout, network down): the worker keeps queueable actions for later.
class DataSource
{
public:
    virtual ~DataSource() = default;

    // Connects (opens the store, or checks the server and key). Called again after a failure.
    virtual Status open() = 0;
    virtual bool isRemote() const = 0;

    // Incremental sync: the change log after cursor `since` (SPEC §3 GET /v1/changes).
    virtual Result<ChangePage> changes(qint64 since, int limit) = 0;
    // The newest change's cursor; read before a full read, so the next sync starts there.
    virtual Result<qint64> latestChange() = 0;
    // The usage feed (GET /v1/usage/changes): the current figures of the customers whose usage moved.
    virtual Result<UsageChangePage> usageChanges(qint64 since, int limit) = 0;
    virtual Result<qint64> latestUsageChange() = 0;
    virtual Result<QList<Customer>> customers() = 0;
    virtual Result<Customer> customer(const QString& id) = 0;
    virtual Result<QList<Plan>> plans() = 0;
    virtual Result<QList<Meter>> meters() = 0;
    virtual Result<QList<Limit>> limits() = 0;
    virtual Result<Balance> balance(const QString& customerId) = 0;
    // Every stored balance row (customers with prepaid credits), by customer id, paged.
    virtual Result<BalancePage> balances(const QString& cursor, int limit) = 0;
    virtual Result<QList<ApiKey>> apiKeys() = 0;
    virtual Result<QList<WebhookEndpoint>> webhooks() = 0;

    virtual Result<TimeRange> resolvePeriod(NamedPeriod period) = 0;
    virtual Result<SummaryPage>
    usageSummary(const TimeRange& range, const QString& customerId, const QString& cursor, int limit) = 0;
    virtual Result<UsageResult> usage(const UsageQuery& query) = 0;
    virtual Result<EventPage> events(const EventQuery& query) = 0;
    virtual Result<QList<InvoiceLine>> invoiceLines(const TimeRange& range) = 0;
    virtual Result<LedgerPage> transactions(const QString& customerId, const QString& cursor, int limit) = 0;
    virtual Result<CheckResult> check(const CheckRequest& request) = 0;
    virtual Result<QList<WebhookDelivery>> deliveries(const QString& webhookId, int limit) = 0;

    // Sends one operator action; the answer as an ActionResult (synctypes.h). Error code "conflict" on a
    // create is left to the caller (the worker decides whether a replayed create already landed).
    virtual Result<ActionResult> perform(const QueuedAction& action) = 0;

    // Writes an export into out; stops with code "cancelled" when cancel becomes true.
    enum class Export
    {
        Invoices,
        Usage
    };
    virtual Status writeExport(Export kind,
                               const TimeRange& range,
                               const QString& customerId,
                               QIODevice& out,
                               const std::atomic_bool& cancel,
                               const std::function<void(qint64 done, qint64 total)>& progress) = 0;
};

namespace SourceError
{
inline const QString Unreachable = QStringLiteral("unreachable");
inline const QString Cancelled = QStringLiteral("cancelled");
} // namespace SourceError

} // namespace Meterline::Dashboard
