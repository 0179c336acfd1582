#pragma once

#include <QEvent>
#include <QSocketNotifier>
#include <functional>

namespace Meterline::Http
{

// A socket notifier that calls a function when its socket is ready. The epoll dispatcher calls it directly,
// skipping event delivery and the activated() signal, which it would otherwise pay for every read and write of
// every connection; under another event dispatcher it works through QEvent::SockAct like any notifier.
// Made without a socket and disabled: setSocket() and setEnabled(true) register it once it is a
// DirectSocketNotifier, which is what the dispatcher checks (during QSocketNotifier's own constructor it is not).
class DirectSocketNotifier : public QSocketNotifier
{
public:
    DirectSocketNotifier(Type type, std::function<void()> onActivated, QObject* parent = nullptr)
        : QSocketNotifier(type, parent)
        , m_onActivated(std::move(onActivated))
    {
    }

    void activate() { m_onActivated(); }

protected:
    bool event(QEvent* event) override
    {
        if (event->type() == QEvent::SockAct || event->type() == QEvent::SockClose) {
            activate();
            return true;
        }
        return QSocketNotifier::event(event);
    }

private:
    std::function<void()> m_onActivated;
};

} // namespace Meterline::Http
