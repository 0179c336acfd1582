#pragma once

#include <QObject>

#include "core/database.h"
#include "core/webhookqueue.h"

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace Meterline::Api
{

// Sends due webhook deliveries over HTTP, on the dispatcher's thread: claims them from the queue with a
// lease, signs and posts each with its own timeout, and records every attempt's outcome. Lives on one thread
// (its network manager and database connection are that thread's).
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
    void finish(QNetworkReply* reply, const WebhookMessage& message, qint64 startedAtMs, qint64 durationMs);
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
