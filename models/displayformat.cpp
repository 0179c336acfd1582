#include "models/displayformat.h"

#include <cmath>

namespace Meterline::DisplayFormat
{

namespace
{

// The dashboard always groups digits, even in the C locale (which omits group separators by default).
QLocale grouping(QLocale locale)
{
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    return locale;
}

} // namespace

QString quantity(double value, const QLocale& locale)
{
    const QLocale l = grouping(locale);
    if (!std::isfinite(value))
        return l.toString(value);
    if (std::fabs(value) < 9.0e15 && std::floor(value) == value)
        return l.toString(qlonglong(value));
    return l.toString(value, 'f', 2);
}

QString money(Money amount, const QLocale& locale)
{
    const QLocale l = grouping(locale);
    const qint64 cents = divideRoundHalfEven(amount.micros(), Money::Scale / 100);
    const qint64 magnitude = cents < 0 ? -cents : cents;
    QString fraction = l.toString(qlonglong(magnitude % 100));
    if (magnitude % 100 < 10)
        fraction.prepend(l.zeroDigit());
    return (cents < 0 ? l.negativeSign() : QString()) + l.toString(qlonglong(magnitude / 100)) + l.decimalPoint()
           + fraction;
}

QString time(const QDateTime& t)
{
    if (!t.isValid())
        return {};
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString percent(double fraction, const QLocale& locale)
{
    return QStringLiteral("%1 %").arg(locale.toString(qlonglong(std::llround(fraction * 100))));
}

} // namespace Meterline::DisplayFormat
