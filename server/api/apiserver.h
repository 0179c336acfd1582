#pragma once

#include <QJsonObject>
#include <functional>
#include <memory>

#include "core/service.h"
#include "server/api/accesslog.h"
#include "server/api/groupcommitter.h"
#include "server/api/metrics.h"
#include "server/api/ratelimiter.h"
#include "server/api/router.h"
#include "server/api/webhooktargets.h"
#include "server/http/httpserver.h"

namespace Meterline::Api
{

// The HTTP API of SPEC §3 over core: the route table, Bearer-key auth with scopes, group commit for
// records, metrics and the access log. Hands the HTTP engine one Handler.
class ApiServer
{
public:
    struct Options
    {
        QString accessLog = QStringLiteral("-"); // file, "-" for stderr, empty for none
        int maxGroupCommit = 1000;
        WebhookTargets webhookTargets; // endpoint URLs are refused at creation when they are sure to be refused
    };

    ApiServer(Service& service, Options options);
    ~ApiServer();

    Http::Handler handler();
    Http::Limits limits() const; // body caps per route
    const Router& router() const { return m_router; }
    Metrics& metrics() { return m_metrics; }
    // Answers what was submitted for commit and stops taking records.
    void stop();

private:
    struct Call; // one authenticated request on its way to a route
    void handle(const Http::Request& request, const Http::Responder& responder);
    void addRoute(const QByteArray& method,
                  const QString& pattern,
                  Access access,
                  qint64 maxBody,
                  std::function<Http::Response(const RouteContext&)> handle);
    // The five routes of a stored resource: list, create, read, replace (PUT), delete.
    template <typename T> struct Resource
    {
        Result<QList<T>> (Service::*list)() const;
        Result<T> (Service::*get)(const QString& id) const;
        Result<T> (*decode)(const QJsonObject& body, const QString& pathId);
        Result<T> (Service::*create)(const T&);
        Result<T> (Service::*replace)(const T&);
        Status (Service::*remove)(const QString& id);
    };
    template <typename T> void addResource(const QString& collection, const Resource<T>& resource);
    void addRoutes();
    void addCatalogRoutes();
    void addIngestRoutes();
    void addBalanceRoutes();
    void addUsageRoutes();
    void addAdminRoutes();

    Service& m_service;
    Options m_options;
    Router m_router;
    Metrics m_metrics;
    RateLimiter m_rateLimiter;
    Throttle m_lastUse{60'000}; // a key's lastUsedAt is written at most once a minute
    AccessLog m_accessLog;
    GroupCommitter m_committer;
};

} // namespace Meterline::Api
