#include "core/periods.h"

#include <QTimeZone>
#include <algorithm>

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
    QByteArray text;
    appendIso(text, t.toMSecsSinceEpoch());
    return QString::fromLatin1(text);
}

void appendIso(QByteArray& out, qint64 ms, bool withMs)
{
    char text[IsoMaxLength];
    out.append(text, writeIso(text, ms, withMs));
}

int writeIso(char* out, qint64 ms, bool withMs)
{
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm): QDateTime::toString cost more than
    // the rest of encoding a check answer.
    const qint64 days = ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000;
    const qint64 msOfDay = ms - days * 86'400'000;
    const qint64 z = days + 719'468;
    const qint64 era = (z >= 0 ? z : z - 146'096) / 146'097;
    const qint64 doe = z - era * 146'097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const qint64 day = doy - (153 * mp + 2) / 5 + 1;
    const qint64 month = mp < 10 ? mp + 3 : mp - 9;
    const qint64 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) { // outside ISO 8601's four digits: Qt's own spelling
        const QDateTime u = fromMs(ms);
        const QByteArray text = u.toString(u.time().msec() || withMs ? Qt::ISODateWithMs : Qt::ISODate).toLatin1();
        const int length = int(std::min<qsizetype>(text.size(), IsoMaxLength));
        std::copy_n(text.constData(), length, out);
        return length;
    }
    char* at = out;
    const auto digits = [&at](qint64 value, int width) {
        for (int i = width - 1; i >= 0; --i, value /= 10)
            at[i] = char('0' + value % 10);
        at += width;
    };
    digits(year, 4);
    *at++ = '-';
    digits(month, 2);
    *at++ = '-';
    digits(day, 2);
    *at++ = 'T';
    digits(msOfDay / 3'600'000, 2);
    *at++ = ':';
    digits(msOfDay / 60'000 % 60, 2);
    *at++ = ':';
    digits(msOfDay / 1000 % 60, 2);
    if (msOfDay % 1000 || withMs) {
        *at++ = '.';
        digits(msOfDay % 1000, 3);
    }
    *at++ = 'Z';
    return int(at - out);
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
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs).toUTC();
    // An offset can carry 0001-01-01 or 9999-12-31 out of the four-digit years in UTC, where toIso cannot write
    // it back: refused, so that every time taken can be answered and sent again.
    if (!t.isValid() || t.date().year() < 1 || t.date().year() > 9999)
        return {};
    return t;
}

} // namespace Meterline::Periods
