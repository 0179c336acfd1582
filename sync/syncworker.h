#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>

#include "models/balancesmodel.h"
#include "models/customersmodel.h"
#include "models/eventsmodel.h"
#include "sync/actionqueue.h"
#include "sync/datasource.h"
#include "sync/synctypes.h"

namespace Meterline::Dashboard
{

// The dashboard's I/O worker. Created without a parent by SyncClient and moved to its thread; start() makes
// the DataSource and opens the ActionQueue there, and the destructor (run there by deleteLater) drops them.
//
// One job runs at a time, in arrival order (a FIFO): a sync, a query, an action, an export. A remote call
// waits in a local event loop, so new requests arriving meanwhile only join the FIFO; they never run inside
// another job. The sync runs on an interval and on refresh(); after a failure it retries with exponential
// backoff and reports Offline (unreachable) or Error.
class SyncWorker : public QObject
{
    Q_OBJECT

public:
    explicit SyncWorker(ConnectionSpec spec);
    ~SyncWorker() override;

    // Jobs (call on the worker thread, e.g. through QMetaObject::invokeMethod with a functor).
    void start();
    void refresh();
    void queryEvents(quint64 id, const Meterline::EventFilter& filter, const QString& cursor);
    void queryUsageSeries(quint64 id, const SeriesRequest& request);
    void queryInvoiceLines(quint64 id, const TimeRange& period);
    void queryLedger(quint64 id, const QString& customerId, const QString& cursor, int limit);
    void queryUsageSummary(quint64 id, const TimeRange& range, const QString& customerId, int limit);
    void queryTopCustomers(quint64 id, const QString& meterId, const TimeRange& range, int count);
    void queryOverview(quint64 id);
    void queryLimitStatus(quint64 id, const QString& customerId);
    void queryDeliveries(quint64 id, const QString& webhookId, int limit);
    void submit(const QueuedAction& action);
    void exportCsv(quint64 id,
                   DataSource::Export kind,
                   const TimeRange& range,
                   const QString& customerId,
                   const QString& filePath,
                   std::shared_ptr<std::atomic_bool> cancel);

signals:
    void statusChanged(const Meterline::Dashboard::SyncStatus& status);
    void customersSynced(const Meterline::RowDelta<Meterline::CustomerRow>& delta);
    void plansSynced(const Meterline::RowDelta<Meterline::Plan>& delta);
    void metersSynced(const Meterline::RowDelta<Meterline::Meter>& delta);
    void limitsSynced(const Meterline::RowDelta<Meterline::Limit>& delta);
    void balancesSynced(const Meterline::RowDelta<Meterline::BalanceRow>& delta);
    void apiKeysSynced(const Meterline::RowDelta<Meterline::ApiKey>& delta);
    void webhooksSynced(const Meterline::RowDelta<Meterline::WebhookEndpoint>& delta);
    void overviewReady(quint64 requestId, const Meterline::Dashboard::OverviewFigures& figures);
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

    void actionQueued(const QString& actionId);
    void actionFinished(const QString& actionId, bool ok, const QString& message, const QVariant& result);
    void exportProgress(quint64 exportId, qint64 done, qint64 total);
    void exportFinished(quint64 exportId, bool ok, const QString& message);

private:
    // What the last sync saw, to send only what changed.
    struct Known
    {
        bool loaded = false;
        qint64 cursor = 0;
        QHash<QString, Customer> customers;
        QHash<QString, Plan> plans;
        QHash<QString, Meter> meters;
        QHash<QString, Limit> limits;
        QHash<QString, Balance> balances;
        QHash<QString, ApiKey> apiKeys;
        QHash<QString, WebhookEndpoint> webhooks;
        QHash<QString, CustomerRow> rows;
        QHash<QString, BalanceRow> balanceRows;
    };
    // customer id -> meter id -> aggregate, in one limit period's current window.
    using UsageByCustomer = QHash<QString, QHash<QString, double>>;
    struct UsageWindow
    {
        TimeRange range;
        UsageByCustomer byCustomer;
    };
    // The usage the rows are built from: the windows of the month and of the limit periods in use, kept
    // current by the usage feed (GET /v1/usage/changes) from its cursor. A window is read in full when it is
    // new, when it rolls over (the feed names another range) and when the feed is truncated.
    struct KnownUsage
    {
        bool loaded = false;
        qint64 cursor = 0;
        QHash<Period, UsageWindow> windows;
    };
    // The customers whose rows the next refresh rebuilds; all of them after a full read or a change to plans,
    // meters, limits or a whole usage window.
    struct Dirty
    {
        bool all = true;
        QSet<QString> customers;
        void mark(const QString& id) { customers.insert(id); }
    };

    void enqueue(std::function<void()> job);
    void drain();
    void runSync();
    Status syncOnce();
    Status fullRead();
    Status followChanges();
    Status refreshUsage();
    Status readUsageWindows(const QSet<Period>& periods);
    void refreshRows();
    QSet<Period> periodsInUse() const;
    Result<UsageWindow> summaryOf(Period period);
    Status reloadBalances();
    void flushQueue();
    // false: the source is unreachable (the action stays queued).
    bool send(QueuedAction action);
    bool alreadyLanded(const QueuedAction& action);
    void finishAction(const QueuedAction& action, const Result<ActionResult>& result);
    Result<OverviewFigures> overview();
    void setStatus(SyncState state, const QString& message);
    void scheduleNext(bool failed, bool unreachable);
    DataSource& source() { return *m_source; }

    ConnectionSpec m_spec;
    std::unique_ptr<DataSource> m_source;
    std::unique_ptr<ActionQueue> m_queue;
    Known m_known;
    KnownUsage m_usage;
    Dirty m_dirty;
    SyncStatus m_status;
    QTimer m_timer; // the next sync: the interval, or the backoff after a failure
    int m_backoffMs = 0;
    bool m_sourceReachable = true;
    std::deque<std::function<void()>> m_jobs;
    bool m_running = false;
    bool m_syncQueued = false;
    QHash<QString, bool> m_announcedQueued; // action ids already reported as queued
};

} // namespace Meterline::Dashboard
