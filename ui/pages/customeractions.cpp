#include "ui/pages/customeractions.h"

#include <QWidget>

#include "models/balancesmodel.h"
#include "models/customersmodel.h"
#include "sync/syncclient.h"
#include "sync/topupflow.h"
#include "ui/dialogs/customereditor.h"
#include "ui/dialogs/limiteditor.h"
#include "ui/dialogs/reservedialog.h"
#include "ui/dialogs/topupdialog.h"
#include "ui/pages/actionrunner.h"
#include "ui/pages/page.h"

namespace Meterline
{

CustomerActions::CustomerActions(const PageContext& context, QWidget* dialogParent)
    : QObject(dialogParent)
    , m_context(context)
    , m_dialogParent(dialogParent)
{
}

void CustomerActions::newCustomer()
{
    auto* dialog = openDialog(new CustomerEditor(planChoices(m_context), m_dialogParent));
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const Customer customer = dialog->customer();
        m_context.actions->track(m_context.client->createCustomer(customer),
                                 tr("Create customer %1").arg(customer.id),
                                 [this, id = customer.id](const Dashboard::ActionResult&) {
                                     m_context.client->refresh();
                                     emit customerCreated(id);
                                 });
    });
}

void CustomerActions::edit(const QString& customerId)
{
    const CustomerRow* row = m_context.models.customers->find(customerId);
    if (!row)
        return;
    auto* dialog = new CustomerEditor(planChoices(m_context), m_dialogParent);
    dialog->setCustomer(row->customer);
    openDialog(dialog);
    connect(dialog, &QDialog::accepted, this, [this, dialog, customerId] {
        m_context.actions->track(m_context.client->updateCustomer(customerId, dialog->patch()),
                                 tr("Update customer %1").arg(customerId),
                                 ActionRunner::refreshing(m_context.client));
    });
}

TopUpDialog* CustomerActions::topUp(const QString& customerId)
{
    const CustomerRow* row = m_context.models.customers->find(customerId);
    if (!row)
        return nullptr;
    auto* flow = new Dashboard::TopUpFlow(*m_context.client, customerId);
    auto* dialog = new TopUpDialog(flow, row->customer.name, row->balance, m_dialogParent);
    flow->setParent(dialog); // one flow, one idempotency key, for the dialog's life
    connect(flow, &Dashboard::TopUpFlow::succeeded, m_context.client, &Dashboard::SyncClient::refresh);
    return openDialog(dialog);
}

void CustomerActions::setReserve(const QString& customerId)
{
    const CustomerRow* row = m_context.models.customers->find(customerId);
    if (!row)
        return;
    auto* dialog = openDialog(new ReserveDialog(row->customer.name, row->balance, m_dialogParent));
    connect(dialog, &QDialog::accepted, this, [this, dialog, customerId] {
        m_context.actions->track(m_context.client->setReserve(customerId, dialog->reserve()),
                                 tr("Set the reserve of %1").arg(customerId),
                                 ActionRunner::refreshing(m_context.client));
    });
}

void CustomerActions::newLimit(const QString& customerId)
{
    auto* dialog =
        new LimitEditor(planChoices(m_context), customerChoices(m_context), meterChoices(m_context), m_dialogParent);
    if (!customerId.isEmpty()) {
        selectChoice(dialog->scopeCombo(), toString(LimitScope::Customer));
        selectChoice(dialog->ownerCombo(), customerId);
    }
    openDialog(dialog);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const Limit limit = dialog->limit();
        m_context.actions->track(m_context.client->createLimit(limit),
                                 tr("Create a limit on %1").arg(limit.meterId),
                                 ActionRunner::refreshing(m_context.client));
    });
}

} // namespace Meterline
