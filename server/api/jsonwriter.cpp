#include "server/api/jsonwriter.h"

#include <QLocale>
#include <algorithm>
#include <cmath>

#include "core/periods.h"

namespace Meterline::Api
{

void JsonWriter::separate()
{
    if (m_needsComma)
        m_out += ',';
}

JsonWriter& JsonWriter::beginObject()
{
    separate();
    m_out += '{';
    m_needsComma = false;
    return *this;
}

JsonWriter& JsonWriter::endObject()
{
    m_out += '}';
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::beginArray()
{
    separate();
    m_out += '[';
    m_needsComma = false;
    return *this;
}

JsonWriter& JsonWriter::endArray()
{
    m_out += ']';
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::key(const char* name)
{
    separate();
    m_out += '"';
    m_out += name;
    m_out += "\":";
    m_needsComma = false; // the value follows without a comma
    return *this;
}

void JsonWriter::quoted(const QString& text)
{
    // Identifiers and wire names are ASCII without escapes: copied as they are, without a UTF-8 conversion.
    const bool plain = std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return c.unicode() >= 0x20 && c.unicode() < 0x7f && c != u'"' && c != u'\\';
    });
    if (plain) {
        const qsizetype at = m_out.size();
        m_out.resize(at + text.size() + 2);
        char* out = m_out.data() + at;
        *out++ = '"';
        for (const QChar c : text)
            *out++ = char(c.unicode());
        *out = '"';
        return;
    }
    static const char hex[] = "0123456789abcdef";
    const QByteArray utf8 = text.toUtf8();
    m_out.reserve(m_out.size() + utf8.size() + 2);
    m_out += '"';
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            m_out += "\\\"";
            break;
        case '\\':
            m_out += "\\\\";
            break;
        case '\b':
            m_out += "\\b";
            break;
        case '\f':
            m_out += "\\f";
            break;
        case '\n':
            m_out += "\\n";
            break;
        case '\r':
            m_out += "\\r";
            break;
        case '\t':
            m_out += "\\t";
            break;
        default:
            if (byte < 0x20) {
                m_out += "\\u00";
                m_out += hex[byte >> 4];
                m_out += hex[byte & 0xf];
            } else {
                m_out += c;
            }
        }
    }
    m_out += '"';
}

JsonWriter& JsonWriter::value(const QString& text)
{
    separate();
    quoted(text);
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::value(bool flag)
{
    separate();
    m_out += flag ? "true" : "false";
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::value(double number)
{
    separate();
    // QJsonDocument's spelling: whole numbers that fit 64 bits in full ("1000000000000000"), others shortest.
    // Below 2^53 a whole number is exactly its integer, spelled much faster as one.
    const bool whole = std::abs(number) < 18446744073709551616.0 && std::trunc(number) == number;
    if (whole && std::abs(number) < 9007199254740992.0 && !(number == 0 && std::signbit(number)))
        m_out += QByteArray::number(qint64(number));
    else if (std::isfinite(number))
        m_out += QByteArray::number(number, whole ? 'f' : 'g', QLocale::FloatingPointShortest);
    else
        m_out += "null";
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::value(qint64 number)
{
    separate();
    m_out += QByteArray::number(number);
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::null()
{
    separate();
    m_out += "null";
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::time(const QDateTime& t)
{
    if (!t.isValid())
        return null();
    separate();
    m_out += '"';
    Periods::appendIso(m_out, t.toMSecsSinceEpoch());
    m_out += '"';
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::stringMap(const Dimensions& map)
{
    beginObject();
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        separate();
        quoted(it.key());
        m_out += ':';
        m_needsComma = false;
        value(it.value());
    }
    return endObject();
}

} // namespace Meterline::Api
