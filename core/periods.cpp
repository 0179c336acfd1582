#include "core/periods.h"

#include <QTimeZone>

namespace Meterline::Periods
{

namespace
{

QDateTime utcMidnight(const QDate& date)
{
    return QDateTime(date, QTime(0, 0), Qt::UTC);
}

QDateTime hourStart(const QDateTime& t)
{
    const QDateTime u = t.toUTC();
    return QDateTime(u.date(), QTime(u.time().hour(), 0), Qt::UTC);
}

QDate monthStart(const QDate& d)
{
    return QDate(d.year(), d.month(), 1);
}

} // namespace

TimeRange window(Period period, const QDateTime& at)
{
    const QDateTime u = at.toUTC();
    const QDate day = u.date();
    switch (period) {
    case Period::Hour: {
        const QDateTime start = hourStart(u);
        return {start, start.addSecs(3600)};
    }
    case Period::Day:
        return {utcMidnight(day), utcMidnight(day.addDays(1))};
    case Period::Week: {
        const QDate monday = day.addDays(1 - day.dayOfWeek()); // ISO: Monday = 1
        return {utcMidnight(monday), utcMidnight(monday.addDays(7))};
    }
    case Period::Month: {
        const QDate first = monthStart(day);
        return {utcMidnight(first), utcMidnight(first.addMonths(1))};
    }
    case Period::Lifetime:
        break;
    }
    return {};
}

TimeRange namedRange(NamedPeriod period, const QDateTime& now)
{
    switch (period) {
    case NamedPeriod::CurrentHour:
        return window(Period::Hour, now);
    case NamedPeriod::CurrentDay:
        return window(Period::Day, now);
    case NamedPeriod::CurrentWeek:
        return window(Period::Week, now);
    case NamedPeriod::CurrentMonth:
        return window(Period::Month, now);
    case NamedPeriod::PreviousMonth: {
        const QDate first = monthStart(now.toUTC().date());
        return {utcMidnight(first.addMonths(-1)), utcMidnight(first)};
    }
    case NamedPeriod::Lifetime:
        break;
    }
    return {};
}

QDateTime bucketStart(Window w, const QDateTime& t)
{
    const QDateTime u = t.toUTC();
    switch (w) {
    case Window::Hour:
        return hourStart(u);
    case Window::Day:
        return utcMidnight(u.date());
    case Window::Month:
        return utcMidnight(monthStart(u.date()));
    }
    return {};
}

QDateTime nextBucket(Window w, const QDateTime& start)
{
    switch (w) {
    case Window::Hour:
        return start.addSecs(3600);
    case Window::Day:
        return start.addDays(1);
    case Window::Month:
        return start.addMonths(1);
    }
    return {};
}

qint64 toMs(const QDateTime& t)
{
    return t.toMSecsSinceEpoch();
}

QDateTime fromMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

QString toIso(const QDateTime& t)
{
    if (!t.isValid())
        return {};
    const QDateTime u = t.toUTC();
    return u.toString(u.time().msec() ? Qt::ISODateWithMs : Qt::ISODate);
}

QDateTime parseIso(const QString& text)
{
    // Qt::ISODate accepts a date alone and local times; the API wants an instant, so require a zone.
    if (text.size() < 20 || text.size() > 35 || text[10] != u'T')
        return {};
    const QChar last = text.back();
    const bool hasZone = last == u'Z' || last == u'z' || text.mid(19).contains(u'+') || text.mid(19).contains(u'-');
    if (!hasZone)
        return {};
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        return {};
    return t.toUTC();
}

} // namespace Meterline::Periods
