#pragma once

#include "core/types.h"
#include "models/keyedrowsmodel.h"

namespace Meterline
{

// One customer's applying limits with their consumption (core LimitStatus, from a check without reserve):
// the customer detail view. Fill with setRows(CheckResult::limits).
// RawRole: UsedColumn/LimitColumn/RemainingColumn double, ProgressColumn double fraction, ResetsColumn
// QDateTime. ProgressRole (ProgressColumn and UsedColumn): used / limit (> 1 when over). RowRole: LimitStatus.
class LimitStatusModel : public KeyedRowsModel<LimitStatus>
{
    Q_OBJECT

public:
    enum Column
    {
        MeterColumn,
        PeriodColumn,
        ModeColumn,
        SourceColumn, // plan or customer
        UsedColumn,
        LimitColumn,
        RemainingColumn,
        ProgressColumn, // "87 %"
        ResetsColumn,
        ColumnCount
    };

    explicit LimitStatusModel(QObject* parent = nullptr);

protected:
    QString keyOf(const LimitStatus& row) const override { return row.id; }
    int columns() const override { return ColumnCount; }
    QVariant header(int column) const override;
    QVariant display(const LimitStatus& row, int column) const override;
    QVariant raw(const LimitStatus& row, int column) const override;
    QVariant progress(const LimitStatus& row, int column) const override;
    QVariant foreground(const LimitStatus& row, int column) const override;
    Qt::Alignment alignment(int column) const override;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::LimitStatus)
