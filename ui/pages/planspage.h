#pragma once

#include "ui/pages/page.h"
#include "ui/pages/pagecontext.h"

namespace Meterline
{

class CustomerActions;
class TablePanel;

// Plans with their prices and limits, and every limit (plan and customer scope) below them.
class PlansPage : public Page
{
    Q_OBJECT

public:
    PlansPage(const PageContext& context, CustomerActions& actions, QWidget* parent = nullptr);

    QString title() const override { return tr("Plans & Limits"); }
    TablePanel* plansTable() const { return m_plans; }
    TablePanel* limitsTable() const { return m_limits; }

    void newPlan();
    void editPlan(const QString& planId);
    void editLimit(const QString& limitId);
    void deleteLimit(const QString& limitId);

private:
    PageContext m_context;
    TablePanel* m_plans = nullptr;
    TablePanel* m_limits = nullptr;
};

// Meters: what is counted and how.
class MetersPage : public Page
{
    Q_OBJECT

public:
    explicit MetersPage(const PageContext& context, QWidget* parent = nullptr);

    QString title() const override { return tr("Meters"); }
    TablePanel* table() const { return m_table; }

    void newMeter();
    void editMeter(const QString& meterId);

private:
    PageContext m_context;
    TablePanel* m_table = nullptr;
};

} // namespace Meterline
