#pragma once

#include <QString>
#include <variant>

namespace Meterline
{

// A failure as a value: a machine code (the codes of SPEC §3, e.g. "insufficient_balance"),
// a human message, and the request field it concerns (may be empty).
struct Error
{
    QString code;
    QString message;
    QString field;

    static Error invalid(const QString& message, const QString& field = {})
    {
        return {QStringLiteral("invalid_request"), message, field};
    }
    static Error notFound(const QString& code, const QString& message) { return {code, message, {}}; }
    static Error conflict(const QString& message) { return {QStringLiteral("conflict"), message, {}}; }
    static Error storage(const QString& message) { return {QStringLiteral("storage_error"), message, {}}; }
    // "no customer with id 'x'" with a *_not_found code.
    static Error missing(const QString& code, const QString& what, const QString& id)
    {
        return {code, QStringLiteral("no %1 with id '%2'").arg(what, id), {}};
    }

    bool operator==(const Error&) const = default;
};

namespace ErrorCode
{
inline const QString InvalidRequest = QStringLiteral("invalid_request");
inline const QString NotFound = QStringLiteral("not_found");
inline const QString CustomerNotFound = QStringLiteral("customer_not_found");
inline const QString MeterNotFound = QStringLiteral("meter_not_found");
inline const QString PlanNotFound = QStringLiteral("plan_not_found");
inline const QString LimitNotFound = QStringLiteral("limit_not_found");
inline const QString ReservationNotFound = QStringLiteral("reservation_not_found");
inline const QString Conflict = QStringLiteral("conflict");
inline const QString IdempotencyConflict = QStringLiteral("idempotency_conflict");
inline const QString InsufficientBalance = QStringLiteral("insufficient_balance");
inline const QString Storage = QStringLiteral("storage_error");
// A failure that running the whole operation again can cure (a lost connection, a deadlock, a lost race);
// Sql::retrying reruns it and turns it into storage_error once its attempts are spent, so it never leaves core.
inline const QString Transient = QStringLiteral("storage_transient");
inline const QString SchemaTooNew = QStringLiteral("schema_too_new");
} // namespace ErrorCode

template <typename T> class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_v(std::move(value))
    {
    }
    Result(Error error)
        : m_v(std::move(error))
    {
    }
    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return std::get<0>(m_v); }
    T& value() & { return std::get<0>(m_v); }
    T&& value() && { return std::get<0>(std::move(m_v)); }
    const T* operator->() const { return &std::get<0>(m_v); }
    const T& operator*() const { return std::get<0>(m_v); }
    const Error& error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

// Result of an operation with no value.
using Status = Result<std::monostate>;
inline Status success()
{
    return std::monostate{};
}
// The failure of r, or success: for callers that want only whether it worked.
template <typename T> Status toStatus(const Result<T>& r)
{
    if (!r.ok())
        return r.error();
    return success();
}

} // namespace Meterline
