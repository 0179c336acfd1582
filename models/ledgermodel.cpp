#include "models/ledgermodel.h"

#include <QBrush>
#include <QColor>

#include "models/displayformat.h"

namespace Meterline
{

LedgerModel::LedgerModel(QObject* parent)
    : PagedRowsModel<LedgerTransaction>(parent)
{
}

void LedgerModel::setCustomer(const QString& customerId)
{
    m_customerId = customerId;
    if (customerId.isEmpty()) {
        beginResetModel();
        endResetModel();
        appendPage({}, {}); // nothing to page
        return;
    }
    restart();
}

void LedgerModel::requestPage(const QString& cursor)
{
    if (m_customerId.isEmpty()) {
        appendPage({}, {});
        return;
    }
    emit pageRequested(m_customerId, cursor);
}

QVariant LedgerModel::header(int column) const
{
    switch (column) {
    case TimeColumn:
        return tr("Time");
    case KindColumn:
        return tr("Kind");
    case AmountColumn:
        return tr("Amount");
    case BalanceAfterColumn:
        return tr("Balance after");
    case UnpaidColumn:
        return tr("Unpaid");
    case ReasonColumn:
        return tr("Reason");
    case ActorColumn:
        return tr("By");
    default:
        return {};
    }
}

QVariant LedgerModel::display(const LedgerTransaction& row, int column) const
{
    switch (column) {
    case TimeColumn:
        return DisplayFormat::time(row.createdAt);
    case KindColumn:
        return toString(row.kind);
    case AmountColumn:
        return DisplayFormat::money(row.amount);
    case BalanceAfterColumn:
        return DisplayFormat::money(row.balanceAfter);
    case UnpaidColumn:
        return row.unpaid.isZero() ? QString() : DisplayFormat::money(row.unpaid);
    case ReasonColumn:
        return row.reason;
    case ActorColumn:
        return row.actor;
    default:
        return {};
    }
}

QVariant LedgerModel::raw(const LedgerTransaction& row, int column) const
{
    switch (column) {
    case TimeColumn:
        return row.createdAt;
    case KindColumn:
        return int(row.kind);
    case AmountColumn:
        return qlonglong(row.amount.micros());
    case BalanceAfterColumn:
        return qlonglong(row.balanceAfter.micros());
    case UnpaidColumn:
        return qlonglong(row.unpaid.micros());
    default:
        return display(row, column);
    }
}

QVariant LedgerModel::foreground(const LedgerTransaction& row, int column) const
{
    if (column == AmountColumn && row.amount.isNegative())
        return QBrush(QColor(0xb0, 0x20, 0x20));
    return {};
}

Qt::Alignment LedgerModel::alignment(int column) const
{
    if (column == AmountColumn || column == BalanceAfterColumn || column == UnpaidColumn)
        return Qt::AlignRight | Qt::AlignVCenter;
    return Qt::AlignLeft | Qt::AlignVCenter;
}

} // namespace Meterline
