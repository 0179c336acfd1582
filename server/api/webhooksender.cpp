#include "server/api/webhooksender.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include "server/api/webhooksigner.h"

Q_LOGGING_CATEGORY(lcWebhooks, "meterline.server.webhooks", QtInfoMsg)

namespace Meterline::Api
{

WebhookSender::WebhookSender(Database& database, Options options)
    : m_database(database)
    , m_options(options)
    , m_queue(database, WebhookRetrySchedule(options.retryScale))
{
}

WebhookSender::~WebhookSender() = default;

void WebhookSender::start()
{
    m_network = new QNetworkAccessManager(this);
    m_poll = new QTimer(this);
    m_poll->setInterval(m_options.pollIntervalMs);
    connect(m_poll, &QTimer::timeout, this, &WebhookSender::poll);
    m_poll->start();
    poll(); // deliveries left from before a restart go at once
}

void WebhookSender::beginStop()
{
    m_stopping = true;
    if (m_poll)
        m_poll->stop();
    drainIfDone();
}

void WebhookSender::drainIfDone()
{
    if (!m_stopping || m_inFlight > 0)
        return;
    m_database.releaseThreadConnection();
    emit drained();
}

void WebhookSender::poll()
{
    const int room = m_options.maxInFlight - m_inFlight;
    if (m_stopping || room <= 0)
        return;
    auto claimed = m_queue.claim(room, QDateTime::currentMSecsSinceEpoch(), m_options.lease());
    if (!claimed.ok()) {
        qCWarning(lcWebhooks) << "cannot claim deliveries:" << claimed.error().message;
        return;
    }
    for (const WebhookMessage& message : claimed.value())
        send(message);
}

void WebhookSender::send(const WebhookMessage& message)
{
    // A fresh timestamp and signature per attempt (receivers reject old timestamps); the id stays.
    const qint64 timestamp = QDateTime::currentSecsSinceEpoch();
    QNetworkRequest request{QUrl(message.url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Meterline-Webhooks/1"));
    request.setRawHeader("webhook-id", message.deliveryId.toUtf8());
    request.setRawHeader("webhook-timestamp", QByteArray::number(timestamp));
    request.setRawHeader("webhook-signature",
                         WebhookSigner::sign(message.secret, message.deliveryId, timestamp, message.body));
    // A redirect is an answer that is not 2xx: the signed body is not sent on to another address.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    const qint64 startedAt = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer clock;
    clock.start();
    QNetworkReply* reply = m_network->post(request, message.body);
    ++m_inFlight;
    // A deadline for the whole attempt (Qt's transfer timeout only measures silence): the lease must outlast it.
    QTimer::singleShot(m_options.timeoutMs, reply, [reply] { reply->abort(); });
    connect(reply, &QNetworkReply::finished, this, [this, reply, message, startedAt, clock] {
        finish(reply, message, startedAt, clock.elapsed());
    });
}

void WebhookSender::finish(QNetworkReply* reply, const WebhookMessage& message, qint64 startedAtMs, qint64 durationMs)
{
    reply->deleteLater();
    WebhookAttemptOutcome outcome;
    outcome.startedAtMs = startedAtMs;
    outcome.durationMs = durationMs;
    outcome.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (outcome.status == 0) {
        outcome.error = reply->error() == QNetworkReply::OperationCanceledError
                            ? QStringLiteral("no answer within %1 ms").arg(m_options.timeoutMs)
                            : reply->errorString();
    } else if (outcome.status < 200 || outcome.status >= 300) {
        outcome.error = QStringLiteral("HTTP %1").arg(outcome.status);
    }
    auto state = m_queue.finish(message, outcome, QDateTime::currentMSecsSinceEpoch());
    if (!state.ok())
        qCWarning(lcWebhooks) << "delivery" << message.deliveryId << "outcome not stored:" << state.error().message;
    else
        qCInfo(lcWebhooks).noquote() << "delivery" << message.deliveryId << "attempt" << message.attempts + 1 << "to"
                                     << message.endpointId << ":"
                                     << (outcome.error.isEmpty() ? QStringLiteral("ok") : outcome.error) << "in"
                                     << durationMs << "ms ->" << state.value();
    --m_inFlight;
    drainIfDone();
}

} // namespace Meterline::Api
