#pragma once

#include <QStyledItemDelegate>

namespace Meterline
{

// Paints a limit's consumption as a bar: the fraction used (a double, 1.0 = at the limit) comes from the
// model's `fractionRole`, the text on the bar from the display role ("8,000 / 10,000"). The bar turns amber from
// the near-limit threshold and red at the limit, so the colour never carries the meaning alone: the text
// says it too.
class ProgressDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit ProgressDelegate(int fractionRole = Qt::UserRole, QObject* parent = nullptr);

    void setNearLimitPercent(int percent) { m_nearPercent = percent; }

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    enum class Level
    {
        Normal,
        Near,
        Over
    };
    Level levelOf(double fraction) const;

private:
    int m_fractionRole;
    int m_nearPercent = 80;
};

} // namespace Meterline
