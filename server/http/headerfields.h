#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QVarLengthArray>
#include <string>

namespace Meterline::Http
{

// A request's header fields in arrival order: names as sent and matched case-insensitively (RFC 9110 §5.1), values
// without surrounding whitespace. After joinRepeated(), a field sent more than once is one entry whose values are
// joined by ", " (RFC 9110 §5.3). Names and values share one buffer and the index is inline up to a dozen fields:
// a request's headers cost one allocation, not a string per name and value plus a hash table.
class HeaderFields
{
public:
    HeaderFields() = default;
    HeaderFields(const HeaderFields&) = default;
    HeaderFields(HeaderFields&&) noexcept = default;
    HeaderFields& operator=(const HeaderFields&) = default;
    // Not the default: Qt's QVarLengthArray move assignment (6.4.2 at least) drops the target's own heap buffer.
    HeaderFields& operator=(HeaderFields&& other) noexcept;

    // The field's value, empty when absent (or sent empty: contains() tells them apart). The view lives as long
    // as this object is not changed.
    QByteArrayView value(QByteArrayView name) const;
    bool contains(QByteArrayView name) const { return indexOf(name) >= 0; }
    qsizetype size() const { return m_fields.size(); }
    bool isEmpty() const { return m_fields.isEmpty(); }
    QByteArrayView nameAt(qsizetype i) const { return view(m_fields[i].nameAt, m_fields[i].nameSize); }
    QByteArrayView valueAt(qsizetype i) const { return view(m_fields[i].valueAt, m_fields[i].valueSize); }

    // The parser's side: name is a token, value trimmed already; nameHash(name) when the caller has it.
    void append(QByteArrayView name, QByteArrayView value) { append(name, value, nameHash(name)); }
    void append(QByteArrayView name, QByteArrayView value, quint32 hash);
    // Merges repeated names into their first occurrence, in order: "a" then "b" becomes "a, b".
    void joinRepeated();
    void clear();

    // Lower-case hash of a field name (FNV-1a): equal for names that differ only in case. In steps, for a caller
    // that hashes while it scans: nameHash(name) is hashStep over its bytes from kHashBasis.
    static constexpr quint32 kHashBasis = 2166136261u;
    static constexpr quint32 hashStep(quint32 hash, char c)
    {
        return (hash ^ quint8((c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c)) * 16777619u;
    }
    static quint32 nameHash(QByteArrayView name);
    static bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b);

private:
    struct Field
    {
        quint32 nameAt;
        quint32 nameSize;
        quint32 valueAt;
        quint32 valueSize;
        quint32 hash;
    };

    qsizetype indexOf(QByteArrayView name) const;
    QByteArrayView view(quint32 at, quint32 size) const { return QByteArrayView(m_text.data() + at, size); }
    quint32 appendText(QByteArrayView text);
    void joinGroup(qsizetype first, const QVarLengthArray<qsizetype, 16>& others);

    std::string m_text; // appends are inline, unlike QByteArray's in Qt 6.4
    QVarLengthArray<Field, 12> m_fields;
};

} // namespace Meterline::Http
