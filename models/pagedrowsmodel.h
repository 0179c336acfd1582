#pragma once

#include <QList>
#include <QString>

#include "models/rowtablemodel.h"

namespace Meterline
{

// A table that pages in as the view scrolls (fetchMore/canFetchMore): it never holds more than the pages a
// user scrolled through, so ten million stored rows cost nothing until they are looked at. The model does
// no I/O: fetchMore() calls requestPage(cursor), the owner asks the source and hands the answer back with
// appendPage(). restart() drops the rows (a new filter) and asks for the first page again.
template <typename Row> class PagedRowsModel : public RowTableModel<Row>
{
    using Base = RowTableModel<Row>;
    using Base::m_rows;

public:
    using Base::Base;

    // More rows exist and no page is on its way (a view calls fetchMore at most once per page).
    bool canFetchMore(const QModelIndex& parent) const override
    {
        return !parent.isValid() && m_started && !m_pending && !m_nextCursor.isEmpty();
    }
    void fetchMore(const QModelIndex& parent) override
    {
        if (!this->canFetchMore(parent))
            return;
        m_pending = true;
        this->requestPage(m_nextCursor);
    }

    // Drops every row and asks for the first page (cursor "").
    void restart()
    {
        this->beginResetModel();
        m_rows.clear();
        m_nextCursor.clear();
        m_started = true;
        m_pending = true;
        this->endResetModel();
        this->requestPage({});
    }

    // The answer to the last requestPage(): rows appended; nextCursor empty on the last page.
    void appendPage(const QList<Row>& rows, const QString& nextCursor)
    {
        m_pending = false;
        m_nextCursor = nextCursor;
        if (rows.isEmpty())
            return;
        const int first = int(m_rows.size());
        this->beginInsertRows({}, first, first + int(rows.size()) - 1);
        m_rows.append(rows);
        this->endInsertRows();
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
        this->fetchMore({});
    }

    bool isPending() const { return m_pending; }
    bool hasMore() const { return !m_nextCursor.isEmpty(); }

protected:
    // Ask the owner for the page at cursor (empty: the first page); it answers with appendPage().
    virtual void requestPage(const QString& cursor) = 0;

private:
    QString m_nextCursor;
    QString m_failedCursor;
    bool m_started = false;
    bool m_pending = false;
};

} // namespace Meterline
