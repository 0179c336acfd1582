#include "models/apikeysmodel.h"

#include <QBrush>
#include <QColor>

#include "models/displayformat.h"

namespace Meterline
{

ApiKeysModel::ApiKeysModel(QObject* parent)
    : KeyedRowsModel<ApiKey>(parent)
{
}

QVariant ApiKeysModel::header(int column) const
{
    switch (column) {
    case IdColumn:
        return tr("Key");
    case NameColumn:
        return tr("Name");
    case ScopeColumn:
        return tr("Scope");
    case RateLimitColumn:
        return tr("Rate limit");
    case CreatedColumn:
        return tr("Created");
    case LastUsedColumn:
        return tr("Last used");
    case RevokedColumn:
        return tr("Revoked");
    default:
        return {};
    }
}

QVariant ApiKeysModel::display(const ApiKey& row, int column) const
{
    switch (column) {
    case IdColumn:
        return row.id;
    case NameColumn:
        return row.name;
    case ScopeColumn:
        return toString(row.scope);
    case RateLimitColumn:
        return row.rateLimit > 0 ? tr("%1/s").arg(row.rateLimit) : tr("none");
    case CreatedColumn:
        return DisplayFormat::time(row.createdAt);
    case LastUsedColumn:
        return row.lastUsedAt.isValid() ? DisplayFormat::time(row.lastUsedAt) : tr("never");
    case RevokedColumn:
        return DisplayFormat::time(row.revokedAt);
    default:
        return {};
    }
}

QVariant ApiKeysModel::raw(const ApiKey& row, int column) const
{
    switch (column) {
    case ScopeColumn:
        return int(row.scope);
    case RateLimitColumn:
        return row.rateLimit;
    case CreatedColumn:
        return row.createdAt;
    case LastUsedColumn:
        return row.lastUsedAt;
    case RevokedColumn:
        return row.revokedAt;
    default:
        return display(row, column);
    }
}

QVariant ApiKeysModel::foreground(const ApiKey& row, int) const
{
    if (row.revokedAt.isValid())
        return QBrush(QColor(0x80, 0x80, 0x80));
    return {};
}

} // namespace Meterline
