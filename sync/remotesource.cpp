#include "sync/remotesource.h"

#include <QBuffer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include "core/periods.h"
#include "wire/answers.h"
#include "wire/invoicecsvreader.h"
#include "wire/requests.h"

namespace Meterline::Dashboard
{

namespace
{

QUrlQuery feedQuery(const QString& since, int limit)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("since"), since);
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    return q;
}

QString segment(const QString& id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

// period=lifetime for an unbounded range, from/to otherwise.
void addRange(QUrlQuery& query, const TimeRange& range)
{
    if (!range.from.isValid() && !range.to.isValid()) {
        query.addQueryItem(QStringLiteral("period"), QStringLiteral("lifetime"));
        return;
    }
    query.addQueryItem(QStringLiteral("from"), Periods::toIso(range.from));
    query.addQueryItem(QStringLiteral("to"), Periods::toIso(range.to));
}

void addFilters(QUrlQuery& query, const Dimensions& filters)
{
    for (auto it = filters.cbegin(); it != filters.cend(); ++it)
        query.addQueryItem(QStringLiteral("filter.") + it.key(), it.value());
}

template <typename T> Result<T> decode(const Result<QJsonObject>& json, Result<T> (*from)(const QJsonObject&))
{
    if (!json.ok())
        return json.error();
    return from(json.value());
}

// {data: [...]} of a list route.
template <typename T> Result<QList<T>> decodeList(const Result<QJsonObject>& json)
{
    if (!json.ok())
        return json.error();
    return Wire::decodeList<T>(json.value());
}

template <typename T>
Result<ActionResult> asAction(const Result<QJsonObject>& json, Result<T> (*from)(const QJsonObject&))
{
    auto value = decode(json, from);
    if (!value.ok())
        return value.error();
    return QVariant::fromValue(std::move(value).value());
}

Result<ActionResult> asEmptyAction(const Result<QJsonObject>& json)
{
    if (!json.ok())
        return json.error();
    return QVariant();
}

bool unreachable(QNetworkReply::NetworkError error, int status)
{
    // No HTTP answer at all (refused, reset, timed out) or a gateway that could not reach the server.
    return status == 0 || error == QNetworkReply::ConnectionRefusedError || status == 502 || status == 503
           || status == 504;
}

} // namespace

RemoteSource::RemoteSource(QUrl serverUrl, QString adminKey, int timeoutMs)
    : m_base(std::move(serverUrl))
    , m_key(std::move(adminKey))
    , m_timeoutMs(timeoutMs)
{
}

RemoteSource::~RemoteSource() = default;

Status RemoteSource::open()
{
    if (!m_base.isValid() || (m_base.scheme() != QStringLiteral("http") && m_base.scheme() != QStringLiteral("https")))
        return Error::invalid(QStringLiteral("the server URL must start with http:// or https://"));
    if (!m_network)
        m_network = std::make_unique<QNetworkAccessManager>();
    return success();
}

Result<RemoteSource::Reply> RemoteSource::send(const QByteArray& method,
                                               const QString& path,
                                               const QUrlQuery& query,
                                               const QByteArray& body,
                                               int timeoutMs,
                                               const Sink* sinkOrNull)
{
    if (Status opened = open(); !opened.ok())
        return opened.error();
    QUrl url = m_base;
    QString basePath = url.path();
    if (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + path, QUrl::TolerantMode);
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_key.toUtf8());
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = m_network->sendCustomRequest(request, method, body);
    const Sink sink = sinkOrNull ? *sinkOrNull : Sink{};

    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    bool timedOut = false;
    bool cancelled = false;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&deadline, &QTimer::timeout, reply, [&timedOut, reply] {
        timedOut = true;
        reply->abort();
    });
    qint64 streamed = 0;
    if (sink.out) {
        // Streaming: the deadline is for silence, not for the whole download.
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [&, reply] {
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
                return; // an error body is read whole below
            if (sink.cancel && sink.cancel->load()) {
                cancelled = true;
                reply->abort();
                return;
            }
            const QByteArray chunk = reply->readAll();
            if (sink.out->write(chunk) != chunk.size()) {
                reply->abort();
                return;
            }
            streamed += chunk.size();
            if (sink.progress)
                sink.progress(streamed, 0);
            deadline.start(timeoutMs);
        });
    }
    deadline.start(timeoutMs);
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    deadline.stop();

    Reply answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (!timedOut && !cancelled)
        answer.body = reply->readAll();
    const QNetworkReply::NetworkError error = reply->error();
    const QString errorText = reply->errorString();
    reply->deleteLater();

    if (cancelled)
        return Error{SourceError::Cancelled, QStringLiteral("export cancelled"), {}};
    if (timedOut)
        return Error{SourceError::Unreachable,
                     QStringLiteral("%1 did not answer within %2 ms").arg(m_base.toDisplayString()).arg(timeoutMs),
                     {}};
    if (unreachable(error, answer.status))
        return Error{SourceError::Unreachable,
                     QStringLiteral("%1 cannot be reached: %2").arg(m_base.toDisplayString(), errorText),
                     {}};
    if (answer.status >= 400 || answer.status == 0)
        return Wire::errorFrom(answer.body, answer.status);
    if (sink.out && !answer.body.isEmpty()) {
        if (sink.out->write(answer.body) != answer.body.size())
            return Error::storage(QStringLiteral("cannot write the export: %1").arg(sink.out->errorString()));
    }
    return answer;
}

Result<QJsonObject>
RemoteSource::sendJson(const QByteArray& method, const QString& path, const QJsonObject& body, int timeoutMs)
{
    const QByteArray payload =
        method == "GET" || method == "DELETE" ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    auto reply = send(method, path, {}, payload, timeoutMs);
    if (!reply.ok())
        return reply.error();
    if (reply->body.isEmpty())
        return QJsonObject();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(reply->body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return Error::invalid(QStringLiteral("the server's answer to %1 is not a JSON object").arg(path));
    return doc.object();
}

Result<QJsonObject> RemoteSource::getJson(const QString& path, const QUrlQuery& query)
{
    auto reply = send("GET", path, query, {}, m_timeoutMs);
    if (!reply.ok())
        return reply.error();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(reply->body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return Error::invalid(QStringLiteral("the server's answer to %1 is not a JSON object").arg(path));
    return doc.object();
}

template <typename Page> Result<Page> RemoteSource::feedPage(const QString& path, const QString& since, int limit)
{
    return decode(getJson(path, feedQuery(since, limit)), Wire::decode<Page>);
}

template <typename Page> Result<qint64> RemoteSource::latestCursor(const QString& path)
{
    auto page = feedPage<Page>(path, QStringLiteral("latest"), 1);
    if (!page.ok())
        return page.error();
    return page->nextCursor;
}

Result<ChangePage> RemoteSource::changes(qint64 since, int limit)
{
    return feedPage<ChangePage>(QStringLiteral("/v1/changes"), QString::number(since), limit);
}

Result<qint64> RemoteSource::latestChange()
{
    return latestCursor<ChangePage>(QStringLiteral("/v1/changes"));
}

Result<UsageChangePage> RemoteSource::usageChanges(qint64 since, int limit)
{
    return feedPage<UsageChangePage>(QStringLiteral("/v1/usage/changes"), QString::number(since), limit);
}

Result<qint64> RemoteSource::latestUsageChange()
{
    return latestCursor<UsageChangePage>(QStringLiteral("/v1/usage/changes"));
}

Result<QList<Customer>> RemoteSource::customers()
{
    return decodeList<Customer>(getJson(QStringLiteral("/v1/customers")));
}

Result<Customer> RemoteSource::customer(const QString& id)
{
    return decode(getJson(QStringLiteral("/v1/customers/") + segment(id)), Wire::decode<Customer>);
}

Result<QList<Plan>> RemoteSource::plans()
{
    return decodeList<Plan>(getJson(QStringLiteral("/v1/plans")));
}

Result<QList<Meter>> RemoteSource::meters()
{
    return decodeList<Meter>(getJson(QStringLiteral("/v1/meters")));
}

Result<QList<Limit>> RemoteSource::limits()
{
    return decodeList<Limit>(getJson(QStringLiteral("/v1/limits")));
}

Result<Balance> RemoteSource::balance(const QString& customerId)
{
    return decode(getJson(QStringLiteral("/v1/customers/%1/balance").arg(segment(customerId))), Wire::decode<Balance>);
}

Result<BalancePage> RemoteSource::balances(const QString& cursor, int limit)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (!cursor.isEmpty())
        q.addQueryItem(QStringLiteral("cursor"), QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
    return decode(getJson(QStringLiteral("/v1/balances"), q), Wire::decode<BalancePage>);
}

Result<QList<ApiKey>> RemoteSource::apiKeys()
{
    return decodeList<ApiKey>(getJson(QStringLiteral("/v1/api-keys")));
}

Result<QList<WebhookEndpoint>> RemoteSource::webhooks()
{
    return decodeList<WebhookEndpoint>(getJson(QStringLiteral("/v1/webhooks")));
}

Result<TimeRange> RemoteSource::resolvePeriod(NamedPeriod period)
{
    // The server's calendar is UTC like ours; the clocks are assumed to agree to the second.
    return Periods::namedRange(period, QDateTime::currentDateTimeUtc());
}

Result<SummaryPage>
RemoteSource::usageSummary(const TimeRange& range, const QString& customerId, const QString& cursor, int limit)
{
    QUrlQuery q;
    addRange(q, range);
    if (!customerId.isEmpty())
        q.addQueryItem(QStringLiteral("customerId"), customerId);
    if (!cursor.isEmpty())
        q.addQueryItem(QStringLiteral("cursor"), QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    return decode(getJson(QStringLiteral("/v1/usage/summary"), q), Wire::decode<SummaryPage>);
}

Result<UsageResult> RemoteSource::usage(const UsageQuery& query)
{
    QUrlQuery q;
    if (query.period)
        q.addQueryItem(QStringLiteral("period"), toString(*query.period));
    else
        addRange(q, {query.from, query.to});
    if (!query.customerId.isEmpty())
        q.addQueryItem(QStringLiteral("customerId"), query.customerId);
    for (const QString& g : query.groupBy)
        q.addQueryItem(QStringLiteral("groupBy"), g);
    if (query.window)
        q.addQueryItem(QStringLiteral("window"), toString(*query.window));
    addFilters(q, query.filters);
    return decode(getJson(QStringLiteral("/v1/meters/%1/usage").arg(segment(query.meterId)), q),
                  Wire::decode<UsageResult>);
}

Result<EventPage> RemoteSource::events(const EventQuery& query)
{
    QUrlQuery q;
    if (!query.customerId.isEmpty())
        q.addQueryItem(QStringLiteral("customerId"), query.customerId);
    if (!query.eventType.isEmpty())
        q.addQueryItem(QStringLiteral("eventType"), query.eventType);
    if (query.from.isValid())
        q.addQueryItem(QStringLiteral("from"), Periods::toIso(query.from));
    if (query.to.isValid())
        q.addQueryItem(QStringLiteral("to"), Periods::toIso(query.to));
    addFilters(q, query.dimensions);
    q.addQueryItem(QStringLiteral("limit"), QString::number(query.limit));
    if (!query.cursor.isEmpty())
        q.addQueryItem(QStringLiteral("cursor"), QString::fromLatin1(QUrl::toPercentEncoding(query.cursor)));
    return decode(getJson(QStringLiteral("/v1/events"), q), Wire::decode<EventPage>);
}

Result<QList<InvoiceLine>> RemoteSource::invoiceLines(const TimeRange& range)
{
    QUrlQuery q;
    addRange(q, range);
    auto reply = send("GET", QStringLiteral("/v1/exports/invoices.csv"), q, {}, m_timeoutMs);
    if (!reply.ok())
        return reply.error();
    return Wire::invoiceLinesFromCsv(reply->body);
}

Result<LedgerPage> RemoteSource::transactions(const QString& customerId, const QString& cursor, int limit)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (!cursor.isEmpty())
        q.addQueryItem(QStringLiteral("cursor"), QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
    return decode(getJson(QStringLiteral("/v1/customers/%1/balance/transactions").arg(segment(customerId)), q),
                  Wire::decode<LedgerPage>);
}

Result<CheckResult> RemoteSource::check(const CheckRequest& request)
{
    QJsonObject body{{QStringLiteral("customerId"), request.customerId}};
    if (!request.meterId.isEmpty())
        body.insert(QStringLiteral("meterId"), request.meterId);
    return decode(sendJson("POST", QStringLiteral("/v1/limits/check"), body, m_timeoutMs), Wire::decode<CheckResult>);
}

Result<QList<WebhookDelivery>> RemoteSource::deliveries(const QString& webhookId, int limit)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    return decodeList<WebhookDelivery>(
        getJson(QStringLiteral("/v1/webhooks/%1/deliveries").arg(segment(webhookId)), q));
}

Result<ActionResult> RemoteSource::perform(const QueuedAction& action)
{
    const int timeout = action.attempts == 0 && m_firstAttemptTimeoutMs > 0 ? m_firstAttemptTimeoutMs : m_timeoutMs;
    const QString id = segment(action.targetId);
    const QJsonObject& p = action.payload;
    const auto call = [&](const QByteArray& method, const QString& path) { return sendJson(method, path, p, timeout); };
    switch (action.kind) {
    case ActionKind::CreateCustomer:
        return asAction(call("POST", QStringLiteral("/v1/customers")), Wire::decode<Customer>);
    case ActionKind::UpdateCustomer:
        return asAction(call("PATCH", QStringLiteral("/v1/customers/") + id), Wire::decode<Customer>);
    case ActionKind::CreatePlan:
        return asAction(call("POST", QStringLiteral("/v1/plans")), Wire::decode<Plan>);
    case ActionKind::ReplacePlan:
        return asAction(call("PUT", QStringLiteral("/v1/plans/") + id), Wire::decode<Plan>);
    case ActionKind::CreateMeter:
        return asAction(call("POST", QStringLiteral("/v1/meters")), Wire::decode<Meter>);
    case ActionKind::ReplaceMeter:
        return asAction(call("PUT", QStringLiteral("/v1/meters/") + id), Wire::decode<Meter>);
    case ActionKind::CreateLimit:
        return asAction(call("POST", QStringLiteral("/v1/limits")), Wire::decode<Limit>);
    case ActionKind::ReplaceLimit:
        return asAction(call("PUT", QStringLiteral("/v1/limits/") + id), Wire::decode<Limit>);
    case ActionKind::DeleteLimit:
        return asEmptyAction(call("DELETE", QStringLiteral("/v1/limits/") + id));
    case ActionKind::Credit:
        return asAction(call("POST", QStringLiteral("/v1/customers/%1/balance/credit").arg(id)),
                        Wire::decode<BalanceChangeResult>);
    case ActionKind::Debit:
        return asAction(call("POST", QStringLiteral("/v1/customers/%1/balance/debit").arg(id)),
                        Wire::decode<BalanceChangeResult>);
    case ActionKind::SetReserve:
        return asAction(call("PUT", QStringLiteral("/v1/customers/%1/balance/reserve").arg(id)), Wire::decode<Balance>);
    case ActionKind::CreateApiKey:
        return asAction(call("POST", QStringLiteral("/v1/api-keys")), Wire::decode<ApiKeyCreated>);
    case ActionKind::RevokeApiKey:
        return asEmptyAction(call("DELETE", QStringLiteral("/v1/api-keys/") + id));
    case ActionKind::CreateWebhook:
        return asAction(call("POST", QStringLiteral("/v1/webhooks")), Wire::decode<WebhookEndpoint>);
    case ActionKind::DeleteWebhook:
        return asEmptyAction(call("DELETE", QStringLiteral("/v1/webhooks/") + id));
    case ActionKind::TestWebhook:
        return asAction(call("POST", QStringLiteral("/v1/webhooks/%1/test").arg(id)), Wire::decode<WebhookDelivery>);
    case ActionKind::RetryDelivery:
        return asAction(call("POST",
                             QStringLiteral("/v1/webhooks/%1/deliveries/%2/retry")
                                 .arg(segment(p.value(QStringLiteral("webhookId")).toString()), id)),
                        Wire::decode<WebhookDelivery>);
    }
    return Error::invalid(QStringLiteral("unknown action"));
}

Status RemoteSource::writeExport(Export kind,
                                 const TimeRange& range,
                                 const QString& customerId,
                                 QIODevice& out,
                                 const std::atomic_bool& cancel,
                                 const std::function<void(qint64, qint64)>& progress)
{
    QUrlQuery q;
    addRange(q, range);
    if (kind == Export::Usage && !customerId.isEmpty())
        q.addQueryItem(QStringLiteral("customerId"), customerId);
    const QString path =
        kind == Export::Invoices ? QStringLiteral("/v1/exports/invoices.csv") : QStringLiteral("/v1/exports/usage.csv");
    const Sink sink{&out, &cancel, progress};
    auto reply = send("GET", path, q, {}, m_timeoutMs, &sink);
    return toStatus(reply);
}

} // namespace Meterline::Dashboard
