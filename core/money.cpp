#include "core/money.h"

#include <QLocale>
#include <algorithm>
#include <cmath>
#include <limits>

namespace Meterline
{

namespace
{

// Parses [+-]digits[.digits] into micros, rounding half-even past the 6th decimal when allowed.
std::optional<qint64> parseDecimal(QStringView text, bool allowRounding)
{
    if (text.isEmpty())
        return std::nullopt;
    qsizetype i = 0;
    bool negative = false;
    if (text[0] == u'+' || text[0] == u'-') {
        negative = text[0] == u'-';
        ++i;
    }
    __int128 whole = 0;
    int wholeDigits = 0;
    for (; i < text.size() && text[i].isDigit(); ++i) {
        whole = whole * 10 + (text[i].unicode() - u'0');
        if (whole > Money::MaxMicros)
            return std::nullopt;
        ++wholeDigits;
    }
    __int128 fraction = 0;
    int fractionDigits = 0;
    int roundDigit = -1;        // the 7th decimal
    bool stickyNonZero = false; // anything non-zero after the 7th
    if (i < text.size() && text[i] == u'.') {
        ++i;
        for (; i < text.size() && text[i].isDigit(); ++i) {
            const int digit = text[i].unicode() - u'0';
            if (fractionDigits < 6) {
                fraction = fraction * 10 + digit;
                ++fractionDigits;
            } else if (!allowRounding) {
                return std::nullopt;
            } else if (roundDigit < 0) {
                roundDigit = digit;
            } else if (digit != 0) {
                stickyNonZero = true;
            }
        }
        if (fractionDigits == 0 && roundDigit < 0)
            return std::nullopt; // "1." is not a number here
    }
    if (i != text.size() || wholeDigits + fractionDigits == 0)
        return std::nullopt;
    for (int d = fractionDigits; d < 6; ++d)
        fraction *= 10;
    __int128 micros = whole * Money::Scale + fraction;
    if (roundDigit > 5 || (roundDigit == 5 && (stickyNonZero || (micros & 1))))
        ++micros;
    if (micros > Money::MaxMicros)
        return std::nullopt;
    return negative ? -qint64(micros) : qint64(micros);
}

} // namespace

std::optional<Money> Money::parse(QStringView text)
{
    const auto micros = parseDecimal(text, false);
    if (!micros)
        return std::nullopt;
    return Money(*micros);
}

QString Money::toString() const
{
    const quint64 magnitude = m_micros < 0 ? quint64(-(m_micros + 1)) + 1 : quint64(m_micros);
    const QString fraction = QString::number(magnitude % Scale).rightJustified(6, u'0');
    return (m_micros < 0 ? QStringLiteral("-") : QString()) + QString::number(magnitude / Scale) + u'.' + fraction;
}

qint64 divideRoundHalfEven(__int128 numerator, __int128 denominator)
{
    Q_ASSERT(denominator > 0);
    __int128 quotient = numerator / denominator; // truncates toward zero
    __int128 remainder = numerator % denominator;
    if (remainder != 0) {
        const __int128 twice = (remainder < 0 ? -remainder : remainder) * 2;
        const bool roundAway = twice > denominator || (twice == denominator && (quotient & 1));
        if (roundAway)
            quotient += numerator < 0 ? -1 : 1;
    }
    // Beyond what Money holds (10^12 units), as quantityToMicros does: never a truncated, wrapped-around figure.
    return qint64(std::clamp<__int128>(quotient, -Money::MaxMicros, Money::MaxMicros));
}

qint64 quantityToMicros(double quantity)
{
    if (!std::isfinite(quantity))
        return 0;
    if (quantity >= double(Money::MaxMicros / Money::Scale))
        return Money::MaxMicros;
    if (quantity <= -double(Money::MaxMicros / Money::Scale))
        return -Money::MaxMicros;
    // The shortest text that reads back as the same double: 0.1 is "0.1", not 0.1000000000000000055...
    const QString text = QString::number(quantity, 'f', QLocale::FloatingPointShortest);
    return parseDecimal(text, true).value_or(0);
}

} // namespace Meterline
