#pragma once

#include <memory>

#include "sync/datasource.h"

namespace Meterline
{
class Database;
class Service;
} // namespace Meterline

namespace Meterline::Dashboard
{

// A store opened through core on the worker thread: a SQLite file or postgresql://… . Its Database and
// Service are made by open() on that thread and dropped (connection released) by the destructor, which runs
// there too.
class LocalSource : public DataSource
{
public:
    LocalSource(QString databaseSpec, bool demoDataWhenEmpty);
    ~LocalSource() override;

    Status open() override;
    bool isRemote() const override { return false; }

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
    Result<Service*> service();

    QString m_spec;
    bool m_demoDataWhenEmpty = false;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<Service> m_service;
};

} // namespace Meterline::Dashboard
