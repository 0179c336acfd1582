// The check cache (core/checkcache.h): warm plain checks are answered from memory on SQLite, and every
// answer equals the one the store gives when read directly, through a second Database on the same file
// with the cache turned off. SQLite only (PostgreSQL servers keep no cache): registered without @postgresql.

#include <QRandomGenerator>
#include <QTest>
#include <atomic>
#include <thread>

#include "core/checkcache.h"
#include "core/database.h"
#include "core/service.h"
#include "core/types.h"
#include "testsupport.h"

using namespace Meterline;
using Meterline::Testing::meter;
using Meterline::Testing::planLimit;
using Meterline::Testing::TestStore;
using Meterline::Testing::utc;

namespace
{

const QString Tokens = QStringLiteral("llm-tokens");
const QString Requests = QStringLiteral("requests");
const QString Peak = QStringLiteral("peak-context");
const QString Pro = QStringLiteral("pro");
const QString Acme = QStringLiteral("cust_acme");
const QString Beta = QStringLiteral("cust_beta");

// Another process's view of the store: its own Database (its own connections), cache off, same clock.
class Uncached
{
public:
    explicit Uncached(TestStore& store, bool cache = false)
    {
        Database::Options options;
        options.durable = false;
        options.checkCache = cache;
        auto opened = Database::open(store.path(), options);
        if (!opened.ok())
            qFatal("cannot open the second database: %s", qPrintable(opened.error().message));
        m_db = std::move(opened).value();
        m_service = std::make_unique<Service>(*m_db, [&store] { return store.now(); });
    }
    Service* operator->() { return m_service.get(); }
    Database& db() { return *m_db; }

private:
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Service> m_service;
};

// Every figure of two answers, doubles compared exactly (the cache must add as SQLite adds).
QString differences(const CheckResult& a, const CheckResult& b)
{
    QStringList d;
    const auto same = [&d](const char* what, const auto& x, const auto& y) {
        if (!(x == y))
            d << QString::fromLatin1(what);
    };
    same("allowed", a.allowed, b.allowed);
    same("reason", a.reason, b.reason);
    same("used", a.used, b.used);
    same("limit", a.limit, b.limit);
    same("remaining", a.remaining, b.remaining);
    same("resetsAt", a.resetsAt, b.resetsAt);
    same("limits.size", a.limits.size(), b.limits.size());
    for (qsizetype i = 0; i < std::min(a.limits.size(), b.limits.size()); ++i) {
        const LimitStatus& x = a.limits.at(i);
        const LimitStatus& y = b.limits.at(i);
        same("limit.id", x.id, y.id);
        same("limit.used", x.used, y.used);
        same("limit.held", x.held, y.held);
        same("limit.remaining", x.remaining, y.remaining);
        same("limit.allowed", x.allowed, y.allowed);
        same("limit.resetsAt", x.resetsAt, y.resetsAt);
    }
    same("balance", bool(a.balance), bool(b.balance));
    if (a.balance && b.balance) {
        same("balance.balance", a.balance->balance, b.balance->balance);
        same("balance.held", a.balance->held, b.balance->held);
        same("balance.reserve", a.balance->reserve, b.balance->reserve);
    }
    return d.join(u", ");
}

const LimitStatus& monthOf(const CheckResult& r)
{
    for (const LimitStatus& s : r.limits) {
        if (s.meterId == Tokens && s.period == Period::Month)
            return s;
    }
    qFatal("no month limit on tokens");
}

CheckRequest request(const QString& customerId, const QString& meterId = Tokens)
{
    CheckRequest r;
    r.customerId = customerId;
    r.meterId = meterId;
    return r;
}

} // namespace

class TestSqliteCheckCache : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestStore> m_store;
    CheckCache* cache() { return m_store->db().checkCache(); }

    // Meters tokens (sum), requests (count), peak (max); plan pro with month hard, day soft and week hard
    // limits on tokens, a month cap on requests and a lifetime cap on peak; two customers.
    void setUpCatalog(const QList<Price>& prices = {})
    {
        TestStore& s = *m_store;
        VERIFY_OK(s->createMeter(meter(Tokens, Aggregation::Sum, {QStringLiteral("llm.*")})));
        VERIFY_OK(s->createMeter(meter(Requests, Aggregation::Count, {QStringLiteral("llm.*")})));
        VERIFY_OK(s->createMeter(meter(Peak, Aggregation::Max, {QStringLiteral("llm.*")})));
        Plan plan;
        plan.id = Pro;
        plan.name = QStringLiteral("Pro");
        plan.limits = {planLimit(Tokens, Period::Month, 100),
                       planLimit(Tokens, Period::Day, 60, LimitMode::Soft),
                       planLimit(Tokens, Period::Week, 150),
                       planLimit(Requests, Period::Month, 40),
                       planLimit(Peak, Period::Lifetime, 1000)};
        plan.prices = prices;
        VERIFY_OK(s->createPlan(plan));
        for (const QString& id : {Acme, Beta}) {
            Customer c;
            c.id = id;
            c.name = id;
            c.planId = Pro;
            VERIFY_OK(s->createCustomer(c));
        }
    }

    bool record(Service& service, const QString& customerId, double value, const QDateTime& at = {})
    {
        EventInput e;
        e.customerId = customerId;
        e.eventType = QStringLiteral("llm.completion");
        e.value = value;
        if (at.isValid())
            e.timestamp = at;
        auto r = service.record(e);
        if (!r.ok())
            qWarning("record failed: %s", qPrintable(r.error().message));
        return r.ok();
    }

    // The check through the cached store, which must equal the uncached one.
    CheckResult checkBoth(const CheckRequest& r, Uncached& reference)
    {
        auto cached = (*m_store)->check(r);
        auto direct = reference->check(r);
        if (!cached.ok() || !direct.ok())
            qFatal("check failed: %s", qPrintable((cached.ok() ? direct : cached).error().message));
        const QString diff = differences(cached.value(), direct.value());
        if (!diff.isEmpty())
            qFatal("cached and direct checks differ in: %s", qPrintable(diff));
        return cached.value();
    }

private slots:
    void init()
    {
        m_store = std::make_unique<TestStore>();
        QVERIFY(cache());
        setUpCatalog();
    }
    void cleanup() { m_store.reset(); }

    void warmCheckIsAnsweredFromMemory()
    {
        Uncached reference(*m_store);
        QVERIFY(record((*m_store).service(), Acme, 30));
        const qint64 hits = cache()->hits();
        const qint64 misses = cache()->misses();
        const CheckResult first = checkBoth(request(Acme), reference);
        QCOMPARE(cache()->misses(), misses + 1);
        QCOMPARE(cache()->hits(), hits);
        const CheckResult second = checkBoth(request(Acme), reference);
        QCOMPARE(cache()->hits(), hits + 1);
        QCOMPARE(second.used, 30.0);
        QVERIFY(differences(first, second).isEmpty());
        // Another meter of the same customer is read once, then held beside the first.
        checkBoth(request(Acme, Requests), reference);
        checkBoth(request(Acme, Requests), reference);
        checkBoth(request(Acme), reference);
        QCOMPARE(cache()->hits(), hits + 3);
    }

    void recordsOfThisProcessMoveTheCacheExactly()
    {
        Uncached reference(*m_store);
        checkBoth(request(Acme), reference);
        const qint64 misses = cache()->misses();
        // Fractions whose sums round: the cache must add them in SQLite's order.
        for (double v : {0.1, 0.2, 0.7, 1e-9, 33.3, 0.1}) {
            QVERIFY(record(m_store->service(), Acme, v));
            checkBoth(request(Acme), reference);
            checkBoth(request(Acme, Peak), reference);
        }
        // A group commit (several events in one transaction) and a batch with a rejected event.
        EventInput e;
        e.customerId = Acme;
        e.eventType = QStringLiteral("llm.completion");
        e.value = 2.5;
        EventInput unknown = e;
        unknown.customerId = QStringLiteral("cust_nobody");
        (*m_store)->recordEach({e, e, unknown, e});
        checkBoth(request(Acme), reference);
        auto batch = (*m_store)->recordBatch({e, unknown, e});
        VERIFY_OK(batch);
        QCOMPARE(batch.value().accepted, 2);
        checkBoth(request(Acme), reference);
        checkBoth(request(Acme, Peak), reference);
        // Only the Peak meter's first check read the store: records kept the held windows up to date.
        QCOMPARE(cache()->misses(), misses + 1);
    }

    void capBoundaryFromMemory()
    {
        Uncached reference(*m_store);
        QVERIFY(record(m_store->service(), Acme, 99));
        QVERIFY(checkBoth(request(Acme), reference).allowed);
        const qint64 hits = cache()->hits();
        QVERIFY(record(m_store->service(), Acme, 1)); // exactly at the month cap of 100
        const CheckResult atCap = checkBoth(request(Acme), reference);
        QCOMPARE(cache()->hits(), hits + 1);
        QVERIFY(!atCap.allowed);
        QCOMPARE(atCap.reason, QStringLiteral("limit_exceeded"));
        QCOMPARE(atCap.remaining, 0.0);
        // The other customer's figures were untouched by Acme's events.
        QVERIFY(checkBoth(request(Beta), reference).allowed);
    }

    void writesOfAnotherProcessAreNeverAnsweredFromMemory()
    {
        Uncached other(*m_store, true); // a second server with its own cache
        QVERIFY(record(m_store->service(), Acme, 10));
        QCOMPARE(checkBoth(request(Acme), other).used, 10.0);
        QVERIFY(record(*other.operator->(), Acme, 5)); // recorded by the other process
        const qint64 misses = cache()->misses();
        QCOMPARE(checkBoth(request(Acme), other).used, 15.0);
        QCOMPARE(cache()->misses(), misses + 1);
        // A limit changed elsewhere applies at once.
        auto plan = other->plan(Pro);
        VERIFY_OK(plan);
        Plan changed = plan.value();
        for (Limit& l : changed.limits) {
            if (l.meterId == Tokens && l.period == Period::Month)
                l.value = 15; // month cap: now reached
        }
        VERIFY_OK(other->replacePlan(changed));
        QVERIFY(!checkBoth(request(Acme), other).allowed);
    }

    // A request reads the clock once, with its API key: its check rests on that reading (a write that
    // lands after it is the next request's), and the next request sees the write.
    void aRequestReadsTheClockOnceWithItsKey()
    {
        Uncached other(*m_store);
        auto key = (*m_store)->createApiKey(QStringLiteral("k"), KeyScope::Ingest);
        VERIFY_OK(key);
        VERIFY_OK((*m_store)->verifyApiKey(key.value().secret)); // remembered from now on
        QVERIFY(record(m_store->service(), Acme, 10));
        VERIFY_OK((*m_store)->check(request(Acme))); // warm
        {
            const CheckCache::RequestReading reading;
            VERIFY_OK((*m_store)->verifyApiKey(key.value().secret));
            QVERIFY(record(*other.operator->(), Acme, 5)); // another process, after the key check
            auto inRequest = (*m_store)->check(request(Acme));
            VERIFY_OK(inRequest);
            QCOMPARE(monthOf(inRequest.value()).used, 10.0);
        }
        const CheckCache::RequestReading next;
        VERIFY_OK((*m_store)->verifyApiKey(key.value().secret));
        QCOMPARE(monthOf(checkBoth(request(Acme), other)).used, 15.0);
    }

    void writeClockMovesOnlyWhenRowsChange()
    {
        const QSqlDatabase db = m_store->db().connection();
        auto before = CheckCache::readClock(db);
        VERIFY_OK(before);
        VERIFY_OK((*m_store)->check(request(Acme)));
        VERIFY_OK((*m_store)->customers());
        auto unchanged = CheckCache::readClock(db);
        VERIFY_OK(unchanged);
        QCOMPARE(unchanged.value(), before.value());
        QVERIFY(record(m_store->service(), Acme, 1));
        auto moved = CheckCache::readClock(db);
        VERIFY_OK(moved);
        QCOMPARE(moved.value(), before.value() + 1);
    }

    void windowsRollOverAtThePeriodEdge()
    {
        Uncached reference(*m_store);
        m_store->setNow(utc(2026, 3, 31, 23, 59, 59));
        QVERIFY(record(m_store->service(), Acme, 50));
        QCOMPARE(checkBoth(request(Acme), reference).used, 50.0);
        m_store->setNow(utc(2026, 4, 1, 0, 0, 0)); // the new month: its window holds nothing yet
        const CheckResult next = checkBoth(request(Acme), reference);
        for (const LimitStatus& s : next.limits) {
            if (s.period == Period::Month || s.period == Period::Day)
                QCOMPARE(s.used, 0.0);
            if (s.period == Period::Week) // Tue 03-31 and Wed 04-01 share the week of Mon 03-30
                QCOMPARE(s.used, 50.0);
        }
        QVERIFY(record(m_store->service(), Acme, 7));
        QCOMPARE(monthOf(checkBoth(request(Acme), reference)).used, 7.0);
    }

    void holdsCountUntilTheyExpire()
    {
        Uncached reference(*m_store);
        checkBoth(request(Acme), reference);
        CheckRequest reserve = request(Acme);
        reserve.reserve = 30;
        reserve.reserveSeconds = 60;
        auto held = (*m_store)->check(reserve);
        VERIFY_OK(held);
        QVERIFY(held.value().reservation);
        QCOMPARE(checkBoth(request(Acme), reference).limits.at(0).held, 30.0);
        const qint64 hits = cache()->hits();
        QCOMPARE(checkBoth(request(Acme), reference).limits.at(0).held, 30.0);
        QCOMPARE(cache()->hits(), hits + 1);
        m_store->advance(59'999); // the last millisecond of the hold
        QCOMPARE(checkBoth(request(Acme), reference).limits.at(0).held, 30.0);
        m_store->advance(1); // expiresAt: no longer held
        QCOMPARE(checkBoth(request(Acme), reference).limits.at(0).held, 0.0);
        // Settling a hold by recording its event moves usage and holds together.
        auto again = (*m_store)->check(reserve);
        VERIFY_OK(again);
        checkBoth(request(Acme), reference);
        EventInput e;
        e.customerId = Acme;
        e.eventType = QStringLiteral("llm.completion");
        e.value = 20;
        e.reservationId = again.value().reservation->id;
        VERIFY_OK((*m_store)->record(e));
        const CheckResult settled = checkBoth(request(Acme), reference);
        QCOMPARE(settled.limits.at(0).held, 0.0);
        QCOMPARE(settled.used, 20.0);
    }

    void balancesFollowBurnsAndTopUps()
    {
        m_store = std::make_unique<TestStore>();
        Price price;
        price.meterId = Tokens;
        price.unitPrice = Money::fromMicros(0);
        price.creditsPerUnit = Money::fromMicros(10'000); // 0.01 credits a token
        setUpCatalog({price});
        Uncached reference(*m_store);
        QCOMPARE(checkBoth(request(Acme), reference).reason, QStringLiteral("insufficient_balance"));
        BalanceChange topUp;
        topUp.amount = Money::fromMicros(500'000); // 0.5 credits: 50 tokens
        VERIFY_OK((*m_store)->credit(Acme, topUp));
        QVERIFY(checkBoth(request(Acme), reference).allowed);
        QVERIFY(record(m_store->service(), Acme, 49));
        QVERIFY(checkBoth(request(Acme), reference).allowed);
        QVERIFY(record(m_store->service(), Acme, 1)); // the balance is spent to exactly 0
        const CheckResult spent = checkBoth(request(Acme), reference);
        QVERIFY(!spent.allowed);
        QCOMPARE(spent.balance->balance.micros(), 0);
        VERIFY_OK(reference->credit(Acme, topUp)); // topped up by the dashboard (another process)
        QVERIFY(checkBoth(request(Acme), reference).allowed);
    }

    // Random operations from this process and another, each followed by checks compared with the store.
    void randomOperationsAgreeWithTheStore()
    {
        m_store = std::make_unique<TestStore>();
        Price price;
        price.meterId = Requests;
        price.unitPrice = Money::fromMicros(0);
        price.creditsPerUnit = Money::fromMicros(1'000);
        setUpCatalog({price});
        Uncached reference(*m_store);
        QRandomGenerator random(20261126);
        const QStringList customers{Acme, Beta};
        const QStringList meters{Tokens, Requests, Peak, QString()};
        BalanceChange topUp;
        topUp.amount = Money::fromMicros(7'000);
        for (int step = 0; step < 600; ++step) {
            const QString customer = customers.at(random.bounded(2));
            Service& actor = random.bounded(5) == 0 ? *reference.operator->() : m_store->service();
            switch (random.bounded(8)) {
            case 0:
            case 1:
            case 2:
                QVERIFY(record(actor, customer, random.bounded(40) / 8.0));
                break;
            case 3:
                QVERIFY(record(actor, customer, 1, m_store->now().addSecs(-random.bounded(3 * 86400))));
                break;
            case 4: {
                CheckRequest hold = request(customer, meters.at(random.bounded(3)));
                hold.reserve = 1 + random.bounded(5);
                hold.reserveSeconds = 1 + random.bounded(600);
                VERIFY_OK(actor.check(hold));
                break;
            }
            case 5:
                VERIFY_OK(actor.credit(customer, topUp));
                break;
            case 6:
                m_store->advance(qint64(random.bounded(4 * 3600)) * 1000);
                break;
            default:
                break;
            }
            for (const QString& m : meters)
                checkBoth(request(customer, m), reference);
        }
        QVERIFY(cache()->hits() > 0);
    }

    // Checks on other threads while this process records: every answer is a state the store passed
    // through (used never goes back), and the last one equals the store's.
    void concurrentChecksSeeEveryCommit()
    {
        Uncached reference(*m_store);
        std::atomic<bool> done{false};
        std::atomic<int> regressions{0};
        std::atomic<int> failures{0};
        std::thread checker([&] {
            double last = 0;
            while (!done.load()) {
                auto r = (*m_store)->check(request(Beta));
                if (!r.ok()) {
                    ++failures;
                    continue;
                }
                if (monthOf(r.value()).used < last)
                    ++regressions;
                last = monthOf(r.value()).used;
            }
            m_store->db().releaseThreadConnection();
        });
        int recorded = 0;
        for (int i = 0; i < 200; ++i)
            recorded += record(m_store->service(), Beta, 0.25) ? 1 : 0;
        done = true;
        checker.join();
        QCOMPARE(recorded, 200);
        QCOMPARE(failures.load(), 0);
        QCOMPARE(regressions.load(), 0);
        QCOMPARE(monthOf(checkBoth(request(Beta), reference)).used, 50.0);
    }
};

QTEST_GUILESS_MAIN(TestSqliteCheckCache)
#include "testsqlitecheckcache.moc"
