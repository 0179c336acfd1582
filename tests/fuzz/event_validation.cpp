// Event validation (Recorder::validate, the checks Service::record makes before it reads the store; core/validation)
// on any EventInput decoded from bytes: customer id, event type, idempotency key, reservation id, a timestamp
// (ISO 8601 text through Periods::parseIso as the API reads it, or milliseconds), dimensions, a value, and "now".
// What must hold, against the bounds of SPEC §2/§3 written out again here: an input is accepted exactly when
// it is within them (ids 1-128 of [A-Za-z0-9._:-], at most 32 dimensions with keys of 1-64 and values of at most
// 256 characters, a finite value, a timestamp from 1970 to 5 minutes past now, an idempotency key of at most 255
// characters); a refusal is invalid_request naming a field that is out of bounds, and a message about one
// dimension names it; the same input validated twice gets the same answer.

#include <QDateTime>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "core/periods.h"
#include "core/recorder.h"
#include "core/validation.h"
#include "tests/fuzz/fuzzinput.h"

using namespace Meterline;
using namespace Qt::StringLiterals;

namespace
{

[[noreturn]] void broken(const char* what, const EventInput& e, const Status& answer)
{
    fprintf(stderr,
            "event_validation: %s\ncustomerId '%s' eventType '%s' key '%s' reservation '%s' value %s timestamp %s "
            "(%lld ms) dimensions %lld\nanswer: %s\n",
            what,
            e.customerId.toUtf8().constData(),
            e.eventType.toUtf8().constData(),
            e.idempotencyKey.toUtf8().constData(),
            e.reservationId.toUtf8().constData(),
            e.value ? QByteArray::number(*e.value, 'g', 17).constData() : "-",
            e.timestamp ? e.timestamp->toString(Qt::ISODateWithMs).toUtf8().constData() : "-",
            e.timestamp && e.timestamp->isValid() ? qint64(Periods::toMs(*e.timestamp)) : qint64(0),
            qint64(e.dimensions.size()),
            answer.ok()
                ? "accepted"
                : qPrintable(u"%1 [%2] %3"_s.arg(answer.error().code, answer.error().field, answer.error().message)));
    abort();
}

// SPEC §2's identifiers, written from the SPEC: 1-128 characters of [A-Za-z0-9._:-].
bool isId(const QString& s)
{
    static const QString alphabet = u"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-"_s;
    if (s.isEmpty() || s.size() > 128)
        return false;
    for (const QChar c : s) {
        if (!alphabet.contains(c))
            return false;
    }
    return true;
}

// Each field's own verdict: true when it is within the documented bounds.
struct Verdict
{
    bool customerId, eventType, value, dimensions, timestamp, idempotencyKey, reservationId;
    bool all() const
    {
        return customerId && eventType && value && dimensions && timestamp && idempotencyKey && reservationId;
    }
    bool fieldOk(const QString& field) const
    {
        if (field == u"customerId")
            return customerId;
        if (field == u"eventType")
            return eventType;
        if (field == u"value")
            return value;
        if (field == u"dimensions")
            return dimensions;
        if (field == u"timestamp")
            return timestamp;
        if (field == u"idempotencyKey")
            return idempotencyKey;
        if (field == u"reservationId")
            return reservationId;
        return true; // not a field of the event: "names a field" fails below
    }
};

Verdict judge(const EventInput& e, qint64 nowMs)
{
    Verdict v{};
    v.customerId = isId(e.customerId);
    v.eventType = isId(e.eventType);
    v.value = !e.value || std::isfinite(*e.value);
    v.dimensions = e.dimensions.size() <= 32;
    for (auto it = e.dimensions.cbegin(); it != e.dimensions.cend(); ++it)
        v.dimensions = v.dimensions && !it.key().isEmpty() && it.key().size() <= 64 && it.value().size() <= 256;
    v.timestamp = !e.timestamp
                  || (e.timestamp->isValid() && Periods::toMs(*e.timestamp) >= 0
                      && Periods::toMs(*e.timestamp) <= nowMs + 5 * 60 * 1000);
    v.idempotencyKey = e.idempotencyKey.size() <= 255;
    v.reservationId = e.reservationId.isEmpty() || isId(e.reservationId);
    return v;
}

// The input (fuzzinput.h): six texts (customer id, event type, idempotency key, reservation id, timestamp text,
// dimensions as key 0x01 value pairs separated by 0x02), then the figures.

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    MeterlineFuzz::Input in = MeterlineFuzz::split(data, size, 6);
    EventInput e;
    e.customerId = QString::fromUtf8(in.texts[0]);
    e.eventType = QString::fromUtf8(in.texts[1]);
    e.idempotencyKey = QString::fromUtf8(in.texts[2]);
    e.reservationId = QString::fromUtf8(in.texts[3]);
    for (const QByteArray& pair : in.texts[5].split('\x02')) {
        if (pair.isEmpty())
            continue;
        const qsizetype separator = pair.indexOf('\x01');
        e.dimensions.insert(QString::fromUtf8(separator < 0 ? pair : pair.first(separator)),
                            separator < 0 ? QString() : QString::fromUtf8(pair.sliced(separator + 1)));
    }

    const quint8 flags = in.next<quint8>();
    const double value = in.next<double>();
    const qint64 ms = in.next<qint64>();
    // now: 1970 to about 2100, as a clock says it.
    const qint64 nowMs = qint64(in.next<quint64>() % quint64(130LL * 365 * 86'400'000));
    if (flags & 0x01)
        e.value = value;
    if (flags & 0x02)
        e.timestamp = (flags & 0x04) ? Periods::parseIso(QString::fromUtf8(in.texts[4])) : Periods::fromMs(ms);
    if (flags & 0x08) // timestamps just around the bounds
        e.timestamp = Periods::fromMs((flags & 0x10 ? nowMs + 5 * 60 * 1000 : 0) + qint64(qint8(ms & 0xff)));
    for (int i = 0, extra = (flags & 0x20) ? in.next<quint8>() % 40 : 0; i < extra; ++i) // many dimensions
        e.dimensions.insert(u"d%1"_s.arg(i), QString(in.next<quint8>() & 0x80 ? 257 : 256, u'v'));

    const Status answer = Recorder::validate(e, nowMs);
    const Status again = Recorder::validate(e, nowMs);
    if (answer.ok() != again.ok()
        || (!answer.ok()
            && (answer.error().code != again.error().code || answer.error().field != again.error().field
                || answer.error().message != again.error().message)))
        broken("the same input validated twice got two answers", e, answer);

    const Verdict verdict = judge(e, nowMs);
    if (answer.ok()) {
        if (!verdict.all())
            broken("an input out of bounds was accepted", e, answer);
        return 0;
    }
    const Error& error = answer.error();
    static const QStringList fields{u"customerId"_s,
                                    u"eventType"_s,
                                    u"value"_s,
                                    u"dimensions"_s,
                                    u"timestamp"_s,
                                    u"idempotencyKey"_s,
                                    u"reservationId"_s};
    if (error.code != u"invalid_request" || error.message.isEmpty() || !fields.contains(error.field))
        broken("a refusal that is not invalid_request naming a field of the event", e, answer);
    if (verdict.fieldOk(error.field))
        broken("a refusal naming a field that is within its bounds", e, answer);
    if (error.message.startsWith(u"dimension '")) {
        bool named = false;
        for (auto it = e.dimensions.cbegin(); it != e.dimensions.cend() && !named; ++it)
            named = it.value().size() > 256
                    && error.message == u"dimension '"_s + it.key() + u"' is longer than 256 characters"_s;
        if (!named)
            broken("a refusal of a dimension that does not name it and its bound", e, answer);
    }
    return 0;
}
