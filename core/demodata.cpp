#include "core/demodata.h"

#include <QRandomGenerator>
#include <QTimeZone>
#include <algorithm>
#include <array>

#include "core/service.h"

using namespace Qt::StringLiterals;

namespace Meterline
{

namespace
{

constexpr qint64 DayMs = 24LL * 60 * 60 * 1000;
constexpr int BatchSize = 500;

struct DemoCompany
{
    const char* slug;
    const char* name;
    const char* industry;
};

constexpr std::array<DemoCompany, 20> Companies{{
    {"acme", "Acme Robotics", "manufacturing"},   {"globex", "Globex Analytics", "analytics"},
    {"initech", "Initech Software", "software"},  {"umbrella", "Umbrella Health", "healthcare"},
    {"hooli", "Hooli Search", "internet"},        {"stark", "Stark Logistics", "logistics"},
    {"wayne", "Wayne Financial", "finance"},      {"piedpiper", "Pied Piper", "software"},
    {"soylent", "Soylent Foods", "retail"},       {"tyrell", "Tyrell Systems", "hardware"},
    {"cyberdyne", "Cyberdyne AI", "software"},    {"wonka", "Wonka Retail", "retail"},
    {"aperture", "Aperture Science", "research"}, {"massive", "Massive Dynamic", "research"},
    {"oscorp", "Oscorp Biotech", "healthcare"},   {"vandelay", "Vandelay Industries", "logistics"},
    {"nakatomi", "Nakatomi Trading", "finance"},  {"monarch", "Monarch Media", "media"},
    {"duff", "Duff Beverages", "retail"},         {"gringotts", "Gringotts Bank", "finance"},
}};

constexpr std::array<const char*, 3> Regions{"eu-west", "us-east", "ap-south"};

// Plan per customer index: 4 free, 5 pro, 3 enterprise in every 12.
constexpr std::array<const char*, 12> PlanPattern{
    "pro", "free", "enterprise", "pro", "free", "pro", "enterprise", "free", "pro", "pro", "free", "enterprise"};

struct PlanProfile
{
    int minDailyRequests;
    int maxDailyRequests;
    int minUsers;
    int maxUsers;
    QStringList models;
    QStringList teams;
};

PlanProfile profileFor(const QString& planId)
{
    if (planId == u"free"_s)
        return {2, 5, 1, 4, {u"gpt-4o-mini"_s, u"claude-3-haiku"_s, u"llama-3.1-8b"_s}, {u"default"_s}};
    if (planId == u"pro"_s)
        return {8,
                16,
                4,
                18,
                {u"gpt-4o"_s, u"gpt-4o-mini"_s, u"claude-3.5-sonnet"_s, u"claude-3-haiku"_s},
                {u"product"_s, u"support"_s, u"research"_s}};
    return {20,
            40,
            15,
            60,
            {u"gpt-4o"_s, u"gpt-4o-mini"_s, u"claude-3.5-sonnet"_s, u"claude-3-opus"_s, u"llama-3.1-70b"_s},
            {u"search"_s, u"support"_s, u"research"_s, u"growth"_s, u"platform"_s}};
}

Money money(qint64 micros)
{
    return Money::fromMicros(micros);
}

Money whole(qint64 units)
{
    return Money::fromMicros(units * Money::Scale);
}

Limit planLimit(const QString& planId, const QString& meterId, Period period, double value, LimitMode mode)
{
    Limit limit;
    limit.scope = LimitScope::Plan;
    limit.planId = planId;
    limit.meterId = meterId;
    limit.period = period;
    limit.value = value;
    limit.mode = mode;
    return limit;
}

Price price(const QString& meterId, Money unitPrice, qint64 perUnits, double includedUnits, Money creditsPerUnit = {})
{
    Price p;
    p.meterId = meterId;
    p.unitPrice = unitPrice;
    p.perUnits = perUnits;
    p.includedUnits = includedUnits;
    p.creditsPerUnit = creditsPerUnit;
    return p;
}

Meter meter(const QString& id, const QString& name, Aggregation aggregation, const QString& dimension = {})
{
    Meter m;
    m.id = id;
    m.name = name;
    m.aggregation = aggregation;
    m.eventTypes = {u"llm.*"_s};
    m.dimension = dimension;
    return m;
}

QString randomToken(QRandomGenerator& rng, int length)
{
    static const QString alphabet = u"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"_s;
    QString text;
    text.reserve(length);
    for (int i = 0; i < length; ++i)
        text.append(alphabet.at(rng.bounded(int(alphabet.size()))));
    return text;
}

Error withContext(const Error& error, const QString& context)
{
    return {error.code, context + u": "_s + error.message, error.field};
}

// A token count for one event: most calls are short, a few fill a large context (not on the free plan, whose
// models have small windows).
double tokensFor(QRandomGenerator& rng, const QString& eventType, bool freePlan)
{
    if (eventType == u"llm.embedding"_s)
        return 32 + rng.bounded(768);
    if (eventType == u"llm.moderation"_s)
        return 20 + rng.bounded(300);
    const double roll = rng.generateDouble();
    if (freePlan)
        return roll < 0.70 ? 100 + rng.bounded(1100) : 1200 + rng.bounded(2800);
    if (roll < 0.70)
        return 200 + rng.bounded(2200);
    if (roll < 0.95)
        return 2400 + rng.bounded(9600);
    return 12000 + rng.bounded(52000);
}

} // namespace

Status DemoData::generate(Service& service, int customers, int days, quint32 seed)
{
    if (customers < 0)
        return Error::invalid(u"customers must not be negative"_s, u"customers"_s);
    if (days < 1)
        return Error::invalid(u"days must be at least 1"_s, u"days"_s);

    const QString tokensMeter = QString::fromLatin1(TokensMeterId);
    const QString requestsMeter = QString::fromLatin1(RequestsMeterId);

    // Idempotent enough: a store that has the tokens meter was filled before (or is a real one).
    if (service.meter(tokensMeter).ok())
        return success();

    QRandomGenerator rng(seed);

    // Meters. llm-tokens comes last: its presence marks the meters as complete.
    const QList<Meter> meters{
        meter(requestsMeter, u"LLM requests"_s, Aggregation::Count),
        meter(u"active-users"_s, u"Active users"_s, Aggregation::UniqueCount, u"user"_s),
        meter(u"max-context"_s, u"Largest request (tokens)"_s, Aggregation::Max),
        meter(tokensMeter, u"LLM tokens"_s, Aggregation::Sum),
    };
    for (const Meter& m : meters) {
        auto created = service.createMeter(m);
        if (!created.ok())
            return withContext(created.error(), u"meter "_s + m.id);
    }

    // Plans: unit prices per 1000 tokens, a seat price on active users, credits burnt on pro.
    QList<Plan> plans;
    {
        Plan free;
        free.id = u"free"_s;
        free.name = u"Free"_s;
        free.prices = {price(tokensMeter, money(0), 1000, 100'000)};
        free.limits = {planLimit(free.id, tokensMeter, Period::Month, 250'000, LimitMode::Hard),
                       planLimit(free.id, requestsMeter, Period::Day, 50, LimitMode::Hard)};
        plans.append(free);

        Plan pro;
        pro.id = u"pro"_s;
        pro.name = u"Pro"_s;
        // $0.002 per 1000 tokens beyond 500k; every 1000 tokens burn 0.2 prepaid credits.
        pro.prices = {price(tokensMeter, money(2'000), 1000, 500'000, money(200)),
                      price(u"active-users"_s, whole(5), 1, 3)};
        pro.limits = {planLimit(pro.id, tokensMeter, Period::Month, 5'000'000, LimitMode::Hard),
                      planLimit(pro.id, requestsMeter, Period::Day, 1'000, LimitMode::Soft)};
        plans.append(pro);

        Plan enterprise;
        enterprise.id = u"enterprise"_s;
        enterprise.name = u"Enterprise"_s;
        enterprise.prices = {price(tokensMeter, money(1'500), 1000, 5'000'000),
                             price(requestsMeter, money(100), 1, 100'000),
                             price(u"active-users"_s, whole(4), 1, 25)};
        enterprise.limits = {planLimit(enterprise.id, tokensMeter, Period::Month, 100'000'000, LimitMode::Soft),
                             planLimit(enterprise.id, requestsMeter, Period::Day, 20'000, LimitMode::Soft)};
        plans.append(enterprise);
    }
    for (const Plan& p : plans) {
        auto created = service.createPlan(p);
        if (!created.ok())
            return withContext(created.error(), u"plan "_s + p.id);
    }

    // Customers, their credits and events.
    const QDateTime now = service.now().toUTC();
    const qint64 nowMs = now.toMSecsSinceEpoch();
    const qint64 startMs = nowMs - qint64(days) * DayMs;

    struct Timed
    {
        qint64 ms;
        EventInput input;
    };
    QList<Timed> events;

    for (int i = 0; i < customers; ++i) {
        const DemoCompany& company = Companies[std::size_t(i) % Companies.size()];
        const int round = i / int(Companies.size());
        Customer customer;
        customer.id = u"cust_"_s + QString::fromLatin1(company.slug);
        customer.name = QString::fromLatin1(company.name);
        if (round > 0) {
            customer.id += u"-"_s + QString::number(round + 1);
            customer.name += u" "_s + QString::number(round + 1);
        }
        customer.planId = QString::fromLatin1(PlanPattern[std::size_t(i) % PlanPattern.size()]);
        customer.externalId = u"cus_"_s + randomToken(rng, 14);
        customer.metadata = {
            {u"industry"_s, QString::fromLatin1(company.industry)},
            {u"region"_s, QString::fromLatin1(Regions[std::size_t(rng.bounded(int(Regions.size())))])}};
        auto created = service.createCustomer(customer);
        if (!created.ok())
            return withContext(created.error(), u"customer "_s + customer.id);

        // Prepaid credits: most pro customers (whose usage burns credits) and one enterprise in three.
        const bool isPro = customer.planId == u"pro"_s;
        const bool isEnterprise = customer.planId == u"enterprise"_s;
        if ((isPro && i % 4 != 3) || (isEnterprise && i % 3 == 2)) {
            static constexpr std::array<qint64, 4> TopUps{250, 500, 1'000, 2'500};
            BalanceChange change;
            change.amount = whole(TopUps[std::size_t(rng.bounded(int(TopUps.size())))]);
            change.reason = u"Prepaid top-up"_s;
            change.actor = u"demo-data"_s;
            change.idempotencyKey = u"demo-topup-"_s + customer.id;
            auto credited = service.credit(customer.id, change);
            if (!credited.ok())
                return withContext(credited.error(), u"credit "_s + customer.id);
            if (isEnterprise) {
                auto reserved = service.setReserve(customer.id, whole(100), u"demo-data"_s);
                if (!reserved.ok())
                    return withContext(reserved.error(), u"reserve "_s + customer.id);
            }
        }

        // A negotiated cap on top of the plan for the first pro customer.
        if (i == 0 && isPro) {
            Limit custom;
            custom.scope = LimitScope::Customer;
            custom.customerId = customer.id;
            custom.meterId = tokensMeter;
            custom.period = Period::Month;
            custom.value = 8'000'000;
            custom.mode = LimitMode::Hard;
            auto limit = service.createLimit(custom);
            if (!limit.ok())
                return withContext(limit.error(), u"limit "_s + customer.id);
        }

        const PlanProfile profile = profileFor(customer.planId);
        const int dailyRate =
            profile.minDailyRequests + rng.bounded(profile.maxDailyRequests - profile.minDailyRequests + 1);
        const int userCount = profile.minUsers + rng.bounded(profile.maxUsers - profile.minUsers + 1);
        QStringList users;
        for (int u = 0; u < userCount; ++u)
            users.append(u"usr_"_s + randomToken(rng, 6).toLower());

        for (int d = 0; d < days; ++d) {
            const qint64 dayStartMs = startMs + qint64(d) * DayMs;
            const int weekday = QDateTime::fromMSecsSinceEpoch(dayStartMs, QTimeZone::utc()).date().dayOfWeek();
            const double weekend = weekday >= 6 ? 0.4 : 1.0;
            const double growth = 0.7 + 0.6 * double(d) / double(days); // usage grows over the window
            const double jitter = 0.75 + 0.5 * rng.generateDouble();
            const int count = int(dailyRate * weekend * growth * jitter + 0.5);
            for (int e = 0; e < count; ++e) {
                const qint64 ms = std::min(dayStartMs + qint64(rng.bounded(double(DayMs))), nowMs - 1000);
                const double roll = rng.generateDouble();
                const QString eventType = roll < 0.80   ? u"llm.completion"_s
                                          : roll < 0.95 ? u"llm.embedding"_s
                                                        : u"llm.moderation"_s;
                EventInput input;
                input.customerId = customer.id;
                input.eventType = eventType;
                input.value = tokensFor(rng, eventType, customer.planId == u"free"_s);
                input.dimensions = {
                    {u"model"_s,
                     eventType == u"llm.embedding"_s ? u"text-embedding-3-small"_s
                                                     : profile.models.at(rng.bounded(int(profile.models.size())))},
                    {u"team"_s, profile.teams.at(rng.bounded(int(profile.teams.size())))},
                    // A few heavy users make most of the calls.
                    {u"user"_s, users.at(int(users.size() * rng.generateDouble() * rng.generateDouble()))},
                };
                input.timestamp = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
                events.append({ms, std::move(input)});
            }
        }
    }

    // Record in time order, so prepaid balances run down as they would have.
    std::stable_sort(events.begin(), events.end(), [](const Timed& a, const Timed& b) { return a.ms < b.ms; });
    QList<EventInput> batch;
    batch.reserve(BatchSize);
    for (qsizetype start = 0; start < events.size(); start += BatchSize) {
        batch.clear();
        const qsizetype end = std::min<qsizetype>(start + BatchSize, events.size());
        for (qsizetype k = start; k < end; ++k)
            batch.append(events.at(k).input);
        auto recorded = service.recordBatch(batch);
        if (!recorded.ok())
            return withContext(recorded.error(), u"events"_s);
        if (!recorded->rejected.isEmpty()) {
            const BatchRejection& first = recorded->rejected.constFirst();
            return withContext(first.error, u"event "_s + QString::number(start + first.index));
        }
    }
    return success();
}

} // namespace Meterline
