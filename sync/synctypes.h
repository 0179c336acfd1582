#pragma once

// The plain values that travel between the dashboard's GUI thread and its I/O worker (sync/).

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QUrl>
#include <QVariant>

#include "core/types.h"
#include "models/balancesmodel.h"
#include "models/customersmodel.h"
#include "models/eventsmodel.h"

namespace Meterline::Dashboard
{

// Where the dashboard's data come from.
struct ConnectionSpec
{
    enum class Kind
    {
        Local, // a store opened through core: a SQLite file path or postgresql://…
        Remote // a meterline-server over HTTP with an admin key
    };
    Kind kind = Kind::Local;
    QString database; // Local
    QUrl serverUrl;   // Remote: http://host:port (the /v1/ paths are appended)
    QString adminKey; // Remote: "mlk_…", sent as Bearer; never logged or shown
    // The durable action queue (a small SQLite file). Empty: <AppDataLocation>/action-queue.db.
    QString queuePath;
    bool demoDataWhenEmpty = false; // Local: fill an empty store with DemoData on the first sync
    int syncIntervalMs = 15'000;    // a sync every interval (and on refresh())
    int requestTimeoutMs = 15'000;  // Remote: each HTTP request; a timeout is a failure like any other
    int firstBackoffMs = 1'000;     // after a failed sync: 1 s, 2 s, 4 s … up to maxBackoffMs
    int maxBackoffMs = 60'000;
    // Overview: prepaid customers whose available balance is at or below this count as low (default 10.00).
    Money lowBalanceThreshold = Money::fromMicros(10 * Money::Scale);
    // Tests only (Remote): the first send of each action times out after this many ms (0: requestTimeoutMs),
    // so the answer of a request the server did receive can be lost on purpose.
    int firstAttemptTimeoutMs = 0;

    static ConnectionSpec local(const QString& database);
    static ConnectionSpec remote(const QUrl& serverUrl, const QString& adminKey);
    // The database path or the server URL: what a status bar or a recent-connections menu shows.
    QString displayName() const;
    bool isRemote() const { return kind == Kind::Remote; }
};

enum class SyncState
{
    Idle,    // the last sync succeeded; the next one is scheduled
    Syncing, // a sync is running
    Offline, // the server cannot be reached (connection refused, timeout): retrying with backoff
    Error    // the source answered with an error (bad key, unreadable database): retrying with backoff
};

struct SyncStatus
{
    SyncState state = SyncState::Idle;
    QDateTime lastSuccess; // invalid before the first successful sync
    QString message;       // the last failure, in words; empty when the last sync succeeded
    int queuedActions = 0; // actions waiting in the durable queue
    int retryInMs = 0;     // Offline/Error: when the next attempt runs
    // The last sync's usage figures read (summary rows, or the usage feed's for the customers that moved):
    // what an incremental sync costs, for the bench and the tests.
    qint64 usageFiguresRead = 0;
    // Syncing a first load: the customer rows sent to the model so far, of all of them (0 of 0 otherwise).
    int customersLoaded = 0;
    int customersTotal = 0;
};

// Usage over time for a chart: one meter, optionally one customer, bucketed by hour, day or month.
struct SeriesRequest
{
    QString meterId;
    QString customerId; // empty: all customers
    Window bucket = Window::Day;
    QDateTime from; // required, half-open [from, to)
    QDateTime to;
    Dimensions filters; // optional filter.<dim>=<value>
};

// The Overview page's figures (UTC calendar day and month).
struct OverviewFigures
{
    QDateTime computedAt;
    QMap<QString, double> usageToday;     // meter id -> aggregate today
    QMap<QString, double> usageThisMonth; // meter id -> aggregate this month
    int customers = 0;
    int customersNearLimit = 0; // LimitHealth::Near
    int customersOverLimit = 0; // LimitHealth::Over
    int lowBalances = 0;        // prepaid customers with available() <= lowBalanceThreshold
    Money lowBalanceThreshold;
    Money totalAvailable; // sum of available() over prepaid customers
};

// One operator action. Actions are sent by the worker; while a remote server is unreachable the queueable
// ones wait in the durable queue (each with its id and, for money, its idempotency key) and are sent once.
enum class ActionKind
{
    CreateCustomer,
    UpdateCustomer,
    CreatePlan,
    ReplacePlan,
    CreateMeter,
    ReplaceMeter,
    CreateLimit,
    ReplaceLimit,
    DeleteLimit,
    Credit,
    Debit,
    SetReserve,
    CreateApiKey, // not queued: the secret must be shown now
    RevokeApiKey,
    CreateWebhook, // not queued: the secret must be shown now
    DeleteWebhook,
    TestWebhook,   // not queued
    RetryDelivery, // not queued
};

struct QueuedAction
{
    QString id; // uuid, made by SyncClient; actionFinished carries it
    ActionKind kind = ActionKind::CreateCustomer;
    QString targetId;    // the path id (customer, plan, meter, limit, key, webhook, delivery)
    QJsonObject payload; // the request body in the HTTP API's form (docs/api.md), idempotencyKey included
    QDateTime queuedAt;
    int attempts = 0;
};

// What an action returned, as a QVariant holding the core value: Customer, Plan, Meter, Limit,
// BalanceChangeResult (credit, debit: the transaction, the new balance and whether it was a replay), Balance
// (reserve), ApiKeyCreated (with its one-time secret), WebhookEndpoint (with its one-time secret),
// WebhookDelivery (test, retry). Invalid for a delete or revoke.
using ActionResult = QVariant;

} // namespace Meterline::Dashboard

Q_DECLARE_METATYPE(Meterline::Dashboard::ConnectionSpec)
Q_DECLARE_METATYPE(Meterline::Dashboard::SyncStatus)
Q_DECLARE_METATYPE(Meterline::Dashboard::SeriesRequest)
Q_DECLARE_METATYPE(Meterline::Dashboard::OverviewFigures)
Q_DECLARE_METATYPE(Meterline::Dashboard::QueuedAction)
