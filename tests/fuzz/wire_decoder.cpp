// The wire library's decoders (wire/) on any bytes parsed as JSON: every decoder of an answer or a request body
// takes the object (and each list decoder its "data"), the invoice CSV reader and errorFrom the raw bytes. What must
// hold: no crash and no undefined behaviour on any shape or number; a failure is invalid_request naming a member; where
// a request body has an encoder (customerBody/customerFrom, planBody, meterBody, limitBody, balanceChangeBody,
// reserveBody, webhookBody, customerPatchBody, apiKeyBody), a decoded value encoded, sent as compact JSON and decoded
// again is the same in every member the body carries; decoded invoice lines written again as CSV (InvoiceCsv) read back
// the same.

#include <QJsonDocument>
#include <cstdint>
#include <cstdlib>

#include "core/invoicecsv.h"
#include "wire/answers.h"
#include "wire/invoicecsvreader.h"
#include "wire/requests.h"

using namespace Meterline;
using namespace Qt::StringLiterals;

namespace
{

[[noreturn]] void broken(const char* what, QByteArrayView input, const QString& first = {}, const QString& second = {})
{
    fprintf(stderr, "wire_decoder: %s\ninput: %.*s\n", what, int(input.size()), input.data());
    if (!first.isEmpty() || !second.isEmpty())
        fprintf(stderr, "first:  %s\nsecond: %s\n", qPrintable(first), qPrintable(second));
    abort();
}

QString number(double v)
{
    return QString::number(v, 'g', 17);
}

QString map(const QMap<QString, QString>& m)
{
    QString text = u"{"_s;
    for (auto it = m.cbegin(); it != m.cend(); ++it)
        text += it.key() + u'=' + it.value() + u';';
    return text + u'}';
}

QString optional(const std::optional<QString>& s)
{
    return s ? u"'"_s + *s + u"'"_s : u"-"_s;
}

// Each value as text, in the members its body carries.
QString carried(const Customer& c)
{
    return u"%1|%2|%3|%4|%5"_s.arg(c.id, c.name, c.planId, c.externalId, map(c.metadata));
}
QString carried(const CustomerPatch& p)
{
    return u"%1|%2|%3|%4"_s.arg(
        optional(p.name), optional(p.planId), optional(p.externalId), p.metadata ? map(*p.metadata) : u"-"_s);
}
QString carried(const Limit& l, bool withId = true)
{
    // A plan's limit is the plan's (planId), a customer's the customer's: the body carries that one only.
    return u"%1|%2|%3|%4|%5|%6|%7"_s.arg(withId ? l.id : QString(),
                                         toString(l.scope),
                                         l.scope == LimitScope::Plan ? l.planId : l.customerId,
                                         l.meterId,
                                         toString(l.period),
                                         number(l.value),
                                         toString(l.mode));
}
QString carried(const Plan& p)
{
    QString text = u"%1|%2|%3|prices:"_s.arg(p.id, p.name, p.currency);
    for (const Price& price : p.prices)
        text += u"%1,%2,%3,%4,%5;"_s.arg(price.meterId,
                                         price.unitPrice.toString(),
                                         QString::number(price.perUnits),
                                         number(price.includedUnits),
                                         price.creditsPerUnit.toString());
    text += u"|limits:"_s;
    for (const Limit& l : p.limits) // ids are made from the plan, meter and period, not carried
        text += carried(l, false) + u';';
    return text;
}
QString carried(const Meter& m)
{
    QString filters;
    for (auto it = m.dimensionFilters.cbegin(); it != m.dimensionFilters.cend(); ++it)
        filters += it.key() + u'=' + it.value().join(u',') + u';';
    return u"%1|%2|%3|%4|%5|%6"_s.arg(
        m.id, m.name, toString(m.aggregation), m.eventTypes.join(u','), filters, m.dimension);
}
QString carried(const BalanceChange& c)
{
    return u"%1|%2|%3"_s.arg(c.amount.toString(), c.reason, c.idempotencyKey);
}
QString carried(const Money& m)
{
    return m.toString();
}
QString carried(const WebhookEndpoint& w)
{
    return u"%1|%2|%3"_s.arg(
        w.url, w.events.join(u','), w.balanceLowThreshold ? w.balanceLowThreshold->toString() : u"-"_s);
}
QString carried(const Wire::ApiKeyRequest& k)
{
    return u"%1|%2|%3"_s.arg(k.name, toString(k.scope), QString::number(k.rateLimit));
}

template <typename T> void checkFailure(const Result<T>& r, QByteArrayView input)
{
    if (!r.ok() && (r.error().code != u"invalid_request" || r.error().message.isEmpty() || r.error().field.isEmpty()))
        broken(qPrintable(u"a decoder failed without naming a member: %1 [%2] %3"_s.arg(
                   r.error().code, r.error().field, r.error().message)),
               input);
}

// The body as it travels: compact JSON text, parsed again.
QJsonObject sent(const QJsonObject& body)
{
    return QJsonDocument::fromJson(QJsonDocument(body).toJson(QJsonDocument::Compact)).object();
}

template <typename T, typename Encode>
void roundTrip(const QJsonObject& o, Result<T> (*decode)(const QJsonObject&), Encode encode, QByteArrayView input)
{
    const Result<T> first = decode(o);
    checkFailure(first, input);
    if (!first.ok())
        return;
    const Result<T> second = decode(sent(encode(first.value())));
    if (!second.ok())
        broken(qPrintable(u"an encoded body does not decode again: "_s + second.error().message),
               input,
               carried(first.value()));
    if (carried(first.value()) != carried(second.value()))
        broken("a decoded body encoded and decoded again is another",
               input,
               carried(first.value()),
               carried(second.value()));
}

template <typename T> void decodes(const QJsonObject& o, QByteArrayView input)
{
    checkFailure(Wire::decode<T>(o), input);
    checkFailure(Wire::decodeList<T>(o), input);
}

QString lineText(const InvoiceLine& l)
{
    return QString::fromUtf8(InvoiceCsv::row(l)) + u" per "_s + QString::number(l.perUnits);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));

    // The raw bytes: an error body, an invoice CSV (whose lines, written again, must read back the same).
    (void)Wire::errorFrom(input, 400);
    if (const auto lines = Wire::invoiceLinesFromCsv(input); lines.ok()) {
        QByteArray again = InvoiceCsv::header();
        for (const InvoiceLine& l : lines.value())
            again += InvoiceCsv::row(l);
        const auto reread = Wire::invoiceLinesFromCsv(again);
        if (!reread.ok() || reread->size() != lines->size())
            broken("invoice lines written again do not read back", input);
        for (qsizetype i = 0; i < lines->size(); ++i) {
            if (lineText(lines->at(i)) != lineText(reread->at(i)))
                broken("an invoice line written again reads back another",
                       input,
                       lineText(lines->at(i)),
                       lineText(reread->at(i)));
        }
    }

    const QJsonDocument document = QJsonDocument::fromJson(input);
    if (!document.isObject())
        return 0;
    const QJsonObject o = document.object();

    roundTrip(o, Wire::customerFrom, Wire::customerBody, input);
    roundTrip(o, Wire::customerPatchFrom, Wire::customerPatchBody, input);
    roundTrip(
        o, +[](const QJsonObject& b) { return Wire::planFrom(b); }, Wire::planBody, input);
    roundTrip(
        o, +[](const QJsonObject& b) { return Wire::meterFrom(b); }, Wire::meterBody, input);
    roundTrip(
        o, +[](const QJsonObject& b) { return Wire::limitFrom(b); }, Wire::limitBody, input);
    roundTrip(
        o,
        Wire::balanceChangeFrom,
        [](const BalanceChange& c) { return Wire::balanceChangeBody(c.amount, c.reason, c.idempotencyKey); },
        input);
    roundTrip(o, Wire::reserveFrom, Wire::reserveBody, input);
    roundTrip(o, Wire::webhookFrom, Wire::webhookBody, input);
    roundTrip(
        o,
        Wire::apiKeyRequestFrom,
        [](const Wire::ApiKeyRequest& k) { return Wire::apiKeyBody(k.name, k.scope, k.rateLimit); },
        input);

    decodes<Customer>(o, input);
    decodes<Plan>(o, input);
    decodes<Price>(o, input);
    decodes<Meter>(o, input);
    decodes<Limit>(o, input);
    decodes<Event>(o, input);
    decodes<RecordResult>(o, input);
    decodes<BatchResult>(o, input);
    decodes<Balance>(o, input);
    decodes<BalancePage>(o, input);
    decodes<LedgerTransaction>(o, input);
    decodes<BalanceChangeResult>(o, input);
    decodes<EventPage>(o, input);
    decodes<LedgerPage>(o, input);
    decodes<UsageResult>(o, input);
    decodes<SummaryPage>(o, input);
    decodes<Reservation>(o, input);
    decodes<LimitStatus>(o, input);
    decodes<CheckResult>(o, input);
    decodes<ApiKey>(o, input);
    decodes<ApiKeyCreated>(o, input);
    decodes<WebhookEndpoint>(o, input);
    decodes<WebhookDelivery>(o, input);
    decodes<WebhookAttempt>(o, input);
    decodes<Change>(o, input);
    decodes<ChangePage>(o, input);
    return 0;
}
