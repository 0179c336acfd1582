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

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <optional>
#include <string>

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
    // An object member's name (plain ASCII, as every field name of the API is).
    JsonWriter& key(const char* name);

    JsonWriter& value(const QString& text);
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

    JsonWriter() { m_out.reserve(512); } // a check answer fits: no reallocation on the way
    QByteArray take() const { return QByteArray(m_out.data(), qsizetype(m_out.size())); }

private:
    void separate();
    void quoted(const QString& text);
    void integer(qint64 number);

    // std::string: its appends are inline, QByteArray's (6.4) go through a general insert.
    std::string m_out;
    bool m_needsComma = false; // a value or member was written at this level
};

} // namespace Meterline::Api
