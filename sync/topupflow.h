#pragma once

#include <QObject>
#include <QString>

#include "core/money.h"
#include "sync/synctypes.h"

namespace Meterline::Dashboard
{

class SyncClient;

// The logic behind the manual top-up dialog, without widgets: one idempotency key per dialog (made when the
// flow is created), so pressing Confirm again after a timeout or an error re-sends the SAME credit and the
// server counts it once (a replay answers with the first transaction). The dialog (ui/dialogs, views engineer)
// shows the fields, calls confirm() and shows the outcome.
//
//   TopUpFlow flow(client, "acme");
//   flow.confirm(Money::parse("25").value(), "wire 2026-11");
//   -> succeeded(newBalance, duplicate) | queued() (server unreachable; it lands once, later) | failed(message)
class TopUpFlow : public QObject
{
    Q_OBJECT

public:
    enum class State
    {
        Editing,   // not sent yet
        Sending,   // waiting for the answer
        Queued,    // the server is unreachable: the credit waits in the durable queue
        Succeeded, // the ledger has the credit (once)
        Failed     // refused (validation, unknown customer); confirm() may send again with the same key
    };

    TopUpFlow(SyncClient& client, QString customerId, QObject* parent = nullptr);

    QString customerId() const { return m_customerId; }
    QString idempotencyKey() const { return m_idempotencyKey; }
    State state() const { return m_state; }
    // Amount must be > 0 and reason at most 500 characters (core checks too): otherwise false and failed().
    // While Sending or after Succeeded it does nothing and returns false. Changing the amount or reason after
    // a failed send is a new top-up: the flow then makes a new key (the old one would be an
    // idempotency_conflict).
    bool confirm(Money amount, const QString& reason);

signals:
    void stateChanged(Meterline::Dashboard::TopUpFlow::State state);
    void succeeded(const Meterline::Balance& balance, bool duplicate);
    void queued();
    void failed(const QString& message);

private:
    void onActionQueued(const QString& actionId);
    void onActionFinished(const QString& actionId, bool ok, const QString& message, const QVariant& result);
    void setState(State state);

    SyncClient& m_client;
    QString m_customerId;
    QString m_idempotencyKey;
    QString m_actionId;
    Money m_sentAmount;
    QString m_sentReason;
    State m_state = State::Editing;
};

} // namespace Meterline::Dashboard
