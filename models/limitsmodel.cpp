#include "models/limitsmodel.h"

#include "models/displayformat.h"

namespace Meterline
{

LimitsModel::LimitsModel(QObject* parent)
    : KeyedRowsModel<Limit>(parent)
{
}

QVariant LimitsModel::header(int column) const
{
    switch (column) {
    case IdColumn:
        return tr("Limit");
    case ScopeColumn:
        return tr("Scope");
    case OwnerColumn:
        return tr("Plan or customer");
    case MeterColumn:
        return tr("Meter");
    case PeriodColumn:
        return tr("Period");
    case ValueColumn:
        return tr("Cap");
    case ModeColumn:
        return tr("Mode");
    case CreatedColumn:
        return tr("Created");
    default:
        return {};
    }
}

QVariant LimitsModel::display(const Limit& row, int column) const
{
    switch (column) {
    case IdColumn:
        return row.id;
    case ScopeColumn:
        return toString(row.scope);
    case OwnerColumn:
        return row.scope == LimitScope::Plan ? row.planId : row.customerId;
    case MeterColumn:
        return row.meterId;
    case PeriodColumn:
        return toString(row.period);
    case ValueColumn:
        return DisplayFormat::quantity(row.value);
    case ModeColumn:
        return toString(row.mode);
    case CreatedColumn:
        return DisplayFormat::time(row.createdAt);
    default:
        return {};
    }
}

QVariant LimitsModel::raw(const Limit& row, int column) const
{
    switch (column) {
    case ScopeColumn:
        return int(row.scope);
    case PeriodColumn:
        return int(row.period);
    case ValueColumn:
        return row.value;
    case ModeColumn:
        return int(row.mode);
    case CreatedColumn:
        return row.createdAt;
    default:
        return display(row, column);
    }
}

Qt::Alignment LimitsModel::alignment(int column) const
{
    return column == ValueColumn ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter;
}

} // namespace Meterline
