#include "ui/delegates/progressdelegate.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>

#include "models/customersmodel.h"
#include "ui/charts/chartpalette.h"

namespace Meterline
{

ProgressDelegate::ProgressDelegate(int fractionRole, QObject* parent)
    : QStyledItemDelegate(parent)
    , m_fractionRole(fractionRole)
{
}

LimitLevel limitLevel(double fraction)
{
    if (fraction >= 1.0)
        return LimitLevel::Over;
    if (fraction >= NearLimitFraction)
        return LimitLevel::Near;
    return LimitLevel::Normal;
}

void ProgressDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    const QVariant fractionValue = index.data(m_fractionRole);
    if (!fractionValue.canConvert<double>() || fractionValue.isNull()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    const double fraction = fractionValue.toDouble();

    // The selection background first, so a selected row still reads as selected.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(3, 3, -3, -3);
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.progress = int(qBound(0.0, fraction, 1.0) * 1000);
    bar.text = index.data(Qt::DisplayRole).toString();
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    bar.state = option.state | QStyle::State_Horizontal;
    bar.palette = option.palette;
    bar.fontMetrics = option.fontMetrics;
    switch (limitLevel(fraction)) {
    case LimitLevel::Over:
        bar.palette.setColor(QPalette::Highlight, ChartPalette::over());
        break;
    case LimitLevel::Near:
        bar.palette.setColor(QPalette::Highlight, ChartPalette::near());
        break;
    case LimitLevel::Normal:
        bar.palette.setColor(QPalette::Highlight, ChartPalette::normal());
        break;
    }
    bar.palette.setColor(QPalette::HighlightedText, Qt::white);
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
}

QSize ProgressDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    const int textWidth = option.fontMetrics.horizontalAdvance(index.data(Qt::DisplayRole).toString());
    size.setWidth(qMax(size.width(), textWidth + 4 * option.fontMetrics.averageCharWidth()));
    return size;
}

} // namespace Meterline
