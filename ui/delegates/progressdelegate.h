#pragma once

#include <QStyledItemDelegate>

namespace Meterline
{

// Paints a limit's consumption as a bar: the fraction used (a double, 1.0 = at the limit) comes from the
// model's `fractionRole`, the text on the bar from the display role ("8,000 / 10,000"). The bar turns amber
// near the limit and red at it (limitLevel), so the colour never carries the meaning alone: the text says it
// too.
class ProgressDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit ProgressDelegate(int fractionRole = Qt::UserRole, QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_fractionRole;
};

enum class LimitLevel
{
    Normal,
    Near,
    Over
};
// The colour level of a limit used to `fraction` (1 = at the cap), by the models' near-limit rule
// (NearLimitFraction): the same thresholds as the Health column's words.
LimitLevel limitLevel(double fraction);

} // namespace Meterline
