#include "ui/delegates/moneydelegate.h"

namespace Meterline
{

MoneyDelegate::MoneyDelegate(const DashboardSettings* settings, int microsRole, QObject* parent)
    : QStyledItemDelegate(parent)
    , m_settings(settings)
    , m_microsRole(microsRole)
{
}

QString MoneyDelegate::displayText(const QVariant& value, const QLocale& locale) const
{
    if (value.typeId() != QMetaType::LongLong)
        return QStyledItemDelegate::displayText(value, locale);
    const MoneyFormat format = m_settings ? m_settings->moneyFormat() : MoneyFormat::Exact;
    return formatMoney(Money::fromMicros(value.toLongLong()), format, locale);
}

void MoneyDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant micros = index.data(m_microsRole);
    if (micros.typeId() == QMetaType::LongLong)
        option->text = displayText(micros, option->locale);
    option->displayAlignment = Qt::AlignRight | Qt::AlignVCenter;
}

} // namespace Meterline
