#include "core/apikeys.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include "core/checkcache.h"
#include "core/periods.h"
#include "core/sql.h"

namespace Meterline
{

namespace
{

const QString keyColumns = QStringLiteral("id, name, scope, created_at, revoked_at, last_used_at, rate_limit");

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32*>(bytes.data()),
                                         reinterpret_cast<quint32*>(bytes.data() + count));
    return bytes;
}

QString hashOf(const QByteArray& secret)
{
    return QString::fromLatin1(QCryptographicHash::hash(secret, QCryptographicHash::Sha256).toHex());
}

// Compares every byte whatever the first difference, so timing tells nothing.
bool equalConstantTime(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

ApiKey keyFrom(const Sql::Statement& q)
{
    ApiKey k;
    k.id = q.value(0).toString();
    k.name = q.value(1).toString();
    k.scope = parseKeyScope(q.value(2).toString()).value_or(KeyScope::Read);
    k.createdAt = Periods::fromMs(q.value(3).toLongLong());
    if (!q.isNull(4))
        k.revokedAt = Periods::fromMs(q.value(4).toLongLong());
    if (!q.isNull(5))
        k.lastUsedAt = Periods::fromMs(q.value(5).toLongLong());
    k.rateLimit = q.value(6).toInt();
    return k;
}

Error unauthorized()
{
    return Error{QStringLiteral("unauthorized"), QStringLiteral("a valid API key is required"), {}};
}

} // namespace

ApiKeys::ApiKeys(Database& database, Clock clock)
    : m_database(database)
    , m_clock(std::move(clock))
{
}

std::optional<ApiKeys::Remembered> ApiKeys::remembered(const QString& presented) const
{
    QMutexLocker lock(&m_verifiedMutex);
    const auto found = m_verified.constFind(presented);
    if (found == m_verified.cend())
        return std::nullopt;
    return found.value();
}

void ApiKeys::remember(const QString& presented, const ApiKey& key) const
{
    constexpr qsizetype MaxRemembered = 10'000; // bounded: forged keys are never remembered, but be safe
    QMutexLocker lock(&m_verifiedMutex);
    if (m_verified.size() >= MaxRemembered)
        m_verified.clear();
    m_verified.insert(presented, Remembered{key, QVariantList{key.id}});
}

void ApiKeys::forget(const QString& presented) const
{
    QMutexLocker lock(&m_verifiedMutex);
    m_verified.remove(presented);
}

Result<ApiKeyCreated> ApiKeys::create(const QString& name, KeyScope scope, int rateLimit)
{
    if (rateLimit < 0 || rateLimit > 1'000'000)
        return Error::invalid(QStringLiteral("rateLimit is requests per second, 0 (no limit) to 1000000"),
                              QStringLiteral("rateLimit"));
    if (name.trimmed().isEmpty() || name.size() > 256)
        return Error::invalid(QStringLiteral("name is required (at most 256 characters)"), QStringLiteral("name"));
    if (toString(scope).isEmpty())
        return Error::invalid(QStringLiteral("scope must be ingest, read or admin"), QStringLiteral("scope"));
    ApiKeyCreated created;
    created.key.id = QStringLiteral("key_") + QString::fromLatin1(randomBytes(9).toHex());
    created.key.name = name;
    created.key.scope = scope;
    created.key.rateLimit = rateLimit;
    created.key.createdAt = Periods::fromMs(Periods::toMs(m_clock()));
    const QByteArray secret = randomBytes(32).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    created.secret = QStringLiteral("mlk_") + created.key.id.mid(4) + u'_' + QString::fromLatin1(secret);
    auto inserted = Sql::exec(
        m_database.connection(),
        QStringLiteral("INSERT INTO api_keys (id, name, scope, secret_hash, created_at, rate_limit)"
                       " VALUES (?, ?, ?, ?, ?, ?)"),
        {created.key.id, name, toString(scope), hashOf(secret), Periods::toMs(created.key.createdAt), rateLimit});
    if (!inserted.ok())
        return inserted.error();
    return created;
}

Result<QList<ApiKey>> ApiKeys::list() const
{
    auto q = Sql::run(m_database.connection(),
                      QStringLiteral("SELECT %1 FROM api_keys ORDER BY created_at, id").arg(keyColumns));
    if (!q.ok())
        return q.error();
    QList<ApiKey> keys;
    while (q.value().next())
        keys << keyFrom(q.value());
    return keys;
}

Status ApiKeys::revoke(const QString& id)
{
    auto updated = Sql::exec(m_database.connection(),
                             QStringLiteral("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
                             {Periods::toMs(m_clock()), id});
    if (!updated.ok())
        return updated.error();
    if (updated.value() == 0) {
        auto known = Sql::scalar(m_database.connection(), QStringLiteral("SELECT 1 FROM api_keys WHERE id = ?"), {id});
        if (!known.ok())
            return known.error();
        if (!known.value())
            return Error::missing(ErrorCode::NotFound, QStringLiteral("API key"), id);
    }
    return success();
}

Result<ApiKey> ApiKeys::verify(const QString& presented) const
{
    // mlk_<18 hex>_<43 base64url>
    if (!presented.startsWith(QLatin1String("mlk_")) || presented.size() > 200)
        return unauthorized();
    if (auto known = remembered(presented)) {
        // Revocation, by this process or any other, takes effect at once: one primary-key read per request.
        // On SQLite the same statement reads the write clock, which the request's cached check then uses.
        const bool sqlite = m_database.kind() == Database::Kind::Sqlite;
        static const QString revoked = QStringLiteral("SELECT revoked_at FROM api_keys WHERE id = ?");
        static const QString revokedAndClock =
            QStringLiteral("SELECT revoked_at, (SELECT value FROM meta WHERE key = 'write_clock') FROM api_keys"
                           " WHERE id = ?");
        auto q = Sql::run(m_database.connection(), sqlite ? revokedAndClock : revoked, known->idValue);
        if (!q.ok())
            return q.error();
        if (q.value().next()) {
            if (sqlite)
                CheckCache::noteRequestClock(m_database, q.value().value(1).toLongLong());
            if (q.value().isNull(0))
                return std::move(known->key);
        }
        forget(presented);
        return unauthorized();
    }
    const qsizetype separator = presented.indexOf(u'_', 4);
    if (separator < 0)
        return unauthorized();
    const QString id = QStringLiteral("key_") + presented.mid(4, separator - 4);
    const QByteArray secret = presented.mid(separator + 1).toLatin1();
    static const QString lookup = QStringLiteral("SELECT %1, secret_hash FROM api_keys WHERE id = ?").arg(keyColumns);
    auto q = Sql::run(m_database.connection(), lookup, {id});
    if (!q.ok())
        return q.error();
    if (!q.value().next())
        return unauthorized();
    const ApiKey key = keyFrom(q.value());
    const QByteArray stored = q.value().value(7).toString().toLatin1();
    if (!equalConstantTime(hashOf(secret).toLatin1(), stored) || key.revokedAt.isValid())
        return unauthorized();
    remember(presented, key);
    return key;
}

Status ApiKeys::touch(const QString& id)
{
    return toStatus(Sql::exec(m_database.connection(),
                              QStringLiteral("UPDATE api_keys SET last_used_at = ? WHERE id = ?"),
                              {Periods::toMs(m_clock()), id}));
}

} // namespace Meterline
