#pragma once

// Compact JSON written straight into bytes, for the answers of the hot routes (check, record). Building a
// QJsonObject and serialising it through QJsonDocument cost about half of a check's CPU; this writes the same
// text (numbers spelled as QJsonDocument spells them) in one pass.
//
//     JsonWriter w;
//     w.beginObject();
//     w.key("allowed").value(true);
//     w.key("limits").beginArray();
//     ...
//     QByteArray body = w.take();
//
// Every write makes room for its whole text once and then stores bytes through a raw cursor: a check answer
// is a few hundred bytes in about sixty pieces, and a capacity check per byte was a large share of it.

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringView>
#include <cstring>
#include <optional>

#include "core/types.h"

namespace Meterline::Api
{

class JsonWriter
{
public:
    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    // An object member's name: a literal in plain ASCII, as every field name of the API is (written unescaped;
    // its length known here, so the copy is a few inline moves).
    template <std::size_t N> JsonWriter& key(const char (&name)[N])
    {
        reserve(qsizetype(N) + 2);
        separate();
        put('"');
        put(name, qsizetype(N - 1));
        put('"');
        put(':');
        m_needsComma = false; // the value follows without a comma
        return *this;
    }

    JsonWriter& value(QStringView text);
    JsonWriter& value(const QString& text) { return value(QStringView(text)); }
    JsonWriter& value(bool flag);
    JsonWriter& value(double number); // non-finite: null, as QJsonDocument writes it
    JsonWriter& value(qint64 number);
    JsonWriter& value(int number) { return value(qint64(number)); }
    JsonWriter& null();
    // ISO 8601 UTC (Periods::toIso), or null when invalid.
    JsonWriter& time(const QDateTime& t);
    JsonWriter& time(const std::optional<QDateTime>& t) { return t ? time(*t) : null(); }
    // A string, or null when empty.
    JsonWriter& stringOrNull(const QString& text) { return text.isEmpty() ? null() : value(text); }
    JsonWriter& numberOrNull(const std::optional<double>& number) { return number ? value(*number) : null(); }
    // {"key": "value", ...} of a string map, keys in order.
    JsonWriter& stringMap(const Dimensions& map);

    JsonWriter(); // room for a check answer: no reallocation on the way
    // The text written; the writer is empty afterwards.
    QByteArray take();

private:
    // Makes room for count more bytes (and a separating comma): the cursor can take them without checks.
    void reserve(qsizetype count)
    {
        if (m_end - m_cursor <= count)
            grow(count + 1);
    }
    void grow(qsizetype count);
    void separate()
    {
        if (m_needsComma)
            *m_cursor++ = ',';
    }
    void put(char c) { *m_cursor++ = c; }
    void put(const char* text, qsizetype length)
    {
        std::memcpy(m_cursor, text, size_t(length));
        m_cursor += length;
    }
    void quoted(QStringView text);
    void escaped(QStringView text);
    void escapedUtf8(const QByteArray& utf8);
    void putHex(uint byte); // two lower-case hex digits
    void integer(qint64 number);
    void literal(const char* text, qsizetype length);

    QByteArray m_out;          // allocated ahead; its size is the capacity, m_cursor - m_out.data() the text
    char* m_cursor = nullptr;  // where the next byte goes
    char* m_end = nullptr;     // the end of the room in m_out
    bool m_needsComma = false; // a value or member was written at this level
};

} // namespace Meterline::Api
