#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>
#include <functional>

#include "server/http/headerfields.h"
#include "server/http/requestid.h"

namespace Meterline::Http
{

// One parsed request. Header names match case-insensitively; a repeated header keeps its values joined by ", ".
struct Request
{
    QByteArray method; // "GET", "POST", …
    QByteArray target; // as sent: "/v1/events?customerId=x"
    QString path;      // percent-decoded path: "/v1/events"
    QUrlQuery query;
    HeaderFields headers;
    QByteArray body;
    QHostAddress peer;
    RequestId id; // set by the connection when the request is complete: the answer's Request-Id

    QByteArray header(QByteArrayView name) const { return headers.value(name).toByteArray(); }
    // Without a copy: valid while the request lives.
    QByteArrayView headerView(QByteArrayView name) const { return headers.value(name); }
};

struct Response
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json"); // static data: no allocation per response
    QList<QPair<QByteArray, QByteArray>> headers;                   // extra headers
    QByteArray body;
    // Streaming: when set, the body is produced by calling stream() until it returns an empty array, and sent
    // with chunked transfer encoding as the client reads it (back-pressure), never built whole in memory.
    // It runs on the connection's thread.
    std::function<QByteArray()> stream;

    static Response json(int status, const QByteArray& body);
    // SPEC §3's error body: {"error": {"code": …, "message": …, "field": …}} (field left out when empty).
    static Response error(int status, const QString& code, const QString& message, const QString& field = {});
};

} // namespace Meterline::Http
