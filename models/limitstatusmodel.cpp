#include "models/limitstatusmodel.h"

#include <QBrush>
#include <QColor>

#include "core/limitoverview.h"
#include "models/displayformat.h"

namespace Meterline
{

namespace
{

// used / limit; a cap of 0 is reached from the start.
double fractionOf(const LimitStatus& row)
{
    return row.limit > 0 ? row.used / row.limit : 1.0;
}

} // namespace

LimitStatusModel::LimitStatusModel(QObject* parent)
    : KeyedRowsModel<LimitStatus>(parent)
{
}

QVariant LimitStatusModel::header(int column) const
{
    switch (column) {
    case MeterColumn:
        return tr("Meter");
    case PeriodColumn:
        return tr("Period");
    case ModeColumn:
        return tr("Mode");
    case SourceColumn:
        return tr("From");
    case UsedColumn:
        return tr("Used");
    case LimitColumn:
        return tr("Cap");
    case RemainingColumn:
        return tr("Remaining");
    case ProgressColumn:
        return tr("Consumed");
    case ResetsColumn:
        return tr("Resets");
    default:
        return {};
    }
}

QVariant LimitStatusModel::display(const LimitStatus& row, int column) const
{
    switch (column) {
    case MeterColumn:
        return row.meterId;
    case PeriodColumn:
        return toString(row.period);
    case ModeColumn:
        return toString(row.mode);
    case SourceColumn:
        return toString(row.source);
    case UsedColumn:
        return DisplayFormat::quantity(row.used);
    case LimitColumn:
        return DisplayFormat::quantity(row.limit);
    case RemainingColumn:
        return DisplayFormat::quantity(row.remaining);
    case ProgressColumn:
        return DisplayFormat::percent(fractionOf(row));
    case ResetsColumn:
        return row.resetsAt ? DisplayFormat::time(*row.resetsAt) : tr("never");
    default:
        return {};
    }
}

QVariant LimitStatusModel::raw(const LimitStatus& row, int column) const
{
    switch (column) {
    case PeriodColumn:
        return int(row.period);
    case ModeColumn:
        return int(row.mode);
    case SourceColumn:
        return int(row.source);
    case UsedColumn:
        return row.used;
    case LimitColumn:
        return row.limit;
    case RemainingColumn:
        return row.remaining;
    case ProgressColumn:
        return fractionOf(row);
    case ResetsColumn:
        return row.resetsAt ? QVariant(*row.resetsAt) : QVariant();
    default:
        return display(row, column);
    }
}

QVariant LimitStatusModel::progress(const LimitStatus& row, int column) const
{
    if (column != ProgressColumn && column != UsedColumn)
        return {};
    return fractionOf(row);
}

QVariant LimitStatusModel::foreground(const LimitStatus& row, int column) const
{
    if (column != ProgressColumn)
        return {};
    const double f = fractionOf(row);
    if (f >= 1.0)
        return QBrush(QColor(0xb0, 0x20, 0x20));
    if (f >= NearLimitFraction)
        return QBrush(QColor(0xb0, 0x70, 0x00));
    return {};
}

Qt::Alignment LimitStatusModel::alignment(int column) const
{
    if (column == UsedColumn || column == LimitColumn || column == RemainingColumn || column == ProgressColumn)
        return Qt::AlignRight | Qt::AlignVCenter;
    return Qt::AlignLeft | Qt::AlignVCenter;
}

} // namespace Meterline
