#pragma once

// A flat JSON object read straight from the bytes, without a QJsonDocument: the body of a limit check, the
// call made before every LLM request, is a handful of plain members ({"customerId":"cust_007",
// "meterId":"llm-tokens"}), and QJsonDocument spent more on it than the rest of decoding.
//
// Only a strict subset of JSON is taken: one object whose keys and string values are printable ASCII without
// escapes, and whose values are such strings, whole numbers of at most 15 digits (exact as doubles), true,
// false, null, or an object of such values one level deep (a record's "dimensions"); at most MaxMembers
// members in each object, no key twice. Anything else, valid or not, is "not flat"
// (nullopt): the caller then parses the body in full with parseObject, which also words every error. So a
// body taken here decodes to what QJsonDocument would have made of it.

#include <QByteArrayView>
#include <QVarLengthArray>
#include <optional>

namespace Meterline::Api
{

class FlatJsonObject
{
public:
    static constexpr int MaxMembers = 8;

    struct Member
    {
        enum class Kind
        {
            String,
            Integer,
            True,
            False,
            Null,
            Object
        };
        QByteArrayView key;
        Kind kind = Kind::Null;
        QByteArrayView text; // String: the characters between the quotes; Object: the whole {…} (views into the body)
        qint64 integer = 0;  // Integer
    };

    // The members of body, or nullopt when body is not such a flat object. An Object member's members are
    // parse(member.text).
    static std::optional<FlatJsonObject> parse(QByteArrayView body);

    const QVarLengthArray<Member, MaxMembers>& members() const { return m_members; }
    // The member named key, or nullptr.
    const Member* find(QByteArrayView key) const;

private:
    QVarLengthArray<Member, MaxMembers> m_members;
};

} // namespace Meterline::Api
