#pragma once

#include "core/types.h"
#include "models/keyedrowsmodel.h"

namespace Meterline
{

// API keys (never their secret: it is shown once, by the create action's result). Revoked keys stay listed,
// greyed. RawRole: ScopeColumn int(KeyScope), RateLimitColumn int, time columns QDateTime. RowRole: ApiKey.
class ApiKeysModel : public KeyedRowsModel<ApiKey>
{
    Q_OBJECT

public:
    enum Column
    {
        IdColumn,
        NameColumn,
        ScopeColumn,
        RateLimitColumn, // requests per second; "none" for 0
        CreatedColumn,
        LastUsedColumn,
        RevokedColumn,
        ColumnCount
    };

    explicit ApiKeysModel(QObject* parent = nullptr);

protected:
    QString keyOf(const ApiKey& row) const override { return row.id; }
    int columns() const override { return ColumnCount; }
    QVariant header(int column) const override;
    QVariant display(const ApiKey& row, int column) const override;
    QVariant raw(const ApiKey& row, int column) const override;
    QVariant foreground(const ApiKey& row, int column) const override;
};

} // namespace Meterline

Q_DECLARE_METATYPE(Meterline::ApiKey)
