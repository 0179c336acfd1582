#include "ui/delegates/moneydelegate.h"

#include <limits>

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
    // The lowest value is the models' "no amount" (it sorts first): keep the model's own text for it.
    if (micros.typeId() == QMetaType::LongLong && micros.toLongLong() != std::numeric_limits<qint64>::min())
        option->text = displayText(micros, option->locale);
    option->displayAlignment = Qt::AlignRight | Qt::AlignVCenter;
}

} // namespace Meterline
