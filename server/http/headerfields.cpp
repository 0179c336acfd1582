#include "server/http/headerfields.h"

#include <QHash>
#include <limits>

namespace Meterline::Http
{

namespace
{

// Up to this many fields, repeats are found by comparing every pair (by hash first): cheaper than a hash table
// for real requests. Above it (a request padded with fields) a table keeps the work linear.
constexpr qsizetype kPairwiseLimit = 32;

constexpr char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c;
}

} // namespace

quint32 HeaderFields::nameHash(QByteArrayView name)
{
    quint32 hash = kHashBasis;
    for (char c : name)
        hash = hashStep(hash, c);
    return hash;
}

bool HeaderFields::equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

qsizetype HeaderFields::indexOf(QByteArrayView name) const
{
    const quint32 hash = nameHash(name);
    for (qsizetype i = 0; i < m_fields.size(); ++i) {
        const Field& field = m_fields[i];
        if (field.hash == hash && field.nameSize == quint32(name.size())
            && equalsIgnoringCase(view(field.nameAt, field.nameSize), name))
            return i;
    }
    return -1;
}

QByteArrayView HeaderFields::value(QByteArrayView name) const
{
    const qsizetype i = indexOf(name);
    return i < 0 ? QByteArrayView() : valueAt(i);
}

quint32 HeaderFields::appendText(QByteArrayView text)
{
    Q_ASSERT(m_text.size() + size_t(text.size()) <= std::numeric_limits<quint32>::max());
    const auto at = quint32(m_text.size());
    m_text.append(text.data(), size_t(text.size()));
    return at;
}

void HeaderFields::append(QByteArrayView name, QByteArrayView value, quint32 hash)
{
    if (m_text.capacity() < 256)
        m_text.reserve(256); // one allocation for the fields of a typical request
    Field field;
    field.nameAt = appendText(name);
    field.nameSize = quint32(name.size());
    field.valueAt = appendText(value);
    field.valueSize = quint32(value.size());
    field.hash = hash;
    m_fields.append(field);
}

void HeaderFields::joinRepeated()
{
    const qsizetype n = m_fields.size();
    if (n < 2)
        return;
    // first[i]: the index of the first field named like field i
    QVarLengthArray<qsizetype, kPairwiseLimit> first(n);
    bool repeated = false;
    if (n <= kPairwiseLimit) {
        for (qsizetype i = 0; i < n; ++i) {
            first[i] = i;
            const Field& field = m_fields[i];
            for (qsizetype j = 0; j < i; ++j) {
                const Field& earlier = m_fields[j];
                if (first[j] == j && earlier.hash == field.hash && earlier.nameSize == field.nameSize
                    && equalsIgnoringCase(nameAt(j), nameAt(i))) {
                    first[i] = j;
                    repeated = true;
                    break;
                }
            }
        }
    } else {
        QHash<QByteArray, qsizetype> firstByName; // lower-case names: QHash is seeded, so no crafted collisions
        firstByName.reserve(n);
        for (qsizetype i = 0; i < n; ++i) {
            const QByteArray key = nameAt(i).toByteArray().toLower();
            const auto it = firstByName.constFind(key);
            if (it == firstByName.constEnd()) {
                firstByName.insert(key, i);
                first[i] = i;
            } else {
                first[i] = *it;
                repeated = true;
            }
        }
    }
    if (!repeated)
        return;

    // next[i]: the next field with i's name, -1 at the last
    QVarLengthArray<qsizetype, kPairwiseLimit> next(n);
    QVarLengthArray<qsizetype, kPairwiseLimit> last(n);
    for (qsizetype i = 0; i < n; ++i) {
        next[i] = -1;
        last[i] = i;
        if (first[i] != i) {
            next[last[first[i]]] = i;
            last[first[i]] = i;
        }
    }
    QVarLengthArray<Field, 12> kept;
    for (qsizetype i = 0; i < n; ++i) {
        if (first[i] != i)
            continue;
        Field field = m_fields[i];
        if (next[i] >= 0) {
            std::string joined(valueAt(i).data(), size_t(field.valueSize)); // not a view: appendText may move m_text
            for (qsizetype j = next[i]; j >= 0; j = next[j]) {
                joined.append(", ");
                joined.append(valueAt(j).data(), size_t(valueAt(j).size()));
            }
            field.valueAt = appendText(QByteArrayView(joined.data(), qsizetype(joined.size())));
            field.valueSize = quint32(joined.size());
        }
        kept.append(field);
    }
    // Not m_fields = std::move(kept): Qt's QVarLengthArray move assignment (6.4.2 at least) drops, and so leaks,
    // the target's own heap buffer, which m_fields has past 12 fields. Found by tests/fuzz (http_request).
    m_fields.clear();
    m_fields.append(kept.constData(), kept.size());
}

HeaderFields& HeaderFields::operator=(HeaderFields&& other) noexcept
{
    if (this != &other) {
        m_text = std::move(other.m_text);
        m_fields.clear();
        m_fields.append(other.m_fields.constData(), other.m_fields.size());
        other.clear();
    }
    return *this;
}

void HeaderFields::clear()
{
    m_text.clear();
    m_fields.clear();
}

} // namespace Meterline::Http
