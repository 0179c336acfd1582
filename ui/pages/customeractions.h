#pragma once

#include <QObject>

#include "ui/pages/pagecontext.h"

class QWidget;

namespace Meterline
{

class TopUpDialog;

// The operator actions on one customer, shared by the pages that list customers or balances: each opens
// its dialog (window-modal, never blocking the event loop) and sends the result through the sync client.
class CustomerActions : public QObject
{
    Q_OBJECT

public:
    CustomerActions(const PageContext& context, QWidget* dialogParent);

    void newCustomer();
    void edit(const QString& customerId);
    // Returns the dialog it opened (tests drive it), or null for an unknown customer.
    TopUpDialog* topUp(const QString& customerId);
    void setReserve(const QString& customerId);
    void newLimit(const QString& customerId);

signals:
    void customerCreated(const QString& customerId);

private:
    PageContext m_context;
    QWidget* m_dialogParent;
};

} // namespace Meterline
