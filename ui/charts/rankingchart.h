#pragma once

#include <QChartView>
#include <QList>

namespace Meterline
{

// Horizontal bars, largest first: the top customers of a meter, or how much of each limit is used. Bars are
// coloured by level (normal, near, over); a bar's valueText is written on its label too, so nothing depends on
// colour alone.
class RankingChart : public QChartView
{
    Q_OBJECT

public:
    enum class Level
    {
        Normal,
        Near,
        Over
    };
    struct Bar
    {
        QString label;
        double value = 0;
        Level level = Level::Normal;
        QString valueText; // written after the label ("87 %"); empty: the axis alone tells the value
    };

    explicit RankingChart(QWidget* parent = nullptr);

    // At most `maxBars` bars, sorted by value, largest at the top. `valueTitle` names the value axis
    // ("tokens", "% of limit"); `emptyText` is shown when there are no bars.
    // `axisAtLeast`: the value axis reaches at least this far (100 for percentages).
    void setBars(const QString& title,
                 const QString& valueTitle,
                 QList<Bar> bars,
                 const QString& emptyText,
                 int maxBars = 10,
                 double axisAtLeast = 0);
    const QList<Bar>& bars() const { return m_bars; }

private:
    QList<Bar> m_bars;
};

} // namespace Meterline
