#pragma once

#include <QObject>
#include <functional>

#include "core/database.h"
#include "core/webhookqueue.h"
#include "server/api/webhooktargets.h"

class QHostAddress;
class QHostInfo;
class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace Meterline::Api
{

// Sends due webhook deliveries over HTTP, on the dispatcher's thread: claims them from the queue with a
// lease, looks the endpoint's host up and checks each address against the targets, signs and posts each to the
// address it checked (so a second lookup cannot lead elsewhere) with its own timeout, and records every
// attempt's outcome. Lives on one thread (its network manager and database connection are that thread's).
class WebhookSender : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        int pollIntervalMs = 1000; // how often the outbox is looked at for due deliveries
        int timeoutMs = 10'000;    // per attempt, connecting included
        qint64 leaseMs = 0;        // how long a claimed delivery stays this sender's; 0: timeout + 30 s
        int maxInFlight = 16;
        double retryScale = 1.0; // scales the retry schedule (tests)
        WebhookTargets targets;  // where deliveries may go: public addresses over https, and the allow-list
        // Looks a host up and calls `done` in `context`'s thread: QHostInfo::lookupHost when empty (tests put
        // in names of their own).
        std::function<void(const QString& host, QObject* context, std::function<void(const QHostInfo&)> done)> lookup;

        // serve fills these from [webhooks] of the configuration file and METERLINE_WEBHOOK_* (ServerSettingsBuilder).
        qint64 lease() const { return leaseMs > 0 ? leaseMs : timeoutMs + 30'000; }
    };

    WebhookSender(Database& database, Options options);
    ~WebhookSender() override;

    void start();     // on the sender's thread
    void beginStop(); // no new claims; drained() once the attempts in flight have ended

signals:
    void drained();

private:
    void poll();
    void send(const WebhookMessage& message);
    void post(const WebhookMessage& message, const QHostAddress& address, qint64 startedAtMs);
    void finish(QNetworkReply* reply, const WebhookMessage& message, qint64 startedAtMs, qint64 durationMs);
    // An attempt that was refused or failed before anything was sent.
    void finishUnsent(const WebhookMessage& message, qint64 startedAtMs, const QString& error);
    void record(const WebhookMessage& message, const WebhookAttemptOutcome& outcome);
    void drainIfDone();

    Database& m_database;
    Options m_options;
    WebhookQueue m_queue;
    QNetworkAccessManager* m_network = nullptr;
    QTimer* m_poll = nullptr; // made in start(), on the sender's thread
    int m_inFlight = 0;
    bool m_stopping = false;
};

} // namespace Meterline::Api
