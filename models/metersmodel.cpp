#include "models/metersmodel.h"

#include <QStringList>

#include "models/displayformat.h"

namespace Meterline
{

MetersModel::MetersModel(QObject* parent)
    : KeyedRowsModel<Meter>(parent)
{
}

QVariant MetersModel::header(int column) const
{
    switch (column) {
    case IdColumn:
        return tr("Meter");
    case NameColumn:
        return tr("Name");
    case AggregationColumn:
        return tr("Aggregation");
    case EventTypesColumn:
        return tr("Event types");
    case DimensionColumn:
        return tr("Dimension");
    case CreatedColumn:
        return tr("Created");
    default:
        return {};
    }
}

QVariant MetersModel::display(const Meter& row, int column) const
{
    switch (column) {
    case IdColumn:
        return row.id;
    case NameColumn:
        return row.name;
    case AggregationColumn:
        return toString(row.aggregation);
    case EventTypesColumn:
        return row.eventTypes.isEmpty() ? tr("all") : row.eventTypes.join(QStringLiteral(", "));
    case DimensionColumn:
        return row.dimension;
    case CreatedColumn:
        return DisplayFormat::time(row.createdAt);
    default:
        return {};
    }
}

QVariant MetersModel::raw(const Meter& row, int column) const
{
    switch (column) {
    case AggregationColumn:
        return int(row.aggregation);
    case CreatedColumn:
        return row.createdAt;
    default:
        return display(row, column);
    }
}

QVariant MetersModel::toolTip(const Meter& row, int column) const
{
    if (column != DimensionColumn || row.dimensionFilters.isEmpty())
        return {};
    QStringList lines;
    for (auto it = row.dimensionFilters.cbegin(); it != row.dimensionFilters.cend(); ++it)
        lines << QStringLiteral("%1 \u2208 {%2}").arg(it.key(), it.value().join(QStringLiteral(", ")));
    return tr("Only events with %1").arg(lines.join(tr(" and ")));
}

} // namespace Meterline
