#pragma once

#include <QByteArray>
#include <QString>

namespace Meterline::Api
{

// Standard Webhooks signatures (SPEC §5): "v1," + base64 of HMAC-SHA256 over "id.timestamp.body", keyed by
// the base64-decoded part of the endpoint's secret "whsec_<base64>".
class WebhookSigner
{
public:
    static QByteArray sign(const QString& secret, const QString& messageId, qint64 timestamp, const QByteArray& body);
};

} // namespace Meterline::Api
