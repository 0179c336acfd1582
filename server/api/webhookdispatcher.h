#pragma once

#include <QThread>

#include "server/api/webhooksender.h"

namespace Meterline::Api
{

// The webhook dispatcher of `meterline-server serve`: a WebhookSender on a thread of its own, so that slow
// receivers never hold up the API. Pending deliveries in the database (from before a restart, or written by
// another process) are picked up by the same polling.
class WebhookDispatcher
{
public:
    WebhookDispatcher(Database& database, WebhookSender::Options options);
    ~WebhookDispatcher();
    WebhookDispatcher(const WebhookDispatcher&) = delete;
    WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

    void start();
    // Claims nothing more and waits for the attempts in flight (each ends within its timeout).
    void stop();

private:
    QThread m_thread;
    WebhookSender* m_sender; // lives on m_thread; deleted there when it finishes
};

} // namespace Meterline::Api
