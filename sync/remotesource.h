#pragma once

#include <QUrl>
#include <QUrlQuery>
#include <memory>

#include "sync/datasource.h"

class QNetworkAccessManager;

namespace Meterline::Dashboard
{

// A meterline-server over HTTP with an admin key (docs/api.md). Its QNetworkAccessManager is made on first
// use, on the worker thread that calls it. Each call waits for its answer in a local event loop on that
// thread (the GUI thread never waits), bounded by a timeout; a connection failure, a timeout or a 502/503/504
// is SourceError::Unreachable, any other error answer the server's {code, message, field}.
class RemoteSource : public DataSource
{
public:
    RemoteSource(QUrl serverUrl, QString adminKey, int timeoutMs);
    ~RemoteSource() override;

    // Tests: the first attempt of every action uses this timeout instead (0: the normal one), so a test can
    // make the first send of a credit time out after the server received it.
    void setFirstAttemptTimeoutMs(int ms) { m_firstAttemptTimeoutMs = ms; }

    Status open() override;
    bool isRemote() const override { return true; }

    Result<ChangePage> changes(qint64 since, int limit) override;
    Result<qint64> latestChange() override;
    Result<UsageChangePage> usageChanges(qint64 since, int limit) override;
    Result<qint64> latestUsageChange() override;
    Result<QList<Customer>> customers() override;
    Result<Customer> customer(const QString& id) override;
    Result<QList<Plan>> plans() override;
    Result<QList<Meter>> meters() override;
    Result<QList<Limit>> limits() override;
    Result<Balance> balance(const QString& customerId) override;
    Result<BalancePage> balances(const QString& cursor, int limit) override;
    Result<QList<ApiKey>> apiKeys() override;
    Result<QList<WebhookEndpoint>> webhooks() override;
    Result<TimeRange> resolvePeriod(NamedPeriod period) override;
    Result<SummaryPage>
    usageSummary(const TimeRange& range, const QString& customerId, const QString& cursor, int limit) override;
    Result<UsageResult> usage(const UsageQuery& query) override;
    Result<EventPage> events(const EventQuery& query) override;
    Result<QList<InvoiceLine>> invoiceLines(const TimeRange& range) override;
    Result<LedgerPage> transactions(const QString& customerId, const QString& cursor, int limit) override;
    Result<CheckResult> check(const CheckRequest& request) override;
    Result<QList<WebhookDelivery>> deliveries(const QString& webhookId, int limit) override;
    Result<ActionResult> perform(const QueuedAction& action) override;
    Status writeExport(Export kind,
                       const TimeRange& range,
                       const QString& customerId,
                       QIODevice& out,
                       const std::atomic_bool& cancel,
                       const std::function<void(qint64, qint64)>& progress) override;

private:
    struct Reply
    {
        int status = 0;
        QByteArray body;
    };
    struct Sink // streams the answer body into a device instead of memory
    {
        QIODevice* out = nullptr;
        const std::atomic_bool* cancel = nullptr;
        std::function<void(qint64, qint64)> progress;
    };

    Result<Reply> send(const QByteArray& method,
                       const QString& path,
                       const QUrlQuery& query,
                       const QByteArray& body,
                       int timeoutMs,
                       const Sink* sink = nullptr);
    Result<QJsonObject> getJson(const QString& path, const QUrlQuery& query = {});
    // A page of a cursor feed (/v1/changes, /v1/usage/changes), and the feed's newest cursor (?since=latest).
    template <typename Page> Result<Page> feedPage(const QString& path, const QString& since, int limit);
    template <typename Page> Result<qint64> latestCursor(const QString& path);
    Result<QJsonObject> sendJson(const QByteArray& method, const QString& path, const QJsonObject& body, int timeoutMs);

    QUrl m_base;
    QString m_key;
    int m_timeoutMs;
    int m_firstAttemptTimeoutMs = 0;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

} // namespace Meterline::Dashboard
