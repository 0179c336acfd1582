#include "ui/pages/balancespage.h"

#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "models/apikeysmodel.h"
#include "models/balancesmodel.h"
#include "sync/syncclient.h"
#include "ui/dashboardsettings.h"
#include "ui/delegates/moneydelegate.h"
#include "ui/dialogs/apikeyeditor.h"
#include "ui/dialogs/secretdialog.h"
#include "ui/pages/actionrunner.h"
#include "ui/pages/customeractions.h"
#include "ui/pages/tablepanel.h"

namespace Meterline
{

BalancesPage::BalancesPage(const PageContext& context, CustomerActions& actions, QWidget* parent)
    : Page(parent)
{
    setObjectName(QStringLiteral("balancesPage"));
    m_table = new TablePanel(QStringLiteral("balancesTable"), tr("Balances"), context.models.balances, this);
    QTableView* view = m_table->view();
    auto* money = new MoneyDelegate(context.settings, RawRole, view);
    for (int column = BalancesModel::BalanceColumn; column <= BalancesModel::AvailableColumn; ++column)
        view->setItemDelegateForColumn(column, money);
    view->sortByColumn(BalancesModel::AvailableColumn, Qt::AscendingOrder);
    m_table->setEmptyText(tr("No customer has prepaid credits yet. Top up a customer to start."));
    connect(m_table->addButton(tr("&Top Up\u2026"), true), &QPushButton::clicked, this, [this, &actions] {
        actions.topUp(m_table->selectedId());
    });
    connect(m_table->addButton(tr("Set &Reserve\u2026"), true), &QPushButton::clicked, this, [this, &actions] {
        actions.setReserve(m_table->selectedId());
    });
    connect(m_table, &TablePanel::activated, &actions, &CustomerActions::topUp);
    connect(context.settings, &DashboardSettings::changed, view->viewport(), qOverload<>(&QWidget::update));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table);
}

ApiKeysPage::ApiKeysPage(const PageContext& context, QWidget* parent)
    : Page(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("apiKeysPage"));
    m_table = new TablePanel(QStringLiteral("apiKeysTable"), tr("API Keys"), context.models.apiKeys, this);
    m_table->view()->sortByColumn(ApiKeysModel::CreatedColumn, Qt::DescendingOrder);
    m_table->setEmptyText(tr("No API key yet. Create one for each service that checks and records usage."));
    connect(m_table->addButton(tr("&Create\u2026")), &QPushButton::clicked, this, &ApiKeysPage::createKey);
    connect(m_table->addButton(tr("&Revoke\u2026"), true), &QPushButton::clicked, this, [this] {
        revokeKey(m_table->selectedId());
    });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table);
}

void ApiKeysPage::createKey()
{
    auto* dialog = openDialog(new ApiKeyEditor(this));
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QString name = dialog->name();
        m_context.actions->track(
            m_context.client->createApiKey(name, dialog->scope(), dialog->rateLimit()),
            tr("Create API key \"%1\"").arg(name),
            [this, name](const Dashboard::ActionResult& result) {
                const auto created = result.value<ApiKeyCreated>();
                openDialog(new SecretDialog(tr("API Key Created"),
                                            tr("The new key \"%1\" (%2). Give it to the service that uses it.")
                                                .arg(name, toString(created.key.scope)),
                                            created.secret,
                                            this));
                m_context.client->refresh();
            });
    });
}

void ApiKeysPage::revokeKey(const QString& keyId)
{
    const ApiKey* key = m_context.models.apiKeys->find(keyId);
    if (!key)
        return;
    confirm(this,
            tr("Revoke API Key"),
            tr("Revoke the key \"%1\" (%2)? Every request with it is refused from now on. This cannot be undone.")
                .arg(key->name, key->id),
            [this, keyId] {
                m_context.actions->track(m_context.client->revokeApiKey(keyId),
                                         tr("Revoke API key %1").arg(keyId),
                                         ActionRunner::refreshing(m_context.client));
            });
}

} // namespace Meterline
