#include "sync/syncclient.h"

#include <QUuid>

#include "models/apikeysmodel.h"
#include "models/ledgermodel.h"
#include "models/limitsmodel.h"
#include "models/metersmodel.h"
#include "models/plansmodel.h"
#include "models/webhooksmodel.h"
#include "sync/syncworker.h"
#include "wire/answers.h"
#include "wire/invoicecsvreader.h"
#include "wire/requests.h"

namespace Meterline::Dashboard
{

namespace
{

void registerTypes()
{
    qRegisterMetaType<SyncStatus>();
    qRegisterMetaType<OverviewFigures>();
    qRegisterMetaType<RowDelta<CustomerRow>>();
    qRegisterMetaType<RowDelta<Plan>>();
    qRegisterMetaType<RowDelta<Meter>>();
    qRegisterMetaType<RowDelta<Limit>>();
    qRegisterMetaType<RowDelta<BalanceRow>>();
    qRegisterMetaType<RowDelta<ApiKey>>();
    qRegisterMetaType<RowDelta<WebhookEndpoint>>();
    qRegisterMetaType<EventPage>();
    qRegisterMetaType<UsageResult>();
    qRegisterMetaType<QList<InvoiceLine>>();
    qRegisterMetaType<LedgerPage>();
    qRegisterMetaType<SummaryPage>();
    qRegisterMetaType<QList<SummaryRow>>();
    qRegisterMetaType<CheckResult>();
    qRegisterMetaType<QList<WebhookDelivery>>();
}

} // namespace

ConnectionSpec ConnectionSpec::local(const QString& database)
{
    ConnectionSpec spec;
    spec.kind = Kind::Local;
    spec.database = database;
    return spec;
}

ConnectionSpec ConnectionSpec::remote(const QUrl& serverUrl, const QString& adminKey)
{
    ConnectionSpec spec;
    spec.kind = Kind::Remote;
    spec.serverUrl = serverUrl;
    spec.adminKey = adminKey;
    return spec;
}

QString ConnectionSpec::displayName() const
{
    if (kind == Kind::Remote)
        return serverUrl.toDisplayString(QUrl::RemoveUserInfo);
    // A postgresql:// URL may carry a password: never show it.
    if (database.startsWith(QLatin1String("postgres")))
        return QUrl(database).toDisplayString(QUrl::RemovePassword);
    return database;
}

SyncClient::SyncClient(QObject* parent)
    : QObject(parent)
{
    registerTypes();
    m_thread.setObjectName(QStringLiteral("meterline-sync"));
    m_pacer.setSingleShot(true);
    m_pacer.setInterval(0);
    connect(&m_pacer, &QTimer::timeout, this, &SyncClient::runPaced);
}

SyncClient::~SyncClient()
{
    close();
}

void SyncClient::close()
{
    if (!m_worker)
        return;
    m_thread.quit();
    m_thread.wait();
    m_worker = nullptr; // deleted on its thread by deleteLater (QThread::finished)
    m_pacer.stop();
    m_paced.clear(); // what the closed source still had to say
}

void SyncClient::open(const ConnectionSpec& spec)
{
    close();
    m_spec = spec;
    m_status = {};
    m_pageOwners.clear();
    auto* worker = new SyncWorker(spec); // no parent: it changes thread
    worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);

    // The sync's signals are replayed in order, one per pass of the GUI event loop: a large first load comes
    // in many slices, and delivered back to back they would hold the GUI thread for all of them at once.
    connect(
        worker, &SyncWorker::statusChanged, this, [this](const SyncStatus& s) { pace([this, s] { onStatus(s); }); });
    connect(worker, &SyncWorker::customersSynced, this, [this](const RowDelta<CustomerRow>& d) {
        pace([this, d] { emit customersSynced(d); });
    });
    connect(worker, &SyncWorker::plansSynced, this, [this](const RowDelta<Plan>& d) {
        pace([this, d] { emit plansSynced(d); });
    });
    connect(worker, &SyncWorker::metersSynced, this, [this](const RowDelta<Meter>& d) {
        pace([this, d] { emit metersSynced(d); });
    });
    connect(worker, &SyncWorker::limitsSynced, this, [this](const RowDelta<Limit>& d) {
        pace([this, d] { emit limitsSynced(d); });
    });
    connect(worker, &SyncWorker::balancesSynced, this, [this](const RowDelta<BalanceRow>& d) {
        pace([this, d] { emit balancesSynced(d); });
    });
    connect(worker, &SyncWorker::apiKeysSynced, this, [this](const RowDelta<ApiKey>& d) {
        pace([this, d] { emit apiKeysSynced(d); });
    });
    connect(worker, &SyncWorker::webhooksSynced, this, [this](const RowDelta<WebhookEndpoint>& d) {
        pace([this, d] { emit webhooksSynced(d); });
    });
    connect(worker, &SyncWorker::overviewReady, this, [this](quint64 id, const OverviewFigures& f) {
        pace([this, id, f] { emit overviewReady(id, f); });
    });
    connect(worker, &SyncWorker::syncFinished, this, [this] { pace([this] { emit syncFinished(); }); });
    connect(worker, &SyncWorker::eventsReady, this, &SyncClient::eventsReady);
    connect(worker, &SyncWorker::usageSeriesReady, this, &SyncClient::usageSeriesReady);
    connect(worker, &SyncWorker::invoiceLinesReady, this, &SyncClient::invoiceLinesReady);
    connect(worker, &SyncWorker::ledgerReady, this, &SyncClient::ledgerReady);
    connect(worker, &SyncWorker::usageSummaryReady, this, &SyncClient::usageSummaryReady);
    connect(worker, &SyncWorker::topCustomersReady, this, &SyncClient::topCustomersReady);
    connect(worker, &SyncWorker::limitStatusReady, this, &SyncClient::limitStatusReady);
    connect(worker, &SyncWorker::deliveriesReady, this, &SyncClient::deliveriesReady);
    connect(worker, &SyncWorker::queryFailed, this, &SyncClient::queryFailed);
    connect(worker, &SyncWorker::actionQueued, this, &SyncClient::actionQueued);
    connect(worker, &SyncWorker::actionFinished, this, &SyncClient::actionFinished);
    connect(worker, &SyncWorker::exportProgress, this, &SyncClient::exportProgress);
    connect(worker, &SyncWorker::exportFinished, this, &SyncClient::exportFinished);

    m_worker = worker;
    m_thread.start();
    QMetaObject::invokeMethod(
        worker, [worker] { worker->start(); }, Qt::QueuedConnection);
}

void SyncClient::pace(std::function<void()> step)
{
    m_paced.push_back(std::move(step));
    if (!m_pacer.isActive())
        m_pacer.start();
}

void SyncClient::runPaced()
{
    if (m_paced.empty())
        return;
    auto step = std::move(m_paced.front());
    m_paced.pop_front();
    step();
    if (!m_paced.empty())
        m_pacer.start(); // the next one after timers and input had their turn
}

void SyncClient::onStatus(const SyncStatus& status)
{
    m_status = status;
    emit statusChanged(status);
}

void SyncClient::refresh()
{
    if (SyncWorker* worker = m_worker)
        QMetaObject::invokeMethod(
            worker, [worker] { worker->refresh(); }, Qt::QueuedConnection);
}

// Runs job(worker) on the worker thread; nothing when no source is open.
#define ON_WORKER(...)                                                                                                 \
    if (SyncWorker* worker = m_worker)                                                                                 \
        QMetaObject::invokeMethod(                                                                                     \
            worker, [=] { worker->__VA_ARGS__; }, Qt::QueuedConnection);

quint64 SyncClient::queryEvents(const EventFilter& filter, const QString& cursor)
{
    const quint64 id = nextRequestId();
    ON_WORKER(queryEvents(id, filter, cursor));
    return id;
}

quint64 SyncClient::queryUsageSeries(const SeriesRequest& request)
{
    const quint64 id = nextRequestId();
    ON_WORKER(queryUsageSeries(id, request));
    return id;
}

quint64 SyncClient::queryInvoiceLines(const TimeRange& period)
{
    const quint64 id = nextRequestId();
    ON_WORKER(queryInvoiceLines(id, period));
    return id;
}

quint64 SyncClient::queryLedger(const QString& customerId, const QString& cursor, int limit)
{
    const quint64 id = nextRequestId();
    ON_WORKER(queryLedger(id, customerId, cursor, limit));
    return id;
}

quint64 SyncClient::queryUsageSummary(const TimeRange& range, const QString& customerId, int limit)
{
    const quint64 id = nextRequestId();
    ON_WORKER(queryUsageSummary(id, range, customerId, limit));
    return id;
}

quint64 SyncClient::queryTopCustomers(const QString& meterId, const TimeRange& range, int count)
{
    const quint64 id = nextRequestId();
    ON_WORKER(queryTopCustomers(id, meterId, range, count));
    return id;
}

quint64 SyncClient::queryOverview()
{
    const quint64 id = nextRequestId();
    ON_WORKER(queryOverview(id));
    return id;
}

quint64 SyncClient::queryLimitStatus(const QString& customerId)
{
    const quint64 id = nextRequestId();
    ON_WORKER(queryLimitStatus(id, customerId));
    return id;
}

quint64 SyncClient::queryDeliveries(const QString& webhookId, int limit)
{
    const quint64 id = nextRequestId();
    ON_WORKER(queryDeliveries(id, webhookId, limit));
    return id;
}

quint64 SyncClient::exportInvoiceCsv(const TimeRange& period, const QString& filePath)
{
    const quint64 id = nextRequestId();
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_exportCancels.insert(id, cancel);
    ON_WORKER(exportCsv(id, DataSource::Export::Invoices, period, QString(), filePath, cancel));
    return id;
}

quint64 SyncClient::exportUsageCsv(const TimeRange& range, const QString& customerId, const QString& filePath)
{
    const quint64 id = nextRequestId();
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_exportCancels.insert(id, cancel);
    ON_WORKER(exportCsv(id, DataSource::Export::Usage, range, customerId, filePath, cancel));
    return id;
}

void SyncClient::cancelExport(quint64 exportId)
{
    // Read by the worker between writes: no queued call needed, the export stops at its next chunk.
    if (auto cancel = m_exportCancels.value(exportId))
        cancel->store(true);
}

QString SyncClient::submit(QueuedAction action)
{
    action.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    action.queuedAt = QDateTime::currentDateTimeUtc();
    if (!m_worker) {
        // Answer asynchronously like every other outcome.
        QMetaObject::invokeMethod(
            this,
            [this, id = action.id] { emit actionFinished(id, false, tr("No data source is open."), QString()); },
            Qt::QueuedConnection);
        return action.id;
    }
    ON_WORKER(submit(action));
    return action.id;
}

#undef ON_WORKER

QString SyncClient::createCustomer(const Customer& customer)
{
    return submit({{}, ActionKind::CreateCustomer, customer.id, Wire::customerBody(customer), {}, 0});
}

QString SyncClient::updateCustomer(const QString& customerId, const CustomerPatch& patch)
{
    return submit({{}, ActionKind::UpdateCustomer, customerId, Wire::customerPatchBody(patch), {}, 0});
}

QString SyncClient::createPlan(const Plan& plan)
{
    return submit({{}, ActionKind::CreatePlan, plan.id, Wire::planBody(plan), {}, 0});
}

QString SyncClient::replacePlan(const Plan& plan)
{
    return submit({{}, ActionKind::ReplacePlan, plan.id, Wire::planBody(plan), {}, 0});
}

QString SyncClient::createMeter(const Meter& meter)
{
    return submit({{}, ActionKind::CreateMeter, meter.id, Wire::meterBody(meter), {}, 0});
}

QString SyncClient::replaceMeter(const Meter& meter)
{
    return submit({{}, ActionKind::ReplaceMeter, meter.id, Wire::meterBody(meter), {}, 0});
}

QString SyncClient::createLimit(const Limit& limit)
{
    Limit withId = limit;
    // A client-made id, so a replay after a lost answer finds the same limit instead of making a second one.
    if (withId.id.isEmpty())
        withId.id = QStringLiteral("lim_") + QUuid::createUuid().toString(QUuid::Id128);
    return submit({{}, ActionKind::CreateLimit, withId.id, Wire::limitBody(withId), {}, 0});
}

QString SyncClient::replaceLimit(const Limit& limit)
{
    return submit({{}, ActionKind::ReplaceLimit, limit.id, Wire::limitBody(limit), {}, 0});
}

QString SyncClient::deleteLimit(const QString& limitId)
{
    return submit({{}, ActionKind::DeleteLimit, limitId, {}, {}, 0});
}

QString
SyncClient::credit(const QString& customerId, Money amount, const QString& reason, const QString& idempotencyKey)
{
    return submit({{}, ActionKind::Credit, customerId, Wire::balanceChangeBody(amount, reason, idempotencyKey), {}, 0});
}

QString SyncClient::debit(const QString& customerId, Money amount, const QString& reason, const QString& idempotencyKey)
{
    return submit({{}, ActionKind::Debit, customerId, Wire::balanceChangeBody(amount, reason, idempotencyKey), {}, 0});
}

QString SyncClient::setReserve(const QString& customerId, Money reserve)
{
    return submit({{}, ActionKind::SetReserve, customerId, Wire::reserveBody(reserve), {}, 0});
}

QString SyncClient::createApiKey(const QString& name, KeyScope scope, int rateLimit)
{
    return submit({{}, ActionKind::CreateApiKey, {}, Wire::apiKeyBody(name, scope, rateLimit), {}, 0});
}

QString SyncClient::revokeApiKey(const QString& keyId)
{
    return submit({{}, ActionKind::RevokeApiKey, keyId, {}, {}, 0});
}

QString SyncClient::createWebhook(const WebhookEndpoint& endpoint)
{
    return submit({{}, ActionKind::CreateWebhook, {}, Wire::webhookBody(endpoint), {}, 0});
}

QString SyncClient::deleteWebhook(const QString& webhookId)
{
    return submit({{}, ActionKind::DeleteWebhook, webhookId, {}, {}, 0});
}

QString SyncClient::testWebhook(const QString& webhookId)
{
    return submit({{}, ActionKind::TestWebhook, webhookId, {}, {}, 0});
}

QString SyncClient::retryDelivery(const QString& webhookId, const QString& deliveryId)
{
    // The route names both: POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry.
    return submit(
        {{}, ActionKind::RetryDelivery, deliveryId, QJsonObject{{QStringLiteral("webhookId"), webhookId}}, {}, 0});
}

void SyncClient::forgetPages(QObject* model)
{
    for (auto it = m_pageOwners.begin(); it != m_pageOwners.end();) {
        if (it.value() == model)
            it = m_pageOwners.erase(it);
        else
            ++it;
    }
}

void SyncClient::bindModels(const Models& models)
{
    m_models = models;
    if (models.customers)
        connect(this, &SyncClient::customersSynced, models.customers, &CustomersModel::applyDelta);
    if (models.plans)
        connect(this, &SyncClient::plansSynced, models.plans, &PlansModel::applyDelta);
    if (models.meters)
        connect(this, &SyncClient::metersSynced, models.meters, &MetersModel::applyDelta);
    if (models.limits)
        connect(this, &SyncClient::limitsSynced, models.limits, &LimitsModel::applyDelta);
    if (models.balances)
        connect(this, &SyncClient::balancesSynced, models.balances, &BalancesModel::applyDelta);
    if (models.apiKeys)
        connect(this, &SyncClient::apiKeysSynced, models.apiKeys, &ApiKeysModel::applyDelta);
    if (models.webhooks)
        connect(this, &SyncClient::webhooksSynced, models.webhooks, &WebhooksModel::applyDelta);

    if (EventsModel* events = models.events) {
        connect(events,
                &EventsModel::pageRequested,
                this,
                [this, events](const EventFilter& filter, const QString& cursor) {
                    forgetPages(events); // a restart makes older answers stale
                    m_pageOwners.insert(queryEvents(filter, cursor), events);
                });
        connect(this, &SyncClient::eventsReady, events, [this, events](quint64 id, const EventPage& page) {
            if (m_pageOwners.value(id) == events && m_pageOwners.remove(id))
                events->appendPage(page.data, page.nextCursor);
        });
    }
    if (LedgerModel* ledger = models.ledger) {
        connect(ledger,
                &LedgerModel::pageRequested,
                this,
                [this, ledger](const QString& customerId, const QString& cursor) {
                    forgetPages(ledger);
                    m_pageOwners.insert(queryLedger(customerId, cursor), ledger);
                });
        connect(this, &SyncClient::ledgerReady, ledger, [this, ledger](quint64 id, const LedgerPage& page) {
            if (m_pageOwners.value(id) == ledger && m_pageOwners.remove(id))
                ledger->appendPage(page.data, page.nextCursor);
        });
    }
    connect(this, &SyncClient::queryFailed, this, [this](quint64 id, const QString&) {
        const QPointer<QObject> owner = m_pageOwners.take(id);
        if (auto* events = qobject_cast<EventsModel*>(owner.data()))
            events->pageFailed();
        else if (auto* ledger = qobject_cast<LedgerModel*>(owner.data()))
            ledger->pageFailed();
    });
}

} // namespace Meterline::Dashboard
