#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <QTimer>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>

#include "models/balancesmodel.h"
#include "models/customersmodel.h"
#include "models/eventsmodel.h"
#include "sync/synctypes.h"

namespace Meterline
{
class ApiKeysModel;
class BalancesModel;
class CustomersModel;
class EventsModel;
class LedgerModel;
class LimitsModel;
class MetersModel;
class PlansModel;
class WebhooksModel;
} // namespace Meterline

namespace Meterline::Dashboard
{

class SyncWorker;

// The dashboard's one door to its data, living on the GUI thread. It owns an I/O thread with a SyncWorker
// (all SQL, HTTP and file I/O happen there) and never blocks: every call returns at once, answers arrive as
// queued signals carrying value snapshots.
//
//  - Sync: open() connects and syncs at once, then every syncIntervalMs and on refresh(). The first sync
//    delivers every entity (RowDelta::reset); later ones only what the change log (local change sequence or
//    GET /v1/changes) names, plus customers whose month usage, balance or limit health moved. A failure sets
//    Offline/Error and retries with exponential backoff; statusChanged tells the status bar.
//  - Queries: each returns a request id at once; its answer is the matching *Ready(id, …) signal or
//    queryFailed(id, message).
//  - Actions: each returns an action id at once; actionFinished(id, ok, message, result) answers it. While a
//    remote server is unreachable, queueable actions (see ActionKind) wait in the durable queue and are sent,
//    exactly once, when it is back; the queue survives a restart of the dashboard.
//  - Exports: exportInvoiceCsv/exportUsageCsv write a file in the worker with exportProgress and
//    cancelExport; the file appears only when complete (QSaveFile).
//
// bindModels() connects the sync signals to the entity models so that the views need no glue.
class SyncClient : public QObject
{
    Q_OBJECT

public:
    explicit SyncClient(QObject* parent = nullptr);
    ~SyncClient() override; // stops the worker: quit(); wait();

    const ConnectionSpec& connection() const { return m_spec; }
    const SyncStatus& status() const { return m_status; }
    bool isOpen() const { return m_worker != nullptr; }

    // Connect the sync deltas to these models (any may be null). Events and ledger models page through this
    // client (their pageRequested signals go to queryEvents/queryLedger and the answers back to appendPage).
    struct Models
    {
        CustomersModel* customers = nullptr;
        PlansModel* plans = nullptr;
        MetersModel* meters = nullptr;
        LimitsModel* limits = nullptr;
        BalancesModel* balances = nullptr;
        ApiKeysModel* apiKeys = nullptr;
        WebhooksModel* webhooks = nullptr;
        EventsModel* events = nullptr;
        LedgerModel* ledger = nullptr;
    };
    void bindModels(const Models& models);

public slots:
    // Closes the current source (if any) and opens this one; a sync starts at once.
    void open(const Meterline::Dashboard::ConnectionSpec& spec);
    void close();
    // Sync now (F5); also sends the queued actions.
    void refresh();

public:
    // ---- queries: the id returned is the one the answer carries ----
    quint64 queryEvents(const Meterline::EventFilter& filter, const QString& cursor = {});
    quint64 queryUsageSeries(const Meterline::Dashboard::SeriesRequest& request);
    quint64 queryInvoiceLines(const Meterline::TimeRange& period);
    quint64 queryLedger(const QString& customerId, const QString& cursor = {}, int limit = 100);
    // Per customer x meter aggregates over the range, first page of up to limit rows.
    quint64 queryUsageSummary(const Meterline::TimeRange& range, const QString& customerId = {}, int limit = 1000);
    // The top customers of one meter over the range, largest first (at most count).
    quint64 queryTopCustomers(const QString& meterId, const Meterline::TimeRange& range, int count = 10);
    quint64 queryOverview();
    // The customer's applying limits with their consumption now (a check without reserve).
    quint64 queryLimitStatus(const QString& customerId);
    quint64 queryDeliveries(const QString& webhookId, int limit = 100);

    // ---- actions: the id returned is the one actionFinished carries ----
    QString createCustomer(const Meterline::Customer& customer);
    QString updateCustomer(const QString& customerId, const Meterline::CustomerPatch& patch);
    QString createPlan(const Meterline::Plan& plan);
    QString replacePlan(const Meterline::Plan& plan);
    QString createMeter(const Meterline::Meter& meter);
    QString replaceMeter(const Meterline::Meter& meter);
    QString createLimit(const Meterline::Limit& limit);
    QString replaceLimit(const Meterline::Limit& limit);
    QString deleteLimit(const QString& limitId);
    // idempotencyKey: one per top-up dialog (TopUpFlow makes it), so a retry never credits twice.
    QString
    credit(const QString& customerId, Meterline::Money amount, const QString& reason, const QString& idempotencyKey);
    QString
    debit(const QString& customerId, Meterline::Money amount, const QString& reason, const QString& idempotencyKey);
    QString setReserve(const QString& customerId, Meterline::Money reserve);
    QString createApiKey(const QString& name, Meterline::KeyScope scope, int rateLimit = 0);
    QString revokeApiKey(const QString& keyId);
    QString createWebhook(const Meterline::WebhookEndpoint& endpoint);
    QString deleteWebhook(const QString& webhookId);
    QString testWebhook(const QString& webhookId);
    QString retryDelivery(const QString& webhookId, const QString& deliveryId);

    // ---- exports ----
    // The invoice CSV of SPEC §4 for the period; the usage CSV (daily per customer x meter) for the range.
    quint64 exportInvoiceCsv(const Meterline::TimeRange& period, const QString& filePath);
    quint64 exportUsageCsv(const Meterline::TimeRange& range, const QString& customerId, const QString& filePath);
    void cancelExport(quint64 exportId);

signals:
    void statusChanged(const Meterline::Dashboard::SyncStatus& status);
    // After each successful sync, in this order: the entity deltas, then syncFinished.
    void customersSynced(const Meterline::RowDelta<Meterline::CustomerRow>& delta);
    void plansSynced(const Meterline::RowDelta<Meterline::Plan>& delta);
    void metersSynced(const Meterline::RowDelta<Meterline::Meter>& delta);
    void limitsSynced(const Meterline::RowDelta<Meterline::Limit>& delta);
    void balancesSynced(const Meterline::RowDelta<Meterline::BalanceRow>& delta);
    void apiKeysSynced(const Meterline::RowDelta<Meterline::ApiKey>& delta);
    void webhooksSynced(const Meterline::RowDelta<Meterline::WebhookEndpoint>& delta);
    void overviewReady(quint64 requestId, const Meterline::Dashboard::OverviewFigures& figures); // id 0: after a sync
    void syncFinished();

    void eventsReady(quint64 requestId, const Meterline::EventPage& page);
    void usageSeriesReady(quint64 requestId, const Meterline::UsageResult& usage);
    void invoiceLinesReady(quint64 requestId, const QList<Meterline::InvoiceLine>& lines);
    void ledgerReady(quint64 requestId, const Meterline::LedgerPage& page);
    void usageSummaryReady(quint64 requestId, const Meterline::SummaryPage& page);
    void topCustomersReady(quint64 requestId, const QList<Meterline::SummaryRow>& rows);
    void limitStatusReady(quint64 requestId, const Meterline::CheckResult& check);
    void deliveriesReady(quint64 requestId, const QList<Meterline::WebhookDelivery>& deliveries);
    void queryFailed(quint64 requestId, const QString& message);

    // queued: the action is in the durable queue, waiting for the server (actionFinished follows later).
    void actionQueued(const QString& actionId);
    // ok false: message says why in words; result holds the error code (QString, e.g. "customer_not_found").
    void actionFinished(const QString& actionId,
                        bool ok,
                        const QString& message,
                        const QVariant& result); // an ActionResult (synctypes.h)

    void exportProgress(quint64 exportId, qint64 done, qint64 total); // total 0: unknown
    void exportFinished(quint64 exportId, bool ok, const QString& message);

private:
    QString submit(QueuedAction action);
    quint64 nextRequestId() { return ++m_lastRequestId; }
    void onStatus(const SyncStatus& status);
    void pace(std::function<void()> step);
    void runPaced();
    void forgetPages(QObject* model);

    ConnectionSpec m_spec;
    SyncStatus m_status;
    QThread m_thread;
    SyncWorker* m_worker = nullptr; // lives on m_thread; deleted there
    quint64 m_lastRequestId = 0;
    Models m_models;
    QHash<quint64, QPointer<QObject>> m_pageOwners; // request id -> the paged model waiting for it
    QHash<quint64, std::shared_ptr<std::atomic_bool>> m_exportCancels;
    std::deque<std::function<void()>> m_paced; // sync signals waiting for their turn on the GUI thread
    QTimer m_pacer;
};

} // namespace Meterline::Dashboard

Q_DECLARE_METATYPE(Meterline::RowDelta<Meterline::CustomerRow>)
Q_DECLARE_METATYPE(Meterline::RowDelta<Meterline::Plan>)
Q_DECLARE_METATYPE(Meterline::RowDelta<Meterline::Meter>)
Q_DECLARE_METATYPE(Meterline::RowDelta<Meterline::Limit>)
Q_DECLARE_METATYPE(Meterline::RowDelta<Meterline::BalanceRow>)
Q_DECLARE_METATYPE(Meterline::RowDelta<Meterline::ApiKey>)
Q_DECLARE_METATYPE(Meterline::RowDelta<Meterline::WebhookEndpoint>)
