#include "server/api/hotrequests.h"

#include <limits>

#include "core/periods.h"
#include "server/api/flatjson.h"
#include "wire/jsonreader.h"
#include "wire/requests.h"

namespace Meterline::Api
{

using Wire::JsonReader;
using Need = JsonReader::Need;

namespace
{

// A check request from a flat body, when its members are exactly what checkRequestFrom takes without an
// error; nullopt otherwise (checkRequestFrom then decides, and words the error).
std::optional<CheckRequest> plainCheckRequest(const QByteArray& body)
{
    using Kind = FlatJsonObject::Member::Kind;
    const auto object = FlatJsonObject::parse(body);
    if (!object)
        return std::nullopt;
    CheckRequest c;
    for (const FlatJsonObject::Member& m : object->members()) {
        const bool null = m.kind == Kind::Null;
        if (m.key == "customerId") {
            if (m.kind != Kind::String)
                return std::nullopt;
            c.customerId = QString::fromLatin1(m.text);
        } else if (m.key == "meterId") {
            if (m.kind == Kind::String)
                c.meterId = QString::fromLatin1(m.text);
            else if (!null)
                return std::nullopt;
        } else if (m.key == "reserve") {
            if (m.kind == Kind::Integer)
                c.reserve = double(m.integer);
            else if (!null)
                return std::nullopt;
        } else if (m.key == "reserveSeconds") {
            if (m.kind == Kind::Integer && m.integer >= std::numeric_limits<int>::min()
                && m.integer <= std::numeric_limits<int>::max())
                c.reserveSeconds = int(m.integer);
            else if (!null)
                return std::nullopt;
        } // other members are ignored, as checkRequestFrom ignores them
    }
    if (!object->find("customerId"))
        return std::nullopt; // required: the error is checkRequestFrom's
    return c;
}

// What the flat path read from body (plain), or else what the full parse and decode make of it.
template <typename T>
Result<T> plainOrDecoded(std::optional<T> plain, const QByteArray& body, Result<T> (*decode)(const QJsonObject&))
{
    if (plain)
        return std::move(*plain);
    auto object = Wire::parseObject(body);
    if (!object.ok())
        return object.error();
    return decode(object.value());
}

} // namespace

Result<CheckRequest> checkRequestFromBody(const QByteArray& body)
{
    return plainOrDecoded(plainCheckRequest(body), body, &Wire::checkRequestFrom);
}

namespace
{

using FlatMember = FlatJsonObject::Member;

// A string member of a flat body into out: false when it is neither a string nor (when optional) null; the full
// decoder then words the error.
bool readPlainString(const FlatMember& m, QString& out, JsonReader::Need need)
{
    if (m.kind == FlatMember::Kind::String)
        out = QString::fromLatin1(m.text);
    return m.kind == FlatMember::Kind::String || (m.kind == FlatMember::Kind::Null && need == Need::Optional);
}

// An object of strings (or null) into out, as JsonReader::stringMap takes it; false otherwise.
bool readPlainStringMap(const FlatMember& m, QMap<QString, QString>& out)
{
    if (m.kind != FlatMember::Kind::Object)
        return m.kind == FlatMember::Kind::Null;
    const auto object = FlatJsonObject::parse(m.text); // flat: the body's parse took it
    for (const FlatMember& entry : object->members()) {
        if (entry.kind != FlatMember::Kind::String)
            return false;
        out.insert(QString::fromLatin1(entry.key), QString::fromLatin1(entry.text));
    }
    return true;
}

// A record from a flat body, when its members are exactly what eventInputFrom takes without an error; nullopt
// otherwise (eventInputFrom then decides, and words the error).
std::optional<EventInput> plainEventInput(const QByteArray& body)
{
    using Kind = FlatMember::Kind;
    const auto object = FlatJsonObject::parse(body);
    if (!object)
        return std::nullopt;
    EventInput e;
    for (const FlatMember& m : object->members()) {
        bool ok = true;
        if (m.key == "customerId") {
            ok = readPlainString(m, e.customerId, Need::Required);
        } else if (m.key == "eventType") {
            ok = readPlainString(m, e.eventType, Need::Required);
        } else if (m.key == "value") {
            if (m.kind == Kind::Integer)
                e.value = double(m.integer);
            ok = m.kind == Kind::Integer || m.kind == Kind::Null;
        } else if (m.key == "dimensions") {
            ok = readPlainStringMap(m, e.dimensions);
        } else if (m.key == "timestamp") {
            if (m.kind == Kind::String)
                e.timestamp = Periods::parseIso(QString::fromLatin1(m.text));
            ok = m.kind == Kind::Null || (e.timestamp && e.timestamp->isValid());
        } else if (m.key == "idempotencyKey") {
            ok = readPlainString(m, e.idempotencyKey, Need::Optional);
        } else if (m.key == "reservationId") {
            ok = readPlainString(m, e.reservationId, Need::Optional);
        } // other members are ignored, as eventInputFrom ignores them
        if (!ok)
            return std::nullopt;
    }
    if (!object->find("customerId") || !object->find("eventType"))
        return std::nullopt; // required: the error is eventInputFrom's
    return e;
}

} // namespace

Result<EventInput> eventInputFromBody(const QByteArray& body)
{
    return plainOrDecoded(plainEventInput(body), body, &Wire::eventInputFrom);
}

} // namespace Meterline::Api
