// The SDK-facing query parameters (server/api/queryparams) on any bytes as a query string, made into a QUrlQuery
// the way the HTTP engine makes Request::query (QString::fromLatin1 of the target after '?'; the engine passes
// only visible ASCII, the target any byte). What must hold: every parameter reads as the query string says it,
// by a percent-decoder written here (first value of a name; filter.<dim> exactly the given names and values, the
// last of a repeated one; groupBy every value in order); an accepted from/to is a time that writes out
// (Periods::toIso) and parses back to the same instant; periodOrRange accepts only from < to, both or neither,
// or a named period that spells back the same; an accepted limit is 1..max of its route (docs/api.md
// Pagination), since is "latest" or a cursor >= 0; a refusal names the parameter.

#include <QUrlQuery>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "core/periods.h"
#include "server/api/queryparams.h"

using namespace Meterline;
using namespace Meterline::Api;
using namespace Qt::StringLiterals;

namespace
{

[[noreturn]] void broken(const char* what, const QString& query)
{
    fprintf(stderr, "query_params: %s\nquery: %s\n", what, query.toUtf8().constData());
    abort();
}

bool isHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// RFC 3986 percent-decoding of a name or a value: %XX runs are UTF-8 (a bad sequence U+FFFD), every other
// character is itself ('+' too: a query is not a form). A name or value with a '%' that is not before two hex
// digits is not percent-encoded at all: every '%' in it is itself (Qt's tolerant reading).
QString decoded(QStringView raw)
{
    const auto escapeAt = [raw](qsizetype i) {
        return i + 2 < raw.size() && raw[i + 1].unicode() < 0x80 && raw[i + 2].unicode() < 0x80
               && isHex(char(raw[i + 1].unicode())) && isHex(char(raw[i + 2].unicode()));
    };
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (raw[i] == u'%' && !escapeAt(i))
            return raw.toString();
    }
    QString out;
    QByteArray pending;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (raw[i] == u'%') {
            pending += char(raw.sliced(i + 1, 2).toString().toUInt(nullptr, 16));
            i += 2;
            continue;
        }
        out += QString::fromUtf8(pending);
        pending.clear();
        out += raw[i];
    }
    return out + QString::fromUtf8(pending);
}

// The query's name=value pairs, split on '&' and at the first '='.
QList<std::pair<QString, QString>> pairsOf(const QString& text)
{
    QList<std::pair<QString, QString>> pairs;
    for (const QStringView piece : QStringView(text).split(u'&')) {
        const qsizetype equals = piece.indexOf(u'=');
        pairs.append({decoded(equals < 0 ? piece : piece.first(equals)),
                      equals < 0 ? QString() : decoded(piece.sliced(equals + 1))});
    }
    return pairs;
}

QString firstValue(const QList<std::pair<QString, QString>>& pairs, const QString& name)
{
    for (const auto& [key, value] : pairs) {
        if (key == name)
            return value;
    }
    return {};
}

QStringList allValues(const QList<std::pair<QString, QString>>& pairs, const QString& name)
{
    QStringList values;
    for (const auto& [key, value] : pairs) {
        if (key == name)
            values << value;
    }
    return values;
}

Dimensions filtersOf(const QList<std::pair<QString, QString>>& pairs)
{
    Dimensions filters;
    for (const auto& [key, value] : pairs) {
        if (key.size() > 7 && key.startsWith(u"filter."))
            filters.insert(key.mid(7), value);
    }
    return filters;
}

void checkRefusal(const Error& error, const QStringList& fields, const QString& text)
{
    if (error.code != u"invalid_request" || error.message.isEmpty() || !fields.contains(error.field))
        broken(qPrintable(u"a refusal that does not name its parameter: %1 [%2] %3"_s.arg(
                   error.code, error.field, error.message)),
               text);
}

// An accepted time must write out and parse back to itself, or an answer echoing it cannot be sent again.
void checkTime(const QDateTime& t, const QString& given, const QString& text)
{
    if (t != Periods::parseIso(given))
        broken("an accepted time is not the one given", text);
    const QString written = Periods::toIso(t);
    if (written.isEmpty() || Periods::parseIso(written) != t)
        broken(qPrintable(u"an accepted time does not write out and parse back: '%1' -> '%2'"_s.arg(given, written)),
               text);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = QString::fromLatin1(reinterpret_cast<const char*>(data), qsizetype(size));
    const QUrlQuery query(text);
    const auto pairs = pairsOf(text);

    for (const QString& name : {u"from"_s,
                                u"to"_s,
                                u"period"_s,
                                u"limit"_s,
                                u"window"_s,
                                u"since"_s,
                                u"cursor"_s,
                                u"customerId"_s,
                                u"eventType"_s,
                                u"groupBy"_s}) {
        if (queryValue(query, name) != firstValue(pairs, name))
            broken(qPrintable(u"parameter %1 does not read as given"_s.arg(name)), text);
    }
    const Dimensions filters = dimensionFilters(query);
    if (filters != filtersOf(pairs))
        broken("filter.<dim> parameters do not read as given", text);

    const QString fromText = firstValue(pairs, u"from"_s);
    const QString toText = firstValue(pairs, u"to"_s);
    const QString periodText = firstValue(pairs, u"period"_s);
    const auto range = rangeFrom(query);
    if (range.ok()) {
        if (range->from.isValid() == fromText.isEmpty() || range->to.isValid() == toText.isEmpty())
            broken("rangeFrom set a bound that was not given, or dropped one that was", text);
        if (range->from.isValid())
            checkTime(range->from, fromText, text);
        if (range->to.isValid())
            checkTime(range->to, toText, text);
    } else {
        checkRefusal(range.error(), {u"from"_s, u"to"_s}, text);
    }

    static const QDateTime now = QDateTime(QDate(2026, 11, 26), QTime(12, 34, 56, 789), Qt::UTC);
    const auto resolve = [](NamedPeriod p) -> Result<TimeRange> { return Periods::namedRange(p, now); };
    for (const bool required : {false, true}) {
        const auto r = periodOrRange(query, required, resolve);
        if (!r.ok()) {
            checkRefusal(r.error(), {u"period"_s, u"from"_s, u"to"_s}, text);
            continue;
        }
        if (!periodText.isEmpty()) {
            const auto period = parseNamedPeriod(periodText);
            if (!period || toString(*period) != periodText)
                broken("periodOrRange took a period that does not spell back the same", text);
            const TimeRange expected = Periods::namedRange(*period, now);
            if (r->from != expected.from || r->to != expected.to)
                broken("periodOrRange answered another range than the named period's", text);
            if (r->from.isValid() != r->to.isValid() || (r->from.isValid() && r->from >= r->to))
                broken("a named period resolved to an empty or half-open range", text);
            continue;
        }
        if (!range.ok())
            broken("periodOrRange took from/to that rangeFrom refuses", text);
        if (r->from.isValid() != r->to.isValid())
            broken("periodOrRange took one bound without the other", text);
        if (r->from.isValid() && !(r->from < r->to))
            broken("periodOrRange took a range whose from is not before its to", text);
        if (required && !r->from.isValid())
            broken("periodOrRange took neither a period nor a range where one is required", text);
        if (r->from != range->from || r->to != range->to)
            broken("periodOrRange answered another range than rangeFrom", text);
    }

    const QString limitText = firstValue(pairs, u"limit"_s);
    for (const auto& [fallback, max] : {std::pair{100, 1000}, std::pair{1000, 10000}}) {
        const auto limit = limitParam(query, fallback, max);
        if (!limit.ok()) {
            checkRefusal(limit.error(), {u"limit"_s}, text);
            if (limitText.isEmpty() || !limit.error().message.contains(QString::number(max)))
                broken("a limit refused without saying its bounds, or none given refused", text);
            continue;
        }
        if (limitText.isEmpty()
                ? limit.value() != fallback
                : limit.value() < 1 || limit.value() > max || limitText.trimmed().toLongLong() != limit.value())
            broken("an accepted limit is not the default, or not the given number within 1..max", text);
    }

    const QString sinceText = firstValue(pairs, u"since"_s);
    if (const auto since = sinceParam(query); since.ok()) {
        if (since->latest != (sinceText == u"latest"))
            broken("since=latest read otherwise", text);
        if (!since->latest
            && (since->seq < 0 || (sinceText.isEmpty() ? since->seq != 0 : sinceText.toLongLong() != since->seq)))
            broken("an accepted since is not the cursor given, or negative", text);
    } else {
        checkRefusal(since.error(), {u"since"_s}, text);
    }

    if (const auto events = eventQueryFrom(query); events.ok()) {
        if (!range.ok() || events->from != range->from || events->to != range->to)
            broken("the events query took another range than rangeFrom", text);
        if (events->limit < 1 || events->limit > 1000)
            broken("the events query took a limit outside 1..1000", text);
        if (events->customerId != firstValue(pairs, u"customerId"_s)
            || events->eventType != firstValue(pairs, u"eventType"_s)
            || events->cursor != firstValue(pairs, u"cursor"_s) || events->dimensions != filters)
            broken("the events query does not hold the parameters given", text);
    } else {
        checkRefusal(events.error(), {u"from"_s, u"to"_s, u"limit"_s}, text);
    }

    const QString windowText = firstValue(pairs, u"window"_s);
    if (const auto usage = usageQueryFrom(query, u"llm-tokens"_s); usage.ok()) {
        if (usage->period.has_value() == periodText.isEmpty()
            || (usage->period && toString(*usage->period) != periodText))
            broken("the usage query's period does not spell back the one given", text);
        if (!usage->period && (!range.ok() || usage->from != range->from || usage->to != range->to))
            broken("the usage query took another range than rangeFrom", text);
        if (usage->window.has_value() == windowText.isEmpty()
            || (usage->window && toString(*usage->window) != windowText))
            broken("the usage query's window does not spell back the one given", text);
        if (usage->meterId != u"llm-tokens" || usage->customerId != firstValue(pairs, u"customerId"_s)
            || usage->groupBy != allValues(pairs, u"groupBy"_s) || usage->filters != filters)
            broken("the usage query does not hold the parameters given", text);
    } else {
        checkRefusal(usage.error(), {u"period"_s, u"from"_s, u"to"_s, u"window"_s}, text);
    }
    return 0;
}
