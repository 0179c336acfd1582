#pragma once

#include "core/database.h"
#include "core/result.h"
#include "core/service.h"
#include "core/types.h"

namespace Meterline
{

// API keys: random 256-bit secrets shown once, stored as SHA-256, compared in constant time. A key reads
// "mlk_<id>_<secret>" so that verification is one primary-key lookup. Revocation takes effect at once:
// every verification reads the stored row.
class ApiKeys
{
public:
    ApiKeys(Database& database, Clock clock);

    Result<ApiKeyCreated> create(const QString& name, KeyScope scope, int rateLimit = 0);
    Result<QList<ApiKey>> list() const;
    Status revoke(const QString& id);
    // The active key a presented secret belongs to; "unauthorized" otherwise (never which part failed).
    Result<ApiKey> verify(const QString& presented) const;
    // Records that a key was used now; callers throttle it (it is a write).
    Status touch(const QString& id);

private:
    Database& m_database;
    Clock m_clock;
};

} // namespace Meterline
