#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QLocale>
#include <QMetaType>
#include <QString>

#include "core/money.h"

namespace Meterline
{

// One customer's line of the dashboard's usage table: a plain value, built by the snapshot worker.
struct CustomerUsageRow
{
    QString id;
    QString name;
    QString planId;          // empty: no plan
    QString planName;        // the plan's display name; falls back to planId
    double tokens = 0;       // this calendar month
    double requests = 0;     // this calendar month
    Money available;         // prepaid balance − reserve − held
    bool hasBalance = false; // false: the customer has no prepaid credits at all

    bool operator==(const CustomerUsageRow&) const = default;
};

// Adapts a snapshot of customers' usage to a table. The first snapshot resets the model; later ones are
// diffed by customer id into row removals, insertions and ranged dataChanged, so selection and persistent
// indexes on unchanged rows survive a refresh.
class CustomerUsageModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        CustomerColumn,
        NameColumn,
        PlanColumn,
        TokensColumn,
        RequestsColumn,
        BalanceColumn,
        ColumnCount
    };
    enum Role
    {
        // The value behind the text: QString for text columns, double for usage, qlonglong micros for the
        // balance (lowest when there is none). Sort by it.
        RawRole = Qt::UserRole,
        // The customer id of the row, whatever the column.
        IdRole
    };

    explicit CustomerUsageModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const QList<CustomerUsageRow>& rows() const { return m_rows; }
    int rowOf(const QString& customerId) const { return m_rowById.value(customerId, -1); }
    bool isLoaded() const { return m_loaded; }

    // Numbers as the table shows them: grouped digits in the given locale ("1,234,567"); money with two
    // decimals ("1,250.00").
    static QString formatQuantity(double value, const QLocale& locale = {});
    static QString formatMoney(Money amount, const QLocale& locale = {});

public slots:
    void applySnapshot(const QList<Meterline::CustomerUsageRow>& rows);

private:
    QVariant displayData(const CustomerUsageRow& row, int column) const;
    QVariant rawData(const CustomerUsageRow& row, int column) const;
    void rebuildIndex();

    QList<CustomerUsageRow> m_rows;
    QHash<QString, int> m_rowById;
    bool m_loaded = false;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::CustomerUsageRow)
