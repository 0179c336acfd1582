#pragma once

#include "ui/pages/page.h"
#include "ui/pages/pagecontext.h"

namespace Meterline
{

class CustomerActions;
class TablePanel;

// Prepaid balances: balance, reserve, held and available per customer; top-ups and reserves from here.
class BalancesPage : public Page
{
    Q_OBJECT

public:
    BalancesPage(const PageContext& context, CustomerActions& actions, QWidget* parent = nullptr);

    QString title() const override { return tr("Balances"); }
    TablePanel* table() const { return m_table; }

private:
    TablePanel* m_table = nullptr;
};

// API keys: create (the key is shown once, with Copy) and revoke (after a confirmation).
class ApiKeysPage : public Page
{
    Q_OBJECT

public:
    explicit ApiKeysPage(const PageContext& context, QWidget* parent = nullptr);

    QString title() const override { return tr("API Keys"); }
    TablePanel* table() const { return m_table; }

    void createKey();
    void revokeKey(const QString& keyId);

private:
    PageContext m_context;
    TablePanel* m_table = nullptr;
};

} // namespace Meterline
