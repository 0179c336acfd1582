#pragma once

#include <QMetaType>

#include "core/types.h"
#include "models/keyedrowsmodel.h"

namespace Meterline
{

// A customer's prepaid balance as the Balances page lists it.
struct BalanceRow
{
    Balance balance;
    QString customerName;
};

// Balances of customers with prepaid credits. Money columns: RawRole qlonglong micros.
// LowThreshold (setLowThreshold, default 0): available() at or below it paints red. RowRole: BalanceRow.
class BalancesModel : public KeyedRowsModel<BalanceRow>
{
    Q_OBJECT

public:
    enum Column
    {
        CustomerColumn,
        NameColumn,
        BalanceColumn,
        ReserveColumn,
        HeldColumn,
        AvailableColumn,
        ColumnCount
    };

    explicit BalancesModel(QObject* parent = nullptr);
    void setLowThreshold(Money threshold);

protected:
    QString keyOf(const BalanceRow& row) const override { return row.balance.customerId; }
    int columns() const override { return ColumnCount; }
    QVariant header(int column) const override;
    QVariant display(const BalanceRow& row, int column) const override;
    QVariant raw(const BalanceRow& row, int column) const override;
    QVariant foreground(const BalanceRow& row, int column) const override;
    Qt::Alignment alignment(int column) const override;

private:
    Money m_lowThreshold;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::BalanceRow)
