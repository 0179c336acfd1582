#include "sync/topupflow.h"

#include <QUuid>

#include "sync/syncclient.h"

namespace Meterline::Dashboard
{

namespace
{

QString newKey()
{
    return QStringLiteral("topup_") + QUuid::createUuid().toString(QUuid::Id128);
}

constexpr int MaxReasonLength = 500; // core's rule for ledger reasons

} // namespace

TopUpFlow::TopUpFlow(SyncClient& client, QString customerId, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_customerId(std::move(customerId))
    , m_idempotencyKey(newKey())
{
    connect(&m_client, &SyncClient::actionQueued, this, &TopUpFlow::onActionQueued);
    connect(&m_client, &SyncClient::actionFinished, this, &TopUpFlow::onActionFinished);
}

bool TopUpFlow::confirm(Money amount, const QString& reason)
{
    if (m_state == State::Sending || m_state == State::Queued || m_state == State::Succeeded)
        return false;
    if (!amount.isPositive()) {
        emit failed(tr("The amount must be more than zero."));
        return false;
    }
    if (reason.size() > MaxReasonLength) {
        emit failed(tr("The reason is longer than %n characters.", nullptr, MaxReasonLength));
        return false;
    }
    // Sending the same top-up again keeps its key (the server counts it once); a different amount or reason
    // is a new top-up and needs a new key.
    if (!m_actionId.isEmpty() && (amount != m_sentAmount || reason != m_sentReason))
        m_idempotencyKey = newKey();
    m_sentAmount = amount;
    m_sentReason = reason;
    setState(State::Sending);
    m_actionId = m_client.credit(m_customerId, amount, reason, m_idempotencyKey);
    return true;
}

void TopUpFlow::onActionQueued(const QString& actionId)
{
    if (actionId != m_actionId || m_state != State::Sending)
        return;
    setState(State::Queued);
    emit queued();
}

void TopUpFlow::onActionFinished(const QString& actionId, bool ok, const QString& message, const QVariant& result)
{
    if (actionId != m_actionId)
        return;
    if (!ok) {
        setState(State::Failed);
        emit failed(message);
        return;
    }
    const auto change = result.value<BalanceChangeResult>();
    setState(State::Succeeded);
    emit succeeded(change.balance, change.duplicate);
}

void TopUpFlow::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace Meterline::Dashboard
