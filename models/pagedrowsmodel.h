#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QString>

#include "models/modelroles.h"

namespace Meterline
{

// A table that pages in as the view scrolls (fetchMore/canFetchMore): it never holds more than the pages a
// user scrolled through, so ten million stored rows cost nothing until they are looked at. The model does
// no I/O: fetchMore() calls requestPage(cursor), the owner asks the source and hands the answer back with
// appendPage(). restart() drops the rows (a new filter) and asks for the first page again.
template <typename Row> class PagedRowsModel : public QAbstractTableModel
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

    // More rows exist and no page is on its way (a view calls fetchMore at most once per page).
    bool canFetchMore(const QModelIndex& parent) const override
    {
        return !parent.isValid() && m_started && !m_pending && !m_nextCursor.isEmpty();
    }
    void fetchMore(const QModelIndex& parent) override
    {
        if (!canFetchMore(parent))
            return;
        m_pending = true;
        requestPage(m_nextCursor);
    }

    // Drops every row and asks for the first page (cursor "").
    void restart()
    {
        beginResetModel();
        m_rows.clear();
        m_nextCursor.clear();
        m_started = true;
        m_pending = true;
        endResetModel();
        requestPage({});
    }

    // The answer to the last requestPage(): rows appended; nextCursor empty on the last page.
    void appendPage(const QList<Row>& rows, const QString& nextCursor)
    {
        m_pending = false;
        m_nextCursor = nextCursor;
        if (rows.isEmpty())
            return;
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(rows.size()) - 1);
        m_rows.append(rows);
        endInsertRows();
    }
    // The last requestPage() failed: the model stops asking until restart() or retryPage().
    void pageFailed()
    {
        m_pending = false;
        m_failedCursor = m_nextCursor;
        m_nextCursor.clear();
    }
    void retryPage()
    {
        if (m_pending || m_failedCursor.isEmpty())
            return;
        m_nextCursor = m_failedCursor;
        m_failedCursor.clear();
        fetchMore({});
    }

    const QList<Row>& rows() const { return m_rows; }
    bool isPending() const { return m_pending; }
    bool hasMore() const { return !m_nextCursor.isEmpty(); }

protected:
    // Ask the owner for the page at cursor (empty: the first page); it answers with appendPage().
    virtual void requestPage(const QString& cursor) = 0;
    virtual QString keyOf(const Row& row) const = 0;
    virtual int columns() const = 0;
    virtual QVariant header(int column) const = 0;
    virtual QVariant display(const Row& row, int column) const = 0;
    virtual QVariant raw(const Row& row, int column) const = 0;
    virtual QVariant toolTip(const Row&, int) const { return {}; }
    virtual QVariant foreground(const Row&, int) const { return {}; }
    virtual Qt::Alignment alignment(int) const { return Qt::AlignLeft | Qt::AlignVCenter; }

private:
    QList<Row> m_rows;
    QString m_nextCursor;
    QString m_failedCursor;
    bool m_started = false;
    bool m_pending = false;
};

} // namespace Meterline
