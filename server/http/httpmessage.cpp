#include "server/http/httpmessage.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Meterline::Http
{

Response Response::json(int status, const QByteArray& body)
{
    Response response;
    response.status = status;
    response.body = body;
    return response;
}

Response Response::error(int status, const QString& code, const QString& message, const QString& field)
{
    QJsonObject error{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!field.isEmpty())
        error.insert(QStringLiteral("field"), field);
    const QJsonObject root{{QStringLiteral("error"), error}};
    return json(status, QJsonDocument(root).toJson(QJsonDocument::Compact));
}

} // namespace Meterline::Http
