#pragma once

#include <QChartView>
#include <QList>

#include "core/types.h"

class QLineSeries;
class QGraphicsSimpleTextItem;

namespace Meterline
{

// Usage of one meter over time: one point per bucket (hour, day or month, UTC), a date axis and the meter's
// unit on the value axis. Hovering shows the bucket and its exact value. It only draws what it is given.
class UsageChart : public QChartView
{
    Q_OBJECT

public:
    explicit UsageChart(QWidget* parent = nullptr);

    // `unit` names what is counted ("tokens", "requests"); an empty series shows `emptyText` instead.
    void setUsage(const QString& meterName, const QString& unit, Window window, const QList<UsageBucket>& buckets);
    void setPlaceholder(const QString& text); // no data yet, or a failure to show

    const QList<UsageBucket>& buckets() const { return m_buckets; }
    // The text shown while hovering bucket `i` ("Tue 24 Nov 2026: 12,345 tokens"); empty when out of range.
    QString hoverText(int i) const;
    // The bucket under a point in view coordinates, or -1.
    int bucketAt(const QPointF& viewPoint) const;

signals:
    void hovered(const QString& text);

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void showHover(int bucket);

    QList<UsageBucket> m_buckets;
    QString m_unit;
    Window m_window = Window::Day;
    double m_scale = 1;
    QLineSeries* m_line = nullptr;
    QGraphicsSimpleTextItem* m_hoverLabel = nullptr;
};

// Bucket starts are UTC; the chart's date axis formats local times, so points carry the UTC wall-clock time as
// if it were local: a daily bucket reads as its UTC day in every time zone.
qint64 axisMsForUtc(const QDateTime& utc);

} // namespace Meterline
