#pragma once

#include "core/types.h"
#include "models/keyedrowsmodel.h"

namespace Meterline
{

// Plans with their limits and prices (core Plan). RawRole: counts as int, CreatedColumn QDateTime.
// RowRole: Plan. The plan's limits are Plan::limits (scope plan).
class PlansModel : public KeyedRowsModel<Plan>
{
    Q_OBJECT

public:
    enum Column
    {
        IdColumn,
        NameColumn,
        CurrencyColumn,
        LimitsColumn, // number of plan limits; tooltip lists them
        PricesColumn, // number of priced meters; tooltip lists them
        CreatedColumn,
        ColumnCount
    };

    explicit PlansModel(QObject* parent = nullptr);

protected:
    QString keyOf(const Plan& row) const override { return row.id; }
    int columns() const override { return ColumnCount; }
    QVariant header(int column) const override;
    QVariant display(const Plan& row, int column) const override;
    QVariant raw(const Plan& row, int column) const override;
    QVariant toolTip(const Plan& row, int column) const override;
    Qt::Alignment alignment(int column) const override;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::Plan)
