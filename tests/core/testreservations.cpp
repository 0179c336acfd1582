// Reservations: check with reserve holds units (and credits) until the naming event settles them or the hold
// expires (SPEC §2 Reservation; docs/rules.md "Reservations").

#include <QMutex>
#include <QSet>
#include <QTest>
#include <QThread>
#include <algorithm>
#include <atomic>
#include <memory>
#include <vector>

#include "core/database.h"
#include "core/service.h"
#include "core/types.h"
#include "testsupport.h"

using namespace Meterline;
using Meterline::Testing::planLimit;
using Meterline::Testing::TestStore;
using Meterline::Testing::utc;

namespace
{

const QString Cust = QStringLiteral("cust_acme");
const QString Beta = QStringLiteral("cust_beta");
const QString Tokens = QStringLiteral("llm-tokens");
const QString Requests = QStringLiteral("requests");
const QString Pro = QStringLiteral("pro");
const QString LlmEvent = QStringLiteral("llm.completion");

template <typename T> QByteArray why(const Result<T>& r)
{
    return r.ok() ? QByteArray() : (r.error().code + QLatin1String(": ") + r.error().message).toUtf8();
}

template <typename T> bool must(const Result<T>& r, const char* what)
{
    if (!r.ok())
        qWarning("%s failed: %s", what, why(r).constData());
    return r.ok();
}

// Meters llm-tokens (sum over "llm.*") and requests (count of "api.request"); plan "pro" with a hard month
// cap of 100 on llm-tokens (plus extra limits and a credit price when given); cust_acme and cust_beta on it.
bool setUp(TestStore& store, qint64 creditsPerUnitMicros = 0, const QList<Limit>& extraLimits = {})
{
    Meter tokens;
    tokens.id = Tokens;
    tokens.name = QStringLiteral("LLM tokens");
    tokens.aggregation = Aggregation::Sum;
    tokens.eventTypes = {QStringLiteral("llm.*")};
    if (!must(store->createMeter(tokens), "createMeter"))
        return false;
    Meter requests;
    requests.id = Requests;
    requests.name = QStringLiteral("Requests");
    requests.aggregation = Aggregation::Count;
    requests.eventTypes = {QStringLiteral("api.request")};
    if (!must(store->createMeter(requests), "createMeter"))
        return false;

    Plan plan;
    plan.id = Pro;
    plan.name = QStringLiteral("Pro");
    plan.limits = QList<Limit>{planLimit(Tokens, Period::Month, 100)} + extraLimits;
    if (creditsPerUnitMicros > 0) {
        Price price;
        price.meterId = Tokens;
        price.unitPrice = Money::fromMicros(0);
        price.creditsPerUnit = Money::fromMicros(creditsPerUnitMicros);
        plan.prices = {price};
    }
    if (!must(store->createPlan(plan), "createPlan"))
        return false;
    for (const QString& id : {Cust, Beta}) {
        Customer c;
        c.id = id;
        c.name = id;
        c.planId = Pro;
        if (!must(store->createCustomer(c), "createCustomer"))
            return false;
    }
    return true;
}

Result<CheckResult> check(TestStore& store,
                          std::optional<double> reserve = {},
                          const QString& customerId = Cust,
                          const QString& meterId = Tokens)
{
    CheckRequest request;
    request.customerId = customerId;
    request.meterId = meterId;
    request.reserve = reserve;
    return store->check(request);
}

// The id of a new reservation of n units, or empty (with a warning) when the check failed or denied.
QString reserveUnits(TestStore& store, double n, const QString& customerId = Cust)
{
    const auto r = check(store, n, customerId);
    if (!r.ok() || !r->allowed || !r->reservation) {
        qWarning("reserve %g failed: %s allowed=%d", n, why(r).constData(), r.ok() ? int(r->allowed) : -1);
        return {};
    }
    return r->reservation->id;
}

Result<RecordResult> recordWith(TestStore& store,
                                double value,
                                const QString& reservationId,
                                const QString& customerId = Cust,
                                const QString& idempotencyKey = {})
{
    EventInput in;
    in.customerId = customerId;
    in.eventType = LlmEvent;
    in.value = value;
    in.reservationId = reservationId;
    in.idempotencyKey = idempotencyKey;
    return store->record(in);
}

int eventCount(TestStore& store, const QString& customerId = Cust)
{
    EventQuery q;
    q.customerId = customerId;
    q.limit = 1000;
    const auto page = store->events(q);
    return page.ok() ? int(page->data.size()) : -1;
}

void topUp(TestStore& store, qint64 micros)
{
    BalanceChange change;
    change.amount = Money::fromMicros(micros);
    change.reason = QStringLiteral("top-up");
    change.actor = QStringLiteral("test");
    const auto r = store->credit(Cust, change);
    QVERIFY2(r.ok(), why(r));
}

} // namespace

class TestReservations : public QObject
{
    Q_OBJECT

private slots:
    void reserve_holdsUnitsAndReducesRemaining();
    void reserve_secondBeyondCapIsDenied_data();
    void reserve_secondBeyondCapIsDenied();
    void reserve_customHoldDuration();
    void reserve_withoutMeterHoldsEveryLimit();
    void reservation_unknownIdIsNotFound();

    void settle_releasesHoldAndCountsActual();
    void settle_replayOfSettlingEventIsDuplicate();

    void expiry_holdStopsCountingAt300s_data();
    void expiry_holdStopsCountingAt300s();
    void expiry_recordStillRecordsEvent();

    void record_unknownReservationIsNotFound();
    void record_otherCustomersReservationIsNotFound();
    void record_settledReservationIsConflict();

    void credits_heldReduceAvailable();
    void credits_releasedOnExpiry();

    void concurrency_allowsExactlyCap();
};

void TestReservations::reserve_holdsUnitsAndReducesRemaining()
{
    TestStore store;
    QVERIFY(setUp(store));
    EventInput used;
    used.customerId = Cust;
    used.eventType = LlmEvent;
    used.value = 20;
    QVERIFY(must(store->record(used), "record"));

    const auto r = check(store, 30.0);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, true);
    QCOMPARE(r->reason, QString());
    QVERIFY(r->reservation.has_value());
    const Reservation res = *r->reservation;
    QVERIFY(!res.id.isEmpty());
    QCOMPARE(res.customerId, Cust);
    QCOMPARE(res.meterId, Tokens);
    QCOMPARE(res.amount, 30.0);
    QCOMPARE(int(res.state), int(ReservationState::Held));
    QCOMPARE(res.createdAt, store.now());
    QCOMPARE(res.expiresAt, store.now().addSecs(300)); // default hold

    const auto fetched = store->reservation(res.id);
    QVERIFY2(fetched.ok(), why(fetched));
    QCOMPARE(fetched->id, res.id);
    QCOMPARE(fetched->amount, 30.0);
    QCOMPARE(int(fetched->state), int(ReservationState::Held));
    QCOMPARE(fetched->expiresAt, res.expiresAt);

    const auto after = check(store);
    QVERIFY2(after.ok(), why(after));
    QCOMPARE(after->limits.size(), 1);
    QCOMPARE(after->limits.first().used, 20.0);
    QCOMPARE(after->limits.first().held, 30.0);
    QCOMPARE(after->limits.first().remaining, 50.0);
    QCOMPARE(after->used, 20.0);
    QCOMPARE(after->remaining.value_or(-1), 50.0);
    QCOMPARE(after->allowed, true);
}

void TestReservations::reserve_secondBeyondCapIsDenied_data()
{
    // Cap 100, used 20, a first hold of 30: 50 left.
    QTest::addColumn<double>("second");
    QTest::addColumn<bool>("allowed");
    QTest::addRow("49: below") << 49.0 << true;
    QTest::addRow("50: used+held+N == cap") << 50.0 << true;
    QTest::addRow("51: cap+1") << 51.0 << false;
    QTest::addRow("50.5") << 50.5 << false;
}

void TestReservations::reserve_secondBeyondCapIsDenied()
{
    QFETCH(double, second);
    QFETCH(bool, allowed);

    TestStore store;
    QVERIFY(setUp(store));
    QVERIFY(must(recordWith(store, 20, QString()), "record"));
    QVERIFY(!reserveUnits(store, 30).isEmpty());

    const auto r = check(store, second);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, allowed);
    QCOMPARE(r->reason, allowed ? QString() : QStringLiteral("limit_exceeded"));
    QCOMPARE(r->reservation.has_value(), allowed);

    const auto after = check(store);
    QVERIFY2(after.ok(), why(after));
    const double held = 30 + (allowed ? second : 0);
    QCOMPARE(after->limits.first().held, held);
    QCOMPARE(after->remaining.value_or(-1), std::max(0.0, 100 - 20 - held));
    // With used + held == cap a plain check is denied too.
    QCOMPARE(after->allowed, 20 + held < 100);
}

void TestReservations::reserve_customHoldDuration()
{
    TestStore store;
    QVERIFY(setUp(store));
    CheckRequest request;
    request.customerId = Cust;
    request.meterId = Tokens;
    request.reserve = 10;
    request.reserveSeconds = 60;
    const auto r = store->check(request);
    QVERIFY2(r.ok(), why(r));
    QVERIFY(r->reservation.has_value());
    QCOMPARE(r->reservation->expiresAt, store.now().addSecs(60));

    store.advance(59'999);
    auto c = check(store);
    QVERIFY2(c.ok(), why(c));
    QCOMPARE(c->limits.first().held, 10.0);

    store.advance(1);
    c = check(store);
    QVERIFY2(c.ok(), why(c));
    QCOMPARE(c->limits.first().held, 0.0);
    QCOMPARE(c->remaining.value_or(-1), 100.0);
}

void TestReservations::reserve_withoutMeterHoldsEveryLimit()
{
    TestStore store;
    QVERIFY(setUp(store, 0, {planLimit(Requests, Period::Day, 10)}));

    const auto r = check(store, 5.0, Cust, QString());
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, true);
    QVERIFY(r->reservation.has_value());
    QCOMPARE(r->reservation->meterId, QString());

    const auto all = check(store, {}, Cust, QString());
    QVERIFY2(all.ok(), why(all));
    QCOMPARE(all->limits.size(), 2);
    for (const LimitStatus& s : all->limits)
        QCOMPARE(s.held, 5.0);
    const auto requests = check(store, {}, Cust, Requests);
    QVERIFY2(requests.ok(), why(requests));
    QCOMPARE(requests->remaining.value_or(-1), 5.0);

    // 6 more on requests would pass 10 with the hold of 5.
    const auto tooMany = check(store, 6.0, Cust, Requests);
    QVERIFY2(tooMany.ok(), why(tooMany));
    QCOMPARE(tooMany->allowed, false);
}

void TestReservations::reservation_unknownIdIsNotFound()
{
    TestStore store;
    QVERIFY(setUp(store));
    const auto r = store->reservation(QStringLiteral("res_nope"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, QStringLiteral("reservation_not_found"));
}

void TestReservations::settle_releasesHoldAndCountsActual()
{
    TestStore store;
    QVERIFY(setUp(store));
    const QString id = reserveUnits(store, 30);
    QVERIFY(!id.isEmpty());
    store.advance(10'000);

    const auto rec = recordWith(store, 7, id);
    QVERIFY2(rec.ok(), why(rec));
    QCOMPARE(rec->event.reservationId, id);
    QCOMPARE(rec->event.value, 7.0);
    QCOMPARE(rec->duplicate, false);

    const auto c = check(store);
    QVERIFY2(c.ok(), why(c));
    QCOMPARE(c->limits.first().used, 7.0); // the actual usage, not the 30 held
    QCOMPARE(c->limits.first().held, 0.0);
    QCOMPARE(c->remaining.value_or(-1), 93.0);

    const auto res = store->reservation(id);
    QVERIFY2(res.ok(), why(res));
    QCOMPARE(int(res->state), int(ReservationState::Settled));

    // Settled holds do not come back at expiry either.
    store.advance(600'000);
    const auto later = check(store);
    QVERIFY2(later.ok(), why(later));
    QCOMPARE(later->limits.first().used, 7.0);
    QCOMPARE(later->limits.first().held, 0.0);
}

void TestReservations::settle_replayOfSettlingEventIsDuplicate()
{
    TestStore store;
    QVERIFY(setUp(store));
    const QString id = reserveUnits(store, 10);
    QVERIFY(!id.isEmpty());

    const auto first = recordWith(store, 5, id, Cust, QStringLiteral("idem-1"));
    QVERIFY2(first.ok(), why(first));
    QCOMPARE(first->duplicate, false);
    // The same event again (same key, same payload) is a replay, not a second settlement.
    const auto replay = recordWith(store, 5, id, Cust, QStringLiteral("idem-1"));
    QVERIFY2(replay.ok(), why(replay));
    QCOMPARE(replay->duplicate, true);
    QCOMPARE(replay->event.id, first->event.id);

    const auto c = check(store);
    QVERIFY2(c.ok(), why(c));
    QCOMPARE(c->used, 5.0);
    QCOMPARE(eventCount(store), 1);
}

void TestReservations::expiry_holdStopsCountingAt300s_data()
{
    QTest::addColumn<qint64>("elapsedMs");
    QTest::addColumn<bool>("held");
    QTest::addRow("299.999 s") << qint64(299'999) << true;
    QTest::addRow("300 s: now == expiresAt") << qint64(300'000) << false;
    QTest::addRow("301 s") << qint64(301'000) << false;
}

void TestReservations::expiry_holdStopsCountingAt300s()
{
    QFETCH(qint64, elapsedMs);
    QFETCH(bool, held);

    TestStore store;
    QVERIFY(setUp(store));
    QVERIFY(must(recordWith(store, 20, QString()), "record"));
    const QString id = reserveUnits(store, 80); // used + held == cap
    QVERIFY(!id.isEmpty());

    store.advance(elapsedMs);
    const auto c = check(store);
    QVERIFY2(c.ok(), why(c));
    QCOMPARE(c->limits.first().held, held ? 80.0 : 0.0);
    QCOMPARE(c->remaining.value_or(-1), held ? 0.0 : 80.0);
    QCOMPARE(c->allowed, !held);

    const auto res = store->reservation(id);
    QVERIFY2(res.ok(), why(res));
    QCOMPARE(int(res->state), int(held ? ReservationState::Held : ReservationState::Expired));

    // Room for a new reservation only once the old hold is gone.
    const auto again = check(store, 80.0);
    QVERIFY2(again.ok(), why(again));
    QCOMPARE(again->allowed, !held);
}

void TestReservations::expiry_recordStillRecordsEvent()
{
    TestStore store;
    QVERIFY(setUp(store));
    const QString id = reserveUnits(store, 30);
    QVERIFY(!id.isEmpty());
    store.advance(300'000);

    const auto rec = recordWith(store, 7, id);
    QVERIFY2(rec.ok(), why(rec)); // usage that happened is kept
    QCOMPARE(rec->event.value, 7.0);
    QCOMPARE(eventCount(store), 1);

    const auto c = check(store);
    QVERIFY2(c.ok(), why(c));
    QCOMPARE(c->limits.first().used, 7.0);
    QCOMPARE(c->limits.first().held, 0.0);
    QCOMPARE(c->remaining.value_or(-1), 93.0);
}

void TestReservations::record_unknownReservationIsNotFound()
{
    TestStore store;
    QVERIFY(setUp(store));
    const QString id = reserveUnits(store, 30);
    QVERIFY(!id.isEmpty());

    const auto rec = recordWith(store, 7, QStringLiteral("res_nope"));
    QVERIFY(!rec.ok());
    QCOMPARE(rec.error().code, QStringLiteral("reservation_not_found"));

    // Nothing stored; the real hold is untouched.
    QCOMPARE(eventCount(store), 0);
    const auto c = check(store);
    QVERIFY2(c.ok(), why(c));
    QCOMPARE(c->limits.first().used, 0.0);
    QCOMPARE(c->limits.first().held, 30.0);
}

void TestReservations::record_otherCustomersReservationIsNotFound()
{
    TestStore store;
    QVERIFY(setUp(store));
    const QString betaHold = reserveUnits(store, 10, Beta);
    QVERIFY(!betaHold.isEmpty());

    const auto rec = recordWith(store, 7, betaHold, Cust);
    QVERIFY(!rec.ok());
    QCOMPARE(rec.error().code, QStringLiteral("reservation_not_found"));

    QCOMPARE(eventCount(store, Cust), 0);
    QCOMPARE(eventCount(store, Beta), 0);
    const auto acme = check(store);
    QVERIFY2(acme.ok(), why(acme));
    QCOMPARE(acme->used, 0.0);
    QCOMPARE(acme->limits.first().held, 0.0);
    const auto beta = check(store, {}, Beta);
    QVERIFY2(beta.ok(), why(beta));
    QCOMPARE(beta->limits.first().held, 10.0);
    const auto res = store->reservation(betaHold);
    QVERIFY2(res.ok(), why(res));
    QCOMPARE(int(res->state), int(ReservationState::Held));
}

void TestReservations::record_settledReservationIsConflict()
{
    TestStore store;
    QVERIFY(setUp(store));
    const QString id = reserveUnits(store, 10);
    QVERIFY(!id.isEmpty());
    QVERIFY(must(recordWith(store, 5, id), "settle"));

    const auto second = recordWith(store, 3, id);
    QVERIFY(!second.ok());
    QCOMPARE(second.error().code, QStringLiteral("conflict"));

    QCOMPARE(eventCount(store), 1);
    const auto c = check(store);
    QVERIFY2(c.ok(), why(c));
    QCOMPARE(c->used, 5.0);
    QCOMPARE(c->limits.first().held, 0.0);
}

void TestReservations::credits_heldReduceAvailable()
{
    TestStore store;
    QVERIFY(setUp(store, 500'000)); // 0.5 credits per unit
    topUp(store, 10'000'000);
    if (QTest::currentTestFailed())
        return;

    const auto r = check(store, 20.0);
    QVERIFY2(r.ok(), why(r));
    QCOMPARE(r->allowed, true);
    QVERIFY(r->reservation.has_value());
    QCOMPARE(r->reservation->credits.micros(), qint64(10'000'000));
    const QString id = r->reservation->id;

    auto b = store->balance(Cust);
    QVERIFY2(b.ok(), why(b));
    QCOMPARE(b->balance.micros(), qint64(10'000'000));
    QCOMPARE(b->held.micros(), qint64(10'000'000));
    QCOMPARE(b->available().micros(), qint64(0));

    // Nothing is available for a second reservation, nor for a plain check (available <= 0).
    const auto second = check(store, 1.0);
    QVERIFY2(second.ok(), why(second));
    QCOMPARE(second->allowed, false);
    QCOMPARE(second->reason, QStringLiteral("insufficient_balance"));
    QVERIFY(!second->reservation.has_value());
    const auto plain = check(store);
    QVERIFY2(plain.ok(), why(plain));
    QCOMPARE(plain->allowed, false);
    QCOMPARE(plain->reason, QStringLiteral("insufficient_balance"));

    // Settling burns the actual usage (4 units = 2 credits) and releases the hold.
    const auto rec = recordWith(store, 4, id);
    QVERIFY2(rec.ok(), why(rec));
    b = store->balance(Cust);
    QVERIFY2(b.ok(), why(b));
    QCOMPARE(b->balance.micros(), qint64(8'000'000));
    QCOMPARE(b->held.micros(), qint64(0));
    QCOMPARE(b->available().micros(), qint64(8'000'000));

    const auto after = check(store, 16.0); // exactly 8 credits
    QVERIFY2(after.ok(), why(after));
    QCOMPARE(after->allowed, true);
}

void TestReservations::credits_releasedOnExpiry()
{
    TestStore store;
    QVERIFY(setUp(store, 500'000));
    topUp(store, 10'000'000);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!reserveUnits(store, 12).isEmpty());

    auto b = store->balance(Cust);
    QVERIFY2(b.ok(), why(b));
    QCOMPARE(b->held.micros(), qint64(6'000'000));
    QCOMPARE(b->available().micros(), qint64(4'000'000));

    store.advance(300'000);
    b = store->balance(Cust);
    QVERIFY2(b.ok(), why(b));
    QCOMPARE(b->held.micros(), qint64(0));
    QCOMPARE(b->balance.micros(), qint64(10'000'000));
    QCOMPARE(b->available().micros(), qint64(10'000'000));
}

void TestReservations::concurrency_allowsExactlyCap()
{
    constexpr int Threads = 8;
    constexpr int Attempts = 50;

    TestStore store;
    QVERIFY(setUp(store));
    Service& service = store.service();
    Database& db = store.db();

    std::atomic<int> allowed{0};
    std::atomic<int> denied{0};
    std::atomic<int> errors{0};
    std::atomic<int> missingReservation{0};
    QMutex mutex;
    QSet<QString> ids;
    QStringList errorCodes;

    auto worker = [&] {
        for (int i = 0; i < Attempts; ++i) {
            CheckRequest request;
            request.customerId = Cust;
            request.meterId = Tokens;
            request.reserve = 1;
            const auto r = service.check(request);
            if (!r.ok()) {
                ++errors;
                QMutexLocker lock(&mutex);
                errorCodes << r.error().code + QLatin1Char(' ') + r.error().message;
            } else if (r->allowed) {
                ++allowed;
                if (!r->reservation) {
                    ++missingReservation;
                } else {
                    QMutexLocker lock(&mutex);
                    ids.insert(r->reservation->id);
                }
            } else {
                ++denied;
            }
        }
        db.releaseThreadConnection();
    };

    std::vector<std::unique_ptr<QThread>> threads;
    for (int i = 0; i < Threads; ++i)
        threads.emplace_back(QThread::create(worker));
    for (auto& t : threads)
        t->start();

    // Watch from this thread while the workers run: used + held never passes the cap.
    double maxCommitted = 0;
    int observations = 0;
    int observationErrors = 0;
    auto running = [&] {
        return std::any_of(threads.begin(), threads.end(), [](const auto& t) { return !t->isFinished(); });
    };
    while (running()) {
        const auto c = check(store);
        if (!c.ok() || c->limits.isEmpty()) {
            ++observationErrors;
        } else {
            maxCommitted = std::max(maxCommitted, c->limits.first().used + c->limits.first().held);
            ++observations;
        }
        QThread::msleep(2);
    }
    for (auto& t : threads)
        QVERIFY(t->wait(60'000));

    QVERIFY2(errors == 0, qPrintable(errorCodes.join(QStringLiteral("; "))));
    QCOMPARE(observationErrors, 0);
    QCOMPARE(allowed.load(), 100);
    QCOMPARE(denied.load(), Threads * Attempts - 100);
    QCOMPARE(missingReservation.load(), 0);
    QCOMPARE(ids.size(), 100);
    QVERIFY2(maxCommitted <= 100, qPrintable(QString::number(maxCommitted)));

    const auto c = check(store);
    QVERIFY2(c.ok(), why(c));
    QCOMPARE(c->limits.first().held, 100.0);
    QCOMPARE(c->limits.first().used, 0.0);
    QCOMPARE(c->remaining.value_or(-1), 0.0);
    QCOMPARE(c->allowed, false);
    qDebug("observed %d times while running", observations);
}

QTEST_GUILESS_MAIN(TestReservations)
#include "testreservations.moc"
