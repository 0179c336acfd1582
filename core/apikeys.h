#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>

#include "core/database.h"
#include "core/result.h"
#include "core/service.h"
#include "core/types.h"

namespace Meterline
{

// API keys: random 256-bit secrets shown once, stored as SHA-256, compared in constant time. A key reads
// "mlk_<id>_<secret>" so that verification is one primary-key lookup. A verified key is remembered for
// VerifiedFor (the lookup, hash and row decoding were a sixth of a check's CPU); a revocation through this
// object forgets it at once, one by another process or server is seen within VerifiedFor.
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

    static constexpr qint64 VerifiedForMs = 1000;

private:
    struct Verified
    {
        ApiKey key;
        qint64 atMs = 0; // m_monotonic's time of the lookup
    };
    std::optional<ApiKey> remembered(const QString& presented) const;
    void remember(const QString& presented, const ApiKey& key) const;

    Database& m_database;
    Clock m_clock;
    QElapsedTimer m_monotonic; // the cache's own time: the injected clock may stand still in tests
    mutable QMutex m_verifiedMutex;
    mutable QHash<QString, Verified> m_verified; // presented key → its row, for VerifiedForMs
};

} // namespace Meterline
