#include "server/api/webhookdispatcher.h"

namespace Meterline::Api
{

WebhookDispatcher::WebhookDispatcher(Database& database, WebhookSender::Options options)
    : m_sender(new WebhookSender(database, options)) // no parent: it changes thread
{
    m_thread.setObjectName(QStringLiteral("webhooks"));
    m_sender->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::started, m_sender, &WebhookSender::start);
    // Direct: stop() blocks the owning thread in wait(), so a queued quit would never run.
    QObject::connect(m_sender, &WebhookSender::drained, &m_thread, &QThread::quit, Qt::DirectConnection);
    QObject::connect(&m_thread, &QThread::finished, m_sender, &QObject::deleteLater);
}

WebhookDispatcher::~WebhookDispatcher()
{
    stop();
    if (!m_thread.isFinished() && !m_thread.isRunning())
        delete m_sender; // never started
}

void WebhookDispatcher::start()
{
    m_thread.start();
}

void WebhookDispatcher::stop()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(m_sender, &WebhookSender::beginStop, Qt::QueuedConnection);
    m_thread.wait();
}

} // namespace Meterline::Api
