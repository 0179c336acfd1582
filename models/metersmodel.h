#pragma once

#include "core/types.h"
#include "models/keyedrowsmodel.h"

namespace Meterline
{

// Meters (core Meter). RawRole: AggregationColumn int(Aggregation), CreatedColumn QDateTime. RowRole: Meter.
class MetersModel : public KeyedRowsModel<Meter>
{
    Q_OBJECT

public:
    enum Column
    {
        IdColumn,
        NameColumn,
        AggregationColumn,
        EventTypesColumn, // comma-separated; "all" when empty
        DimensionColumn,  // unique_count's counted dimension; filters in the tooltip
        CreatedColumn,
        ColumnCount
    };

    explicit MetersModel(QObject* parent = nullptr);

protected:
    QString keyOf(const Meter& row) const override { return row.id; }
    int columns() const override { return ColumnCount; }
    QVariant header(int column) const override;
    QVariant display(const Meter& row, int column) const override;
    QVariant raw(const Meter& row, int column) const override;
    QVariant toolTip(const Meter& row, int column) const override;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::Meter)
