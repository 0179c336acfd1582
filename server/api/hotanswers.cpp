#include "server/api/hotanswers.h"

#include "server/api/jsonwriter.h"

namespace Meterline::Api
{

QByteArray checkAnswer(const CheckResult& r)
{
    JsonWriter w;
    w.beginObject();
    w.key("allowed").value(r.allowed);
    w.key("customerId").value(r.customerId);
    w.key("meterId").stringOrNull(r.meterId);
    w.key("used").value(r.used);
    w.key("limit").numberOrNull(r.limit);
    w.key("remaining").numberOrNull(r.remaining);
    w.key("resetsAt").time(r.resetsAt);
    w.key("reason").stringOrNull(r.reason);
    w.key("limits").beginArray();
    for (const LimitStatus& s : r.limits) {
        w.beginObject();
        w.key("id").value(s.id);
        w.key("meterId").value(s.meterId);
        w.key("period").value(toString(s.period));
        w.key("mode").value(toString(s.mode));
        w.key("source").value(toString(s.source));
        w.key("limit").value(s.limit);
        w.key("used").value(s.used);
        w.key("held").value(s.held);
        w.key("remaining").value(s.remaining);
        w.key("resetsAt").time(s.resetsAt);
        w.endObject();
    }
    w.endArray();
    if (r.balance) {
        w.key("balance").beginObject();
        w.key("balance").value(r.balance->balance.toString());
        w.key("reserve").value(r.balance->reserve.toString());
        w.key("available").value(r.balance->available().toString());
        w.endObject();
    }
    if (r.reservation) {
        w.key("reservation").beginObject();
        w.key("id").value(r.reservation->id);
        w.key("amount").value(r.reservation->amount);
        w.key("expiresAt").time(r.reservation->expiresAt);
        w.endObject();
    }
    w.endObject();
    return w.take();
}

QByteArray recordAnswer(const RecordResult& r)
{
    JsonWriter w;
    w.beginObject();
    w.key("id").value(r.event.id);
    w.key("customerId").value(r.event.customerId);
    w.key("eventType").value(r.event.eventType);
    w.key("value").value(r.event.value);
    w.key("dimensions").stringMap(r.event.dimensions);
    w.key("timestamp").time(r.event.timestamp);
    w.key("duplicate").value(r.duplicate);
    if (r.balance) {
        w.key("balance").beginObject();
        w.key("customerId").value(r.balance->customerId);
        w.key("balance").value(r.balance->balance.toString());
        w.key("reserve").value(r.balance->reserve.toString());
        w.key("held").value(r.balance->held.toString());
        w.key("available").value(r.balance->available().toString());
        w.endObject();
    }
    // SPEC §2: a shortfall of the burn is "recorded on the transaction as unpaid and reported".
    if (r.usageTransaction)
        w.key("unpaid").value(r.usageTransaction->unpaid.toString());
    w.endObject();
    return w.take();
}

} // namespace Meterline::Api
