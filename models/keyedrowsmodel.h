#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QStringList>
#include <algorithm>

#include "models/modelroles.h"

namespace Meterline
{

// What one sync changed in a list of entities keyed by id. reset: upserts is the whole list (first load or a
// new source); otherwise upserts are new or changed rows and removed the ids that are gone.
template <typename Row> struct RowDelta
{
    bool reset = false;
    QList<Row> upserts;
    QStringList removed;
};

// A table over rows with a unique string key, updated by snapshots or deltas with the smallest signals:
// the first load (or a reset delta) resets the model; later updates remove the gone rows in contiguous
// ranges, change rows in place (one dataChanged per row whose display or raw value moved) and append new rows
// at the end (views sort through a QSortFilterProxyModel). Persistent indexes, selection and scrolling on
// untouched rows survive. Subclasses say what each column shows.
template <typename Row> class KeyedRowsModel : public QAbstractTableModel
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
    int rowOf(const QString& key) const { return m_index.value(key, -1); }
    const Row* find(const QString& key) const
    {
        const int r = rowOf(key);
        return r < 0 ? nullptr : &m_rows.at(r);
    }
    bool isLoaded() const { return m_loaded; }

    // The whole list: a reset on the first load, a diff by key afterwards.
    void setRows(const QList<Row>& rows)
    {
        if (!m_loaded) {
            resetTo(rows);
            return;
        }
        QSet<QString> keep;
        keep.reserve(rows.size());
        for (const Row& row : rows)
            keep.insert(keyOf(row));
        QStringList gone;
        for (const Row& row : std::as_const(m_rows)) {
            if (!keep.contains(keyOf(row)))
                gone << keyOf(row);
        }
        removeKeys(gone);
        upsert(rows);
    }

    void applyDelta(const RowDelta<Row>& delta)
    {
        if (delta.reset) {
            resetTo(delta.upserts);
            return;
        }
        removeKeys(delta.removed);
        upsert(delta.upserts);
    }

    void clear() { resetTo({}); }

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

    // Rows are "the same" when every column shows and sorts the same: no operator== needed on core types.
    bool sameCells(const Row& a, const Row& b) const
    {
        for (int c = 0; c < columns(); ++c) {
            if (display(a, c) != display(b, c) || raw(a, c) != raw(b, c) || progress(a, c) != progress(b, c)
                || toolTip(a, c) != toolTip(b, c) || foreground(a, c) != foreground(b, c))
                return false;
        }
        return true;
    }

private:
    void resetTo(const QList<Row>& rows)
    {
        beginResetModel();
        m_rows.clear();
        m_index.clear();
        m_rows.reserve(rows.size());
        for (const Row& row : rows) {
            const QString key = keyOf(row);
            if (m_index.contains(key)) // ids are unique in the model: a repeated id keeps its last value
                m_rows[m_index.value(key)] = row;
            else {
                m_index.insert(key, int(m_rows.size()));
                m_rows.append(row);
            }
        }
        m_loaded = true;
        endResetModel();
    }

    void removeKeys(const QStringList& keys)
    {
        QList<int> doomed;
        for (const QString& key : keys) {
            const int r = rowOf(key);
            if (r >= 0)
                doomed << r;
        }
        if (doomed.isEmpty())
            return;
        std::sort(doomed.begin(), doomed.end());
        doomed.erase(std::unique(doomed.begin(), doomed.end()), doomed.end());
        // From the bottom up, one signal pair per contiguous run, so earlier row numbers stay valid.
        int i = int(doomed.size()) - 1;
        while (i >= 0) {
            int first = doomed.at(i);
            const int last = first;
            while (i > 0 && doomed.at(i - 1) == first - 1)
                first = doomed.at(--i);
            --i;
            beginRemoveRows({}, first, last);
            m_rows.remove(first, last - first + 1);
            endRemoveRows();
        }
        rebuildIndex();
    }

    void upsert(const QList<Row>& rows)
    {
        QList<Row> fresh;
        QHash<QString, int> freshIndex;
        for (const Row& row : rows) {
            const QString key = keyOf(row);
            const int r = rowOf(key);
            if (r < 0) {
                const auto repeated = freshIndex.constFind(key);
                if (repeated != freshIndex.constEnd()) {
                    fresh[*repeated] = row;
                } else {
                    freshIndex.insert(key, int(fresh.size()));
                    fresh << row;
                }
                continue;
            }
            if (sameCells(m_rows.at(r), row)) {
                m_rows[r] = row; // fields no column shows may still have moved
                continue;
            }
            m_rows[r] = row;
            emit dataChanged(index(r, 0), index(r, columns() - 1));
        }
        if (fresh.isEmpty())
            return;
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(fresh.size()) - 1);
        for (const Row& row : std::as_const(fresh)) {
            m_index.insert(keyOf(row), int(m_rows.size()));
            m_rows.append(row);
        }
        endInsertRows();
    }

    void rebuildIndex()
    {
        m_index.clear();
        for (int r = 0; r < m_rows.size(); ++r)
            m_index.insert(keyOf(m_rows.at(r)), r);
    }

    QList<Row> m_rows;
    QHash<QString, int> m_index;
    bool m_loaded = false;
};

} // namespace Meterline
