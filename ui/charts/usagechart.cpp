#include "ui/charts/usagechart.h"

#include <QDateTimeAxis>
#include <QGraphicsSimpleTextItem>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QValueAxis>

#include "ui/charts/chartpalette.h"
#include "ui/charts/chartstyle.h"

namespace Meterline
{

namespace
{

constexpr int MaxPointsWithMarkers = 62;

QString axisFormat(Window window)
{
    switch (window) {
    case Window::Hour:
        return QStringLiteral("d MMM HH:mm");
    case Window::Day:
        return QStringLiteral("d MMM");
    case Window::Month:
        return QStringLiteral("MMM yyyy");
    }
    return {};
}

} // namespace

qint64 axisMsForUtc(const QDateTime& utc)
{
    const QDateTime inUtc = utc.toUTC();
    return QDateTime(inUtc.date(), inUtc.time()).toMSecsSinceEpoch();
}

UsageChart::UsageChart(QWidget* parent)
    : QChartView(parent)
{
    setObjectName(QStringLiteral("usageChart"));
    setMouseTracking(true);
    setMinimumHeight(fontMetrics().height() * 12);
    setPlaceholder(tr("No usage loaded yet"));
}

void UsageChart::setPlaceholder(const QString& text)
{
    m_buckets.clear();
    m_line = nullptr;
    m_hoverLabel = nullptr;
    auto* chart = new QChart;
    ChartStyle::prepare(this, chart);
    chart->setTitle(text);
    chart->legend()->hide();
    ChartStyle::show(this, chart);
}

void UsageChart::setUsage(const QString& meterName,
                          const QString& unit,
                          Window window,
                          const QList<UsageBucket>& buckets)
{
    if (buckets.isEmpty()) {
        setPlaceholder(tr("No usage of %1 in this range").arg(meterName));
        return;
    }
    m_buckets = buckets;
    m_unit = unit;
    m_window = window;

    double maximum = 0;
    for (const UsageBucket& bucket : buckets)
        maximum = qMax(maximum, bucket.value);
    QString scaleWord;
    m_scale = ChartStyle::axisScale(maximum, &scaleWord);

    auto* chart = new QChart;
    ChartStyle::prepare(this, chart);
    chart->legend()->hide();
    const QString bucketWord = window == Window::Hour ? tr("hour") : window == Window::Day ? tr("day") : tr("month");
    chart->setTitle(tr("%1 per %2").arg(meterName, bucketWord));

    m_line = new QLineSeries(chart);
    for (const UsageBucket& bucket : buckets)
        m_line->append(double(axisMsForUtc(bucket.start)), bucket.value / m_scale);
    QPen pen(ChartPalette::normal());
    pen.setWidthF(2.0);
    m_line->setPen(pen);
    m_line->setPointsVisible(buckets.size() <= MaxPointsWithMarkers);
    chart->addSeries(m_line);

    auto* dates = new QDateTimeAxis(chart);
    dates->setFormat(axisFormat(window));
    dates->setTitleText(tr("UTC"));
    dates->setTickCount(qBound(2, int(buckets.size()), 7));
    const qint64 first = axisMsForUtc(buckets.constFirst().start);
    const qint64 last = axisMsForUtc(buckets.constLast().start);
    dates->setRange(QDateTime::fromMSecsSinceEpoch(first), QDateTime::fromMSecsSinceEpoch(qMax(last, first + 1)));
    chart->addAxis(dates, Qt::AlignBottom);
    m_line->attachAxis(dates);

    auto* values = new QValueAxis(chart);
    ChartStyle::setNiceRange(values, maximum / m_scale);
    values->setTitleText(scaleWord.isEmpty() ? unit : tr("%1 (%2)").arg(unit, scaleWord));
    chart->addAxis(values, Qt::AlignLeft);
    m_line->attachAxis(values);
    ChartStyle::styleAxis(this, dates);
    ChartStyle::styleAxis(this, values);

    m_hoverLabel = new QGraphicsSimpleTextItem(chart);
    m_hoverLabel->setBrush(palette().text());
    m_hoverLabel->setFont(font());
    m_hoverLabel->setZValue(10);
    ChartStyle::show(this, chart);
}

QString UsageChart::hoverText(int i) const
{
    if (i < 0 || i >= m_buckets.size())
        return {};
    const QLocale locale;
    const QDateTime start = m_buckets.at(i).start.toUTC();
    QString when;
    switch (m_window) {
    case Window::Hour:
        when = locale.toString(start, QStringLiteral("ddd d MMM yyyy HH:mm")) + QStringLiteral(" UTC");
        break;
    case Window::Day:
        when = locale.toString(start.date(), QStringLiteral("ddd d MMM yyyy"));
        break;
    case Window::Month:
        when = locale.toString(start.date(), QStringLiteral("MMMM yyyy"));
        break;
    }
    const double value = m_buckets.at(i).value;
    const QString amount = value == qRound64(value) ? locale.toString(qRound64(value)) : locale.toString(value, 'f', 2);
    return tr("%1: %2 %3").arg(when, amount, m_unit);
}

int UsageChart::bucketAt(const QPointF& viewPoint) const
{
    if (!m_line || m_buckets.isEmpty())
        return -1;
    const QPointF scenePoint = mapToScene(viewPoint.toPoint());
    const QPointF chartPoint = chart()->mapFromScene(scenePoint);
    if (!chart()->plotArea().contains(chartPoint))
        return -1;
    const double x = chart()->mapToValue(chartPoint, m_line).x();
    int best = -1;
    double bestDistance = 0;
    for (int i = 0; i < m_buckets.size(); ++i) {
        const double distance = qAbs(double(axisMsForUtc(m_buckets.at(i).start)) - x);
        if (best < 0 || distance < bestDistance) {
            best = i;
            bestDistance = distance;
        }
    }
    return best;
}

void UsageChart::showHover(int bucket)
{
    if (!m_hoverLabel)
        return;
    const QString text = hoverText(bucket);
    m_hoverLabel->setText(text);
    m_hoverLabel->setVisible(!text.isEmpty());
    if (!text.isEmpty()) {
        // Top-right of the plot area: it never hides the point under the mouse.
        const QRectF plot = chart()->plotArea();
        m_hoverLabel->setPos(plot.right() - m_hoverLabel->boundingRect().width() - 4, plot.top() + 4);
    }
    emit hovered(text);
}

void UsageChart::mouseMoveEvent(QMouseEvent* event)
{
    showHover(bucketAt(event->position()));
    QChartView::mouseMoveEvent(event);
}

void UsageChart::leaveEvent(QEvent* event)
{
    showHover(-1);
    QChartView::leaveEvent(event);
}

} // namespace Meterline
