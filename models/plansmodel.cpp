#include "models/plansmodel.h"

#include <QStringList>

#include "models/displayformat.h"

namespace Meterline
{

PlansModel::PlansModel(QObject* parent)
    : KeyedRowsModel<Plan>(parent)
{
}

QVariant PlansModel::header(int column) const
{
    switch (column) {
    case IdColumn:
        return tr("Plan");
    case NameColumn:
        return tr("Name");
    case CurrencyColumn:
        return tr("Currency");
    case LimitsColumn:
        return tr("Limits");
    case PricesColumn:
        return tr("Prices");
    case CreatedColumn:
        return tr("Created");
    default:
        return {};
    }
}

QVariant PlansModel::display(const Plan& row, int column) const
{
    switch (column) {
    case IdColumn:
        return row.id;
    case NameColumn:
        return row.name;
    case CurrencyColumn:
        return row.currency;
    case LimitsColumn:
        return QString::number(row.limits.size());
    case PricesColumn:
        return QString::number(row.prices.size());
    case CreatedColumn:
        return DisplayFormat::time(row.createdAt);
    default:
        return {};
    }
}

QVariant PlansModel::raw(const Plan& row, int column) const
{
    switch (column) {
    case LimitsColumn:
        return int(row.limits.size());
    case PricesColumn:
        return int(row.prices.size());
    case CreatedColumn:
        return row.createdAt;
    default:
        return display(row, column);
    }
}

QVariant PlansModel::toolTip(const Plan& row, int column) const
{
    QStringList lines;
    if (column == LimitsColumn) {
        for (const Limit& l : row.limits)
            lines << tr("%1 per %2: %3 (%4)")
                         .arg(l.meterId, toString(l.period), DisplayFormat::quantity(l.value), toString(l.mode));
    } else if (column == PricesColumn) {
        for (const Price& p : row.prices)
            lines << tr("%1: %2 %3 per %4, %5 included")
                         .arg(p.meterId,
                              DisplayFormat::money(p.unitPrice),
                              row.currency,
                              DisplayFormat::quantity(double(p.perUnits)),
                              DisplayFormat::quantity(p.includedUnits));
    }
    if (lines.isEmpty())
        return {};
    return lines.join(u'\n');
}

Qt::Alignment PlansModel::alignment(int column) const
{
    if (column == LimitsColumn || column == PricesColumn)
        return Qt::AlignRight | Qt::AlignVCenter;
    return Qt::AlignLeft | Qt::AlignVCenter;
}

} // namespace Meterline
