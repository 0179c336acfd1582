#include "ui/pages/actionrunner.h"

#include <QMessageBox>

#include "sync/syncclient.h"

namespace Meterline
{

ActionRunner::ActionRunner(Dashboard::SyncClient& client, QWidget* dialogParent)
    : QObject(dialogParent)
    , m_dialogParent(dialogParent)
{
    connect(&client, &Dashboard::SyncClient::actionQueued, this, &ActionRunner::onQueued);
    connect(&client, &Dashboard::SyncClient::actionFinished, this, &ActionRunner::onFinished);
}

ActionRunner::OnSuccess ActionRunner::refreshing(Dashboard::SyncClient* client)
{
    return [client](const Dashboard::ActionResult&) { client->refresh(); };
}

void ActionRunner::track(const QString& actionId, const QString& what, OnSuccess onSuccess)
{
    m_pending.insert(actionId, {what, std::move(onSuccess)});
    emit notice(tr("%1\u2026").arg(what));
}

void ActionRunner::onQueued(const QString& actionId)
{
    const auto it = m_pending.constFind(actionId);
    if (it != m_pending.constEnd())
        emit notice(
            tr("%1: the server is unreachable; queued, it is sent once when the server is back.").arg(it->what));
}

void ActionRunner::onFinished(const QString& actionId,
                              bool ok,
                              const QString& message,
                              const Dashboard::ActionResult& result)
{
    const Pending pending = m_pending.take(actionId);
    if (pending.what.isEmpty())
        return; // another window's action, or one a dialog follows itself
    if (ok) {
        emit notice(tr("%1: done.").arg(pending.what));
        if (pending.onSuccess)
            pending.onSuccess(result);
        return;
    }
    m_lastFailure = tr("%1 failed: %2").arg(pending.what, message);
    emit failed(pending.what, message);
    emit notice(m_lastFailure);
    // Not modal: the sync and the other pages keep running while the operator reads it.
    auto* box = new QMessageBox(
        QMessageBox::Warning, tr("%1 failed").arg(pending.what), m_lastFailure, QMessageBox::Ok, m_dialogParent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("actionFailedBox"));
    box->open();
}

} // namespace Meterline
