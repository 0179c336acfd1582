#pragma once

#include <QDateTime>
#include <QLocale>
#include <QString>

#include "core/money.h"

namespace Meterline
{

// How dashboard models write numbers, money and times: one place, so every table agrees.
namespace DisplayFormat
{
// Grouped digits in the locale, even in the C locale ("1,234,567"); a fraction keeps two places.
QString quantity(double value, const QLocale& locale = {});
// Two decimals, rounded half-even from micros ("1,250.00").
QString money(Money amount, const QLocale& locale = {});
// UTC, minutes precision ("2026-11-26 06:40"); empty for an invalid time.
QString time(const QDateTime& t);
// A fraction as a whole percentage ("87 %").
QString percent(double fraction, const QLocale& locale = {});
} // namespace DisplayFormat

} // namespace Meterline
