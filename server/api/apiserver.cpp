#include "server/api/apiserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTemporaryFile>

#include "core/checkcache.h"
#include "core/database.h"
#include "core/periods.h"
#include "core/validation.h"
#include "server/api/errorstatus.h"
#include "server/api/hotanswers.h"
#include "server/api/hotrequests.h"
#include "server/api/queryparams.h"
#include "server/api/ratelimiter.h"
#include "wire/answers.h"
#include "wire/jsonreader.h"
#include "wire/requests.h"

Q_LOGGING_CATEGORY(lcApi, "meterline.server.api", QtInfoMsg)

namespace Meterline::Api
{

// The JSON of every answer and request body is the wire library's, shared with the dashboard.
using namespace Meterline::Wire;

namespace
{

constexpr qint64 BodyCap = 1024 * 1024;           // 1 MiB
constexpr qint64 BatchBodyCap = 16 * 1024 * 1024; // 16 MiB

Http::Response json(int status, const QJsonObject& object)
{
    return Http::Response::json(status, compact(object));
}

Http::Response json(int status, const QJsonArray& array)
{
    return Http::Response::json(
        status, QJsonDocument(QJsonObject{{QStringLiteral("data"), array}}).toJson(QJsonDocument::Compact));
}

Http::Response fail(const Error& error)
{
    if (httpStatus(error.code) >= 500)
        qCWarning(lcApi) << "server fault:" << error.code << error.message;
    return errorResponse(error);
}

template <typename T> Http::Response answer(const Result<T>& result, int status = 200)
{
    if (!result.ok())
        return fail(result.error());
    return json(status, toJson(result.value()));
}

template <typename T> Http::Response answerList(const Result<QList<T>>& result)
{
    if (!result.ok())
        return fail(result.error());
    return json(200, toJsonArray(result.value()));
}

// A feed route (?since=<cursor>|latest&limit=): `latest` answers no entries and the newest cursor.
template <typename Page, typename Latest, typename Read>
Http::Response followFeed(const RouteContext& ctx, const Latest& latest, const Read& read)
{
    auto since = sinceParam(ctx.request.query);
    if (!since.ok())
        return fail(since.error());
    if (since->latest) {
        auto cursor = latest();
        if (!cursor.ok())
            return fail(cursor.error());
        Page page;
        page.nextCursor = cursor.value();
        return json(200, toJson(page));
    }
    auto limit = limitParam(ctx.request.query, 1000, 10000);
    if (!limit.ok())
        return fail(limit.error());
    return answer(read(since->seq, limit.value()));
}

Http::Response noContent(const Status& status)
{
    if (!status.ok())
        return fail(status.error());
    Http::Response r;
    r.status = 204;
    r.contentType.clear();
    return r;
}

Result<QJsonObject> body(const RouteContext& ctx)
{
    return parseObject(ctx.request.body);
}

// The request's body through the route's decoder: not a JSON object, or not the route's shape, is the error.
template <typename Decode> auto decodedBody(const RouteContext& ctx, Decode decode) -> decltype(decode(QJsonObject()))
{
    auto object = body(ctx);
    if (!object.ok())
        return object.error();
    return decode(object.value());
}

// period=… resolved by the service, or from/to (queryparams.h).
Result<TimeRange> periodOrRange(const Service& service, const Http::Request& request, bool required)
{
    return Api::periodOrRange(request.query, required, [&service](NamedPeriod p) { return service.resolvePeriod(p); });
}

// A CSV written by core into a temporary file, then streamed to the client in 64 KiB chunks.
Http::Response csvFile(std::shared_ptr<QTemporaryFile> file, const QString& filename)
{
    file->seek(0);
    Http::Response r;
    r.contentType = "text/csv; charset=utf-8";
    r.headers << qMakePair(QByteArray("Content-Disposition"), "attachment; filename=\"" + filename.toLatin1() + '"');
    r.stream = [file]() { return file->read(64 * 1024); };
    return r;
}

// The body's idempotencyKey or the Idempotency-Key header; both may be sent only when they agree.
Result<QString> idempotencyKey(const Http::Request& request, const QString& fromBody)
{
    const QString header = QString::fromUtf8(request.header("idempotency-key")).trimmed();
    if (header.isEmpty())
        return fromBody;
    if (!fromBody.isEmpty() && fromBody != header)
        return Error::invalid(QStringLiteral("the Idempotency-Key header and the body's idempotencyKey differ"),
                              QStringLiteral("idempotencyKey"));
    return header;
}

// The metrics label of a request no route took. Its method is the client's to choose (any token up to the 16 KiB
// head): a label per name would grow GET /metrics and the server's memory with every new name, so a method that is
// not a standard one is counted as OTHER.
QString unmatchedName(const QByteArray& method)
{
    static const QList<QByteArray> standard{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    return (standard.contains(method) ? QString::fromLatin1(method) : QStringLiteral("OTHER"))
           + QStringLiteral(" unmatched");
}

Error forbidden()
{
    return Error{QStringLiteral("forbidden"), QStringLiteral("this API key's scope does not allow this call"), {}};
}

bool allows(KeyScope scope, Access access)
{
    switch (access) {
    case Access::Public:
        return true;
    case Access::Ingest:
        return scope == KeyScope::Ingest || scope == KeyScope::Admin;
    case Access::Read:
        return scope == KeyScope::Read || scope == KeyScope::Admin;
    case Access::IngestOrRead:
        return true;
    case Access::Admin:
        return scope == KeyScope::Admin;
    }
    return false;
}

} // namespace

ApiServer::ApiServer(Service& service, Options options)
    : m_service(service)
    , m_options(std::move(options))
    , m_accessLog(m_options.accessLog)
    , m_committer(service, m_options.maxGroupCommit, [this](int events, qint64 micros) {
        m_metrics.observeGroupCommit(events, micros);
    })
{
    addRoutes();
}

ApiServer::~ApiServer()
{
    stop();
}

void ApiServer::stop()
{
    m_committer.stop();
}

Http::Handler ApiServer::handler()
{
    return [this](const Http::Request& request, const Http::Responder& responder) { handle(request, responder); };
}

Http::Limits ApiServer::limits() const
{
    Http::Limits limits;
    limits.maxBodyBytes = BodyCap;
    limits.maxBodyFor = [this](const QByteArray& method, const QString& path) {
        return m_router.maxBody(method, path);
    };
    return limits;
}

void ApiServer::handle(const Http::Request& request, const Http::Responder& responder)
{
    QElapsedTimer timer;
    timer.start();
    const CheckCache::RequestReading clockReading; // the key check and a cached check share one clock read
    const Router::Match match = m_router.match(request.method, request.path);
    const QString pattern = match.route ? match.route->pattern : QStringLiteral("unmatched");
    const QString routeName = match.route ? match.route->name : unmatchedName(request.method);
    QString keyId;
    auto finish = [this, responder, timer, routeName, pattern, method = request.method, id = request.id](
                      Http::Response response, const QString& key) {
        const qint64 micros = timer.nsecsElapsed() / 1000;
        m_metrics.observeRequest(routeName, response.status, micros);
        m_accessLog.write(method, pattern, response.status, micros, key, id.text());
        responder.send(std::move(response));
    };

    if (!match.route) {
        if (match.pathKnown) {
            Http::Response r = Http::Response::error(
                405,
                QStringLiteral("method_not_allowed"),
                QStringLiteral("%1 is not served on %2; use %3")
                    .arg(QString::fromLatin1(request.method), request.path, match.allowed.join(QStringLiteral(", "))));
            r.headers << qMakePair(QByteArray("Allow"), match.allowed.join(QStringLiteral(", ")).toLatin1());
            finish(std::move(r), {});
        } else {
            finish(Http::Response::error(
                       404, QStringLiteral("not_found"), QStringLiteral("no such route: %1").arg(request.path)),
                   {});
        }
        return;
    }

    const Route& route = *match.route;
    if (route.access != Access::Public) {
        const QByteArray authorization = request.header("authorization");
        if (!authorization.startsWith("Bearer ") || authorization.size() <= 7) {
            finish(errorResponse(Error{
                       QStringLiteral("unauthorized"), QStringLiteral("send Authorization: Bearer <API key>"), {}}),
                   {});
            return;
        }
        auto key = m_service.verifyApiKey(QString::fromLatin1(authorization.mid(7).trimmed()));
        if (!key.ok()) {
            finish(fail(key.error()), {});
            return;
        }
        keyId = key->id;
        if (!allows(key->scope, route.access)) {
            finish(errorResponse(forbidden()), keyId);
            return;
        }
        if (key->rateLimit > 0 && !m_rateLimiter.admit(keyId, key->rateLimit)) {
            Http::Response r =
                errorResponse(Error{QStringLiteral("rate_limited"),
                                    QStringLiteral("this API key allows %1 requests per second").arg(key->rateLimit),
                                    {}});
            r.headers << qMakePair(QByteArray("Retry-After"), QByteArray("1"));
            finish(std::move(r), keyId);
            return;
        }
        if (m_lastUse.due(keyId))
            m_service.touchApiKey(keyId).ok(); // best effort: a failed touch must not fail the request
    }

    const RouteContext context{request, match.params, keyId};
    if (route.handleAsync) {
        route.handleAsync(context, [finish = std::move(finish), keyId](Http::Response response) {
            finish(std::move(response), keyId);
        });
        return;
    }
    finish(route.handle(context), keyId);
}

void ApiServer::addRoute(const QByteArray& method,
                         const QString& pattern,
                         Access access,
                         qint64 maxBody,
                         std::function<Http::Response(const RouteContext&)> handle)
{
    m_router.add(Route{method, pattern, access, maxBody, std::move(handle), {}});
}

void ApiServer::addRoutes()
{
    addRoute("GET", QStringLiteral("/healthz"), Access::Public, BodyCap, [this](const RouteContext&) {
        const QJsonObject health{{QStringLiteral("status"), QStringLiteral("ok")},
                                 {QStringLiteral("schemaVersion"), m_service.database().schemaVersion()}};
        return json(200, health);
    });
    addRoute("GET", QStringLiteral("/metrics"), Access::Public, BodyCap, [this](const RouteContext&) {
        Http::Response r;
        r.contentType = "text/plain; version=0.0.4; charset=utf-8";
        r.body = m_metrics.exposition();
        return r;
    });
    addIngestRoutes();
    addCatalogRoutes();
    addBalanceRoutes();
    addUsageRoutes();
    addAdminRoutes();
}

void ApiServer::addIngestRoutes()
{
    addRoute("POST", QStringLiteral("/v1/limits/check"), Access::Ingest, BodyCap, [this](const RouteContext& ctx) {
        auto request = checkRequestFromBody(ctx.request.body); // flat bodies without a QJsonDocument
        if (!request.ok())
            return fail(request.error());
        auto result = m_service.check(request.value());
        if (!result.ok())
            return fail(result.error());
        result->allowed ? m_metrics.addCheckAllowed() : m_metrics.addCheckDenied();
        return Http::Response::json(200, checkAnswer(result.value()));
    });

    Route record{"POST", QStringLiteral("/v1/events"), Access::Ingest, BodyCap, {}, {}};
    record.handleAsync = [this](const RouteContext& ctx, std::function<void(Http::Response)> done) {
        auto input = eventInputFromBody(ctx.request.body); // flat bodies without a QJsonDocument
        if (!input.ok())
            return done(fail(input.error()));
        EventInput event = std::move(input).value();
        auto key = idempotencyKey(ctx.request, event.idempotencyKey);
        if (!key.ok())
            return done(fail(key.error()));
        event.idempotencyKey = std::move(key).value();
        m_committer.submit(std::move(event), [this, done = std::move(done)](Result<RecordResult> result) {
            if (!result.ok())
                return done(fail(result.error()));
            if (!result->duplicate)
                m_metrics.addEventsIngested(1);
            done(Http::Response::json(result->duplicate ? 200 : 201, recordAnswer(result.value())));
        });
    };
    m_router.add(std::move(record));

    // A batch is written by the committer's thread too (its own transaction): no worker waits for the write lock.
    Route batch{"POST", QStringLiteral("/v1/events/batch"), Access::Ingest, BatchBodyCap, {}, {}};
    batch.handleAsync = [this](const RouteContext& ctx, std::function<void(Http::Response)> done) {
        auto decoded = decodedBody(ctx, eventBatchFrom);
        if (!decoded.ok())
            return done(fail(decoded.error()));
        // Events that do not decode are rejected by index; the others go to core together.
        QList<EventInput> valid;
        QList<int> indexOf;
        BatchResult result;
        for (int i = 0; i < decoded->size(); ++i) {
            const auto& one = decoded->at(i);
            if (one.ok()) {
                valid << one.value();
                indexOf << i;
            } else {
                result.rejected << BatchRejection{i, one.error()};
            }
        }
        m_committer.submitBatch(std::move(valid), [this, done, result, indexOf](Result<BatchResult> recorded) mutable {
            if (!recorded.ok())
                return done(fail(recorded.error()));
            result.accepted = recorded->accepted;
            result.duplicates = recorded->duplicates;
            for (const BatchRejection& r : recorded->rejected) {
                Error error = r.error;
                const int index = indexOf.at(r.index);
                // The same field paths as decoding errors: events[3].timestamp.
                error.field =
                    QStringLiteral("events[%1]").arg(index) + (error.field.isEmpty() ? QString() : u'.' + error.field);
                result.rejected << BatchRejection{index, error};
            }
            std::sort(result.rejected.begin(),
                      result.rejected.end(),
                      [](const BatchRejection& a, const BatchRejection& b) { return a.index < b.index; });
            m_metrics.addEventsIngested(result.accepted);
            done(json(200, toJson(result)));
        });
    };
    m_router.add(std::move(batch));

    addRoute(
        "GET", QStringLiteral("/v1/reservations/{id}"), Access::IngestOrRead, BodyCap, [this](const RouteContext& ctx) {
            return answer(m_service.reservation(ctx.id()));
        });

    addRoute("GET", QStringLiteral("/v1/events"), Access::Read, BodyCap, [this](const RouteContext& ctx) {
        auto query = eventQueryFrom(ctx.request.query);
        if (!query.ok())
            return fail(query.error());
        return answer(m_service.events(query.value()));
    });
}

template <typename T> void ApiServer::addResource(const QString& collection, const Resource<T>& r)
{
    const QString item = collection + QStringLiteral("/{id}");
    addRoute("GET", collection, Access::Read, BodyCap, [this, r](const RouteContext&) {
        return answerList((m_service.*r.list)());
    });
    addRoute("POST", collection, Access::Admin, BodyCap, [this, r](const RouteContext& ctx) {
        auto value = decodedBody(ctx, [&](const QJsonObject& o) { return r.decode(o, QString()); });
        if (!value.ok())
            return fail(value.error());
        return answer((m_service.*r.create)(value.value()), 201);
    });
    addRoute("GET", item, Access::Read, BodyCap, [this, r](const RouteContext& ctx) {
        return answer((m_service.*r.get)(ctx.id()));
    });
    addRoute("PUT", item, Access::Admin, BodyCap, [this, r](const RouteContext& ctx) {
        auto value = decodedBody(ctx, [&](const QJsonObject& o) { return r.decode(o, ctx.id()); });
        if (!value.ok())
            return fail(value.error());
        return answer((m_service.*r.replace)(value.value()));
    });
    addRoute("DELETE", item, Access::Admin, BodyCap, [this, r](const RouteContext& ctx) {
        return noContent((m_service.*r.remove)(ctx.id()));
    });
}

void ApiServer::addCatalogRoutes()
{
    // Customers
    addRoute("GET", QStringLiteral("/v1/customers"), Access::Read, BodyCap, [this](const RouteContext&) {
        return answerList(m_service.customers());
    });
    addRoute("POST", QStringLiteral("/v1/customers"), Access::Admin, BodyCap, [this](const RouteContext& ctx) {
        auto customer = decodedBody(ctx, customerFrom);
        if (!customer.ok())
            return fail(customer.error());
        return answer(m_service.createCustomer(customer.value()), 201);
    });
    addRoute("GET", QStringLiteral("/v1/customers/{id}"), Access::Read, BodyCap, [this](const RouteContext& ctx) {
        return answer(m_service.customer(ctx.id()));
    });
    addRoute("PATCH", QStringLiteral("/v1/customers/{id}"), Access::Admin, BodyCap, [this](const RouteContext& ctx) {
        auto patch = decodedBody(ctx, customerPatchFrom);
        if (!patch.ok())
            return fail(patch.error());
        return answer(m_service.updateCustomer(ctx.id(), patch.value()));
    });
    addRoute("DELETE", QStringLiteral("/v1/customers/{id}"), Access::Admin, BodyCap, [this](const RouteContext& ctx) {
        return noContent(m_service.deleteCustomer(ctx.id()));
    });

    // Plans, meters and limits: the same five routes each (PUT replaces whole).
    addResource<Plan>(QStringLiteral("/v1/plans"),
                      {&Service::plans,
                       &Service::plan,
                       &planFrom,
                       &Service::createPlan,
                       &Service::replacePlan,
                       &Service::deletePlan});
    addResource<Meter>(QStringLiteral("/v1/meters"),
                       {&Service::meters,
                        &Service::meter,
                        &meterFrom,
                        &Service::createMeter,
                        &Service::replaceMeter,
                        &Service::deleteMeter});
    addResource<Limit>(QStringLiteral("/v1/limits"),
                       {&Service::limits,
                        &Service::limit,
                        &limitFrom,
                        &Service::createLimit,
                        &Service::replaceLimit,
                        &Service::deleteLimit});
}

void ApiServer::addBalanceRoutes()
{
    addRoute(
        "GET", QStringLiteral("/v1/customers/{id}/balance"), Access::Read, BodyCap, [this](const RouteContext& ctx) {
            return answer(m_service.balance(ctx.id()));
        });
    const auto change = [this](bool credit) {
        return [this, credit](const RouteContext& ctx) {
            auto input = decodedBody(ctx, balanceChangeFrom);
            if (!input.ok())
                return fail(input.error());
            BalanceChange c = input.value();
            c.actor = ctx.keyId;
            if (auto key = idempotencyKey(ctx.request, c.idempotencyKey); key.ok())
                c.idempotencyKey = key.value();
            else
                return fail(key.error());
            const QString id = ctx.id();
            auto result = credit ? m_service.credit(id, c) : m_service.debit(id, c);
            if (!result.ok())
                return fail(result.error());
            return json(result->duplicate ? 200 : 201, toJson(result.value()));
        };
    };
    addRoute("POST", QStringLiteral("/v1/customers/{id}/balance/credit"), Access::Admin, BodyCap, change(true));
    addRoute("POST", QStringLiteral("/v1/customers/{id}/balance/debit"), Access::Admin, BodyCap, change(false));
    addRoute("PUT",
             QStringLiteral("/v1/customers/{id}/balance/reserve"),
             Access::Admin,
             BodyCap,
             [this](const RouteContext& ctx) {
                 auto reserve = decodedBody(ctx, reserveFrom);
                 if (!reserve.ok())
                     return fail(reserve.error());
                 return answer(m_service.setReserve(ctx.id(), reserve.value(), ctx.keyId));
             });
    addRoute("GET", QStringLiteral("/v1/balances"), Access::Read, BodyCap, [this](const RouteContext& ctx) {
        auto limit = limitParam(ctx.request.query, 1000, 10000);
        if (!limit.ok())
            return fail(limit.error());
        auto page = m_service.balances(queryValue(ctx.request.query, QStringLiteral("cursor")), limit.value());
        if (!page.ok())
            return fail(page.error());
        return json(200, toJson(page.value()));
    });
    addRoute("GET",
             QStringLiteral("/v1/customers/{id}/balance/transactions"),
             Access::Read,
             BodyCap,
             [this](const RouteContext& ctx) {
                 auto limit = limitParam(ctx.request.query, 100, 1000);
                 if (!limit.ok())
                     return fail(limit.error());
                 return answer(m_service.transactions(
                     ctx.id(), queryValue(ctx.request.query, QStringLiteral("cursor")), limit.value()));
             });
}

void ApiServer::addUsageRoutes()
{
    addRoute("GET", QStringLiteral("/v1/meters/{id}/usage"), Access::Read, BodyCap, [this](const RouteContext& ctx) {
        auto query = usageQueryFrom(ctx.request.query, ctx.id());
        if (!query.ok())
            return fail(query.error());
        auto result = m_service.usage(query.value());
        if (!result.ok())
            return fail(result.error());
        return json(200, toJson(result.value(), query.value()));
    });
    addRoute("GET", QStringLiteral("/v1/usage/summary"), Access::Read, BodyCap, [this](const RouteContext& ctx) {
        auto range = periodOrRange(m_service, ctx.request, true);
        if (!range.ok())
            return fail(range.error());
        auto limit = limitParam(ctx.request.query, 1000, 10000);
        if (!limit.ok())
            return fail(limit.error());
        return answer(m_service.usageSummary(range.value(),
                                             queryValue(ctx.request.query, QStringLiteral("customerId")),
                                             queryValue(ctx.request.query, QStringLiteral("cursor")),
                                             limit.value()));
    });
    addRoute("GET", QStringLiteral("/v1/exports/invoices.csv"), Access::Read, BodyCap, [this](const RouteContext& ctx) {
        auto range = periodOrRange(m_service, ctx.request, true);
        if (!range.ok())
            return fail(range.error());
        auto file = std::make_shared<QTemporaryFile>();
        if (!file->open())
            return fail(Error::storage(QStringLiteral("cannot create a temporary file")));
        if (auto s = m_service.writeInvoiceCsv(range.value(), *file); !s.ok())
            return fail(s.error());
        return csvFile(file, QStringLiteral("invoices.csv"));
    });
    addRoute("GET", QStringLiteral("/v1/exports/usage.csv"), Access::Read, BodyCap, [this](const RouteContext& ctx) {
        auto range = periodOrRange(m_service, ctx.request, true);
        if (!range.ok())
            return fail(range.error());
        auto file = std::make_shared<QTemporaryFile>();
        if (!file->open())
            return fail(Error::storage(QStringLiteral("cannot create a temporary file")));
        if (auto s = m_service.writeUsageCsv(
                range.value(), queryValue(ctx.request.query, QStringLiteral("customerId")), *file);
            !s.ok())
            return fail(s.error());
        return csvFile(file, QStringLiteral("usage.csv"));
    });
    addRoute("GET", QStringLiteral("/v1/changes"), Access::Read, BodyCap, [this](const RouteContext& ctx) {
        return followFeed<ChangePage>(
            ctx,
            [this] { return m_service.latestChange(); },
            [this](qint64 since, int limit) { return m_service.changes(since, limit); });
    });
    addRoute("GET", QStringLiteral("/v1/usage/changes"), Access::Read, BodyCap, [this](const RouteContext& ctx) {
        return followFeed<UsageChangePage>(
            ctx,
            [this] { return m_service.latestUsageChange(); },
            [this](qint64 since, int limit) { return m_service.usageChanges(since, limit); });
    });
}

void ApiServer::addAdminRoutes()
{
    addRoute("GET", QStringLiteral("/v1/api-keys"), Access::Read, BodyCap, [this](const RouteContext&) {
        return answerList(m_service.apiKeys());
    });
    addRoute("POST", QStringLiteral("/v1/api-keys"), Access::Admin, BodyCap, [this](const RouteContext& ctx) {
        auto request = decodedBody(ctx, apiKeyRequestFrom);
        if (!request.ok())
            return fail(request.error());
        return answer(m_service.createApiKey(request->name, request->scope, request->rateLimit), 201);
    });
    addRoute("DELETE", QStringLiteral("/v1/api-keys/{id}"), Access::Admin, BodyCap, [this](const RouteContext& ctx) {
        return noContent(m_service.revokeApiKey(ctx.id()));
    });
    addRoute("GET", QStringLiteral("/v1/webhooks"), Access::Read, BodyCap, [this](const RouteContext&) {
        return answerList(m_service.webhooks());
    });
    addRoute("POST", QStringLiteral("/v1/webhooks"), Access::Admin, BodyCap, [this](const RouteContext& ctx) {
        auto endpoint = decodedBody(ctx, webhookFrom);
        if (!endpoint.ok())
            return fail(endpoint.error());
        // What can be told now (the scheme, an address or "localhost" as the host); names are looked up and
        // checked again before every delivery.
        const QUrl url(endpoint->url, QUrl::StrictMode);
        const bool webUrl = url.isValid() && (url.scheme() == u"https" || url.scheme() == u"http");
        if (const QString refused = m_options.webhookTargets.refusalOfUrl(url); webUrl && !refused.isEmpty())
            return fail(Error::invalid(refused, QStringLiteral("url"))); // other URLs: core's own message
        return answer(m_service.createWebhook(endpoint.value()), 201);
    });
    addRoute("DELETE", QStringLiteral("/v1/webhooks/{id}"), Access::Admin, BodyCap, [this](const RouteContext& ctx) {
        return noContent(m_service.deleteWebhook(ctx.id()));
    });
    addRoute(
        "GET", QStringLiteral("/v1/webhooks/{id}/deliveries"), Access::Read, BodyCap, [this](const RouteContext& ctx) {
            auto limit = limitParam(ctx.request.query, 100, 1000);
            if (!limit.ok())
                return fail(limit.error());
            return answerList(m_service.webhookDeliveries(ctx.id(), limit.value()));
        });
    addRoute("POST", QStringLiteral("/v1/webhooks/{id}/test"), Access::Admin, BodyCap, [this](const RouteContext& ctx) {
        return answer(m_service.sendTestWebhook(ctx.id()), 202);
    });
    addRoute("POST",
             QStringLiteral("/v1/webhooks/{id}/deliveries/{deliveryId}/retry"),
             Access::Admin,
             BodyCap,
             [this](const RouteContext& ctx) {
                 return answer(m_service.retryWebhookDelivery(ctx.id(), ctx.params.value(QStringLiteral("deliveryId"))),
                               202);
             });
}

} // namespace Meterline::Api
