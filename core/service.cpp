#include "core/service.h"

#include "core/apikeys.h"
#include "core/catalog.h"
#include "core/database.h"
#include "core/eventtail.h"
#include "core/ledger.h"
#include "core/limitchecker.h"
#include "core/recorder.h"
#include "core/sql.h"
#include "core/usagereader.h"
#include "core/webhookoutbox.h"
#include "core/webhooks.h"

namespace Meterline
{

Service::Service(Database& database, Clock clock)
    : m_database(database)
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentDateTimeUtc(); }))
    , m_catalog(std::make_unique<Catalog>(database, m_clock))
    , m_outbox(std::make_unique<WebhookOutbox>(*m_catalog))
    , m_ledger(std::make_unique<Ledger>(database, *m_outbox, m_clock))
    , m_recorder(std::make_unique<Recorder>(database, *m_catalog, *m_outbox, m_clock))
    , m_checker(std::make_unique<LimitChecker>(database, *m_catalog, *m_outbox, m_clock))
    , m_usage(std::make_unique<UsageReader>(database, *m_catalog, m_clock))
    , m_keys(std::make_unique<ApiKeys>(database, m_clock))
    , m_webhooks(std::make_unique<Webhooks>(database, m_clock))
{
}

Service::~Service() = default;

QDateTime Service::now() const
{
    return m_clock();
}

Result<Customer> Service::createCustomer(const Customer& customer)
{
    return Sql::retrying(m_database, [&] { return m_catalog->createCustomer(customer); });
}
Result<Customer> Service::customer(const QString& id) const
{
    return Sql::retrying(m_database, [&] { return m_catalog->customer(id); });
}
Result<QList<Customer>> Service::customers() const
{
    return Sql::retrying(m_database, [&] { return m_catalog->customers(); });
}
Result<Customer> Service::updateCustomer(const QString& id, const CustomerPatch& patch)
{
    return Sql::retrying(m_database, [&] { return m_catalog->updateCustomer(id, patch); });
}
Status Service::deleteCustomer(const QString& id)
{
    return Sql::retrying(m_database, [&] { return m_catalog->deleteCustomer(id); });
}

Result<Plan> Service::createPlan(const Plan& plan)
{
    return Sql::retrying(m_database, [&] { return m_catalog->createPlan(plan); });
}
Result<Plan> Service::plan(const QString& id) const
{
    return Sql::retrying(m_database, [&] { return m_catalog->plan(id); });
}
Result<QList<Plan>> Service::plans() const
{
    return Sql::retrying(m_database, [&] { return m_catalog->plans(); });
}
Result<Plan> Service::replacePlan(const Plan& plan)
{
    return Sql::retrying(m_database, [&] { return m_catalog->replacePlan(plan); });
}
Status Service::deletePlan(const QString& id)
{
    return Sql::retrying(m_database, [&] { return m_catalog->deletePlan(id); });
}

Result<Meter> Service::createMeter(const Meter& meter)
{
    return Sql::retrying(m_database, [&] { return m_catalog->createMeter(meter); });
}
Result<Meter> Service::meter(const QString& id) const
{
    return Sql::retrying(m_database, [&] { return m_catalog->meter(id); });
}
Result<QList<Meter>> Service::meters() const
{
    return Sql::retrying(m_database, [&] { return m_catalog->meters(); });
}
Result<Meter> Service::replaceMeter(const Meter& meter)
{
    return Sql::retrying(m_database, [&] { return m_catalog->replaceMeter(meter); });
}
Status Service::deleteMeter(const QString& id)
{
    return Sql::retrying(m_database, [&] { return m_catalog->deleteMeter(id); });
}

Result<Limit> Service::createLimit(const Limit& limit)
{
    return Sql::retrying(m_database, [&] { return m_catalog->createLimit(limit); });
}
Result<Limit> Service::limit(const QString& id) const
{
    return Sql::retrying(m_database, [&] { return m_catalog->limit(id); });
}
Result<QList<Limit>> Service::limits() const
{
    return Sql::retrying(m_database, [&] { return m_catalog->limits(); });
}
Result<Limit> Service::replaceLimit(const Limit& limit)
{
    return Sql::retrying(m_database, [&] { return m_catalog->replaceLimit(limit); });
}
Status Service::deleteLimit(const QString& id)
{
    return Sql::retrying(m_database, [&] { return m_catalog->deleteLimit(id); });
}

Result<CheckResult> Service::check(const CheckRequest& request)
{
    auto result = Sql::retrying(m_database, [&] { return m_checker->check(request); });
    if (result.ok() && !result.value().allowed) // a denial writes nothing else: limit.exceeded on its own
        m_outbox->checkDenied(m_database, result.value(), m_clock());
    return result;
}
Result<RecordResult> Service::record(const EventInput& input)
{
    return Sql::retrying(m_database, [&] { return m_recorder->record(input); });
}
Result<BatchResult> Service::recordBatch(const QList<EventInput>& inputs)
{
    return Sql::retrying(m_database, [&] { return m_recorder->recordBatch(inputs); });
}
QList<Result<RecordResult>> Service::recordEach(const QList<EventInput>& inputs)
{
    return Sql::retrying(m_database, [&] { return m_recorder->recordEach(inputs); });
}
Result<int> Service::indexEventTail()
{
    return Sql::retrying(m_database, [&] { return EventTail::indexAll(m_database); });
}
Result<EventPage> Service::events(const EventQuery& query) const
{
    return Sql::retrying(m_database, [&] { return m_recorder->events(query); });
}
Result<Reservation> Service::reservation(const QString& id) const
{
    return Sql::retrying(m_database, [&] { return m_recorder->reservation(id); });
}

Result<Balance> Service::balance(const QString& customerId) const
{
    return Sql::retrying(m_database, [&] { return m_ledger->balance(customerId); });
}
Result<BalanceChangeResult> Service::credit(const QString& customerId, const BalanceChange& change)
{
    return Sql::retrying(m_database, [&] { return m_ledger->credit(customerId, change); });
}
Result<BalanceChangeResult> Service::debit(const QString& customerId, const BalanceChange& change)
{
    return Sql::retrying(m_database, [&] { return m_ledger->debit(customerId, change); });
}
Result<Balance> Service::setReserve(const QString& customerId, Money reserve, const QString& actor)
{
    return Sql::retrying(m_database, [&] { return m_ledger->setReserve(customerId, reserve, actor); });
}
Result<LedgerPage> Service::transactions(const QString& customerId, const QString& cursor, int limit) const
{
    return Sql::retrying(m_database, [&] { return m_ledger->transactions(customerId, cursor, limit); });
}

Result<BalancePage> Service::balances(const QString& cursor, int limit) const
{
    return Sql::retrying(m_database, [&] { return m_ledger->balances(cursor, limit); });
}

Result<TimeRange> Service::resolvePeriod(NamedPeriod period) const
{
    return m_usage->resolve(period);
}
Result<UsageResult> Service::usage(const UsageQuery& query) const
{
    return Sql::retrying(m_database, [&] { return m_usage->usage(query); });
}
Result<SummaryPage>
Service::usageSummary(const TimeRange& range, const QString& customerId, const QString& cursor, int limit) const
{
    return Sql::retrying(m_database, [&] { return m_usage->summary(range, customerId, cursor, limit); });
}
Result<QList<InvoiceLine>> Service::invoiceLines(const TimeRange& range) const
{
    return Sql::retrying(m_database, [&] { return m_usage->invoiceLines(range); });
}
Status Service::writeInvoiceCsv(const TimeRange& range, QIODevice& out) const
{
    // Not rerun: rows already written to out would be written twice. (A lost connection is replaced by the
    // next call's retry.)
    auto written = m_usage->writeInvoiceCsv(range, out);
    Sql::settle(written);
    return written;
}

Result<ApiKeyCreated> Service::createApiKey(const QString& name, KeyScope scope, int rateLimit)
{
    return Sql::retrying(m_database, [&] { return m_keys->create(name, scope, rateLimit); });
}
Status Service::touchApiKey(const QString& id)
{
    return Sql::retrying(m_database, [&] { return m_keys->touch(id); });
}
Result<QList<ApiKey>> Service::apiKeys() const
{
    return Sql::retrying(m_database, [&] { return m_keys->list(); });
}
Status Service::revokeApiKey(const QString& id)
{
    return Sql::retrying(m_database, [&] { return m_keys->revoke(id); });
}
Result<ApiKey> Service::verifyApiKey(const QString& presented) const
{
    return Sql::retrying(m_database, [&] { return m_keys->verify(presented); });
}

Result<WebhookEndpoint> Service::createWebhook(const WebhookEndpoint& endpoint)
{
    return Sql::retrying(m_database, [&] { return m_webhooks->create(endpoint); });
}
Result<QList<WebhookEndpoint>> Service::webhooks() const
{
    return Sql::retrying(m_database, [&] { return m_webhooks->list(); });
}
Result<WebhookEndpoint> Service::webhook(const QString& id) const
{
    return Sql::retrying(m_database, [&] { return m_webhooks->endpoint(id); });
}
Status Service::deleteWebhook(const QString& id)
{
    return Sql::retrying(m_database, [&] { return m_webhooks->remove(id); });
}
Result<QList<WebhookDelivery>> Service::webhookDeliveries(const QString& endpointId, int limit) const
{
    return Sql::retrying(m_database, [&] { return m_webhooks->deliveries(endpointId, limit); });
}
Result<WebhookDelivery> Service::sendTestWebhook(const QString& endpointId)
{
    return Sql::retrying(m_database, [&] { return m_webhooks->sendTest(endpointId); });
}
Result<WebhookDelivery> Service::retryWebhookDelivery(const QString& endpointId, const QString& deliveryId)
{
    return Sql::retrying(m_database, [&] { return m_webhooks->retry(endpointId, deliveryId); });
}

Status Service::writeUsageCsv(const TimeRange& range, const QString& customerId, QIODevice& out) const
{
    // Not rerun: rows already written to out would be written twice. (A lost connection is replaced by the
    // next call's retry.)
    auto written = m_usage->writeUsageCsv(range, customerId, out);
    Sql::settle(written);
    return written;
}

Result<ChangePage> Service::changes(qint64 since, int limit) const
{
    return Sql::retrying(m_database, [&] { return m_catalog->changes(since, limit); });
}

Result<qint64> Service::latestChange() const
{
    return Sql::retrying(m_database, [&] { return m_catalog->latestChange(); });
}

Result<UsageChangePage> Service::usageChanges(qint64 since, int limit) const
{
    return Sql::retrying(m_database, [&] { return m_usage->changedSince(since, limit); });
}

Result<qint64> Service::latestUsageChange() const
{
    return Sql::retrying(m_database, [&] { return m_usage->latestUsageChange(); });
}

} // namespace Meterline
