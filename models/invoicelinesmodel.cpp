#include "models/invoicelinesmodel.h"

#include "models/displayformat.h"

namespace Meterline
{

InvoiceLinesModel::InvoiceLinesModel(QObject* parent)
    : KeyedRowsModel<InvoiceLine>(parent)
{
}

QMap<QString, Money> InvoiceLinesModel::totals() const
{
    QMap<QString, Money> sums;
    for (const InvoiceLine& line : rows())
        sums[line.currency] += line.amount;
    return sums;
}

QVariant InvoiceLinesModel::header(int column) const
{
    switch (column) {
    case CustomerColumn:
        return tr("Customer");
    case CustomerNameColumn:
        return tr("Name");
    case PlanColumn:
        return tr("Plan");
    case MeterColumn:
        return tr("Meter");
    case QuantityColumn:
        return tr("Quantity");
    case IncludedColumn:
        return tr("Included");
    case BillableColumn:
        return tr("Billable");
    case UnitPriceColumn:
        return tr("Unit price");
    case AmountColumn:
        return tr("Amount");
    case CurrencyColumn:
        return tr("Currency");
    default:
        return {};
    }
}

QVariant InvoiceLinesModel::display(const InvoiceLine& row, int column) const
{
    switch (column) {
    case CustomerColumn:
        return row.customerId;
    case CustomerNameColumn:
        return row.customerName;
    case PlanColumn:
        return row.planId;
    case MeterColumn:
        return row.meterName.isEmpty() ? row.meterId : row.meterName;
    case QuantityColumn:
        return DisplayFormat::quantity(row.quantity);
    case IncludedColumn:
        return DisplayFormat::quantity(row.includedUnits);
    case BillableColumn:
        return DisplayFormat::quantity(row.billableUnits);
    case UnitPriceColumn:
        if (row.perUnits == 1)
            return DisplayFormat::money(row.unitPrice);
        return tr("%1 per %2").arg(DisplayFormat::money(row.unitPrice), DisplayFormat::quantity(double(row.perUnits)));
    case AmountColumn:
        return DisplayFormat::money(row.amount);
    case CurrencyColumn:
        return row.currency;
    default:
        return {};
    }
}

QVariant InvoiceLinesModel::raw(const InvoiceLine& row, int column) const
{
    switch (column) {
    case QuantityColumn:
        return row.quantity;
    case IncludedColumn:
        return row.includedUnits;
    case BillableColumn:
        return row.billableUnits;
    case UnitPriceColumn:
        return qlonglong(row.unitPrice.micros());
    case AmountColumn:
        return qlonglong(row.amount.micros());
    default:
        return display(row, column);
    }
}

Qt::Alignment InvoiceLinesModel::alignment(int column) const
{
    if (column >= QuantityColumn && column <= AmountColumn)
        return Qt::AlignRight | Qt::AlignVCenter;
    return Qt::AlignLeft | Qt::AlignVCenter;
}

} // namespace Meterline
