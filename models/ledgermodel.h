#pragma once

#include "core/types.h"
#include "models/pagedrowsmodel.h"

namespace Meterline
{

// One customer's ledger, newest first, paged in as the view scrolls (PagedRowsModel). setCustomer() restarts
// it; each page request is the signal pageRequested(customerId, cursor), answered with appendPage().
// Money columns: RawRole qlonglong micros (signed). RowRole: LedgerTransaction.
class LedgerModel : public PagedRowsModel<LedgerTransaction>
{
    Q_OBJECT

public:
    enum Column
    {
        TimeColumn,
        KindColumn,
        AmountColumn,
        BalanceAfterColumn,
        UnpaidColumn,
        ReasonColumn,
        ActorColumn,
        ColumnCount
    };

    explicit LedgerModel(QObject* parent = nullptr);
    void setCustomer(const QString& customerId); // restarts; empty: no rows, no requests
    QString customer() const { return m_customerId; }

signals:
    void pageRequested(const QString& customerId, const QString& cursor);

protected:
    void requestPage(const QString& cursor) override;
    QString keyOf(const LedgerTransaction& row) const override { return row.id; }
    int columns() const override { return ColumnCount; }
    QVariant header(int column) const override;
    QVariant display(const LedgerTransaction& row, int column) const override;
    QVariant raw(const LedgerTransaction& row, int column) const override;
    QVariant foreground(const LedgerTransaction& row, int column) const override;
    Qt::Alignment alignment(int column) const override;

private:
    QString m_customerId;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::LedgerTransaction)
