#include "server/http/acceptor.h"

#include <QTimer>

#include "server/http/httplogging.h"

namespace Meterline::Http
{

Acceptor::Acceptor(std::function<void(qintptr)> onIncoming, QObject* parent)
    : QTcpServer(parent)
    , m_onIncoming(std::move(onIncoming))
{
    // QTcpServer pauses accepting for good on errors such as "too many open files": try again shortly.
    connect(this, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError error) {
        qCWarning(lcHttp) << "accept failed:" << error << errorString();
        QTimer::singleShot(100, this, [this] {
            if (isListening())
                resumeAccepting();
        });
    });
}

void Acceptor::incomingConnection(qintptr descriptor)
{
    m_onIncoming(descriptor);
}

} // namespace Meterline::Http
