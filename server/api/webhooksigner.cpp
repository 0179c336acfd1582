#include "server/api/webhooksigner.h"

#include <QMessageAuthenticationCode>

namespace Meterline::Api
{

QByteArray
WebhookSigner::sign(const QString& secret, const QString& messageId, qint64 timestamp, const QByteArray& body)
{
    const QByteArray key = QByteArray::fromBase64(secret.mid(secret.indexOf(u'_') + 1).toLatin1());
    const QByteArray signedContent = messageId.toUtf8() + '.' + QByteArray::number(timestamp) + '.' + body;
    return "v1," + QMessageAuthenticationCode::hash(signedContent, key, QCryptographicHash::Sha256).toBase64();
}

} // namespace Meterline::Api
