#include "ui/pages/customerspage.h"

#include <QHeaderView>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "models/customersmodel.h"
#include "models/metersmodel.h"
#include "ui/dashboardsettings.h"
#include "ui/delegates/moneydelegate.h"
#include "ui/delegates/progressdelegate.h"
#include "ui/pages/customeractions.h"
#include "ui/pages/customerdetail.h"
#include "ui/pages/tablepanel.h"

namespace Meterline
{

CustomersPage::CustomersPage(const PageContext& context, CustomerActions& actions, QWidget* parent)
    : Page(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("customersPage"));
    m_table = new TablePanel(QStringLiteral("customersTable"), tr("Customers"), context.models.customers, this);
    QTableView* view = m_table->view();
    view->setItemDelegateForColumn(CustomersModel::BalanceColumn, new MoneyDelegate(context.settings, RawRole, view));
    view->setItemDelegateForColumn(CustomersModel::HealthColumn, new ProgressDelegate(ProgressRole, view));
    view->hideColumn(CustomersModel::CreatedColumn);
    view->hideColumn(CustomersModel::ExternalIdColumn); // in the detail header
    view->sortByColumn(CustomersModel::UsageColumn, Qt::DescendingOrder);
    connect(m_table->addButton(tr("&New\u2026")), &QPushButton::clicked, &actions, &CustomerActions::newCustomer);

    m_detail = new CustomerDetail(context, actions, this);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("customersSplitter"));
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    // The usage column names its meter by name once the meters are known.
    const auto nameUsageMeter = [this] {
        const QString meterId = m_context.models.customers->usageMeter();
        if (const Meter* meter = m_context.models.meters->find(meterId))
            m_context.models.customers->setUsageMeter(meterId, meter->name);
    };
    connect(context.models.meters, &QAbstractItemModel::modelReset, this, nameUsageMeter);
    connect(context.models.meters, &QAbstractItemModel::rowsInserted, this, nameUsageMeter);
    connect(m_table, &TablePanel::selectionChanged, m_detail, &CustomerDetail::showCustomer);
    connect(&actions, &CustomerActions::customerCreated, m_table, &TablePanel::selectId);
    connect(context.settings, &DashboardSettings::changed, view->viewport(), qOverload<>(&QWidget::update));
}

void CustomersPage::reload()
{
    m_detail->reload();
}

} // namespace Meterline
