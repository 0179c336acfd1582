#include "models/customerusagemodel.h"

#include <QBrush>
#include <QColor>
#include <QSet>
#include <cmath>
#include <limits>

#include "models/displayformat.h"

using namespace Qt::StringLiterals;

namespace Meterline
{

namespace
{

// Columns whose text or raw value differ between two versions of a row: [first, last], or {-1, -1}.
std::pair<int, int> changedColumns(const CustomerUsageRow& before, const CustomerUsageRow& after)
{
    const bool changed[CustomerUsageModel::ColumnCount] = {
        before.id != after.id,
        before.name != after.name,
        before.planId != after.planId || before.planName != after.planName,
        before.tokens != after.tokens,
        before.requests != after.requests,
        before.available != after.available || before.hasBalance != after.hasBalance,
    };
    int first = -1;
    int last = -1;
    for (int c = 0; c < CustomerUsageModel::ColumnCount; ++c) {
        if (!changed[c])
            continue;
        if (first < 0)
            first = c;
        last = c;
    }
    return {first, last};
}

} // namespace

CustomerUsageModel::CustomerUsageModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

int CustomerUsageModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CustomerUsageModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CustomerUsageModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CustomerUsageRow& row = m_rows.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, column);
    case RawRole:
        return rawData(row, column);
    case IdRole:
        return row.id;
    case Qt::TextAlignmentRole:
        if (column == TokensColumn || column == RequestsColumn || column == BalanceColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
    case Qt::ToolTipRole:
        if (column == BalanceColumn && !row.hasBalance)
            return tr("No prepaid credits");
        if (column == PlanColumn && !row.planId.isEmpty())
            return row.planId;
        return {};
    case Qt::ForegroundRole:
        if (column == BalanceColumn && row.hasBalance && !row.available.isPositive())
            return QBrush(QColor(0xb0, 0x20, 0x20));
        if ((column == BalanceColumn && !row.hasBalance) || (column == PlanColumn && row.planId.isEmpty()))
            return QBrush(QColor(0x80, 0x80, 0x80));
        return {};
    default:
        return {};
    }
}

QVariant CustomerUsageModel::displayData(const CustomerUsageRow& row, int column) const
{
    switch (column) {
    case CustomerColumn:
        return row.id;
    case NameColumn:
        return row.name;
    case PlanColumn:
        if (row.planId.isEmpty())
            return tr("No plan");
        return row.planName.isEmpty() ? row.planId : row.planName;
    case TokensColumn:
        return formatQuantity(row.tokens);
    case RequestsColumn:
        return formatQuantity(row.requests);
    case BalanceColumn:
        return row.hasBalance ? formatMoney(row.available) : u"\u2014"_s; // an em dash
    default:
        return {};
    }
}

QVariant CustomerUsageModel::rawData(const CustomerUsageRow& row, int column) const
{
    switch (column) {
    case CustomerColumn:
        return row.id;
    case NameColumn:
        return row.name;
    case PlanColumn:
        return row.planName.isEmpty() ? row.planId : row.planName;
    case TokensColumn:
        return row.tokens;
    case RequestsColumn:
        return row.requests;
    case BalanceColumn:
        return row.hasBalance ? qlonglong(row.available.micros()) : std::numeric_limits<qlonglong>::min();
    default:
        return {};
    }
}

QVariant CustomerUsageModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::TextAlignmentRole) {
        if (section == TokensColumn || section == RequestsColumn || section == BalanceColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CustomerColumn:
        return tr("Customer");
    case NameColumn:
        return tr("Name");
    case PlanColumn:
        return tr("Plan");
    case TokensColumn:
        return tr("Tokens this month");
    case RequestsColumn:
        return tr("Requests this month");
    case BalanceColumn:
        return tr("Balance");
    default:
        return {};
    }
}

QString CustomerUsageModel::formatQuantity(double value, const QLocale& locale)
{
    return DisplayFormat::quantity(value, locale);
}

QString CustomerUsageModel::formatMoney(Money amount, const QLocale& locale)
{
    return DisplayFormat::money(amount, locale);
}

void CustomerUsageModel::applySnapshot(const QList<CustomerUsageRow>& snapshot)
{
    // Ids are unique in the model: a repeated id in a snapshot keeps its first row.
    QList<CustomerUsageRow> rows;
    rows.reserve(snapshot.size());
    QSet<QString> ids;
    for (const CustomerUsageRow& row : snapshot) {
        if (ids.contains(row.id))
            continue;
        ids.insert(row.id);
        rows.append(row);
    }

    if (!m_loaded) {
        beginResetModel();
        m_rows = std::move(rows);
        rebuildIndex();
        m_loaded = true;
        endResetModel();
        return;
    }

    // 1. Rows that are gone, bottom up, in contiguous ranges.
    for (int i = int(m_rows.size()) - 1; i >= 0;) {
        if (ids.contains(m_rows.at(i).id)) {
            --i;
            continue;
        }
        const int last = i;
        while (i >= 0 && !ids.contains(m_rows.at(i).id))
            --i;
        const int first = i + 1;
        beginRemoveRows({}, first, last);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
    }
    rebuildIndex();

    // 2. Rows that stay: replace their values, then signal contiguous runs of changed rows.
    QList<std::pair<int, int>> changed(m_rows.size(), {-1, -1}); // per model row: changed columns
    for (const CustomerUsageRow& row : rows) {
        const int at = m_rowById.value(row.id, -1);
        if (at < 0)
            continue;
        changed[at] = changedColumns(m_rows.at(at), row);
        if (changed[at].first >= 0)
            m_rows[at] = row;
    }
    for (int i = 0; i < int(changed.size());) {
        if (changed.at(i).first < 0) {
            ++i;
            continue;
        }
        const int first = i;
        int left = changed.at(i).first;
        int right = changed.at(i).second;
        while (i < int(changed.size()) && changed.at(i).first >= 0) {
            left = std::min(left, changed.at(i).first);
            right = std::max(right, changed.at(i).second);
            ++i;
        }
        emit dataChanged(index(first, left), index(i - 1, right));
    }

    // 3. New rows, each run placed after the row that precedes it in the snapshot.
    for (int k = 0; k < int(rows.size());) {
        if (m_rowById.contains(rows.at(k).id)) {
            ++k;
            continue;
        }
        const int start = k;
        while (k < int(rows.size()) && !m_rowById.contains(rows.at(k).id))
            ++k;
        const int position = start == 0 ? 0 : m_rowById.value(rows.at(start - 1).id) + 1;
        beginInsertRows({}, position, position + (k - start) - 1);
        for (int n = start; n < k; ++n)
            m_rows.insert(position + (n - start), rows.at(n));
        rebuildIndex();
        endInsertRows();
    }
}

void CustomerUsageModel::rebuildIndex()
{
    m_rowById.clear();
    m_rowById.reserve(m_rows.size());
    for (int i = 0; i < int(m_rows.size()); ++i)
        m_rowById.insert(m_rows.at(i).id, i);
}

} // namespace Meterline
