#pragma once

#include <functional>

#include "core/types.h"
#include "ui/dialogs/formdialog.h"

class QLineEdit;
class QTableWidget;

namespace Meterline
{

// Creates or edits a plan with its prices (per meter: unit price, per units, included units, credits per
// unit) and its limits. Saving replaces the plan's prices and limits whole (PUT).
class PlanEditor : public FormDialog
{
    Q_OBJECT

public:
    explicit PlanEditor(const QList<Choice>& meters, QWidget* parent = nullptr);

    void setPlan(const Plan& plan); // edit mode: the id is fixed
    Plan plan() const;

    QLineEdit* idEdit() const { return m_id; }
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* currencyEdit() const { return m_currency; }
    QTableWidget* pricesTable() const { return m_prices; }
    QTableWidget* limitsTable() const { return m_limits; }
    // Appends an empty row (the buttons under each table call these).
    int addPriceRow();
    int addLimitRow();

    enum PriceColumn
    {
        PriceMeter,
        PriceUnitPrice,
        PricePerUnits,
        PriceIncluded,
        PriceCredits,
        PriceColumns
    };
    enum LimitColumn
    {
        LimitMeter,
        LimitPeriod,
        LimitValue,
        LimitModeColumn,
        LimitColumns
    };

protected:
    Problem validate() const override;

private:
    QTableWidget* makeTable(const QStringList& headers, const QString& objectName);
    QWidget* tableWithButtons(QTableWidget* table, const std::function<void()>& add);
    QString cellText(const QTableWidget* table, int row, int column) const;
    QString comboCell(const QTableWidget* table, int row, int column) const;

    QList<Choice> m_meters;
    QLineEdit* m_id = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_currency = nullptr;
    QTableWidget* m_prices = nullptr;
    QTableWidget* m_limits = nullptr;
};

} // namespace Meterline
