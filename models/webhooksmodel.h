#pragma once

#include "core/types.h"
#include "models/keyedrowsmodel.h"

namespace Meterline
{

// Webhook endpoints (never their secret). RawRole: LowThresholdColumn qlonglong micros (invalid when unset),
// DisabledColumn bool, CreatedColumn QDateTime. RowRole: WebhookEndpoint.
class WebhooksModel : public KeyedRowsModel<WebhookEndpoint>
{
    Q_OBJECT

public:
    enum Column
    {
        IdColumn,
        UrlColumn,
        EventsColumn,
        LowThresholdColumn,
        DisabledColumn,
        CreatedColumn,
        ColumnCount
    };

    explicit WebhooksModel(QObject* parent = nullptr);

protected:
    QString keyOf(const WebhookEndpoint& row) const override { return row.id; }
    int columns() const override { return ColumnCount; }
    QVariant header(int column) const override;
    QVariant display(const WebhookEndpoint& row, int column) const override;
    QVariant raw(const WebhookEndpoint& row, int column) const override;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::WebhookEndpoint)
