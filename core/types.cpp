#include "core/types.h"

#include <array>
#include <string>
#include <utility>

namespace Meterline
{

namespace
{

template <typename Enum, std::size_t N> using NameTable = std::array<std::pair<Enum, const char16_t*>, N>;

constexpr NameTable<Aggregation, 4> aggregationNames{{{Aggregation::Sum, u"sum"},
                                                      {Aggregation::Count, u"count"},
                                                      {Aggregation::Max, u"max"},
                                                      {Aggregation::UniqueCount, u"unique_count"}}};
constexpr NameTable<Period, 5> periodNames{{{Period::Hour, u"hour"},
                                            {Period::Day, u"day"},
                                            {Period::Week, u"week"},
                                            {Period::Month, u"month"},
                                            {Period::Lifetime, u"lifetime"}}};
constexpr NameTable<LimitMode, 2> modeNames{{{LimitMode::Hard, u"hard"}, {LimitMode::Soft, u"soft"}}};
constexpr NameTable<LimitScope, 2> scopeNames{{{LimitScope::Plan, u"plan"}, {LimitScope::Customer, u"customer"}}};
constexpr NameTable<TransactionKind, 5> kindNames{{{TransactionKind::Credit, u"credit"},
                                                   {TransactionKind::Debit, u"debit"},
                                                   {TransactionKind::Usage, u"usage"},
                                                   {TransactionKind::Adjustment, u"adjustment"},
                                                   {TransactionKind::Expiry, u"expiry"}}};
constexpr NameTable<ReservationState, 3> stateNames{{{ReservationState::Held, u"held"},
                                                     {ReservationState::Settled, u"settled"},
                                                     {ReservationState::Expired, u"expired"}}};
constexpr NameTable<NamedPeriod, 6> namedPeriodNames{{{NamedPeriod::CurrentHour, u"current_hour"},
                                                      {NamedPeriod::CurrentDay, u"current_day"},
                                                      {NamedPeriod::CurrentWeek, u"current_week"},
                                                      {NamedPeriod::CurrentMonth, u"current_month"},
                                                      {NamedPeriod::PreviousMonth, u"previous_month"},
                                                      {NamedPeriod::Lifetime, u"lifetime"}}};
constexpr NameTable<KeyScope, 3> keyScopeNames{
    {{KeyScope::Ingest, u"ingest"}, {KeyScope::Read, u"read"}, {KeyScope::Admin, u"admin"}}};
constexpr NameTable<Window, 3> windowNames{{{Window::Hour, u"hour"}, {Window::Day, u"day"}, {Window::Month, u"month"}}};

template <typename Enum, std::size_t N> QString nameOf(const NameTable<Enum, N>& table, Enum value)
{
    for (const auto& [e, name] : table) {
        if (e == value) // the literal itself, not a copy: names are written on every check answer
            return QString::fromRawData(reinterpret_cast<const QChar*>(name),
                                        qsizetype(std::char_traits<char16_t>::length(name)));
    }
    return {};
}

template <typename Enum, std::size_t N> std::optional<Enum> valueOf(const NameTable<Enum, N>& table, QStringView name)
{
    for (const auto& [e, n] : table) {
        if (name == QStringView(n))
            return e;
    }
    return std::nullopt;
}

} // namespace

QString toString(Aggregation v)
{
    return nameOf(aggregationNames, v);
}
QString toString(Period v)
{
    return nameOf(periodNames, v);
}
QString toString(LimitMode v)
{
    return nameOf(modeNames, v);
}
QString toString(LimitScope v)
{
    return nameOf(scopeNames, v);
}
QString toString(TransactionKind v)
{
    return nameOf(kindNames, v);
}
QString toString(ReservationState v)
{
    return nameOf(stateNames, v);
}
QString toString(NamedPeriod v)
{
    return nameOf(namedPeriodNames, v);
}
QString toString(Window v)
{
    return nameOf(windowNames, v);
}
QString toString(KeyScope v)
{
    return nameOf(keyScopeNames, v);
}
std::optional<KeyScope> parseKeyScope(QStringView s)
{
    return valueOf(keyScopeNames, s);
}
std::optional<Aggregation> parseAggregation(QStringView s)
{
    return valueOf(aggregationNames, s);
}
std::optional<Period> parsePeriod(QStringView s)
{
    return valueOf(periodNames, s);
}
std::optional<LimitMode> parseLimitMode(QStringView s)
{
    return valueOf(modeNames, s);
}
std::optional<LimitScope> parseLimitScope(QStringView s)
{
    return valueOf(scopeNames, s);
}
std::optional<TransactionKind> parseTransactionKind(QStringView s)
{
    return valueOf(kindNames, s);
}
std::optional<ReservationState> parseReservationState(QStringView s)
{
    return valueOf(stateNames, s);
}
std::optional<NamedPeriod> parseNamedPeriod(QStringView s)
{
    return valueOf(namedPeriodNames, s);
}
std::optional<Window> parseWindow(QStringView s)
{
    return valueOf(windowNames, s);
}

bool Meter::matches(const QString& eventType, const Dimensions& dimensions) const
{
    if (!eventTypes.isEmpty()) {
        bool typeMatches = false;
        for (const QString& pattern : eventTypes) {
            if (pattern.endsWith(u'*') ? eventType.startsWith(QStringView(pattern).chopped(1)) : eventType == pattern) {
                typeMatches = true;
                break;
            }
        }
        if (!typeMatches)
            return false;
    }
    for (auto it = dimensionFilters.cbegin(); it != dimensionFilters.cend(); ++it) {
        const auto found = dimensions.constFind(it.key());
        if (found == dimensions.cend() || !it.value().contains(found.value()))
            return false;
    }
    return true;
}

const Price* Plan::priceFor(const QString& meterId) const
{
    for (const Price& price : prices) {
        if (price.meterId == meterId)
            return &price;
    }
    return nullptr;
}

} // namespace Meterline
