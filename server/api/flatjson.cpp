#include "server/api/flatjson.h"

namespace Meterline::Api
{

namespace
{

// Reads the subset of JSON that FlatJsonObject takes; every read answers nullopt/false at anything else.
class FlatScanner
{
public:
    explicit FlatScanner(QByteArrayView text)
        : m_at(text.begin())
        , m_end(text.end())
    {
    }

    bool atEnd()
    {
        skipSpace();
        return m_at == m_end;
    }

    // The next token is c: consumed.
    bool take(char c)
    {
        skipSpace();
        if (m_at == m_end || *m_at != c)
            return false;
        ++m_at;
        return true;
    }

    bool peek(char c)
    {
        skipSpace();
        return m_at != m_end && *m_at == c;
    }

    // Where the scanner stands: right after the last token taken, or at the one peeked at.
    const char* position() const { return m_at; }

    // The next token is the literal word (true, false, null): consumed.
    bool word(QByteArrayView literal)
    {
        skipSpace();
        if (m_end - m_at < literal.size() || QByteArrayView(m_at, literal.size()) != literal)
            return false;
        m_at += literal.size();
        return true;
    }

    // A string of printable ASCII without escapes: its characters.
    std::optional<QByteArrayView> plainString()
    {
        if (!take('"'))
            return std::nullopt;
        const char* start = m_at;
        for (; m_at != m_end && *m_at != '"'; ++m_at) {
            const auto c = static_cast<unsigned char>(*m_at);
            if (c < 0x20 || c >= 0x7f || c == '\\')
                return std::nullopt;
        }
        if (m_at == m_end)
            return std::nullopt;
        const QByteArrayView text(start, m_at - start);
        ++m_at; // the closing quote
        return text;
    }

    // A whole number of 1 to 15 digits, perhaps negative, in JSON's spelling (no leading zero, no "-0"):
    // exact as a double, as QJsonDocument would hold it. A fraction or an exponent is not taken.
    std::optional<qint64> smallInteger()
    {
        skipSpace();
        const bool negative = m_at != m_end && *m_at == '-';
        if (negative)
            ++m_at;
        const char* start = m_at;
        qint64 value = 0;
        for (; m_at != m_end && *m_at >= '0' && *m_at <= '9'; ++m_at) {
            if (m_at - start == 15)
                return std::nullopt;
            value = value * 10 + (*m_at - '0');
        }
        const qsizetype digits = m_at - start;
        if (digits == 0 || (digits > 1 && *start == '0') || (negative && value == 0))
            return std::nullopt;
        if (m_at != m_end && (*m_at == '.' || *m_at == 'e' || *m_at == 'E'))
            return std::nullopt;
        return negative ? -value : value;
    }

private:
    void skipSpace()
    {
        while (m_at != m_end && (*m_at == ' ' || *m_at == '\t' || *m_at == '\n' || *m_at == '\r'))
            ++m_at;
    }

    const char* m_at;
    const char* m_end;
};

// The members of the object at the scanner into members; nested objects only when allowed (one level).
bool readObject(FlatScanner& scan,
                QVarLengthArray<FlatJsonObject::Member, FlatJsonObject::MaxMembers>& members,
                bool nestedAllowed)
{
    using Member = FlatJsonObject::Member;
    using Kind = Member::Kind;
    if (!scan.take('{'))
        return false;
    if (scan.take('}'))
        return true;
    do {
        const auto key = scan.plainString();
        if (!key || members.size() == FlatJsonObject::MaxMembers || !scan.take(':'))
            return false;
        for (const Member& m : members) {
            if (m.key == *key)
                return false;
        }
        Member member;
        member.key = *key;
        if (scan.peek('"')) {
            const auto text = scan.plainString();
            if (!text)
                return false;
            member.kind = Kind::String;
            member.text = *text;
        } else if (scan.peek('{')) {
            QVarLengthArray<Member, FlatJsonObject::MaxMembers> nested;
            const char* start = scan.position();
            if (!nestedAllowed || !readObject(scan, nested, false))
                return false;
            member.kind = Kind::Object;
            member.text = QByteArrayView(start, scan.position() - start);
        } else if (scan.word("true")) {
            member.kind = Kind::True;
        } else if (scan.word("false")) {
            member.kind = Kind::False;
        } else if (scan.word("null")) {
            member.kind = Kind::Null;
        } else {
            const auto integer = scan.smallInteger();
            if (!integer)
                return false;
            member.kind = Kind::Integer;
            member.integer = *integer;
        }
        members.append(member);
    } while (scan.take(','));
    return scan.take('}');
}

} // namespace

std::optional<FlatJsonObject> FlatJsonObject::parse(QByteArrayView body)
{
    FlatScanner scan(body);
    FlatJsonObject object;
    if (!readObject(scan, object.m_members, true) || !scan.atEnd())
        return std::nullopt;
    return object;
}

const FlatJsonObject::Member* FlatJsonObject::find(QByteArrayView key) const
{
    for (const Member& m : m_members) {
        if (m.key == key)
            return &m;
    }
    return nullptr;
}

} // namespace Meterline::Api
