#pragma once

#include "core/catalog.h"
#include "core/database.h"
#include "core/result.h"
#include "core/service.h"
#include "core/types.h"

namespace Meterline
{

// Answers "may this customer go on?" (SPEC §2 Limit, Balance, Reservation): reads each applying limit's
// window from the rollups, adds the open holds, applies the balance rule and, when asked and allowed,
// takes a reservation in the same write transaction, so racing checks never hold more than the cap.
// Plain checks on SQLite are answered from the check cache when it holds the store's current state.
class WebhookOutbox;
class CheckCache;
class CheckFigures;

class LimitChecker
{
public:
    LimitChecker(Database& database, const Catalog& catalog, const WebhookOutbox& outbox, Clock clock);

    Result<CheckResult> check(const CheckRequest& request);

    // The meter's aggregate for a customer over the period's window at now: from one to seven rollup rows,
    // or, for unique_count, from the window's events (the documented slower path).
    static Result<double>
    used(const QSqlDatabase& db, const Meter& meter, const QString& customerId, Period period, const QDateTime& now);

private:
    // Who is checked: the catalog snapshot and the customer (customer_not_found when there is none).
    struct Subject
    {
        std::shared_ptr<const CatalogSnapshot> catalog;
        Customer customer;
    };
    Result<Subject> subjectOf(const QSqlDatabase& db, const QString& customerId) const;
    Result<std::optional<CheckResult>>
    checkFromCache(const CheckCache& cache, const CheckRequest& request, const QDateTime& now);
    Result<CheckResult> checkFromStore(const CheckRequest& request, const QDateTime& now);
    Result<CheckResult> checkAndReserve(const CheckRequest& request, const QDateTime& now);
    // The answer from the figures: limits, holds and the balance rule (SPEC §2).
    static Result<CheckResult> decide(const CheckRequest& request,
                                      const CatalogSnapshot& catalog,
                                      const Customer& customer,
                                      CheckFigures& figures,
                                      const QDateTime& now);

    Database& m_database;
    const Catalog& m_catalog;
    const WebhookOutbox& m_outbox; // a hold lowers available: balance notifications
    Clock m_clock;
};

} // namespace Meterline
