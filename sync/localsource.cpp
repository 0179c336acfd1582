#include "sync/localsource.h"

#include "core/database.h"
#include "core/demodata.h"
#include "core/service.h"
#include "sync/progressdevice.h"
#include "wire/answers.h"
#include "wire/invoicecsvreader.h"
#include "wire/requests.h"

namespace Meterline::Dashboard
{

namespace
{

// The actor written on ledger rows and reserves made from the dashboard.
const QString DashboardActor = QStringLiteral("dashboard");

template <typename T> Result<ActionResult> asAction(Result<T> r)
{
    if (!r.ok())
        return r.error();
    return QVariant::fromValue(std::move(r).value());
}

Result<ActionResult> asAction(const Status& s)
{
    if (!s.ok())
        return s.error();
    return QVariant();
}

} // namespace

LocalSource::LocalSource(QString databaseSpec, bool demoDataWhenEmpty)
    : m_spec(std::move(databaseSpec))
    , m_demoDataWhenEmpty(demoDataWhenEmpty)
{
}

LocalSource::~LocalSource()
{
    m_service.reset();
    if (m_database)
        m_database->releaseThreadConnection();
}

Status LocalSource::open()
{
    if (m_service)
        return success();
    auto opened = Database::open(m_spec);
    if (!opened.ok())
        return opened.error();
    m_database = std::move(opened).value();
    m_service = std::make_unique<Service>(*m_database);
    if (m_demoDataWhenEmpty) {
        m_demoDataWhenEmpty = false; // only ever on the first open
        auto meters = m_service->meters();
        auto customers = m_service->customers();
        if (meters.ok() && customers.ok() && meters->isEmpty() && customers->isEmpty()) {
            if (Status generated = DemoData::generate(*m_service); !generated.ok())
                return generated.error();
        }
    }
    return success();
}

Result<Service*> LocalSource::service()
{
    if (Status s = open(); !s.ok())
        return s.error();
    return m_service.get();
}

#define LOCAL_CALL(expr)                                                                                               \
    auto svc = service();                                                                                              \
    if (!svc.ok())                                                                                                     \
        return svc.error();                                                                                            \
    return svc.value()->expr

Result<ChangePage> LocalSource::changes(qint64 since, int limit)
{
    LOCAL_CALL(changes(since, limit));
}

Result<qint64> LocalSource::latestChange()
{
    LOCAL_CALL(latestChange());
}

Result<UsageChangePage> LocalSource::usageChanges(qint64 since, int limit)
{
    LOCAL_CALL(usageChanges(since, limit));
}

Result<qint64> LocalSource::latestUsageChange()
{
    LOCAL_CALL(latestUsageChange());
}

Result<QList<Customer>> LocalSource::customers()
{
    LOCAL_CALL(customers());
}

Result<Customer> LocalSource::customer(const QString& id)
{
    LOCAL_CALL(customer(id));
}

Result<QList<Plan>> LocalSource::plans()
{
    LOCAL_CALL(plans());
}

Result<QList<Meter>> LocalSource::meters()
{
    LOCAL_CALL(meters());
}

Result<QList<Limit>> LocalSource::limits()
{
    LOCAL_CALL(limits());
}

Result<Balance> LocalSource::balance(const QString& customerId)
{
    LOCAL_CALL(balance(customerId));
}

Result<BalancePage> LocalSource::balances(const QString& cursor, int limit)
{
    LOCAL_CALL(balances(cursor, limit));
}

Result<QList<ApiKey>> LocalSource::apiKeys()
{
    LOCAL_CALL(apiKeys());
}

Result<QList<WebhookEndpoint>> LocalSource::webhooks()
{
    LOCAL_CALL(webhooks());
}

Result<TimeRange> LocalSource::resolvePeriod(NamedPeriod period)
{
    LOCAL_CALL(resolvePeriod(period));
}

Result<SummaryPage>
LocalSource::usageSummary(const TimeRange& range, const QString& customerId, const QString& cursor, int limit)
{
    LOCAL_CALL(usageSummary(range, customerId, cursor, limit));
}

Result<UsageResult> LocalSource::usage(const UsageQuery& query)
{
    LOCAL_CALL(usage(query));
}

Result<EventPage> LocalSource::events(const EventQuery& query)
{
    LOCAL_CALL(events(query));
}

Result<QList<InvoiceLine>> LocalSource::invoiceLines(const TimeRange& range)
{
    LOCAL_CALL(invoiceLines(range));
}

Result<LedgerPage> LocalSource::transactions(const QString& customerId, const QString& cursor, int limit)
{
    LOCAL_CALL(transactions(customerId, cursor, limit));
}

Result<CheckResult> LocalSource::check(const CheckRequest& request)
{
    LOCAL_CALL(check(request));
}

Result<QList<WebhookDelivery>> LocalSource::deliveries(const QString& webhookId, int limit)
{
    LOCAL_CALL(webhookDeliveries(webhookId, limit));
}

#undef LOCAL_CALL

Result<ActionResult> LocalSource::perform(const QueuedAction& action)
{
    auto svc = service();
    if (!svc.ok())
        return svc.error();
    Service& s = *svc.value();
    const QJsonObject& p = action.payload;
    switch (action.kind) {
    case ActionKind::CreateCustomer: {
        auto c = Wire::customerFrom(p);
        return c.ok() ? asAction(s.createCustomer(c.value())) : Result<ActionResult>(c.error());
    }
    case ActionKind::UpdateCustomer: {
        auto patch = Wire::customerPatchFrom(p);
        return patch.ok() ? asAction(s.updateCustomer(action.targetId, patch.value()))
                          : Result<ActionResult>(patch.error());
    }
    case ActionKind::CreatePlan:
    case ActionKind::ReplacePlan: {
        auto plan = Wire::planFrom(p);
        if (!plan.ok())
            return plan.error();
        return asAction(action.kind == ActionKind::CreatePlan ? s.createPlan(plan.value())
                                                              : s.replacePlan(plan.value()));
    }
    case ActionKind::CreateMeter:
    case ActionKind::ReplaceMeter: {
        auto meter = Wire::meterFrom(p);
        if (!meter.ok())
            return meter.error();
        return asAction(action.kind == ActionKind::CreateMeter ? s.createMeter(meter.value())
                                                               : s.replaceMeter(meter.value()));
    }
    case ActionKind::CreateLimit:
    case ActionKind::ReplaceLimit: {
        auto limit = Wire::limitFrom(p);
        if (!limit.ok())
            return limit.error();
        return asAction(action.kind == ActionKind::CreateLimit ? s.createLimit(limit.value())
                                                               : s.replaceLimit(limit.value()));
    }
    case ActionKind::DeleteLimit:
        return asAction(s.deleteLimit(action.targetId));
    case ActionKind::Credit:
    case ActionKind::Debit: {
        auto change = Wire::balanceChangeFrom(p);
        if (!change.ok())
            return change.error();
        BalanceChange c = change.value();
        c.actor = DashboardActor;
        return asAction(action.kind == ActionKind::Credit ? s.credit(action.targetId, c) : s.debit(action.targetId, c));
    }
    case ActionKind::SetReserve: {
        auto reserve = Wire::reserveFrom(p);
        return reserve.ok() ? asAction(s.setReserve(action.targetId, reserve.value(), DashboardActor))
                            : Result<ActionResult>(reserve.error());
    }
    case ActionKind::CreateApiKey: {
        const auto scope = parseKeyScope(p.value(QStringLiteral("scope")).toString());
        if (!scope)
            return Error::invalid(QStringLiteral("scope must be ingest, read or admin"), QStringLiteral("scope"));
        return asAction(s.createApiKey(
            p.value(QStringLiteral("name")).toString(), *scope, p.value(QStringLiteral("rateLimit")).toInt()));
    }
    case ActionKind::RevokeApiKey:
        return asAction(s.revokeApiKey(action.targetId));
    case ActionKind::CreateWebhook: {
        auto endpoint = Wire::webhookFrom(p);
        return endpoint.ok() ? asAction(s.createWebhook(endpoint.value())) : Result<ActionResult>(endpoint.error());
    }
    case ActionKind::DeleteWebhook:
        return asAction(s.deleteWebhook(action.targetId));
    case ActionKind::TestWebhook:
    case ActionKind::RetryDelivery:
        // Sending a webhook needs the server's delivery worker: only a connected meterline-server can.
        return Error{QStringLiteral("not_available"),
                     QStringLiteral("webhook tests and retries are sent by meterline-server; connect to it"),
                     {}};
    }
    return Error::invalid(QStringLiteral("unknown action"));
}

Status LocalSource::writeExport(Export kind,
                                const TimeRange& range,
                                const QString& customerId,
                                QIODevice& out,
                                const std::atomic_bool& cancel,
                                const std::function<void(qint64, qint64)>& progress)
{
    auto svc = service();
    if (!svc.ok())
        return svc.error();
    ProgressDevice counted(out, cancel, [&progress](qint64 written) {
        if (progress)
            progress(written, 0);
    });
    const Status written = kind == Export::Invoices ? svc.value()->writeInvoiceCsv(range, counted)
                                                    : svc.value()->writeUsageCsv(range, customerId, counted);
    if (counted.wasCancelled())
        return Error{SourceError::Cancelled, QStringLiteral("export cancelled"), {}};
    return written;
}

} // namespace Meterline::Dashboard
