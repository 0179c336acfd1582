#include "models/webhookdeliveriesmodel.h"

#include <QBrush>
#include <QColor>

#include "models/displayformat.h"

namespace Meterline
{

WebhookDeliveriesModel::WebhookDeliveriesModel(QObject* parent)
    : KeyedRowsModel<WebhookDelivery>(parent)
{
}

QVariant WebhookDeliveriesModel::header(int column) const
{
    switch (column) {
    case CreatedColumn:
        return tr("Created");
    case EventTypeColumn:
        return tr("Event");
    case StateColumn:
        return tr("State");
    case AttemptsColumn:
        return tr("Attempts");
    case StatusColumn:
        return tr("Last status");
    case ErrorColumn:
        return tr("Last error");
    case NextAttemptColumn:
        return tr("Next attempt");
    case IdColumn:
        return tr("Delivery");
    default:
        return {};
    }
}

QVariant WebhookDeliveriesModel::display(const WebhookDelivery& row, int column) const
{
    switch (column) {
    case CreatedColumn:
        return DisplayFormat::time(row.createdAt);
    case EventTypeColumn:
        return row.eventType;
    case StateColumn:
        return row.state;
    case AttemptsColumn:
        return QString::number(row.attempts);
    case StatusColumn:
        return row.lastStatus > 0 ? QString::number(row.lastStatus) : QString();
    case ErrorColumn:
        return row.lastError;
    case NextAttemptColumn:
        return row.state == QStringLiteral("pending") ? DisplayFormat::time(row.nextAttemptAt) : QString();
    case IdColumn:
        return row.id;
    default:
        return {};
    }
}

QVariant WebhookDeliveriesModel::raw(const WebhookDelivery& row, int column) const
{
    switch (column) {
    case CreatedColumn:
        return row.createdAt;
    case AttemptsColumn:
        return row.attempts;
    case StatusColumn:
        return row.lastStatus;
    case NextAttemptColumn:
        return row.nextAttemptAt;
    default:
        return display(row, column);
    }
}

QVariant WebhookDeliveriesModel::foreground(const WebhookDelivery& row, int column) const
{
    if (column == StateColumn && row.state == QStringLiteral("failed"))
        return QBrush(QColor(0xb0, 0x20, 0x20));
    return {};
}

Qt::Alignment WebhookDeliveriesModel::alignment(int column) const
{
    if (column == AttemptsColumn || column == StatusColumn)
        return Qt::AlignRight | Qt::AlignVCenter;
    return Qt::AlignLeft | Qt::AlignVCenter;
}

} // namespace Meterline
