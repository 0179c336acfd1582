#include "models/balancesmodel.h"

#include <QBrush>
#include <QColor>

#include "models/displayformat.h"

namespace Meterline
{

BalancesModel::BalancesModel(QObject* parent)
    : KeyedRowsModel<BalanceRow>(parent)
{
}

void BalancesModel::setLowThreshold(Money threshold)
{
    m_lowThreshold = threshold;
    if (rowCount() > 0)
        emit dataChanged(index(0, AvailableColumn), index(rowCount() - 1, AvailableColumn));
}

QVariant BalancesModel::header(int column) const
{
    switch (column) {
    case CustomerColumn:
        return tr("Customer");
    case NameColumn:
        return tr("Name");
    case BalanceColumn:
        return tr("Balance");
    case ReserveColumn:
        return tr("Reserve");
    case HeldColumn:
        return tr("Held");
    case AvailableColumn:
        return tr("Available");
    default:
        return {};
    }
}

QVariant BalancesModel::display(const BalanceRow& row, int column) const
{
    switch (column) {
    case CustomerColumn:
        return row.balance.customerId;
    case NameColumn:
        return row.customerName;
    case BalanceColumn:
        return DisplayFormat::money(row.balance.balance);
    case ReserveColumn:
        return DisplayFormat::money(row.balance.reserve);
    case HeldColumn:
        return DisplayFormat::money(row.balance.held);
    case AvailableColumn:
        return DisplayFormat::money(row.balance.available());
    default:
        return {};
    }
}

QVariant BalancesModel::raw(const BalanceRow& row, int column) const
{
    switch (column) {
    case BalanceColumn:
        return qlonglong(row.balance.balance.micros());
    case ReserveColumn:
        return qlonglong(row.balance.reserve.micros());
    case HeldColumn:
        return qlonglong(row.balance.held.micros());
    case AvailableColumn:
        return qlonglong(row.balance.available().micros());
    default:
        return display(row, column);
    }
}

QVariant BalancesModel::foreground(const BalanceRow& row, int column) const
{
    if (column == AvailableColumn && row.balance.available() <= m_lowThreshold)
        return QBrush(QColor(0xb0, 0x20, 0x20));
    return {};
}

Qt::Alignment BalancesModel::alignment(int column) const
{
    return column >= BalanceColumn ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter;
}

} // namespace Meterline
