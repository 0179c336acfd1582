#pragma once

#include "ui/pages/page.h"
#include "ui/pages/pagecontext.h"

namespace Meterline
{

class CustomerActions;
class CustomerDetail;
class TablePanel;

// Every customer in a sortable, filterable table; the selected one in depth beside it.
class CustomersPage : public Page
{
    Q_OBJECT

public:
    CustomersPage(const PageContext& context, CustomerActions& actions, QWidget* parent = nullptr);

    QString title() const override { return tr("Customers"); }
    void reload() override;

    TablePanel* table() const { return m_table; }
    CustomerDetail* detail() const { return m_detail; }

private:
    PageContext m_context;
    TablePanel* m_table = nullptr;
    CustomerDetail* m_detail = nullptr;
};

} // namespace Meterline
