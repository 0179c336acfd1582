#include "server/api/jsonwriter.h"

#include <QLocale>
#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/periods.h"

namespace Meterline::Api
{

void JsonWriter::separate()
{
    if (m_needsComma)
        m_out.push_back(',');
}

JsonWriter& JsonWriter::beginObject()
{
    separate();
    m_out.push_back('{');
    m_needsComma = false;
    return *this;
}

JsonWriter& JsonWriter::endObject()
{
    m_out.push_back('}');
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::beginArray()
{
    separate();
    m_out.push_back('[');
    m_needsComma = false;
    return *this;
}

JsonWriter& JsonWriter::endArray()
{
    m_out.push_back(']');
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::key(const char* name)
{
    separate();
    m_out.push_back('"');
    m_out.append(name);
    m_out.append("\":");
    m_needsComma = false; // the value follows without a comma
    return *this;
}

void JsonWriter::integer(qint64 number)
{
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    m_out.append(digits, end);
}

void JsonWriter::quoted(const QString& text)
{
    // Identifiers and wire names are ASCII without escapes: copied as they are, without a UTF-8 conversion.
    const bool plain = std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return c.unicode() >= 0x20 && c.unicode() < 0x7f && c != u'"' && c != u'\\';
    });
    if (plain) {
        m_out.push_back('"');
        for (const QChar c : text)
            m_out.push_back(char(c.unicode()));
        m_out.push_back('"');
        return;
    }
    static const char hex[] = "0123456789abcdef";
    const QByteArray utf8 = text.toUtf8();
    m_out.reserve(m_out.size() + size_t(utf8.size()) + 2);
    m_out.push_back('"');
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            m_out += "\\\"";
            break;
        case '\\':
            m_out.append("\\\\");
            break;
        case '\b':
            m_out.append("\\b");
            break;
        case '\f':
            m_out.append("\\f");
            break;
        case '\n':
            m_out.append("\\n");
            break;
        case '\r':
            m_out.append("\\r");
            break;
        case '\t':
            m_out.append("\\t");
            break;
        default:
            if (byte < 0x20) {
                m_out.append("\\u00");
                m_out.push_back(hex[byte >> 4]);
                m_out.push_back(hex[byte & 0xf]);
            } else {
                m_out.push_back(c);
            }
        }
    }
    m_out.push_back('"');
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
    m_out.append(flag ? "true" : "false");
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
        integer(qint64(number));
    else if (std::isfinite(number))
        m_out.append(QByteArray::number(number, whole ? 'f' : 'g', QLocale::FloatingPointShortest).toStdString());
    else
        m_out.append("null");
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::value(qint64 number)
{
    separate();
    integer(number);
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::null()
{
    separate();
    m_out.append("null");
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::time(const QDateTime& t)
{
    if (!t.isValid())
        return null();
    separate();
    m_out.push_back('"');
    char iso[Periods::IsoMaxLength];
    m_out.append(iso, Periods::writeIso(iso, t.toMSecsSinceEpoch()));
    m_out.push_back('"');
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::stringMap(const Dimensions& map)
{
    beginObject();
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        separate();
        quoted(it.key());
        m_out.push_back(':');
        m_needsComma = false;
        value(it.value());
    }
    return endObject();
}

} // namespace Meterline::Api
