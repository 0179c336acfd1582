#include "ui/snapshotworker.h"

#include <QHash>
#include <algorithm>

#include "core/database.h"
#include "core/demodata.h"
#include "core/service.h"

using namespace Qt::StringLiterals;

namespace Meterline
{

namespace
{

// customer id -> the meter's aggregate over this calendar month. A meter that does not exist yields nothing.
Result<QHash<QString, double>> monthlyUsageByCustomer(const Service& service, const QString& meterId)
{
    QHash<QString, double> byCustomer;
    if (meterId.isEmpty())
        return byCustomer;
    UsageQuery query;
    query.meterId = meterId;
    query.period = NamedPeriod::CurrentMonth;
    query.groupBy = {u"customerId"_s};
    auto usage = service.usage(query);
    if (!usage.ok()) {
        if (usage.error().code == ErrorCode::MeterNotFound || usage.error().code == ErrorCode::NotFound)
            return byCustomer;
        return usage.error();
    }
    for (const UsageGroup& group : usage->groups)
        byCustomer.insert(group.dimensions.value(u"customerId"_s), group.value);
    return byCustomer;
}

} // namespace

SnapshotWorker::SnapshotWorker(Options options)
    : m_options(std::move(options))
{
}

SnapshotWorker::~SnapshotWorker()
{
    shutdown();
}

bool SnapshotWorker::ensureOpen()
{
    if (m_service)
        return true;
    auto opened = Database::open(m_options.databaseSpec);
    if (!opened.ok()) {
        emit failed(tr("Could not open the database %1: %2").arg(m_options.databaseSpec, opened.error().message));
        return false;
    }
    m_database = std::move(opened).value();
    m_service = std::make_unique<Service>(*m_database);
    return true;
}

void SnapshotWorker::shutdown()
{
    m_service.reset();
    if (m_database) {
        m_database->releaseThreadConnection();
        m_database.reset();
    }
}

void SnapshotWorker::refresh()
{
    if (!ensureOpen())
        return;
    Service& service = *m_service;

    if (m_options.demoDataWhenEmpty) {
        m_options.demoDataWhenEmpty = false; // only ever on the first refresh
        auto meters = service.meters();
        auto customers = service.customers();
        if (meters.ok() && customers.ok() && meters->isEmpty() && customers->isEmpty()) {
            emit demoDataStarted();
            const Status generated = DemoData::generate(service);
            if (!generated.ok()) {
                // Keep the reason on screen; the next refresh shows whatever did land.
                emit failed(tr("Could not create the demo data: %1").arg(generated.error().message));
                return;
            }
        }
    }

    auto customers = service.customers();
    if (!customers.ok()) {
        emit failed(tr("Could not read the customers: %1").arg(customers.error().message));
        return;
    }
    auto plans = service.plans();
    if (!plans.ok()) {
        emit failed(tr("Could not read the plans: %1").arg(plans.error().message));
        return;
    }
    QHash<QString, QString> planNames;
    for (const Plan& plan : plans.value())
        planNames.insert(plan.id, plan.name);

    auto tokens = monthlyUsageByCustomer(service, m_options.tokensMeterId);
    auto requests = monthlyUsageByCustomer(service, m_options.requestsMeterId);
    if (!tokens.ok() || !requests.ok()) {
        const Error& error = tokens.ok() ? requests.error() : tokens.error();
        emit failed(tr("Could not read this month's usage: %1").arg(error.message));
        return;
    }

    QList<CustomerUsageRow> rows;
    rows.reserve(customers->size());
    for (const Customer& customer : customers.value()) {
        CustomerUsageRow row;
        row.id = customer.id;
        row.name = customer.name;
        row.planId = customer.planId;
        row.planName = planNames.value(customer.planId);
        row.tokens = tokens->value(customer.id);
        row.requests = requests->value(customer.id);
        auto balance = service.balance(customer.id);
        if (balance.ok()) {
            row.available = balance->available();
            row.hasBalance = !balance->balance.isZero() || !balance->reserve.isZero() || !balance->held.isZero();
            if (!row.hasBalance) {
                // A balance that ran down to zero is still a prepaid account: it has ledger entries.
                auto ledger = service.transactions(customer.id, {}, 1);
                row.hasBalance = ledger.ok() && !ledger->data.isEmpty();
            }
        } else if (balance.error().code != ErrorCode::CustomerNotFound) {
            // customer_not_found: deleted since the list was read; anything else is a real failure.
            emit failed(tr("Could not read the balance of %1: %2").arg(customer.id, balance.error().message));
            return;
        }
        rows.append(row);
    }
    std::sort(
        rows.begin(), rows.end(), [](const CustomerUsageRow& a, const CustomerUsageRow& b) { return a.id < b.id; });
    emit snapshotReady(rows);
}

} // namespace Meterline
