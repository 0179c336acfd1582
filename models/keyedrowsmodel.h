#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QStringList>
#include <algorithm>

#include "models/rowtablemodel.h"

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
template <typename Row> class KeyedRowsModel : public RowTableModel<Row>
{
    using Base = RowTableModel<Row>;
    using Base::keyOf;
    using Base::m_rows;

public:
    using Base::Base;

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
            keep.insert(this->keyOf(row));
        QStringList gone;
        for (const Row& row : std::as_const(m_rows)) {
            if (!keep.contains(this->keyOf(row)))
                gone << this->keyOf(row);
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
    // Rows are "the same" when every column shows and sorts the same: no operator== needed on core types.
    bool sameCells(const Row& a, const Row& b) const
    {
        for (int c = 0; c < this->columns(); ++c) {
            if (this->display(a, c) != this->display(b, c) || this->raw(a, c) != this->raw(b, c)
                || this->progress(a, c) != this->progress(b, c) || this->toolTip(a, c) != this->toolTip(b, c)
                || this->foreground(a, c) != this->foreground(b, c))
                return false;
        }
        return true;
    }

private:
    void resetTo(const QList<Row>& rows)
    {
        this->beginResetModel();
        m_rows.clear();
        m_index.clear();
        m_rows.reserve(rows.size());
        for (const Row& row : rows) {
            const QString key = this->keyOf(row);
            if (m_index.contains(key)) // ids are unique in the model: a repeated id keeps its last value
                m_rows[m_index.value(key)] = row;
            else {
                m_index.insert(key, int(m_rows.size()));
                m_rows.append(row);
            }
        }
        m_loaded = true;
        this->endResetModel();
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
            this->beginRemoveRows({}, first, last);
            m_rows.remove(first, last - first + 1);
            this->endRemoveRows();
        }
        rebuildIndex();
    }

    void upsert(const QList<Row>& rows)
    {
        QList<Row> fresh;
        QHash<QString, int> freshIndex;
        for (const Row& row : rows) {
            const QString key = this->keyOf(row);
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
            emit this->dataChanged(this->index(r, 0), this->index(r, this->columns() - 1));
        }
        if (fresh.isEmpty())
            return;
        const int first = int(m_rows.size());
        this->beginInsertRows({}, first, first + int(fresh.size()) - 1);
        for (const Row& row : std::as_const(fresh)) {
            m_index.insert(this->keyOf(row), int(m_rows.size()));
            m_rows.append(row);
        }
        this->endInsertRows();
    }

    void rebuildIndex()
    {
        m_index.clear();
        for (int r = 0; r < m_rows.size(); ++r)
            m_index.insert(this->keyOf(m_rows.at(r)), r);
    }

    QHash<QString, int> m_index;
    bool m_loaded = false;
};

} // namespace Meterline
