#pragma once

#include <QMap>
#include <QMetaType>

#include "core/limitoverview.h"
#include "core/types.h"
#include "models/keyedrowsmodel.h"

namespace Meterline
{

// One customer as the Customers page shows it. Built by the sync worker (sync/) from core values.
struct CustomerRow
{
    Customer customer;
    QString planName;                 // the plan's display name; empty without a plan
    QMap<QString, double> monthUsage; // meter id -> aggregate over this calendar month (UTC)
    Balance balance;
    bool hasBalance = false; // the customer has (or had) prepaid credits: a ledger row or a non-zero balance
    LimitHealth health = LimitHealth::NoLimits;
    double worstFraction = 0; // used / limit of the worst applying limit (0 without limits)
    QString worstLimit;       // "<meterId> / <period>" of that limit

    QString id() const { return customer.id; }
};

// Every customer: id, name, plan, this month's usage of one chosen meter, available balance and limit health.
//   RawRole: UsageColumn double, BalanceColumn qlonglong micros of available() (lowest qlonglong without a
//   balance), HealthColumn int(LimitHealth), CreatedColumn QDateTime; text otherwise.
//   ProgressRole: HealthColumn worstFraction.
//   RowRole: CustomerRow.
class CustomersModel : public KeyedRowsModel<CustomerRow>
{
    Q_OBJECT

public:
    enum Column
    {
        IdColumn,
        NameColumn,
        PlanColumn,
        ExternalIdColumn,
        UsageColumn, // this month on usageMeter()
        BalanceColumn,
        HealthColumn,
        CreatedColumn,
        ColumnCount
    };

    explicit CustomersModel(QObject* parent = nullptr);

    // The meter the usage column shows (default "llm-tokens"); its header names it.
    void setUsageMeter(const QString& meterId, const QString& meterName = {});
    QString usageMeter() const { return m_usageMeter; }

protected:
    QString keyOf(const CustomerRow& row) const override { return row.customer.id; }
    int columns() const override { return ColumnCount; }
    QVariant header(int column) const override;
    QVariant display(const CustomerRow& row, int column) const override;
    QVariant raw(const CustomerRow& row, int column) const override;
    QVariant toolTip(const CustomerRow& row, int column) const override;
    QVariant foreground(const CustomerRow& row, int column) const override;
    QVariant progress(const CustomerRow& row, int column) const override;
    Qt::Alignment alignment(int column) const override;

private:
    QString m_usageMeter = QStringLiteral("llm-tokens");
    QString m_usageMeterName;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::CustomerRow)
