#include "server/api/webhooksender.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <algorithm>
#include <memory>
#include <utility>

#include "server/api/webhooksigner.h"

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcWebhooks, "meterline.server.webhooks", QtInfoMsg)

namespace Meterline::Api
{

namespace
{

// One address to connect to, since the connection goes to the address that was checked: the first IPv4 one
// (what a receiver with both kinds most surely listens on), else the first.
QHostAddress preferredAddress(const QList<QHostAddress>& addresses)
{
    for (const QHostAddress& address : addresses) {
        if (address.protocol() == QAbstractSocket::IPv4Protocol)
            return address;
    }
    return addresses.constFirst();
}

} // namespace

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
    ++m_inFlight;
    const qint64 startedAt = QDateTime::currentMSecsSinceEpoch();
    const QUrl url(message.url);
    if (const QString refused = m_options.targets.refusalOfUrl(url); !refused.isEmpty())
        return finishUnsent(message, startedAt, u"refused: "_s + refused);
    QHostAddress literal;
    if (literal.setAddress(url.host()))
        return post(message, literal, startedAt);
    // Looked up here, and every address checked: a name that resolves to a refused address is refused, whatever
    // it resolved to when the endpoint was created. The lookup counts in the attempt's timeout, so the attempt
    // ends within it (and within its lease) even when a name server never answers.
    auto ended = std::make_shared<bool>(false); // the answer or the deadline, whichever comes first
    auto resolved = [this, message, startedAt, ended, host = url.host()](const QHostInfo& info) {
        if (std::exchange(*ended, true))
            return;
        if (m_stopping)
            return finishUnsent(message, startedAt, u"not sent: the server stopped during the lookup"_s);
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            const QString why = info.error() != QHostInfo::NoError ? info.errorString() : u"no addresses"_s;
            return finishUnsent(message, startedAt, u"cannot look up %1: %2"_s.arg(host, why));
        }
        for (const QHostAddress& address : info.addresses()) {
            if (const QString refused = m_options.targets.refusalOfAddress(host, address); !refused.isEmpty())
                return finishUnsent(message, startedAt, u"refused: "_s + refused);
        }
        post(message, preferredAddress(info.addresses()), startedAt);
    };
    int lookupId = -1;
    if (m_options.lookup)
        m_options.lookup(url.host(), this, resolved);
    else
        lookupId = QHostInfo::lookupHost(url.host(), this, resolved);
    QTimer::singleShot(m_options.timeoutMs, this, [this, message, startedAt, ended, lookupId, host = url.host()] {
        if (std::exchange(*ended, true))
            return;
        if (lookupId >= 0)
            QHostInfo::abortHostLookup(lookupId);
        finishUnsent(message, startedAt, u"cannot look up %1 within %2 ms"_s.arg(host).arg(m_options.timeoutMs));
    });
}

void WebhookSender::post(const WebhookMessage& message, const QHostAddress& address, qint64 startedAt)
{
    const QUrl endpoint(message.url);
    QNetworkRequest request{endpoint};
    if (QHostAddress(endpoint.host()).isNull()) {
        // A name: to the address that was checked. The URL's host becomes that address, while the Host header
        // and, over https, the name the certificate must carry (and SNI) stay the endpoint's own host.
        QUrl pinned = endpoint;
        pinned.setHost(address.toString());
        request.setUrl(pinned);
        const int port = endpoint.port();
        request.setRawHeader(
            "Host", QUrl::toAce(endpoint.host()) + (port >= 0 ? ':' + QByteArray::number(port) : QByteArray()));
        request.setPeerVerifyName(endpoint.host());
        // HTTP/1.1: HTTP/2 would name the authority from the URL, that is the bare address.
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    }
    // No cookies: a receiver's cookie would otherwise go to every endpoint on the same (pinned) address.
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    // A fresh timestamp and signature per attempt (receivers reject old timestamps); the id stays.
    const qint64 timestamp = QDateTime::currentSecsSinceEpoch();
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Meterline-Webhooks/1"));
    request.setRawHeader("webhook-id", message.deliveryId.toUtf8());
    request.setRawHeader("webhook-timestamp", QByteArray::number(timestamp));
    request.setRawHeader("webhook-signature",
                         WebhookSigner::sign(message.secret, message.deliveryId, timestamp, message.body));
    // A redirect is an answer that is not 2xx: the signed body is never sent on to another address, refused or not.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QElapsedTimer clock;
    clock.start();
    QNetworkReply* reply = m_network->post(request, message.body);
    // A deadline for the whole attempt, the lookup included (Qt's transfer timeout only measures silence): the
    // lease must outlast it.
    const qint64 left = m_options.timeoutMs - (QDateTime::currentMSecsSinceEpoch() - startedAt);
    QTimer::singleShot(int(std::max<qint64>(left, 1)), reply, [reply] { reply->abort(); });
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
    record(message, outcome);
}

void WebhookSender::finishUnsent(const WebhookMessage& message, qint64 startedAtMs, const QString& error)
{
    WebhookAttemptOutcome outcome;
    outcome.startedAtMs = startedAtMs;
    outcome.durationMs = QDateTime::currentMSecsSinceEpoch() - startedAtMs;
    outcome.error = error;
    record(message, outcome);
}

void WebhookSender::record(const WebhookMessage& message, const WebhookAttemptOutcome& outcome)
{
    auto state = m_queue.finish(message, outcome, QDateTime::currentMSecsSinceEpoch());
    if (!state.ok())
        qCWarning(lcWebhooks) << "delivery" << message.deliveryId << "outcome not stored:" << state.error().message;
    else
        qCInfo(lcWebhooks).noquote() << "delivery" << message.deliveryId << "attempt" << message.attempts + 1 << "to"
                                     << message.endpointId << ":"
                                     << (outcome.error.isEmpty() ? QStringLiteral("ok") : outcome.error) << "in"
                                     << outcome.durationMs << "ms ->" << state.value();
    --m_inFlight;
    drainIfDone();
}

} // namespace Meterline::Api
