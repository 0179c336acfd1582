#include "server/http/requestparser.h"

#include <array>
#include <cstring>
#include <string_view>

namespace Meterline::Http
{

namespace
{

constexpr int kMaxLeadingEmptyBytes = 8;           // CRLFs some clients send after a body (RFC 9112 §2.2)
constexpr qint64 kMaxChunkLineBytes = 1024;        // chunk size with extensions
constexpr qint64 kInitialBodyReserve = 256 * 1024; // a declared length is a claim, not a promise
constexpr qsizetype kKeptLineCapacity = 1024;

// tchar (RFC 9110 §5.6.2): method and field names.
constexpr std::array<bool, 256> kTokenChars = [] {
    std::array<bool, 256> table{};
    for (int c = '0'; c <= '9'; ++c)
        table[c] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        table[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        table[c] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~"))
        table[static_cast<unsigned char>(c)] = true;
    return table;
}();

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!kTokenChars[static_cast<unsigned char>(c)])
            return false;
    }
    return true;
}

// Eight bytes at a time (header values and targets are most of a request's bytes): whether any byte of `word` is
// below `limit` (at most 0x80), or equal to `value`. Exact as answers for the whole word, which is all they are
// used for; a flagged word is then checked byte by byte where exceptions apply.
constexpr quint64 kOnes = 0x0101010101010101ull;
constexpr quint64 kHighs = 0x8080808080808080ull;

constexpr bool hasByteBelow(quint64 word, quint8 limit)
{
    return ((word - kOnes * limit) & ~word & kHighs) != 0;
}

constexpr bool hasByte(quint64 word, quint8 value)
{
    return hasByteBelow(word ^ (kOnes * value), 1);
}

quint64 loadWord(const char* p)
{
    quint64 word;
    std::memcpy(&word, p, sizeof word);
    return word;
}

// field-content: VCHAR, SP, HTAB and obs-text; no other control characters (a bare CR or NUL smuggles).
bool isFieldValueByte(char ch)
{
    const auto c = static_cast<unsigned char>(ch);
    return (c >= 0x20 || c == '\t') && c != 0x7f;
}

bool isFieldValue(QByteArrayView text)
{
    const char* p = text.data();
    const char* const end = p + text.size();
    for (; end - p >= 8; p += 8) {
        const quint64 word = loadWord(p);
        if (hasByteBelow(word, 0x20) || hasByte(word, 0x7f)) {
            for (int i = 0; i < 8; ++i) {
                if (!isFieldValueByte(p[i]))
                    return false;
            }
        }
    }
    for (; p < end; ++p) {
        if (!isFieldValueByte(*p))
            return false;
    }
    return true;
}

// origin-form target: visible ASCII only.
bool isTargetText(QByteArrayView text)
{
    const char* p = text.data();
    const char* const end = p + text.size();
    for (; end - p >= 8; p += 8) {
        const quint64 word = loadWord(p);
        if (hasByteBelow(word, 0x21) || (word & kHighs) != 0 || hasByte(word, 0x7f))
            return false;
    }
    for (; p < end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c <= 0x20 || c >= 0x7f)
            return false;
    }
    return true;
}

QByteArrayView trimOws(QByteArrayView text)
{
    qsizetype from = 0;
    qsizetype to = text.size();
    while (from < to && (text[from] == ' ' || text[from] == '\t'))
        ++from;
    while (to > from && (text[to - 1] == ' ' || text[to - 1] == '\t'))
        --to;
    return text.sliced(from, to - from);
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Percent-decodes a path; false on a broken escape, an encoded NUL or bytes that are not UTF-8.
bool decodePath(QByteArrayView raw, QString& out)
{
    if (raw.indexOf('%') < 0) {
        out = QString::fromLatin1(raw); // the target is ASCII already
        return true;
    }
    QByteArray bytes(raw.size(), Qt::Uninitialized);
    qsizetype n = 0;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (raw[i] != '%') {
            bytes[n++] = raw[i];
            continue;
        }
        if (i + 2 >= raw.size())
            return false;
        const int hi = hexValue(raw[i + 1]);
        const int lo = hexValue(raw[i + 2]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
            return false;
        bytes[n++] = char(hi * 16 + lo);
        i += 2;
    }
    bytes.truncate(n);
    if (!QByteArrayView(bytes).isValidUtf8())
        return false;
    out = QString::fromUtf8(bytes);
    return true;
}

// Walks a comma-separated list (RFC 9110 §5.6.1), skipping empty elements.
template <typename F> void forEachListElement(QByteArrayView list, F&& f)
{
    qsizetype from = 0;
    while (from <= list.size()) {
        qsizetype comma = list.indexOf(',', from);
        if (comma < 0)
            comma = list.size();
        const QByteArrayView element = trimOws(list.sliced(from, comma - from));
        if (!element.isEmpty())
            f(element);
        from = comma + 1;
    }
}

bool parseDigits(QByteArrayView text, qint64& value)
{
    // 18 digits always fit in a qint64; no sign, no spaces
    if (text.isEmpty() || text.size() > 18)
        return false;
    qint64 v = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    value = v;
    return true;
}

// The common methods as static data: no allocation per request.
QByteArray methodBytes(QByteArrayView method)
{
    for (const QByteArrayView known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
        if (method == known)
            return QByteArray::fromRawData(known.data(), known.size());
    }
    return method.toByteArray();
}

} // namespace

RequestParser::RequestParser(const Limits& limits)
    : m_limits(limits)
{
    reset();
}

QString RequestParser::errorCodeFor(int status)
{
    switch (status) {
    case 408:
        return QStringLiteral("request_timeout");
    case 413:
        return QStringLiteral("payload_too_large");
    default:
        return QStringLiteral("invalid_request");
    }
}

void RequestParser::reset()
{
    m_request = m_prototype;
    m_state = State::Start;
    m_phase = Phase::Idle;
    clearLine();
    m_headBytes = 0;
    m_trailerBytes = 0;
    m_leadingEmptyBytes = 0;
    m_bodyCap = 0;
    m_remaining = 0;
    m_http10 = false;
    m_keepAlive = true;
    m_expectContinue = false;
    m_chunked = false;
    m_hostCount = 0;
    m_hasContentLength = false;
    m_hasTransferEncoding = false;
    m_hasConnection = false;
    m_hasExpect = false;
    m_errorStatus = 0;
    m_errorMessage.clear();
}

void RequestParser::clearLine()
{
    if (m_line.capacity() > kKeptLineCapacity)
        m_line = QByteArray(); // a long line was the exception: do not keep its buffer per connection
    else if (!m_line.isEmpty())
        m_line.resize(0); // keeps the capacity
}

bool RequestParser::fail(int status, const QString& message)
{
    m_state = State::Error;
    m_phase = Phase::Failed;
    m_errorStatus = status;
    m_errorMessage = message;
    return false;
}

RequestParser::LineResult
RequestParser::takeLine(const char*& p, const char* end, qint64 maxBytes, QByteArrayView& line, qint64& lineBytes)
{
    const qint64 have = m_line.size();
    const qint64 window = maxBytes - have; // bytes this line may still take, its LF included
    if (window <= 0)
        return LineResult::TooLong;
    const qint64 available = end - p;
    const auto* lf = static_cast<const char*>(std::memchr(p, '\n', size_t(qMin(available, window))));
    if (!lf) {
        if (available >= window)
            return LineResult::TooLong;
        m_line.append(p, available);
        p = end;
        return LineResult::NeedMore;
    }
    const qsizetype length = lf - p;
    if (have == 0) {
        line = QByteArrayView(p, length); // the common case: no copy
    } else {
        m_line.append(p, length);
        line = m_line;
    }
    lineBytes = have + length + 1;
    p = lf + 1;
    if (!line.isEmpty() && line.back() == '\r')
        line.chop(1);
    return LineResult::Line;
}

qsizetype RequestParser::feed(const char* data, qsizetype size)
{
    const char* p = data;
    const char* const end = data + size;
    QByteArrayView line;
    qint64 lineBytes = 0;

    while (p < end) {
        switch (m_state) {
        case State::Start:
            if (*p == '\r' || *p == '\n') {
                if (++m_leadingEmptyBytes > kMaxLeadingEmptyBytes) {
                    fail(400, QStringLiteral("malformed request line"));
                    return p - data;
                }
                ++p;
                break;
            }
            m_state = State::RequestLine;
            m_phase = Phase::Head;
            break;

        case State::RequestLine:
        case State::HeaderLine: {
            const LineResult result = takeLine(p, end, m_limits.maxHeaderBytes - m_headBytes, line, lineBytes);
            if (result == LineResult::NeedMore)
                return p - data;
            if (result == LineResult::TooLong) {
                fail(431, QStringLiteral("request line and headers exceed %1 bytes").arg(m_limits.maxHeaderBytes));
                return p - data;
            }
            m_headBytes += lineBytes;
            bool ok;
            if (m_state == State::RequestLine) {
                ok = parseRequestLine(line);
                if (ok)
                    m_state = State::HeaderLine;
            } else if (line.isEmpty()) {
                ok = finishHead();
            } else {
                ok = parseHeaderLine(line, false);
            }
            clearLine();
            if (!ok || m_phase == Phase::Complete)
                return p - data;
            break;
        }

        case State::BodyLength: {
            const qint64 n = qMin<qint64>(m_remaining, end - p);
            m_request.body.append(p, n);
            p += n;
            m_remaining -= n;
            if (m_remaining == 0) {
                m_state = State::Done;
                m_phase = Phase::Complete;
                return p - data;
            }
            break;
        }

        case State::ChunkSize: {
            const LineResult result = takeLine(p, end, kMaxChunkLineBytes, line, lineBytes);
            if (result == LineResult::NeedMore)
                return p - data;
            const bool ok =
                result == LineResult::Line ? parseChunkSize(line) : fail(400, QStringLiteral("malformed chunk size"));
            clearLine();
            if (!ok)
                return p - data;
            break;
        }

        case State::ChunkData: {
            const qint64 n = qMin<qint64>(m_remaining, end - p);
            m_request.body.append(p, n);
            p += n;
            m_remaining -= n;
            if (m_remaining == 0)
                m_state = State::ChunkDataEnd;
            break;
        }

        case State::ChunkDataEnd: {
            const LineResult result = takeLine(p, end, 2, line, lineBytes);
            if (result == LineResult::NeedMore)
                return p - data;
            const bool ok = result == LineResult::Line && line.isEmpty();
            clearLine();
            if (!ok) {
                fail(400, QStringLiteral("chunk data not followed by CRLF"));
                return p - data;
            }
            m_state = State::ChunkSize;
            break;
        }

        case State::Trailer: {
            const LineResult result = takeLine(p, end, m_limits.maxHeaderBytes - m_trailerBytes, line, lineBytes);
            if (result == LineResult::NeedMore)
                return p - data;
            if (result == LineResult::TooLong) {
                fail(431, QStringLiteral("trailer fields exceed %1 bytes").arg(m_limits.maxHeaderBytes));
                return p - data;
            }
            m_trailerBytes += lineBytes;
            bool ok = true;
            if (line.isEmpty()) {
                m_state = State::Done;
                m_phase = Phase::Complete;
            } else {
                ok = parseHeaderLine(line, true);
            }
            clearLine();
            if (!ok || m_phase == Phase::Complete)
                return p - data;
            break;
        }

        case State::Done:
        case State::Error:
            return p - data;
        }
    }
    return p - data;
}

bool RequestParser::parseRequestLine(QByteArrayView line)
{
    // method SP request-target SP HTTP-version, single spaces (RFC 9112 §3)
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || sp2 == sp1 + 1)
        return fail(400, QStringLiteral("malformed request line"));
    const QByteArrayView method = line.first(sp1);
    const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = line.sliced(sp2 + 1);
    if (!isToken(method))
        return fail(400, QStringLiteral("malformed request line"));

    if (version == "HTTP/1.1") {
        m_http10 = false;
    } else if (version == "HTTP/1.0") {
        m_http10 = true;
    } else if (version.size() == 8 && version.startsWith("HTTP/1.") && version[7] >= '2' && version[7] <= '9') {
        m_http10 = false; // a higher minor version is taken as the highest one known (RFC 9110 §6.2)
    } else if (version.size() == 8 && version.startsWith("HTTP/") && version[5] >= '0' && version[5] <= '9'
               && version[6] == '.' && version[7] >= '0' && version[7] <= '9') {
        // RFC 9110 would answer 505; SPEC.md answers bad input with a 4xx, never a 5xx.
        return fail(400, QStringLiteral("HTTP version not supported: only HTTP/1.0 and HTTP/1.1"));
    } else {
        return fail(400, QStringLiteral("malformed request line"));
    }

    if (!isTargetText(target))
        return fail(400, QStringLiteral("malformed request line"));
    if (target.front() != '/')
        return fail(400, QStringLiteral("request target must start with /"));
    const qsizetype question = target.indexOf('?');
    const QByteArrayView rawPath = question < 0 ? target : target.first(question);
    if (target.indexOf('#') >= 0)
        return fail(400, QStringLiteral("request target must not have a fragment"));
    if (!decodePath(rawPath, m_request.path))
        return fail(400, QStringLiteral("malformed percent-encoding in path"));
    if (question >= 0 && question + 1 < target.size())
        m_request.query = QUrlQuery(QString::fromLatin1(target.sliced(question + 1)));

    m_request.method = methodBytes(method);
    m_request.target = target.toByteArray();
    return true;
}

bool RequestParser::parseHeaderLine(QByteArrayView line, bool trailer)
{
    if (line.front() == ' ' || line.front() == '\t')
        return fail(400, QStringLiteral("obsolete line folding is not accepted"));
    // the name up to the colon, checked as a token and hashed in one pass; no whitespace between name and colon
    // (RFC 9112 §5.1): a space is not a token character
    quint32 hash = HeaderFields::kHashBasis;
    qsizetype colon = 0;
    for (; colon < line.size() && line[colon] != ':'; ++colon) {
        if (!kTokenChars[static_cast<unsigned char>(line[colon])])
            return fail(400, QStringLiteral("malformed header field"));
        hash = HeaderFields::hashStep(hash, line[colon]);
    }
    if (colon == 0 || colon == line.size())
        return fail(400, QStringLiteral("malformed header field"));
    const QByteArrayView rawValue = line.sliced(colon + 1);
    if (!isFieldValue(rawValue))
        return fail(400, QStringLiteral("invalid character in header field"));
    if (trailer)
        return true; // trailer fields are checked and dropped: framing and routing never depend on them

    const QByteArrayView name = line.first(colon);
    const QByteArrayView value = trimOws(rawValue);
    // the fields that decide framing and connection handling, counted here and read at the end of the head
    switch (name.size()) {
    case 4:
        if (HeaderFields::equalsIgnoringCase(name, "host"))
            ++m_hostCount;
        break;
    case 6:
        if (HeaderFields::equalsIgnoringCase(name, "expect"))
            m_hasExpect = true;
        break;
    case 10:
        if (HeaderFields::equalsIgnoringCase(name, "connection"))
            m_hasConnection = true;
        break;
    case 14:
        if (HeaderFields::equalsIgnoringCase(name, "content-length"))
            m_hasContentLength = true;
        break;
    case 17:
        if (HeaderFields::equalsIgnoringCase(name, "transfer-encoding"))
            m_hasTransferEncoding = true;
        break;
    default:
        break;
    }
    m_request.headers.append(name, value, hash);
    return true;
}

bool RequestParser::finishHead()
{
    m_request.headers.joinRepeated();
    const HeaderFields& headers = m_request.headers;
    if (m_hostCount > 1)
        return fail(400, QStringLiteral("more than one Host header"));
    if (m_hostCount == 0 && !m_http10)
        return fail(400, QStringLiteral("missing Host header"));

    bool close = false;
    bool keepAlive = false;
    if (m_hasConnection) {
        forEachListElement(headers.value("connection"), [&](QByteArrayView option) {
            if (HeaderFields::equalsIgnoringCase(option, "close"))
                close = true;
            else if (HeaderFields::equalsIgnoringCase(option, "keep-alive"))
                keepAlive = true;
        });
    }
    m_keepAlive = m_http10 ? (keepAlive && !close) : !close;

    qint64 contentLength = 0;
    if (m_hasTransferEncoding) {
        if (m_hasContentLength)
            return fail(400, QStringLiteral("both Content-Length and Transfer-Encoding"));
        if (m_http10)
            return fail(400, QStringLiteral("Transfer-Encoding in an HTTP/1.0 request"));
        int chunked = 0;
        bool other = false;
        forEachListElement(headers.value("transfer-encoding"), [&](QByteArrayView coding) {
            if (HeaderFields::equalsIgnoringCase(coding, "chunked"))
                ++chunked;
            else
                other = true;
        });
        if (other)
            return fail(400, QStringLiteral("unsupported transfer coding: only chunked")); // not RFC's 501: SPEC.md
        if (chunked != 1)
            return fail(400, QStringLiteral("malformed Transfer-Encoding"));
        m_chunked = true;
    } else if (m_hasContentLength) {
        // "5, 5" (repeated or listed) is one length; anything else is not (RFC 9110 §8.6)
        bool valid = true;
        bool first = true;
        forEachListElement(headers.value("content-length"), [&](QByteArrayView text) {
            qint64 value = 0;
            if (!parseDigits(text, value) || (!first && value != contentLength))
                valid = false;
            contentLength = value;
            first = false;
        });
        if (!valid || first)
            return fail(400, QStringLiteral("invalid Content-Length"));
    }

    if (m_chunked || contentLength > 0) {
        m_bodyCap = -1;
        if (m_limits.maxBodyFor) {
            try {
                m_bodyCap = m_limits.maxBodyFor(m_request.method, m_request.path);
            } catch (...) {
                m_bodyCap = -1; // a throwing callback must not take the connection's thread down
            }
        }
        if (m_bodyCap < 0)
            m_bodyCap = m_limits.maxBodyBytes;
        if (contentLength > m_bodyCap)
            return fail(413, QStringLiteral("request body exceeds %1 bytes").arg(m_bodyCap));
        if (m_hasExpect && !m_http10) {
            forEachListElement(headers.value("expect"), [&](QByteArrayView expectation) {
                if (HeaderFields::equalsIgnoringCase(expectation, "100-continue"))
                    m_expectContinue = true;
            });
        }
    }

    if (m_chunked) {
        m_state = State::ChunkSize;
        m_phase = Phase::Body;
    } else if (contentLength > 0) {
        m_request.body.reserve(qMin(contentLength, kInitialBodyReserve));
        m_remaining = contentLength;
        m_state = State::BodyLength;
        m_phase = Phase::Body;
    } else {
        m_state = State::Done;
        m_phase = Phase::Complete;
    }
    return true;
}

bool RequestParser::parseChunkSize(QByteArrayView line)
{
    // chunk-size [ chunk-ext ] (RFC 9112 §7.1); extensions are checked for stray control bytes and ignored
    qint64 size = 0;
    qsizetype i = 0;
    for (; i < line.size(); ++i) {
        const int digit = hexValue(line[i]);
        if (digit < 0)
            break;
        if (i >= 15)
            return fail(400, QStringLiteral("malformed chunk size"));
        size = size * 16 + digit;
    }
    if (i == 0)
        return fail(400, QStringLiteral("malformed chunk size"));
    const QByteArrayView rest = trimOws(line.sliced(i));
    if (!rest.isEmpty() && (rest.front() != ';' || !isFieldValue(rest)))
        return fail(400, QStringLiteral("malformed chunk size"));

    if (size == 0) {
        m_state = State::Trailer;
        return true;
    }
    if (m_request.body.size() + size > m_bodyCap)
        return fail(413, QStringLiteral("request body exceeds %1 bytes").arg(m_bodyCap));
    m_remaining = size;
    m_state = State::ChunkData;
    return true;
}

} // namespace Meterline::Http
