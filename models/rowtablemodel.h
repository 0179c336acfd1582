#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QString>

#include "models/modelroles.h"

namespace Meterline
{

// The part every dashboard table shares: a list of value rows and what each column shows for a role
// (DisplayRole text, RawRole for sorting, IdRole, ProgressRole, RowRole, tooltips, colours, alignment).
// KeyedRowsModel (synced lists) and PagedRowsModel (events, ledger) add how the rows change.
template <typename Row> class RowTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : columns(); }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override
    {
        if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
            return {};
        const Row& row = m_rows.at(index.row());
        switch (role) {
        case Qt::DisplayRole:
            return display(row, index.column());
        case Qt::ToolTipRole:
            return toolTip(row, index.column());
        case Qt::ForegroundRole:
            return foreground(row, index.column());
        case Qt::TextAlignmentRole:
            return QVariant::fromValue(alignment(index.column()));
        case RawRole:
            return raw(row, index.column());
        case IdRole:
            return keyOf(row);
        case ProgressRole:
            return progress(row, index.column());
        case RowRole:
            return QVariant::fromValue(row);
        default:
            return {};
        }
    }

    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override
    {
        if (orientation != Qt::Horizontal || section < 0 || section >= columns())
            return QAbstractTableModel::headerData(section, orientation, role);
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(alignment(section));
        if (role == Qt::DisplayRole)
            return header(section);
        return {};
    }

    const QList<Row>& rows() const { return m_rows; }

protected:
    virtual QString keyOf(const Row& row) const = 0;
    virtual int columns() const = 0;
    virtual QVariant header(int column) const = 0;
    virtual QVariant display(const Row& row, int column) const = 0;
    virtual QVariant raw(const Row& row, int column) const = 0;
    virtual QVariant toolTip(const Row&, int) const { return {}; }
    virtual QVariant foreground(const Row&, int) const { return {}; }
    virtual QVariant progress(const Row&, int) const { return {}; }
    virtual Qt::Alignment alignment(int) const { return Qt::AlignLeft | Qt::AlignVCenter; }

    QList<Row> m_rows; // the subclass changes it inside the matching begin/end signals
};

} // namespace Meterline
