#include "ui/charts/rankingchart.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QHorizontalStackedBarSeries>
#include <QValueAxis>
#include <algorithm>

#include "ui/charts/chartpalette.h"
#include "ui/charts/chartstyle.h"

namespace Meterline
{

RankingChart::RankingChart(QWidget* parent)
    : QChartView(parent)
{
    setMinimumHeight(fontMetrics().height() * 12);
    setBars({}, {}, {}, tr("No data loaded yet"));
}

void RankingChart::setBars(const QString& title,
                           const QString& valueTitle,
                           QList<Bar> bars,
                           const QString& emptyText,
                           int maxBars,
                           double axisAtLeast)
{
    std::stable_sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.value > b.value; });
    if (bars.size() > maxBars)
        bars.resize(maxBars);
    m_bars = bars;

    auto* chart = new QChart;
    ChartStyle::prepare(this, chart);
    chart->legend()->hide();
    if (bars.isEmpty()) {
        chart->setTitle(emptyText);
        ChartStyle::show(this, chart);
        return;
    }
    chart->setTitle(title);

    double maximum = axisAtLeast;
    for (const Bar& bar : bars)
        maximum = qMax(maximum, bar.value);
    QString scaleWord;
    const double scale = ChartStyle::axisScale(maximum, &scaleWord);

    // One set per level; each category has its value in the set of its level only (stacked: no gaps).
    auto* series = new QHorizontalStackedBarSeries(chart);
    QBarSet* sets[3] = {new QBarSet(tr("normal")), new QBarSet(tr("near")), new QBarSet(tr("over"))};
    const QColor colours[3] = {ChartPalette::normal(), ChartPalette::near(), ChartPalette::over()};
    QStringList categories;
    // Horizontal bar categories run bottom-up: add the smallest first so the largest is on top.
    for (auto it = bars.crbegin(); it != bars.crend(); ++it) {
        for (int level = 0; level < 3; ++level)
            sets[level]->append(level == int(it->level) ? it->value / scale : 0.0);
        categories << (it->valueText.isEmpty() ? it->label : tr("%1 (%2)").arg(it->label, it->valueText));
    }
    for (int level = 0; level < 3; ++level) {
        sets[level]->setColor(colours[level]);
        sets[level]->setBorderColor(colours[level]);
        series->append(sets[level]);
    }
    series->setBarWidth(0.7);
    chart->addSeries(series);

    auto* names = new QBarCategoryAxis(chart);
    names->append(categories);
    chart->addAxis(names, Qt::AlignLeft);
    series->attachAxis(names);
    auto* values = new QValueAxis(chart);
    ChartStyle::setNiceRange(values, maximum / scale);
    values->setTitleText(scaleWord.isEmpty() ? valueTitle : tr("%1 (%2)").arg(valueTitle, scaleWord));
    chart->addAxis(values, Qt::AlignBottom);
    series->attachAxis(values);
    ChartStyle::styleAxis(this, names);
    ChartStyle::styleAxis(this, values);
    names->setGridLineVisible(false);
    ChartStyle::show(this, chart);
}

} // namespace Meterline
