#pragma once

#include <QString>

class QAbstractAxis;
class QChart;
class QChartView;
class QValueAxis;

namespace Meterline::ChartStyle
{

// A chart that follows the widget's palette and font (light or dark, any DPI): transparent margins, no
// animation (charts refresh on every sync), legend only where several series need it.
void prepare(QChartView* view, QChart* chart);
// Shows chart in view and deletes the chart it showed before: QChartView::setChart only releases the old one
// (AddressSanitizer's leak check found a chart a refresh left behind).
void show(QChartView* view, QChart* chart);
// Axis labels, title and grid in the view's palette and font.
void styleAxis(const QChartView* view, QAbstractAxis* axis);
// Scales large quantities so axis labels stay short: returns the divisor (1, 10^3, 10^6, 10^9) for `maximum`
// and sets `suffix` to its word ("", "thousands", …) for the axis title.
double axisScale(double maximum, QString* suffix);
// A value axis from 0 with round ticks and no decimals unless the range needs them.
void setNiceRange(QValueAxis* axis, double maximum);

} // namespace Meterline::ChartStyle
