#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <functional>

#include "sync/synctypes.h"

class QWidget;

namespace Meterline
{

namespace Dashboard
{
class SyncClient;
}

// Follows the operator actions sent through the sync client and reports each outcome: success and "queued
// until the server is back" as a status notice, a refusal as a message box with core's reason, so no failure
// goes unseen. A page may add a callback for the success (show a secret, select the new row).
class ActionRunner : public QObject
{
    Q_OBJECT

public:
    using OnSuccess = std::function<void(const Dashboard::ActionResult& result)>;

    ActionRunner(Dashboard::SyncClient& client, QWidget* dialogParent);

    // `what` names the action in messages ("Create customer cust_acme").
    void track(const QString& actionId, const QString& what, OnSuccess onSuccess = {});
    // A success callback that syncs at once, so every table shows what the action changed.
    static OnSuccess refreshing(Dashboard::SyncClient* client);
    int pending() const { return int(m_pending.size()); }
    // The last refusal shown (tests read it; the box is not modal so nothing waits on it).
    QString lastFailure() const { return m_lastFailure; }

signals:
    void notice(const QString& text);
    void failed(const QString& what, const QString& message);

private:
    struct Pending
    {
        QString what;
        OnSuccess onSuccess;
    };
    void onQueued(const QString& actionId);
    void onFinished(const QString& actionId, bool ok, const QString& message, const Dashboard::ActionResult& result);

    QPointer<QWidget> m_dialogParent;
    QHash<QString, Pending> m_pending;
    QString m_lastFailure;
};

} // namespace Meterline
