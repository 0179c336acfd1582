#pragma once

#include "core/types.h"
#include "models/keyedrowsmodel.h"

namespace Meterline
{

// Limit definitions of plans and customers (core Limit; plan limits have ids "<plan>:<meter>:<period>").
// RawRole: ValueColumn double, ScopeColumn/PeriodColumn/ModeColumn int of the enum, CreatedColumn QDateTime.
// RowRole: Limit.
class LimitsModel : public KeyedRowsModel<Limit>
{
    Q_OBJECT

public:
    enum Column
    {
        IdColumn,
        ScopeColumn,
        OwnerColumn, // the plan id or the customer id
        MeterColumn,
        PeriodColumn,
        ValueColumn,
        ModeColumn,
        CreatedColumn,
        ColumnCount
    };

    explicit LimitsModel(QObject* parent = nullptr);

protected:
    QString keyOf(const Limit& row) const override { return row.id; }
    int columns() const override { return ColumnCount; }
    QVariant header(int column) const override;
    QVariant display(const Limit& row, int column) const override;
    QVariant raw(const Limit& row, int column) const override;
    Qt::Alignment alignment(int column) const override;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::Limit)
