#pragma once

// The HTTP API's JSON (docs/api.md) on the dashboard's side: request bodies for operator actions (also the
// durable queue's payloads, which LocalSource decodes back) and decoders of the server's answers.
// Decoders are lenient about extra members and strict about types: a wrong type yields invalid_request
// naming the member, so a garbled answer is a clear failure and never a silent zero.

#include <QJsonArray>
#include <QJsonObject>

#include "core/result.h"
#include "core/types.h"

namespace Meterline::Dashboard::Wire
{

// ---- request bodies ----
QJsonObject customerBody(const Customer& customer);
QJsonObject customerPatchBody(const CustomerPatch& patch); // removed values as null (RFC 7396)
QJsonObject planBody(const Plan& plan);
QJsonObject meterBody(const Meter& meter);
QJsonObject limitBody(const Limit& limit);
QJsonObject balanceChangeBody(Money amount, const QString& reason, const QString& idempotencyKey);
QJsonObject reserveBody(Money reserve);
QJsonObject apiKeyBody(const QString& name, KeyScope scope, int rateLimit);
QJsonObject webhookBody(const WebhookEndpoint& endpoint);

// ---- decoders (answers and request bodies alike) ----
Result<Customer> customerFrom(const QJsonObject& o);
Result<CustomerPatch> customerPatchFrom(const QJsonObject& o);
Result<Plan> planFrom(const QJsonObject& o);
Result<Meter> meterFrom(const QJsonObject& o);
Result<Limit> limitFrom(const QJsonObject& o);
Result<BalanceChange> balanceChangeFrom(const QJsonObject& o);
Result<Money> reserveFrom(const QJsonObject& o);
Result<WebhookEndpoint> webhookFrom(const QJsonObject& o);

Result<Balance> balanceFrom(const QJsonObject& o);
Result<LedgerTransaction> transactionFrom(const QJsonObject& o);
Result<BalanceChangeResult> balanceChangeResultFrom(const QJsonObject& o);
Result<Event> eventFrom(const QJsonObject& o);
Result<EventPage> eventPageFrom(const QJsonObject& o);
Result<LedgerPage> ledgerPageFrom(const QJsonObject& o);
Result<BalancePage> balancePageFrom(const QJsonObject& o);
Result<UsageResult> usageFrom(const QJsonObject& o);
Result<SummaryPage> summaryPageFrom(const QJsonObject& o);
Result<CheckResult> checkFrom(const QJsonObject& o);
Result<ApiKey> apiKeyFrom(const QJsonObject& o);
Result<ApiKeyCreated> apiKeyCreatedFrom(const QJsonObject& o);
Result<WebhookDelivery> deliveryFrom(const QJsonObject& o);
Result<ChangePage> changePageFrom(const QJsonObject& o);
// {data: [...]} of a list route, each element decoded by from.
template <typename T> Result<QList<T>> listFrom(const QJsonObject& o, Result<T> (*from)(const QJsonObject&))
{
    QList<T> items;
    const QJsonArray data = o.value(QStringLiteral("data")).toArray();
    items.reserve(data.size());
    for (const auto& v : data) {
        auto item = from(v.toObject());
        if (!item.ok())
            return item.error();
        items << std::move(item).value();
    }
    return items;
}
// {"error": {code, message, field}} of a failed request; a generic error when the body is not one.
Error errorFrom(const QByteArray& body, int httpStatus);

} // namespace Meterline::Dashboard::Wire

namespace Meterline::Dashboard::Wire
{
// The invoice CSV of SPEC §4 (header row first, RFC 4180) back into lines: the remote preview reads the
// export route, so it shows exactly the rows the server bills.
Result<QList<InvoiceLine>> invoiceLinesFromCsv(const QByteArray& csv);
} // namespace Meterline::Dashboard::Wire
