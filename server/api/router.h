#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

#include "core/types.h"
#include "server/http/httpmessage.h"

namespace Meterline::Api
{

// Who may call a route (SPEC §3): ingest keys check and record, read keys every GET and export, admin
// keys everything. Public routes need no key.
enum class Access
{
    Public,
    Ingest,
    Read,
    IngestOrRead, // reservations: asked about by the ingest path, and a GET
    Admin
};

// The path parameters of a matched route: "/v1/customers/{id}" on "/v1/customers/acme" gives id → acme.
using PathParams = QHash<QString, QString>;

// What a route handler gets: the request, its path parameters, and the key that was presented.
struct RouteContext
{
    const Http::Request& request;
    PathParams params;
    QString keyId; // empty on public routes

    QString id() const { return params.value(QStringLiteral("id")); } // the {id} of the path
};

struct Route
{
    QByteArray method;
    QString pattern; // "/v1/customers/{id}/balance"
    Access access = Access::Admin;
    qint64 maxBody = 1024 * 1024;
    std::function<Http::Response(const RouteContext&)> handle; // synchronous routes
    // Asynchronous routes answer later, from any thread (the record route's group commit).
    std::function<void(const RouteContext&, std::function<void(Http::Response)>)> handleAsync;
    QString name = {}; // "GET /v1/customers/{id}/balance", set by Router::add: the metrics label, made once
};

// Matches method and path against the route table. Patterns are literal segments and {name} segments.
class Router
{
public:
    void add(Route route);
    const QList<Route>& routes() const { return m_routes; }

    struct Match
    {
        const Route* route = nullptr;
        PathParams params;
        bool pathKnown = false; // the path matched a route with another method: 405, not 404
        QStringList allowed;    // the methods of that path
    };
    Match match(const QByteArray& method, const QString& path) const;
    // The body cap for a request before its body is read.
    qint64 maxBody(const QByteArray& method, const QString& path) const;

private:
    struct Compiled
    {
        QStringList segments;
        bool literal = true; // no {parameter}: matched by comparing the whole path
    };
    struct PathSplit // the request path cut at '/', worked out once per match and only when needed
    {
        qsizetype count = -1;
        QList<QStringView> parts;
    };
    bool pathMatches(qsizetype i, const QString& path, PathSplit& split, PathParams* params) const;
    QList<Route> m_routes;
    QList<Compiled> m_compiled;
};

} // namespace Meterline::Api
