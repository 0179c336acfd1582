#pragma once

#include "core/types.h"
#include "models/keyedrowsmodel.h"

namespace Meterline
{

// One endpoint's delivery log, newest first (setRows with SyncClient::deliveriesReady's list).
// RawRole: AttemptsColumn/StatusColumn int, time columns QDateTime. RowRole: WebhookDelivery.
class WebhookDeliveriesModel : public KeyedRowsModel<WebhookDelivery>
{
    Q_OBJECT

public:
    enum Column
    {
        CreatedColumn,
        EventTypeColumn,
        StateColumn, // pending, delivered, failed
        AttemptsColumn,
        StatusColumn, // last HTTP status; empty when none
        ErrorColumn,
        NextAttemptColumn,
        IdColumn,
        ColumnCount
    };

    explicit WebhookDeliveriesModel(QObject* parent = nullptr);

protected:
    QString keyOf(const WebhookDelivery& row) const override { return row.id; }
    int columns() const override { return ColumnCount; }
    QVariant header(int column) const override;
    QVariant display(const WebhookDelivery& row, int column) const override;
    QVariant raw(const WebhookDelivery& row, int column) const override;
    QVariant foreground(const WebhookDelivery& row, int column) const override;
    Qt::Alignment alignment(int column) const override;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::WebhookDelivery)
