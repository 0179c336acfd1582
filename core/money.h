#pragma once

#include <QString>
#include <QtGlobal>
#include <compare>
#include <optional>

namespace Meterline
{

// Fixed-point amount with 6 decimal places (micros). Never a double.
class Money
{
public:
    static constexpr qint64 Scale = 1'000'000;
    // Largest amount accepted from input: 10^12 whole units, far below the qint64 range.
    static constexpr qint64 MaxMicros = 1'000'000'000'000LL * Scale;

    constexpr Money() = default;
    static constexpr Money fromMicros(qint64 micros) { return Money(micros); }
    // Parses "12", "12.5", "-0.000001", "+3.25"; at most 6 decimals, no exponent, |value| <= MaxMicros.
    static std::optional<Money> parse(QStringView text);
    QString toString() const; // always 6 places: "12.500000"

    constexpr qint64 micros() const { return m_micros; }
    constexpr bool isZero() const { return m_micros == 0; }
    constexpr bool isNegative() const { return m_micros < 0; }
    constexpr bool isPositive() const { return m_micros > 0; }

    constexpr Money operator+(Money other) const { return Money(m_micros + other.m_micros); }
    constexpr Money operator-(Money other) const { return Money(m_micros - other.m_micros); }
    constexpr Money operator-() const { return Money(-m_micros); }
    Money& operator+=(Money other)
    {
        m_micros += other.m_micros;
        return *this;
    }
    Money& operator-=(Money other)
    {
        m_micros -= other.m_micros;
        return *this;
    }
    constexpr auto operator<=>(const Money&) const = default;

private:
    constexpr explicit Money(qint64 micros)
        : m_micros(micros)
    {
    }
    qint64 m_micros = 0;
};

// numerator / denominator rounded half-even to an integer; denominator must be > 0.
// The one rounding function used for money (SPEC §4).
qint64 divideRoundHalfEven(__int128 numerator, __int128 denominator);

// A usage quantity (a double from the API) as exact micro-units, rounded half-even at 6 places.
// Quantities larger than the money range are clamped to it.
qint64 quantityToMicros(double quantity);

} // namespace Meterline
