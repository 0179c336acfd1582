#pragma once

#include <QHash>
#include <QMutex>
#include <QVariant>

#include "core/database.h"
#include "core/result.h"
#include "core/service.h"
#include "core/types.h"

namespace Meterline
{

// API keys: random 256-bit secrets shown once, stored as SHA-256, compared in constant time. A key reads
// "mlk_<id>_<secret>" so that verification is one primary-key lookup. A verified key is remembered (the
// hash, the row decoding and the lookup were a sixth of a check's CPU); a remembered key still reads its
// revoked_at on every use, so a revocation by any process or server takes effect at once. On SQLite that
// read also reads the write clock for the request (CheckCache::RequestReading).
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
    struct Remembered
    {
        ApiKey key;
        QVariantList idValue; // {key.id}, the bound values of the revocation read, built once
    };
    std::optional<Remembered> remembered(const QString& presented) const;
    void remember(const QString& presented, const ApiKey& key) const;
    void forget(const QString& presented) const;

    Database& m_database;
    Clock m_clock;
    mutable QMutex m_verifiedMutex;
    mutable QHash<QString, Remembered> m_verified; // presented key → its row, the secret's hash checked
};

} // namespace Meterline
