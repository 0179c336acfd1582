#include "models/customersmodel.h"

#include <QBrush>
#include <QColor>
#include <limits>

#include "models/displayformat.h"

namespace Meterline
{

namespace
{

const QColor Red(0xb0, 0x20, 0x20);
const QColor Amber(0xb0, 0x70, 0x00);
const QColor Grey(0x80, 0x80, 0x80);

} // namespace

CustomersModel::CustomersModel(QObject* parent)
    : KeyedRowsModel<CustomerRow>(parent)
{
}

void CustomersModel::setUsageMeter(const QString& meterId, const QString& meterName)
{
    m_usageMeter = meterId;
    m_usageMeterName = meterName;
    emit headerDataChanged(Qt::Horizontal, UsageColumn, UsageColumn);
    if (rowCount() > 0)
        emit dataChanged(index(0, UsageColumn), index(rowCount() - 1, UsageColumn));
}

QVariant CustomersModel::header(int column) const
{
    switch (column) {
    case IdColumn:
        return tr("Customer");
    case NameColumn:
        return tr("Name");
    case PlanColumn:
        return tr("Plan");
    case ExternalIdColumn:
        return tr("External id");
    case UsageColumn:
        return tr("%1 this month").arg(m_usageMeterName.isEmpty() ? m_usageMeter : m_usageMeterName);
    case BalanceColumn:
        return tr("Available");
    case HealthColumn:
        return tr("Limits");
    case CreatedColumn:
        return tr("Created");
    default:
        return {};
    }
}

QVariant CustomersModel::display(const CustomerRow& row, int column) const
{
    switch (column) {
    case IdColumn:
        return row.customer.id;
    case NameColumn:
        return row.customer.name;
    case PlanColumn:
        if (row.customer.planId.isEmpty())
            return tr("No plan");
        return row.planName.isEmpty() ? row.customer.planId : row.planName;
    case ExternalIdColumn:
        return row.customer.externalId;
    case UsageColumn:
        return DisplayFormat::quantity(row.monthUsage.value(m_usageMeter));
    case BalanceColumn:
        return row.hasBalance ? DisplayFormat::money(row.balance.available()) : QStringLiteral("\u2014");
    case HealthColumn:
        switch (row.health) {
        case LimitHealth::NoLimits:
            return tr("No limits");
        case LimitHealth::Ok:
            return tr("OK (%1)").arg(DisplayFormat::percent(row.worstFraction));
        case LimitHealth::Near:
            return tr("Near (%1)").arg(DisplayFormat::percent(row.worstFraction));
        case LimitHealth::Over:
            return tr("Over (%1)").arg(DisplayFormat::percent(row.worstFraction));
        }
        return {};
    case CreatedColumn:
        return DisplayFormat::time(row.customer.createdAt);
    default:
        return {};
    }
}

QVariant CustomersModel::raw(const CustomerRow& row, int column) const
{
    switch (column) {
    case UsageColumn:
        return row.monthUsage.value(m_usageMeter);
    case BalanceColumn:
        return row.hasBalance ? qlonglong(row.balance.available().micros()) : std::numeric_limits<qlonglong>::min();
    case HealthColumn:
        return int(row.health);
    case CreatedColumn:
        return row.customer.createdAt;
    case PlanColumn:
        return row.planName.isEmpty() ? row.customer.planId : row.planName;
    default:
        return display(row, column);
    }
}

QVariant CustomersModel::toolTip(const CustomerRow& row, int column) const
{
    if (column == HealthColumn && !row.worstLimit.isEmpty())
        return tr("Closest limit: %1").arg(row.worstLimit);
    if (column == BalanceColumn && !row.hasBalance)
        return tr("No prepaid credits");
    if (column == PlanColumn && !row.customer.planId.isEmpty())
        return row.customer.planId;
    return {};
}

QVariant CustomersModel::foreground(const CustomerRow& row, int column) const
{
    if (column == HealthColumn && row.health == LimitHealth::Over)
        return QBrush(Red);
    if (column == HealthColumn && row.health == LimitHealth::Near)
        return QBrush(Amber);
    if (column == BalanceColumn && row.hasBalance && !row.balance.available().isPositive())
        return QBrush(Red);
    if ((column == BalanceColumn && !row.hasBalance) || (column == PlanColumn && row.customer.planId.isEmpty()))
        return QBrush(Grey);
    return {};
}

QVariant CustomersModel::progress(const CustomerRow& row, int column) const
{
    if (column != HealthColumn || row.health == LimitHealth::NoLimits)
        return {};
    return row.worstFraction;
}

Qt::Alignment CustomersModel::alignment(int column) const
{
    if (column == UsageColumn || column == BalanceColumn)
        return Qt::AlignRight | Qt::AlignVCenter;
    return Qt::AlignLeft | Qt::AlignVCenter;
}

} // namespace Meterline
