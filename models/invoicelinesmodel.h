#pragma once

#include <QMap>

#include "core/types.h"
#include "models/keyedrowsmodel.h"

namespace Meterline
{

// The invoice lines of a period as core computes them (SPEC §4), for the Billing page's preview: one row per
// customer x priced meter, in core's order (setRows with SyncClient::invoiceLinesReady's list).
// RawRole: quantity columns double, UnitPriceColumn/AmountColumn qlonglong micros. RowRole: InvoiceLine.
// total() sums the amounts per currency.
class InvoiceLinesModel : public KeyedRowsModel<InvoiceLine>
{
    Q_OBJECT

public:
    enum Column
    {
        CustomerColumn,
        CustomerNameColumn,
        PlanColumn,
        MeterColumn,
        QuantityColumn,
        IncludedColumn,
        BillableColumn,
        UnitPriceColumn, // per perUnits
        AmountColumn,
        CurrencyColumn,
        ColumnCount
    };

    explicit InvoiceLinesModel(QObject* parent = nullptr);
    QMap<QString, Money> totals() const; // currency -> sum of amounts

protected:
    QString keyOf(const InvoiceLine& row) const override { return row.customerId + u'\x1f' + row.meterId; }
    int columns() const override { return ColumnCount; }
    QVariant header(int column) const override;
    QVariant display(const InvoiceLine& row, int column) const override;
    QVariant raw(const InvoiceLine& row, int column) const override;
    Qt::Alignment alignment(int column) const override;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::InvoiceLine)
