#pragma once

#include <QSqlDatabase>

#include "core/database.h"
#include "core/result.h"

namespace Meterline::Schema
{

// The newest schema version this build knows.
int latestVersion();
// The version a database is at (0: empty).
Result<int> currentVersion(QSqlDatabase& db);
// Migrates an empty or older database up to target (default: the latest), each step in its own
// transaction. A database newer than this build is refused with ErrorCode::SchemaTooNew.
Result<int> migrate(QSqlDatabase& db, Database::Kind kind, int target = -1);

} // namespace Meterline::Schema
