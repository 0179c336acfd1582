#pragma once

// The domain's value types (SPEC §2). Plain structs, passed by const&, returned by value.

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

#include "core/money.h"
#include "core/result.h"

namespace Meterline
{

using Dimensions = QMap<QString, QString>;
using Metadata = QMap<QString, QString>;

enum class Aggregation
{
    Sum,
    Count,
    Max,
    UniqueCount
};
enum class Period
{
    Hour,
    Day,
    Week,
    Month,
    Lifetime
};
enum class LimitMode
{
    Hard,
    Soft
};
enum class LimitScope
{
    Plan,
    Customer
};
enum class TransactionKind
{
    Credit,
    Debit,
    Usage,
    Adjustment,
    Expiry
};
enum class ReservationState
{
    Held,
    Settled,
    Expired
};
// Named periods of usage queries and exports (SPEC §3).
enum class NamedPeriod
{
    CurrentHour,
    CurrentDay,
    CurrentWeek,
    CurrentMonth,
    PreviousMonth,
    Lifetime
};
enum class Window
{
    Hour,
    Day,
    Month
};

// Wire names ("sum", "unique_count", "hour", "plan", "usage", "current_month"...). The parse functions
// return std::nullopt for an unknown name.
QString toString(Aggregation);
QString toString(Period);
QString toString(LimitMode);
QString toString(LimitScope);
QString toString(TransactionKind);
QString toString(ReservationState);
QString toString(NamedPeriod);
QString toString(Window);
std::optional<Aggregation> parseAggregation(QStringView);
std::optional<Period> parsePeriod(QStringView);
std::optional<LimitMode> parseLimitMode(QStringView);
std::optional<LimitScope> parseLimitScope(QStringView);
std::optional<TransactionKind> parseTransactionKind(QStringView);
std::optional<ReservationState> parseReservationState(QStringView);
std::optional<NamedPeriod> parseNamedPeriod(QStringView);
std::optional<Window> parseWindow(QStringView);

// Half-open [from, to). A null bound is open (lifetime).
struct TimeRange
{
    QDateTime from;
    QDateTime to;
    bool contains(const QDateTime& t) const { return (!from.isValid() || t >= from) && (!to.isValid() || t < to); }

    bool operator==(const TimeRange&) const = default;
};

struct Customer
{
    QString id;
    QString name;
    QString planId; // empty: no plan
    QString externalId;
    Metadata metadata;
    QDateTime createdAt;

    bool operator==(const Customer&) const = default;
};

// PATCH semantics: only the fields that are set change. An empty planId removes the plan.
struct CustomerPatch
{
    std::optional<QString> name;
    std::optional<QString> planId;
    std::optional<QString> externalId;
    std::optional<Metadata> metadata;

    bool operator==(const CustomerPatch&) const = default;
};

struct Meter
{
    QString id;
    QString name;
    Aggregation aggregation = Aggregation::Sum;
    QStringList eventTypes;                      // empty = all; an entry ending in '*' matches by prefix
    QMap<QString, QStringList> dimensionFilters; // key -> allowed values
    QString dimension;                           // the counted dimension of unique_count
    QDateTime createdAt;

    bool matches(const QString& eventType, const Dimensions& dimensions) const;

    bool operator==(const Meter&) const = default;
};

struct Limit
{
    QString id;
    LimitScope scope = LimitScope::Customer;
    QString planId;     // scope Plan
    QString customerId; // scope Customer
    QString meterId;
    Period period = Period::Month;
    double value = 0; // the cap
    LimitMode mode = LimitMode::Hard;
    QDateTime createdAt;

    bool operator==(const Limit&) const = default;
};

struct Price
{
    QString meterId;
    Money unitPrice;
    qint64 perUnits = 1;
    double includedUnits = 0;
    Money creditsPerUnit; // 0: usage on this meter does not burn credits

    bool operator==(const Price&) const = default;
};

struct Plan
{
    QString id;
    QString name;
    QString currency = QStringLiteral("USD");
    QList<Limit> limits; // scope Plan; ids are "<planId>:<meterId>:<period>"
    QList<Price> prices;
    QDateTime createdAt;

    const Price* priceFor(const QString& meterId) const;

    bool operator==(const Plan&) const = default;
};

// What a client sends to record one event.
struct EventInput
{
    QString customerId;
    QString eventType;
    std::optional<double> value; // default 1
    Dimensions dimensions;
    std::optional<QDateTime> timestamp; // default now
    QString idempotencyKey;
    QString reservationId;

    bool operator==(const EventInput&) const = default;
};

struct Event
{
    QString id;
    QString customerId;
    QString eventType;
    double value = 1;
    Dimensions dimensions;
    QDateTime timestamp;
    QString idempotencyKey;
    QString reservationId;
    QDateTime createdAt;

    bool operator==(const Event&) const = default;
};

struct Balance
{
    QString customerId;
    Money balance;
    Money reserve;
    Money held; // credits held by open reservations
    Money available() const { return balance - reserve - held; }

    bool operator==(const Balance&) const = default;
};

struct LedgerTransaction
{
    QString id;
    QString customerId;
    TransactionKind kind = TransactionKind::Credit;
    Money amount; // signed: credits positive, debits and usage negative
    Money balanceAfter;
    Money unpaid; // usage that found no balance to burn
    QString reason;
    QString actor;
    QString idempotencyKey;
    QString eventId; // kind Usage
    QDateTime createdAt;

    bool operator==(const LedgerTransaction&) const = default;
};

struct RecordResult
{
    Event event;
    bool duplicate = false;
    std::optional<Balance> balance; // when the event burned credits
    std::optional<LedgerTransaction> usageTransaction;

    bool operator==(const RecordResult&) const = default;
};

struct BatchRejection
{
    int index = 0;
    Error error;

    bool operator==(const BatchRejection&) const = default;
};

struct BatchResult
{
    int accepted = 0;
    int duplicates = 0;
    QList<BatchRejection> rejected;

    bool operator==(const BatchResult&) const = default;
};

struct BalanceChange
{
    Money amount; // > 0
    QString reason;
    QString actor;
    QString idempotencyKey;

    bool operator==(const BalanceChange&) const = default;
};

struct BalanceChangeResult
{
    LedgerTransaction transaction;
    Balance balance;
    bool duplicate = false;

    bool operator==(const BalanceChangeResult&) const = default;
};

struct Reservation
{
    QString id;
    QString customerId;
    QString meterId; // empty: every limit of the customer
    double amount = 0;
    Money credits; // credits held
    ReservationState state = ReservationState::Held;
    QDateTime expiresAt;
    QDateTime createdAt;

    bool operator==(const Reservation&) const = default;
};

struct CheckRequest
{
    QString customerId;
    QString meterId;               // empty: all of the customer's limits
    std::optional<double> reserve; // units to hold
    int reserveSeconds = 300;

    bool operator==(const CheckRequest&) const = default;
};

struct LimitStatus
{
    QString id;
    QString meterId;
    Period period = Period::Month;
    LimitMode mode = LimitMode::Hard;
    LimitScope source = LimitScope::Plan;
    double limit = 0;
    double used = 0;
    double held = 0;
    double remaining = 0;              // max(0, limit - used - held)
    std::optional<QDateTime> resetsAt; // nullopt for lifetime
    bool allowed = true;               // soft limits always allow

    bool operator==(const LimitStatus&) const = default;
};

struct CheckResult
{
    bool allowed = true;
    QString customerId;
    QString meterId;
    double used = 0;
    std::optional<double> limit;
    std::optional<double> remaining;
    std::optional<QDateTime> resetsAt;
    QString reason; // empty, "limit_exceeded" or "insufficient_balance"
    QList<LimitStatus> limits;
    std::optional<Balance> balance;
    std::optional<Reservation> reservation;

    bool operator==(const CheckResult&) const = default;
};

struct EventQuery
{
    QString customerId;
    QString eventType;
    QDateTime from;
    QDateTime to;
    int limit = 100; // 1..1000
    QString cursor;
    Dimensions dimensions; // each entry must match exactly (filter.<dim>=<value>)

    bool operator==(const EventQuery&) const = default;
};

struct EventPage
{
    QList<Event> data;
    QString nextCursor; // empty: no more

    bool operator==(const EventPage&) const = default;
};

struct LedgerPage
{
    QList<LedgerTransaction> data;
    QString nextCursor;

    bool operator==(const LedgerPage&) const = default;
};

// Stored balances (customers with prepaid credits), by customer id.
struct BalancePage
{
    QList<Balance> data;
    QString nextCursor;

    bool operator==(const BalancePage&) const = default;
};

struct UsageQuery
{
    QString meterId;
    QString customerId;                // empty: all customers
    std::optional<NamedPeriod> period; // or from/to
    QDateTime from;
    QDateTime to;
    QStringList groupBy; // dimension names or "customerId"
    std::optional<Window> window;
    Dimensions filters; // filter.<dim>=<value>

    bool operator==(const UsageQuery&) const = default;
};

struct UsageGroup
{
    Dimensions dimensions; // groupBy key -> value ("customerId" too); a missing dimension is ""
    double value = 0;

    bool operator==(const UsageGroup&) const = default;
};

struct UsageBucket
{
    QDateTime start;
    QDateTime end;
    double value = 0;

    bool operator==(const UsageBucket&) const = default;
};

struct UsageResult
{
    QString meterId;
    QString customerId;
    Aggregation aggregation = Aggregation::Sum;
    QDateTime from; // null for lifetime
    QDateTime to;
    double value = 0;
    QList<UsageGroup> groups;
    QList<UsageBucket> series;

    bool operator==(const UsageResult&) const = default;
};

struct SummaryRow
{
    QString customerId;
    QString meterId;
    double value = 0;

    bool operator==(const SummaryRow&) const = default;
};

struct SummaryPage
{
    QDateTime from;
    QDateTime to;
    QList<SummaryRow> data;
    QString nextCursor;

    bool operator==(const SummaryPage&) const = default;
};

// The usage feed (GET /v1/usage/changes): the current figures of the customers whose usage moved since a
// cursor, in the current window of each limit period, so that a client refreshes just those customers.
struct UsageWindowFigures
{
    Period period = Period::Month;
    QDateTime from; // both invalid for the lifetime window
    QDateTime to;
    QList<SummaryRow> data; // each changed customer's non-zero figures, by customer then meter (absent: 0)

    bool operator==(const UsageWindowFigures&) const = default;
};

struct UsageChangePage
{
    QStringList customers;             // whose usage moved, sorted; their figures below are complete
    QList<UsageWindowFigures> windows; // hour, day, week, month, lifetime (unless truncated)
    bool truncated = false;            // more customers moved than the limit: none listed, read summaries
    qint64 nextCursor = 0;

    bool operator==(const UsageChangePage&) const = default;
};

// One invoice CSV row (SPEC §4).
struct InvoiceLine
{
    QDateTime periodStart;
    QDateTime periodEnd;
    QString customerId;
    QString customerName;
    QString externalId;
    QString planId;
    QString meterId;
    QString meterName;
    double quantity = 0;
    double includedUnits = 0;
    double billableUnits = 0;
    Money unitPrice;
    qint64 perUnits = 1;
    Money amount;
    QString currency;

    bool operator==(const InvoiceLine&) const = default;
};

enum class KeyScope
{
    Ingest, // check, record, reservations
    Read,   // every GET and export, no ingest
    Admin   // everything
};
QString toString(KeyScope);
std::optional<KeyScope> parseKeyScope(QStringView);

// An API key as stored: the secret itself is only ever known at creation (ApiKeyCreated).
struct ApiKey
{
    QString id;
    QString name;
    KeyScope scope = KeyScope::Read;
    QDateTime createdAt;
    QDateTime revokedAt;  // invalid: active
    QDateTime lastUsedAt; // updated at most once a minute
    int rateLimit = 0;    // requests per second; 0: no limit (SPEC: rate limiting is off unless configured per key)

    bool operator==(const ApiKey&) const = default;
};

struct ApiKeyCreated
{
    ApiKey key;
    QString secret; // "mlk_<id>_<random>": shown once

    bool operator==(const ApiKeyCreated&) const = default;
};

struct WebhookEndpoint
{
    QString id;
    QString url;
    QStringList events; // limit.threshold, limit.exceeded, balance.low, balance.depleted
    std::optional<Money> balanceLowThreshold;
    QString secret; // "whsec_<base64>": only filled when the endpoint is created
    bool disabled = false;
    QDateTime createdAt;

    bool operator==(const WebhookEndpoint&) const = default;
};

// One HTTP attempt of a delivery: the answer's status (0 when none came), how long it took, what went wrong.
struct WebhookAttempt
{
    int attempt = 0; // 1, 2, …
    QDateTime startedAt;
    qint64 durationMs = 0;
    int status = 0;
    QString error;

    bool operator==(const WebhookAttempt&) const = default;
};

struct WebhookDelivery
{
    QString id; // the webhook-id header: the same on every retry
    QString endpointId;
    QString eventType;
    QString payload;
    QString state; // pending, delivered, failed
    int attempts = 0;
    int lastStatus = 0;
    QString lastError;
    QDateTime nextAttemptAt;
    QDateTime createdAt;
    QList<WebhookAttempt> attemptLog; // oldest first

    bool operator==(const WebhookDelivery&) const = default;
};

// An entry of the change log that drives incremental sync (GET /v1/changes).
struct Change
{
    qint64 seq = 0;
    QString entity; // "customer", "plan", "meter", "limit", "balance"
    QString entityId;
    QString op; // "upsert" or "delete"

    bool operator==(const Change&) const = default;
};

struct ChangePage
{
    QList<Change> data;
    qint64 nextCursor = 0;

    bool operator==(const ChangePage&) const = default;
};

} // namespace Meterline
