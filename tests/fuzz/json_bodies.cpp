// The JSON readers of request bodies on any bytes: the flat fast path (server/api/flatjson) and the full reader
// (parseObject over QJsonDocument, then JsonReader) must agree on every input the fast path takes, member by
// member; and the two hot decoders, eventInputFromBody and checkRequestFromBody (which take the fast path when
// they can), must decode exactly what eventInputFrom and checkRequestFrom make of the fully parsed body, or
// fail alike.

#include <QJsonArray>
#include <QJsonObject>
#include <cstdint>
#include <cstdlib>

#include "server/api/flatjson.h"
#include "server/api/hotrequests.h"
#include "wire/answers.h"
#include "wire/jsonreader.h"
#include "wire/requests.h"

using namespace Meterline;
using namespace Meterline::Api;
using namespace Meterline::Wire;
using namespace Qt::StringLiterals;

namespace
{

[[noreturn]] void broken(const char* what, QByteArrayView input)
{
    fprintf(stderr, "json_bodies: %s\ninput: %.*s\n", what, int(input.size()), input.data());
    abort();
}

// Whether the flat object says what the full parse of the same text says.
bool sameObject(const FlatJsonObject& flat, const QJsonObject& full)
{
    using Kind = FlatJsonObject::Member::Kind;
    if (flat.members().size() != full.size())
        return false;
    for (const FlatJsonObject::Member& m : flat.members()) {
        const QJsonValue value = full.value(QString::fromUtf8(m.key));
        switch (m.kind) {
        case Kind::String:
            if (!value.isString() || value.toString() != QString::fromUtf8(m.text))
                return false;
            break;
        case Kind::Integer:
            if (!value.isDouble() || value.toDouble() != double(m.integer))
                return false;
            break;
        case Kind::True:
        case Kind::False:
            if (!value.isBool() || value.toBool() != (m.kind == Kind::True))
                return false;
            break;
        case Kind::Null:
            if (!value.isNull())
                return false;
            break;
        case Kind::Object: {
            const auto inner = FlatJsonObject::parse(m.text);
            if (!inner || !value.isObject() || !sameObject(*inner, value.toObject()))
                return false;
            break;
        }
        }
    }
    return true;
}

QString describe(const Result<EventInput>& r)
{
    if (!r.ok())
        return u"error %1 %2 %3"_s.arg(r.error().code, r.error().message, r.error().field);
    const EventInput& e = r.value();
    QString text = u"%1|%2|%3|%4|%5|%6|"_s.arg(e.customerId,
                                               e.eventType,
                                               e.value ? QString::number(*e.value, 'g', 17) : u"-"_s,
                                               e.timestamp ? e.timestamp->toString(Qt::ISODateWithMs) : u"-"_s,
                                               e.idempotencyKey,
                                               e.reservationId);
    for (auto it = e.dimensions.cbegin(); it != e.dimensions.cend(); ++it)
        text += it.key() + u'=' + it.value() + u';';
    return text;
}

QString describe(const Result<CheckRequest>& r)
{
    if (!r.ok())
        return u"error %1 %2 %3"_s.arg(r.error().code, r.error().message, r.error().field);
    const CheckRequest& c = r.value();
    return u"%1|%2|%3|%4"_s.arg(c.customerId, c.meterId, c.reserve ? QString::number(*c.reserve, 'g', 17) : u"-"_s)
        .arg(c.reserveSeconds);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char*>(data), qsizetype(size));
    const auto flat = FlatJsonObject::parse(body);
    const auto full = parseObject(body);
    if (flat) {
        if (!full.ok())
            broken("the fast path took a body the full reader refuses", body);
        if (!sameObject(*flat, full.value()))
            broken("the fast path read other members than the full reader", body);
    }

    const QString eventFast = describe(eventInputFromBody(body));
    const QString eventFull =
        full.ok() ? describe(eventInputFrom(full.value())) : describe(Result<EventInput>(full.error()));
    if (eventFast != eventFull) {
        fprintf(stderr, "fast: %s\nfull: %s\n", qPrintable(eventFast), qPrintable(eventFull));
        broken("eventInputFromBody and eventInputFrom disagree", body);
    }
    const QString checkFast = describe(checkRequestFromBody(body));
    const QString checkFull =
        full.ok() ? describe(checkRequestFrom(full.value())) : describe(Result<CheckRequest>(full.error()));
    if (checkFast != checkFull) {
        fprintf(stderr, "fast: %s\nfull: %s\n", qPrintable(checkFast), qPrintable(checkFull));
        broken("checkRequestFromBody and checkRequestFrom disagree", body);
    }
    return 0;
}
