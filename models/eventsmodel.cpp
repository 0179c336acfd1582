#include "models/eventsmodel.h"

#include <QStringList>

#include "models/displayformat.h"

namespace Meterline
{

EventsModel::EventsModel(QObject* parent)
    : PagedRowsModel<Event>(parent)
{
}

void EventsModel::setFilter(const EventFilter& filter)
{
    m_filter = filter;
    restart();
}

void EventsModel::requestPage(const QString& cursor)
{
    emit pageRequested(m_filter, cursor);
}

QVariant EventsModel::header(int column) const
{
    switch (column) {
    case TimeColumn:
        return tr("Time");
    case CustomerColumn:
        return tr("Customer");
    case TypeColumn:
        return tr("Event type");
    case ValueColumn:
        return tr("Value");
    case DimensionsColumn:
        return tr("Dimensions");
    case IdempotencyKeyColumn:
        return tr("Idempotency key");
    case IdColumn:
        return tr("Event id");
    case RecordedColumn:
        return tr("Recorded");
    default:
        return {};
    }
}

QVariant EventsModel::display(const Event& row, int column) const
{
    switch (column) {
    case TimeColumn:
        return row.timestamp.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case CustomerColumn:
        return row.customerId;
    case TypeColumn:
        return row.eventType;
    case ValueColumn:
        return DisplayFormat::quantity(row.value);
    case DimensionsColumn: {
        QStringList pairs;
        for (auto it = row.dimensions.cbegin(); it != row.dimensions.cend(); ++it)
            pairs << it.key() + u'=' + it.value();
        return pairs.join(QStringLiteral(", "));
    }
    case IdempotencyKeyColumn:
        return row.idempotencyKey;
    case IdColumn:
        return row.id;
    case RecordedColumn:
        return row.createdAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    default:
        return {};
    }
}

QVariant EventsModel::raw(const Event& row, int column) const
{
    switch (column) {
    case TimeColumn:
        return row.timestamp;
    case ValueColumn:
        return row.value;
    case RecordedColumn:
        return row.createdAt;
    default:
        return display(row, column);
    }
}

Qt::Alignment EventsModel::alignment(int column) const
{
    return column == ValueColumn ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter;
}

} // namespace Meterline
