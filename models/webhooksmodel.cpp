#include "models/webhooksmodel.h"

#include "models/displayformat.h"

namespace Meterline
{

WebhooksModel::WebhooksModel(QObject* parent)
    : KeyedRowsModel<WebhookEndpoint>(parent)
{
}

QVariant WebhooksModel::header(int column) const
{
    switch (column) {
    case IdColumn:
        return tr("Endpoint");
    case UrlColumn:
        return tr("URL");
    case EventsColumn:
        return tr("Events");
    case LowThresholdColumn:
        return tr("Low balance at");
    case DisabledColumn:
        return tr("State");
    case CreatedColumn:
        return tr("Created");
    default:
        return {};
    }
}

QVariant WebhooksModel::display(const WebhookEndpoint& row, int column) const
{
    switch (column) {
    case IdColumn:
        return row.id;
    case UrlColumn:
        return row.url;
    case EventsColumn:
        return row.events.join(QStringLiteral(", "));
    case LowThresholdColumn:
        return row.balanceLowThreshold ? DisplayFormat::money(*row.balanceLowThreshold) : QString();
    case DisabledColumn:
        return row.disabled ? tr("disabled") : tr("active");
    case CreatedColumn:
        return DisplayFormat::time(row.createdAt);
    default:
        return {};
    }
}

QVariant WebhooksModel::raw(const WebhookEndpoint& row, int column) const
{
    switch (column) {
    case LowThresholdColumn:
        return row.balanceLowThreshold ? QVariant(qlonglong(row.balanceLowThreshold->micros())) : QVariant();
    case DisabledColumn:
        return row.disabled;
    case CreatedColumn:
        return row.createdAt;
    default:
        return display(row, column);
    }
}

} // namespace Meterline
