#pragma once

#include <Qt>

namespace Meterline
{

// The custom roles every dashboard model answers (besides Qt::DisplayRole text, alignment, tooltips).
enum ModelRole : int
{
    // The value behind the text, for QSortFilterProxyModel::setSortRole() and delegates: QString for text,
    // double for usage quantities, qlonglong MICROS for money (never a double), QDateTime for times,
    // int for counts and enum columns (health, state). Invalid when the cell has no value.
    RawRole = Qt::UserRole,
    // The id of the row's entity (customer id, plan id, event id, ...), whatever the column.
    IdRole,
    // Limit columns only: used / limit as a double (0 = nothing used, 1 = at the cap, > 1 over it);
    // invalid when there is no limit. For a progress delegate, not for money.
    ProgressRole,
    // The whole row value (the model's row struct, e.g. Meterline::CustomerRow) as a QVariant, for detail
    // views and edit dialogs that need more than one cell.
    RowRole
};

} // namespace Meterline
