#include "ui/charts/chartstyle.h"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QGraphicsLayout>
#include <QValueAxis>

namespace Meterline::ChartStyle
{

void show(QChartView* view, QChart* chart)
{
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

void prepare(QChartView* view, QChart* chart)
{
    view->setRenderHint(QPainter::Antialiasing);
    const QPalette palette = view->palette();
    chart->setBackgroundBrush(palette.base());
    chart->setBackgroundRoundness(0);
    chart->setTitleBrush(palette.text());
    QFont titleFont = view->font();
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    chart->legend()->setLabelColor(palette.text().color());
    chart->legend()->setFont(view->font());
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setMargins(QMargins(4, 4, 4, 4));
}

void styleAxis(const QChartView* view, QAbstractAxis* axis)
{
    const QPalette palette = view->palette();
    axis->setLabelsBrush(palette.text());
    axis->setLabelsFont(view->font());
    axis->setTitleBrush(palette.text());
    axis->setTitleFont(view->font());
    QColor grid = palette.text().color();
    grid.setAlpha(40);
    axis->setGridLineColor(grid);
    axis->setLinePenColor(grid);
}

double axisScale(double maximum, QString* suffix)
{
    struct Step
    {
        double divisor;
        const char* word;
    };
    static const Step steps[] = {{1e9, QT_TRANSLATE_NOOP("ChartStyle", "billions")},
                                 {1e6, QT_TRANSLATE_NOOP("ChartStyle", "millions")},
                                 {1e3, QT_TRANSLATE_NOOP("ChartStyle", "thousands")}};
    for (const Step& step : steps) {
        if (maximum >= step.divisor) {
            *suffix = QCoreApplication::translate("ChartStyle", step.word);
            return step.divisor;
        }
    }
    suffix->clear();
    return 1;
}

void setNiceRange(QValueAxis* axis, double maximum)
{
    axis->setRange(0, maximum > 0 ? maximum * 1.05 : 1);
    axis->applyNiceNumbers();
    axis->setLabelFormat(axis->max() >= 10 ? QStringLiteral("%.0f") : QStringLiteral("%.1f"));
}

} // namespace Meterline::ChartStyle
