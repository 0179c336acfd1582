#pragma once

#include <QTcpServer>
#include <functional>

namespace Meterline::Http
{

// Accepts on the server's thread and hands each descriptor on untouched: the QTcpSocket is made on a worker.
class Acceptor : public QTcpServer
{
    Q_OBJECT

public:
    explicit Acceptor(std::function<void(qintptr)> onIncoming, QObject* parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::function<void(qintptr)> m_onIncoming;
};

} // namespace Meterline::Http
