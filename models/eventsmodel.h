#pragma once

#include <QMetaType>

#include "core/types.h"
#include "models/pagedrowsmodel.h"

namespace Meterline
{

// The Events page's filter. Empty fields do not filter; the range is half-open [from, to) on the event time;
// every dimensions entry must match exactly (key = value).
struct EventFilter
{
    QString customerId;
    QString eventType;
    QDateTime from;
    QDateTime to;
    Dimensions dimensions;
    int pageSize = 200; // 1..1000 (SPEC §3 events page limit)
};

// Recorded events, newest first, paged in as the view scrolls: ten million stored events cost one page per
// screenful. setFilter() restarts; page requests go out as pageRequested(filter, cursor) and come back
// through appendPage(). RawRole: ValueColumn double, TimeColumn/RecordedColumn QDateTime. RowRole: Event.
class EventsModel : public PagedRowsModel<Event>
{
    Q_OBJECT

public:
    enum Column
    {
        TimeColumn,
        CustomerColumn,
        TypeColumn,
        ValueColumn,
        DimensionsColumn, // "model=gpt-4o, provider=openai"
        IdempotencyKeyColumn,
        IdColumn,
        RecordedColumn,
        ColumnCount
    };

    explicit EventsModel(QObject* parent = nullptr);
    void setFilter(const EventFilter& filter); // restarts
    const EventFilter& filter() const { return m_filter; }

signals:
    void pageRequested(const Meterline::EventFilter& filter, const QString& cursor);

protected:
    void requestPage(const QString& cursor) override;
    QString keyOf(const Event& row) const override { return row.id; }
    int columns() const override { return ColumnCount; }
    QVariant header(int column) const override;
    QVariant display(const Event& row, int column) const override;
    QVariant raw(const Event& row, int column) const override;
    Qt::Alignment alignment(int column) const override;

private:
    EventFilter m_filter;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::EventFilter)
Q_DECLARE_METATYPE(Meterline::Event)
