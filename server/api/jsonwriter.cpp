#include "server/api/jsonwriter.h"

#include <QLocale>
#include <charconv>
#include <cmath>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/periods.h"

namespace Meterline::Api
{

namespace
{

// A check answer with two limits and large figures is about 600 bytes. Not 1 KiB: with QByteArray's header that
// is above glibc's per-thread cache (1032 bytes), and every answer's buffer took malloc's slow path.
constexpr qsizetype InitialRoom = 960;

// Printable ASCII that JSON takes as it is: what identifiers, wire names and most text consist of.
bool isPlain(char16_t c)
{
    return c >= 0x20 && c < 0x7f && c != u'"' && c != u'\\';
}

// Copies the plain start of from (at most size characters) to to, one byte per character; how many it copied.
// Eight characters at a time where SSE2 is there (every x86-64): the strings of an answer are mostly plain.
qsizetype copyPlain(char* to, const char16_t* from, qsizetype size)
{
    qsizetype i = 0;
#if defined(__SSE2__)
    const __m128i belowSpace = _mm_set1_epi16(0x1f);
    const __m128i del = _mm_set1_epi16(0x7f);
    const __m128i quote = _mm_set1_epi16('"');
    const __m128i backslash = _mm_set1_epi16('\\');
    for (; i + 8 <= size; i += 8) {
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i));
        // Signed compares: units from 0x8000 up are negative, so they fail "above 0x1f" as they should.
        const __m128i printable = _mm_and_si128(_mm_cmpgt_epi16(chunk, belowSpace), _mm_cmplt_epi16(chunk, del));
        const __m128i special = _mm_or_si128(_mm_cmpeq_epi16(chunk, quote), _mm_cmpeq_epi16(chunk, backslash));
        if (_mm_movemask_epi8(_mm_andnot_si128(special, printable)) != 0xffff)
            break; // the scalar loop finds which one
        _mm_storel_epi64(reinterpret_cast<__m128i*>(to + i), _mm_packus_epi16(chunk, chunk));
    }
#endif
    for (; i < size && isPlain(from[i]); ++i)
        to[i] = char(from[i]);
    return i;
}

} // namespace

JsonWriter::JsonWriter()
    : m_out(InitialRoom, Qt::Uninitialized)
    , m_cursor(m_out.data())
    , m_end(m_cursor + m_out.size())
{
}

QByteArray JsonWriter::take()
{
    m_out.truncate(m_cursor - m_out.constData());
    m_cursor = m_end = nullptr;
    m_needsComma = false;
    return std::move(m_out);
}

void JsonWriter::grow(qsizetype count)
{
    const qsizetype used = m_cursor ? m_cursor - m_out.constData() : 0; // none after take()
    m_out.resize(std::max(2 * m_out.size(), used + count));
    m_cursor = m_out.data() + used;
    m_end = m_out.data() + m_out.size();
}

void JsonWriter::literal(const char* text, qsizetype length)
{
    reserve(length);
    separate();
    put(text, length);
    m_needsComma = true;
}

JsonWriter& JsonWriter::beginObject()
{
    reserve(1);
    separate();
    put('{');
    m_needsComma = false;
    return *this;
}

JsonWriter& JsonWriter::endObject()
{
    reserve(1);
    put('}');
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::beginArray()
{
    reserve(1);
    separate();
    put('[');
    m_needsComma = false;
    return *this;
}

JsonWriter& JsonWriter::endArray()
{
    reserve(1);
    put(']');
    m_needsComma = true;
    return *this;
}

void JsonWriter::integer(qint64 number)
{
    reserve(20); // "-9223372036854775808"
    separate();
    m_cursor = std::to_chars(m_cursor, m_end, number).ptr;
}

void JsonWriter::quoted(QStringView text)
{
    // The plain ASCII start of the text, one byte per character; the rest (usually nothing) escaped.
    const qsizetype size = text.size();
    reserve(size + 2);
    separate();
    put('"');
    const qsizetype i = copyPlain(m_cursor, text.utf16(), size);
    m_cursor += i;
    if (i < size)
        escaped(text.sliced(i));
    put('"');
}

void JsonWriter::escaped(QStringView text)
{
    // As QJsonDocument writes strings: UTF-8, the two-character escapes where JSON has them, \u00XX for the other
    // control characters, '/' and DEL as they are, and a lone surrogate (not UTF-16 text) as \uXXXX.
    qsizetype from = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (!c.isSurrogate())
            continue;
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            ++i; // a pair: one character
            continue;
        }
        escapedUtf8(text.sliced(from, i - from).toUtf8());
        reserve(6);
        put("\\u", 2);
        putHex(c.unicode() >> 8);
        putHex(c.unicode() & 0xff);
        from = i + 1;
    }
    escapedUtf8(text.sliced(from).toUtf8());
}

void JsonWriter::putHex(uint byte)
{
    static const char hex[] = "0123456789abcdef";
    put(hex[(byte >> 4) & 0xf]);
    put(hex[byte & 0xf]);
}

void JsonWriter::escapedUtf8(const QByteArray& utf8)
{
    reserve(6 * utf8.size() + 1); // at worst \u00XX per byte, then the closing quote
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            put("\\\"", 2);
            break;
        case '\\':
            put("\\\\", 2);
            break;
        case '\b':
            put("\\b", 2);
            break;
        case '\f':
            put("\\f", 2);
            break;
        case '\n':
            put("\\n", 2);
            break;
        case '\r':
            put("\\r", 2);
            break;
        case '\t':
            put("\\t", 2);
            break;
        default:
            if (byte < 0x20) {
                put("\\u00", 4);
                putHex(byte);
            } else {
                put(c);
            }
        }
    }
}

JsonWriter& JsonWriter::value(QStringView text)
{
    quoted(text);
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::value(bool flag)
{
    if (flag)
        literal("true", 4);
    else
        literal("false", 5);
    return *this;
}

JsonWriter& JsonWriter::value(double number)
{
    // QJsonDocument's spelling: whole numbers that fit 64 bits in full ("1000000000000000"), others shortest.
    // Below 2^53 a whole number is exactly its integer, spelled much faster as one (-0 is not: "-0").
    if (std::abs(number) < 9007199254740992.0) {
        const auto whole = qint64(number);
        if (double(whole) == number && !(whole == 0 && std::signbit(number))) {
            integer(whole);
            m_needsComma = true;
            return *this;
        }
    }
    const bool whole = std::abs(number) < 18446744073709551616.0 && std::trunc(number) == number;
    if (std::isfinite(number)) {
        const QByteArray spelled = QByteArray::number(number, whole ? 'f' : 'g', QLocale::FloatingPointShortest);
        literal(spelled.constData(), spelled.size());
    } else {
        null();
    }
    return *this;
}

JsonWriter& JsonWriter::value(qint64 number)
{
    integer(number);
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::null()
{
    literal("null", 4);
    return *this;
}

JsonWriter& JsonWriter::time(const QDateTime& t)
{
    if (!t.isValid())
        return null();
    reserve(Periods::IsoMaxLength + 2);
    separate();
    put('"');
    m_cursor += Periods::writeIso(m_cursor, t.toMSecsSinceEpoch());
    put('"');
    m_needsComma = true;
    return *this;
}

JsonWriter& JsonWriter::stringMap(const Dimensions& map)
{
    beginObject();
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        quoted(it.key());
        reserve(1);
        put(':');
        m_needsComma = false;
        value(it.value());
    }
    return endObject();
}

} // namespace Meterline::Api
