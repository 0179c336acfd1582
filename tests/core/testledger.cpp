// TestLedger: prepaid balances (SPEC §2 Balance; docs/rules.md "Balances"): credits, debits, the reserve, held
// credits, idempotency, usage burn, and the invariant balance == sum of the ledger, balance >= 0, under races too.

#include <QElapsedTimer>
#include <QMutex>
#include <QTest>
#include <atomic>
#include <thread>
#include <vector>

#include "core/service.h"
#include "core/types.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

const QString CustA = u"cust_a"_s;
const QString TokensMeter = u"tokens"_s;
const QString PlanId = u"metered"_s;

Money money(const QString& text)
{
    const auto m = Money::parse(text);
    if (!m)
        QTest::qFail(qPrintable(u"bad money literal "_s + text), __FILE__, __LINE__);
    return m.value_or(Money());
}

BalanceChange change(const QString& amount,
                     const QString& reason = u"test"_s,
                     const QString& actor = u"tester"_s,
                     const QString& key = {})
{
    BalanceChange c;
    c.amount = money(amount);
    c.reason = reason;
    c.actor = actor;
    c.idempotencyKey = key;
    return c;
}

EventInput makeEvent(const QString& customerId,
                     const QString& eventType,
                     std::optional<double> value = {},
                     const QString& idempotencyKey = {})
{
    EventInput in;
    in.customerId = customerId;
    in.eventType = eventType;
    in.value = value;
    in.idempotencyKey = idempotencyKey;
    return in;
}

void createCustomer(TestStore& store, const QString& id, const QString& planId = {})
{
    Customer c;
    c.id = id;
    c.name = u"Customer "_s + id;
    c.planId = planId;
    auto r = store->createCustomer(c);
    VERIFY_OK(r);
}

// A meter on "llm.tokens" with the given aggregation, a plan pricing it at creditsPerUnit, and cust_a on the plan.
void setUpMetered(TestStore& store, const QString& creditsPerUnit, Aggregation aggregation = Aggregation::Sum)
{
    Meter m;
    m.id = TokensMeter;
    m.name = u"Tokens"_s;
    m.aggregation = aggregation;
    m.eventTypes = {u"llm.tokens"_s};
    if (aggregation == Aggregation::UniqueCount)
        m.dimension = u"user"_s;
    auto meter = store->createMeter(m);
    VERIFY_OK(meter);

    Plan p;
    p.id = PlanId;
    p.name = u"Metered"_s;
    Price price;
    price.meterId = TokensMeter;
    price.unitPrice = money(u"0.01"_s);
    price.creditsPerUnit = money(creditsPerUnit);
    p.prices = {price};
    auto plan = store->createPlan(p);
    VERIFY_OK(plan);

    createCustomer(store, CustA, PlanId);
}

// Every transaction of the customer, following the cursor.
QList<LedgerTransaction> allTransactions(TestStore& store, const QString& customerId)
{
    QList<LedgerTransaction> out;
    QString cursor;
    for (int pages = 0; pages < 100'000; ++pages) {
        auto page = store->transactions(customerId, cursor, 100);
        if (!page.ok()) {
            QTest::qFail(qPrintable(u"transactions: "_s + describe(page)), __FILE__, __LINE__);
            return out;
        }
        if (page->data.size() > 100) {
            QTest::qFail("page larger than limit", __FILE__, __LINE__);
            return out;
        }
        out += page->data;
        if (page->nextCursor.isEmpty())
            return out;
        cursor = page->nextCursor;
    }
    QTest::qFail("cursor never ends", __FILE__, __LINE__);
    return out;
}

// SPEC §2 invariant: balance == sum of the customer's ledger amounts; balance >= 0; no transaction listed twice.
void verifyLedgerInvariant(TestStore& store, const QString& customerId)
{
    auto bal = store->balance(customerId);
    VERIFY_OK(bal);
    const auto txs = allTransactions(store, customerId);
    if (QTest::currentTestFailed())
        return;
    Money sum;
    QSet<QString> ids;
    for (const auto& tx : txs) {
        QVERIFY2(!ids.contains(tx.id), qPrintable(u"transaction listed twice: "_s + tx.id));
        ids.insert(tx.id);
        QCOMPARE(tx.customerId, customerId);
        QVERIFY2(!tx.balanceAfter.isNegative(), qPrintable(tx.balanceAfter.toString()));
        sum += tx.amount;
    }
    QCOMPARE(sum.toString(), bal->balance.toString());
    QVERIFY2(!bal->balance.isNegative(), qPrintable(bal->balance.toString()));
}

Money balanceOf(TestStore& store, const QString& customerId)
{
    auto bal = store->balance(customerId);
    if (!bal.ok()) {
        QTest::qFail(qPrintable(u"balance: "_s + describe(bal)), __FILE__, __LINE__);
        return Money::fromMicros(-1);
    }
    return bal->balance;
}

} // namespace

class TestLedger : public QObject
{
    Q_OBJECT

private slots:
    void balance_newCustomerIsZero();
    void credit_addsAndRecordsTransaction();
    void debit_recordsNegativeAmount();
    void change_rejectsNonPositiveAmount_data();
    void change_rejectsNonPositiveAmount();
    void debit_failsWholeWhenShort_data();
    void debit_failsWholeWhenShort();
    void debit_respectsHeldCredits();
    void setReserve_updatesAvailable();
    void setReserve_rejectsNegative();
    void change_idempotentReplay_data();
    void change_idempotentReplay();
    void change_keyIsPerCustomer();
    void unknownCustomer_isCustomerNotFound_data();
    void unknownCustomer_isCustomerNotFound();

    void usage_burnsCredits_data();
    void usage_burnsCredits();
    void usage_countMeterBurnsCreditsPerUnitPerEvent();
    void usage_zeroCreditsPerUnitBurnsNothing();
    void usage_maxMeterBurnsNothing();
    void usage_otherEventTypeBurnsNothing();
    void usage_customerWithoutPlanBurnsNothing();
    void usage_replayBurnsOnce();
    void usage_burnAfterDepletionRecordsUnpaid();

    void debit_concurrentNeverOverdraws();
};

void TestLedger::balance_newCustomerIsZero()
{
    TestStore store;
    CHECKED(createCustomer(store, CustA));

    auto bal = store->balance(CustA);
    VERIFY_OK(bal);
    QCOMPARE(bal->customerId, CustA);
    QCOMPARE(bal->balance.toString(), u"0.000000"_s);
    QCOMPARE(bal->reserve.toString(), u"0.000000"_s);
    QCOMPARE(bal->held.toString(), u"0.000000"_s);
    QCOMPARE(bal->available().toString(), u"0.000000"_s);
    QCOMPARE(allTransactions(store, CustA).size(), 0);
}

void TestLedger::credit_addsAndRecordsTransaction()
{
    TestStore store;
    CHECKED(createCustomer(store, CustA));

    auto first = store->credit(CustA, change(u"12.5"_s, u"top-up"_s, u"alice"_s));
    VERIFY_OK(first);
    QVERIFY(!first->duplicate);
    const auto& tx = first->transaction;
    QVERIFY(!tx.id.isEmpty());
    QCOMPARE(tx.customerId, CustA);
    QCOMPARE(toString(tx.kind), u"credit"_s);
    QCOMPARE(tx.amount.toString(), u"12.500000"_s);
    QCOMPARE(tx.balanceAfter.toString(), u"12.500000"_s);
    QCOMPARE(tx.unpaid.toString(), u"0.000000"_s);
    QCOMPARE(tx.reason, u"top-up"_s);
    QCOMPARE(tx.actor, u"alice"_s);
    QCOMPARE(tx.createdAt, store.now());
    QCOMPARE(first->balance.balance.toString(), u"12.500000"_s);
    QCOMPARE(first->balance.available().toString(), u"12.500000"_s);

    store.advance(1000);
    auto second = store->credit(CustA, change(u"0.000001"_s, u"bonus"_s, u"bob"_s));
    VERIFY_OK(second);
    QVERIFY(second->transaction.id != tx.id);
    QCOMPARE(second->transaction.balanceAfter.toString(), u"12.500001"_s);
    QCOMPARE(balanceOf(store, CustA).toString(), u"12.500001"_s);

    const auto txs = allTransactions(store, CustA);
    QCOMPARE(txs.size(), 2);
    QMap<QString, LedgerTransaction> byId;
    for (const auto& t : txs)
        byId.insert(t.id, t);
    QVERIFY(byId.contains(tx.id));
    const auto& listed = byId.value(tx.id);
    QCOMPARE(toString(listed.kind), u"credit"_s);
    QCOMPARE(listed.amount.toString(), u"12.500000"_s);
    QCOMPARE(listed.balanceAfter.toString(), u"12.500000"_s);
    QCOMPARE(listed.reason, u"top-up"_s);
    QCOMPARE(listed.actor, u"alice"_s);
    QCOMPARE(byId.value(second->transaction.id).reason, u"bonus"_s);
    QCOMPARE(byId.value(second->transaction.id).actor, u"bob"_s);
    CHECKED(verifyLedgerInvariant(store, CustA));
}

void TestLedger::debit_recordsNegativeAmount()
{
    TestStore store;
    CHECKED(createCustomer(store, CustA));
    auto credited = store->credit(CustA, change(u"10"_s));
    VERIFY_OK(credited);

    auto debited = store->debit(CustA, change(u"3.25"_s, u"manual correction"_s, u"bob"_s));
    VERIFY_OK(debited);
    QCOMPARE(toString(debited->transaction.kind), u"debit"_s);
    QCOMPARE(debited->transaction.amount.toString(), u"-3.250000"_s); // signed: debits negative
    QCOMPARE(debited->transaction.balanceAfter.toString(), u"6.750000"_s);
    QCOMPARE(debited->transaction.reason, u"manual correction"_s);
    QCOMPARE(debited->transaction.actor, u"bob"_s);
    QCOMPARE(debited->balance.balance.toString(), u"6.750000"_s);
    QCOMPARE(balanceOf(store, CustA).toString(), u"6.750000"_s);

    const auto txs = allTransactions(store, CustA);
    QCOMPARE(txs.size(), 2);
    CHECKED(verifyLedgerInvariant(store, CustA));
}

void TestLedger::change_rejectsNonPositiveAmount_data()
{
    QTest::addColumn<bool>("isDebit");
    QTest::addColumn<QString>("amount");
    QTest::addRow("credit 0") << false << u"0"_s;
    QTest::addRow("credit -1") << false << u"-1"_s;
    QTest::addRow("credit -0.000001") << false << u"-0.000001"_s;
    QTest::addRow("debit 0") << true << u"0"_s;
    QTest::addRow("debit -1") << true << u"-1"_s;
    QTest::addRow("debit -0.000001") << true << u"-0.000001"_s;
}

void TestLedger::change_rejectsNonPositiveAmount()
{
    QFETCH(bool, isDebit);
    QFETCH(QString, amount);
    TestStore store;
    CHECKED(createCustomer(store, CustA));
    auto credited = store->credit(CustA, change(u"5"_s));
    VERIFY_OK(credited);

    auto r = isDebit ? store->debit(CustA, change(amount)) : store->credit(CustA, change(amount));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::InvalidRequest);
    QCOMPARE(r.error().field, u"amount"_s);
    QCOMPARE(balanceOf(store, CustA).toString(), u"5.000000"_s);
    QCOMPARE(allTransactions(store, CustA).size(), 1);
    CHECKED(verifyLedgerInvariant(store, CustA));
}

void TestLedger::debit_failsWholeWhenShort_data()
{
    QTest::addColumn<QString>("balance");
    QTest::addColumn<QString>("reserve");
    QTest::addColumn<QString>("amount");
    QTest::addColumn<bool>("allowed");
    QTest::addRow("to exactly 0") << u"10"_s << u"0"_s << u"10"_s << true;
    QTest::addRow("one micro below available") << u"10"_s << u"0"_s << u"9.999999"_s << true;
    QTest::addRow("one micro more") << u"10"_s << u"0"_s << u"10.000001"_s << false;
    QTest::addRow("far more") << u"10"_s << u"0"_s << u"1000"_s << false;
    QTest::addRow("empty balance") << u"0"_s << u"0"_s << u"0.000001"_s << false;
    QTest::addRow("to exactly the reserve") << u"10"_s << u"3"_s << u"7"_s << true;
    QTest::addRow("one micro into the reserve") << u"10"_s << u"3"_s << u"7.000001"_s << false;
    QTest::addRow("whole balance despite reserve") << u"10"_s << u"3"_s << u"10"_s << false;
    QTest::addRow("reserve above balance") << u"10"_s << u"12"_s << u"0.000001"_s << false;
}

void TestLedger::debit_failsWholeWhenShort()
{
    QFETCH(QString, balance);
    QFETCH(QString, reserve);
    QFETCH(QString, amount);
    QFETCH(bool, allowed);
    TestStore store;
    CHECKED(createCustomer(store, CustA));
    const auto start = money(balance);
    if (start.isPositive()) {
        auto credited = store->credit(CustA, change(balance));
        VERIFY_OK(credited);
    }
    auto reserved = store->setReserve(CustA, money(reserve), u"op"_s);
    VERIFY_OK(reserved);
    const auto txBefore = allTransactions(store, CustA).size();

    auto r = store->debit(CustA, change(amount));
    if (allowed) {
        VERIFY_OK(r);
        const auto expected = start - money(amount);
        QCOMPARE(r->transaction.balanceAfter.toString(), expected.toString());
        QCOMPARE(r->balance.balance.toString(), expected.toString());
        QCOMPARE(r->balance.available().toString(), (expected - money(reserve)).toString());
        QVERIFY(!r->balance.available().isNegative());
        QCOMPARE(allTransactions(store, CustA).size(), txBefore + 1);
    } else {
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InsufficientBalance);
        // No partial debit and no ledger row.
        QCOMPARE(balanceOf(store, CustA).toString(), start.toString());
        QCOMPARE(allTransactions(store, CustA).size(), txBefore);
    }
    CHECKED(verifyLedgerInvariant(store, CustA));
}

void TestLedger::debit_respectsHeldCredits()
{
    // available = balance - reserve - held: credits held by a reservation are not debitable.
    TestStore store;
    CHECKED(setUpMetered(store, u"1"_s));
    auto credited = store->credit(CustA, change(u"10"_s));
    VERIFY_OK(credited);
    auto reserved = store->setReserve(CustA, money(u"1"_s));
    VERIFY_OK(reserved);

    CheckRequest req;
    req.customerId = CustA;
    req.meterId = TokensMeter;
    req.reserve = 4; // 4 units x 1 credit
    auto check = store->check(req);
    VERIFY_OK(check);
    QVERIFY(check->allowed);
    QVERIFY(check->reservation.has_value());
    QCOMPARE(check->reservation->credits.toString(), u"4.000000"_s);

    auto bal = store->balance(CustA);
    VERIFY_OK(bal);
    QCOMPARE(bal->balance.toString(), u"10.000000"_s);
    QCOMPARE(bal->held.toString(), u"4.000000"_s);
    QCOMPARE(bal->available().toString(), u"5.000000"_s);

    auto tooMuch = store->debit(CustA, change(u"5.000001"_s));
    QVERIFY(!tooMuch.ok());
    QCOMPARE(tooMuch.error().code, ErrorCode::InsufficientBalance);
    auto exact = store->debit(CustA, change(u"5"_s));
    VERIFY_OK(exact);
    QCOMPARE(exact->balance.balance.toString(), u"5.000000"_s);
    QCOMPARE(exact->balance.available().toString(), u"0.000000"_s);
    CHECKED(verifyLedgerInvariant(store, CustA));
}

void TestLedger::setReserve_updatesAvailable()
{
    TestStore store;
    CHECKED(createCustomer(store, CustA));
    auto credited = store->credit(CustA, change(u"10"_s));
    VERIFY_OK(credited);

    auto r = store->setReserve(CustA, money(u"2.5"_s), u"alice"_s);
    VERIFY_OK(r);
    QCOMPARE(r->balance.toString(), u"10.000000"_s);
    QCOMPARE(r->reserve.toString(), u"2.500000"_s);
    QCOMPARE(r->available().toString(), u"7.500000"_s);

    auto got = store->balance(CustA);
    VERIFY_OK(got);
    QCOMPARE(got->reserve.toString(), u"2.500000"_s);
    QCOMPARE(got->available().toString(), u"7.500000"_s);

    auto cleared = store->setReserve(CustA, Money());
    VERIFY_OK(cleared);
    QCOMPARE(cleared->available().toString(), u"10.000000"_s);
    CHECKED(verifyLedgerInvariant(store, CustA));
}

void TestLedger::setReserve_rejectsNegative()
{
    TestStore store;
    CHECKED(createCustomer(store, CustA));
    auto credited = store->credit(CustA, change(u"10"_s));
    VERIFY_OK(credited);
    auto set = store->setReserve(CustA, money(u"1"_s));
    VERIFY_OK(set);

    auto r = store->setReserve(CustA, money(u"-0.000001"_s));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::InvalidRequest);
    QCOMPARE(r.error().field, u"reserve"_s);
    auto got = store->balance(CustA);
    VERIFY_OK(got);
    QCOMPARE(got->reserve.toString(), u"1.000000"_s); // unchanged
}

void TestLedger::change_idempotentReplay_data()
{
    QTest::addColumn<bool>("isDebit");
    QTest::addRow("credit") << false;
    QTest::addRow("debit") << true;
}

void TestLedger::change_idempotentReplay()
{
    QFETCH(bool, isDebit);
    TestStore store;
    CHECKED(createCustomer(store, CustA));
    auto seed = store->credit(CustA, change(u"100"_s));
    VERIFY_OK(seed);

    auto apply = [&](const BalanceChange& c) { return isDebit ? store->debit(CustA, c) : store->credit(CustA, c); };
    const auto c = change(u"7.5"_s, u"order 42"_s, u"alice"_s, u"op-42"_s);
    const QString expected = isDebit ? u"92.500000"_s : u"107.500000"_s;

    auto first = apply(c);
    VERIFY_OK(first);
    QVERIFY(!first->duplicate);
    QCOMPARE(first->transaction.idempotencyKey, u"op-42"_s);
    QCOMPARE(first->balance.balance.toString(), expected);

    store.advance(60'000);
    auto replay = apply(c);
    VERIFY_OK(replay);
    QVERIFY(replay->duplicate);
    QCOMPARE(replay->transaction.id, first->transaction.id);
    QCOMPARE(replay->transaction.amount.toString(), first->transaction.amount.toString());
    QCOMPARE(balanceOf(store, CustA).toString(), expected); // applied once
    QCOMPARE(allTransactions(store, CustA).size(), 2);

    auto different = c;
    different.amount = money(u"7.500001"_s);
    auto conflict = apply(different);
    QVERIFY(!conflict.ok());
    QCOMPARE(conflict.error().code, ErrorCode::IdempotencyConflict);
    QCOMPARE(balanceOf(store, CustA).toString(), expected);
    QCOMPARE(allTransactions(store, CustA).size(), 2);

    // Without a key, the same change applies again.
    auto keyless = c;
    keyless.idempotencyKey.clear();
    auto again = apply(keyless);
    VERIFY_OK(again);
    QVERIFY(!again->duplicate);
    QCOMPARE(allTransactions(store, CustA).size(), 3);
    CHECKED(verifyLedgerInvariant(store, CustA));
}

void TestLedger::change_keyIsPerCustomer()
{
    TestStore store;
    CHECKED(createCustomer(store, CustA));
    CHECKED(createCustomer(store, u"cust_b"_s));

    auto a = store->credit(CustA, change(u"5"_s, u"r"_s, u"op"_s, u"same-key"_s));
    VERIFY_OK(a);
    auto b = store->credit(u"cust_b"_s, change(u"6"_s, u"r"_s, u"op"_s, u"same-key"_s));
    VERIFY_OK(b);
    QVERIFY(!b->duplicate);
    QVERIFY(a->transaction.id != b->transaction.id);
    QCOMPARE(balanceOf(store, CustA).toString(), u"5.000000"_s);
    QCOMPARE(balanceOf(store, u"cust_b"_s).toString(), u"6.000000"_s);
}

void TestLedger::unknownCustomer_isCustomerNotFound_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addRow("balance") << u"balance"_s;
    QTest::addRow("credit") << u"credit"_s;
    QTest::addRow("debit") << u"debit"_s;
    QTest::addRow("setReserve") << u"setReserve"_s;
    QTest::addRow("transactions") << u"transactions"_s;
}

void TestLedger::unknownCustomer_isCustomerNotFound()
{
    QFETCH(QString, operation);
    TestStore store;
    CHECKED(createCustomer(store, CustA));
    const QString nobody = u"cust_nobody"_s;

    Error error;
    bool ok = true;
    if (operation == u"balance") {
        auto r = store->balance(nobody);
        ok = r.ok();
        if (!ok)
            error = r.error();
    } else if (operation == u"credit") {
        auto r = store->credit(nobody, change(u"1"_s));
        ok = r.ok();
        if (!ok)
            error = r.error();
    } else if (operation == u"debit") {
        auto r = store->debit(nobody, change(u"1"_s));
        ok = r.ok();
        if (!ok)
            error = r.error();
    } else if (operation == u"setReserve") {
        auto r = store->setReserve(nobody, money(u"1"_s));
        ok = r.ok();
        if (!ok)
            error = r.error();
    } else {
        auto r = store->transactions(nobody);
        ok = r.ok();
        if (!ok)
            error = r.error();
    }
    QVERIFY(!ok);
    QCOMPARE(error.code, ErrorCode::CustomerNotFound);
}

// ---------------------------------------------------------------------------------------------------------------
// Usage burn

void TestLedger::usage_burnsCredits_data()
{
    QTest::addColumn<QString>("startBalance");
    QTest::addColumn<QString>("reserve");
    QTest::addColumn<QString>("creditsPerUnit");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("amount"); // signed transaction amount
    QTest::addColumn<QString>("balanceAfter");
    QTest::addColumn<QString>("unpaid");

    QTest::addRow("0.5 x 3") << u"10"_s << u"0"_s << u"0.5"_s << 3.0 << u"-1.500000"_s << u"8.500000"_s
                             << u"0.000000"_s;
    QTest::addRow("burns to exactly 0") << u"1.5"_s << u"0"_s << u"0.5"_s << 3.0 << u"-1.500000"_s << u"0.000000"_s
                                        << u"0.000000"_s;
    QTest::addRow("consumes the reserve")
        << u"2"_s << u"1.5"_s << u"0.5"_s << 3.0 << u"-1.500000"_s << u"0.500000"_s << u"0.000000"_s;
    QTest::addRow("shortfall: balance 1, burn 1.5")
        << u"1"_s << u"0"_s << u"0.5"_s << 3.0 << u"-1.000000"_s << u"0.000000"_s << u"0.500000"_s;
    QTest::addRow("shortfall through the reserve")
        << u"1"_s << u"0.5"_s << u"0.5"_s << 3.0 << u"-1.000000"_s << u"0.000000"_s << u"0.500000"_s;
    QTest::addRow("one micro short") << u"1.499999"_s << u"0"_s << u"0.5"_s << 3.0 << u"-1.499999"_s << u"0.000000"_s
                                     << u"0.000001"_s;
    QTest::addRow("empty balance: all unpaid")
        << u"0"_s << u"0"_s << u"0.5"_s << 3.0 << u"0.000000"_s << u"0.000000"_s << u"1.500000"_s;
    QTest::addRow("fractional value") << u"10"_s << u"0"_s << u"0.25"_s << 0.1 << u"-0.025000"_s << u"9.975000"_s
                                      << u"0.000000"_s;
    QTest::addRow("half-even tie down (2.5 micros)")
        << u"10"_s << u"0"_s << u"0.000005"_s << 0.5 << u"-0.000002"_s << u"9.999998"_s << u"0.000000"_s;
    QTest::addRow("half-even tie up (1.5 micros)")
        << u"10"_s << u"0"_s << u"0.000003"_s << 0.5 << u"-0.000002"_s << u"9.999998"_s << u"0.000000"_s;
    QTest::addRow("large value") << u"1000"_s << u"0"_s << u"0.001"_s << 123456.0 << u"-123.456000"_s << u"876.544000"_s
                                 << u"0.000000"_s;
}

void TestLedger::usage_burnsCredits()
{
    QFETCH(QString, startBalance);
    QFETCH(QString, reserve);
    QFETCH(QString, creditsPerUnit);
    QFETCH(double, value);
    QFETCH(QString, amount);
    QFETCH(QString, balanceAfter);
    QFETCH(QString, unpaid);

    TestStore store;
    CHECKED(setUpMetered(store, creditsPerUnit));
    if (money(startBalance).isPositive()) {
        auto credited = store->credit(CustA, change(startBalance));
        VERIFY_OK(credited);
    }
    if (money(reserve).isPositive()) {
        auto reserved = store->setReserve(CustA, money(reserve));
        VERIFY_OK(reserved);
    }
    const auto txBefore = allTransactions(store, CustA).size();

    auto r = store->record(makeEvent(CustA, u"llm.tokens"_s, value));
    VERIFY_OK(r);
    QVERIFY2(r->usageTransaction.has_value(), "an event on a burning meter records a usage transaction");
    const auto& tx = *r->usageTransaction;
    QCOMPARE(toString(tx.kind), u"usage"_s);
    QCOMPARE(tx.customerId, CustA);
    QCOMPARE(tx.eventId, r->event.id);
    QCOMPARE(tx.amount.toString(), amount);
    QCOMPARE(tx.balanceAfter.toString(), balanceAfter);
    QCOMPARE(tx.unpaid.toString(), unpaid);
    // The balance comes back in the same call.
    QVERIFY(r->balance.has_value());
    QCOMPARE(r->balance->balance.toString(), balanceAfter);
    QCOMPARE(r->balance->reserve.toString(), money(reserve).toString());

    QCOMPARE(balanceOf(store, CustA).toString(), balanceAfter);
    const auto txs = allTransactions(store, CustA);
    QCOMPARE(txs.size(), txBefore + 1);
    bool found = false;
    for (const auto& t : txs) {
        if (t.id == tx.id) {
            found = true;
            QCOMPARE(toString(t.kind), u"usage"_s);
            QCOMPARE(t.amount.toString(), amount);
            QCOMPARE(t.unpaid.toString(), unpaid);
            QCOMPARE(t.eventId, r->event.id);
        }
    }
    QVERIFY(found);
    CHECKED(verifyLedgerInvariant(store, CustA));
}

void TestLedger::usage_countMeterBurnsCreditsPerUnitPerEvent()
{
    // Count meters burn creditsPerUnit per event, whatever the value (rules.md).
    TestStore store;
    CHECKED(setUpMetered(store, u"0.2"_s, Aggregation::Count));
    auto credited = store->credit(CustA, change(u"1"_s));
    VERIFY_OK(credited);

    auto r = store->record(makeEvent(CustA, u"llm.tokens"_s, 3.0));
    VERIFY_OK(r);
    QVERIFY(r->usageTransaction.has_value());
    QCOMPARE(r->usageTransaction->amount.toString(), u"-0.200000"_s);
    QVERIFY(r->balance.has_value());
    QCOMPARE(r->balance->balance.toString(), u"0.800000"_s);
    auto r2 = store->record(makeEvent(CustA, u"llm.tokens"_s, 1000.0));
    VERIFY_OK(r2);
    QCOMPARE(balanceOf(store, CustA).toString(), u"0.600000"_s);
    CHECKED(verifyLedgerInvariant(store, CustA));
}

void TestLedger::usage_zeroCreditsPerUnitBurnsNothing()
{
    TestStore store;
    CHECKED(setUpMetered(store, u"0"_s));
    auto credited = store->credit(CustA, change(u"10"_s));
    VERIFY_OK(credited);

    auto r = store->record(makeEvent(CustA, u"llm.tokens"_s, 3.0));
    VERIFY_OK(r);
    QVERIFY(!r->usageTransaction.has_value());
    QVERIFY(!r->balance.has_value()); // only when the event burned credits
    QCOMPARE(balanceOf(store, CustA).toString(), u"10.000000"_s);
    QCOMPARE(allTransactions(store, CustA).size(), 1);
    CHECKED(verifyLedgerInvariant(store, CustA));
}

void TestLedger::usage_maxMeterBurnsNothing()
{
    // max and unique_count meters burn nothing (rules.md).
    TestStore store;
    CHECKED(setUpMetered(store, u"1"_s, Aggregation::Max));
    auto credited = store->credit(CustA, change(u"10"_s));
    VERIFY_OK(credited);

    auto r = store->record(makeEvent(CustA, u"llm.tokens"_s, 3.0));
    VERIFY_OK(r);
    QVERIFY(!r->usageTransaction.has_value());
    QCOMPARE(balanceOf(store, CustA).toString(), u"10.000000"_s);
    QCOMPARE(allTransactions(store, CustA).size(), 1);
}

void TestLedger::usage_otherEventTypeBurnsNothing()
{
    TestStore store;
    CHECKED(setUpMetered(store, u"1"_s));
    auto credited = store->credit(CustA, change(u"10"_s));
    VERIFY_OK(credited);

    auto r = store->record(makeEvent(CustA, u"image.gen"_s, 3.0));
    VERIFY_OK(r);
    QVERIFY(!r->usageTransaction.has_value());
    QCOMPARE(balanceOf(store, CustA).toString(), u"10.000000"_s);
    QCOMPARE(allTransactions(store, CustA).size(), 1);
}

void TestLedger::usage_customerWithoutPlanBurnsNothing()
{
    TestStore store;
    CHECKED(setUpMetered(store, u"1"_s));
    CHECKED(createCustomer(store, u"cust_noplan"_s));
    auto credited = store->credit(u"cust_noplan"_s, change(u"10"_s));
    VERIFY_OK(credited);

    auto r = store->record(makeEvent(u"cust_noplan"_s, u"llm.tokens"_s, 3.0));
    VERIFY_OK(r);
    QVERIFY(!r->usageTransaction.has_value());
    QCOMPARE(balanceOf(store, u"cust_noplan"_s).toString(), u"10.000000"_s);
}

void TestLedger::usage_replayBurnsOnce()
{
    TestStore store;
    CHECKED(setUpMetered(store, u"0.5"_s));
    auto credited = store->credit(CustA, change(u"10"_s));
    VERIFY_OK(credited);

    const auto in = makeEvent(CustA, u"llm.tokens"_s, 3.0, u"evt-1"_s);
    auto first = store->record(in);
    VERIFY_OK(first);
    QVERIFY(!first->duplicate);
    QCOMPARE(balanceOf(store, CustA).toString(), u"8.500000"_s);

    store.advance(5000);
    auto replay = store->record(in);
    VERIFY_OK(replay);
    QVERIFY(replay->duplicate);
    QCOMPARE(replay->event.id, first->event.id);
    QCOMPARE(balanceOf(store, CustA).toString(), u"8.500000"_s);

    int usageCount = 0;
    for (const auto& tx : allTransactions(store, CustA))
        usageCount += tx.kind == TransactionKind::Usage ? 1 : 0;
    QCOMPARE(usageCount, 1);
    CHECKED(verifyLedgerInvariant(store, CustA));
}

void TestLedger::usage_burnAfterDepletionRecordsUnpaid()
{
    // Several events: the balance stops at 0 and every shortfall is reported, never a negative balance.
    TestStore store;
    CHECKED(setUpMetered(store, u"1"_s));
    auto credited = store->credit(CustA, change(u"2.5"_s));
    VERIFY_OK(credited);

    const QList<std::tuple<double, QString, QString, QString>> steps{
        {1.0, u"-1.000000"_s, u"1.500000"_s, u"0.000000"_s},
        {2.0, u"-1.500000"_s, u"0.000000"_s, u"0.500000"_s},
        {4.0, u"0.000000"_s, u"0.000000"_s, u"4.000000"_s},
    };
    for (const auto& [value, amount, after, unpaid] : steps) {
        auto r = store->record(makeEvent(CustA, u"llm.tokens"_s, value));
        VERIFY_OK(r);
        QVERIFY(r->usageTransaction.has_value());
        QCOMPARE(r->usageTransaction->amount.toString(), amount);
        QCOMPARE(r->usageTransaction->balanceAfter.toString(), after);
        QCOMPARE(r->usageTransaction->unpaid.toString(), unpaid);
        CHECKED(verifyLedgerInvariant(store, CustA));
    }
    // A top-up afterwards starts from 0, not from a debt.
    auto topUp = store->credit(CustA, change(u"1"_s));
    VERIFY_OK(topUp);
    QCOMPARE(topUp->balance.balance.toString(), u"1.000000"_s);
    CHECKED(verifyLedgerInvariant(store, CustA));
}

// ---------------------------------------------------------------------------------------------------------------
// Concurrency

void TestLedger::debit_concurrentNeverOverdraws()
{
    // 8 threads x 1000 debits of 0.01 race on a balance of 50: exactly 5000 succeed (SPEC §2: no race can overdraw).
    constexpr int Threads = 8;
    constexpr int PerThread = 1000;
    TestStore store;
    CHECKED(createCustomer(store, CustA));
    auto credited = store->credit(CustA, change(u"50"_s));
    VERIFY_OK(credited);
    const auto amount = money(u"0.01"_s);

    std::atomic<int> succeeded{0};
    std::atomic<int> insufficient{0};
    std::atomic<int> otherErrors{0};
    std::atomic<int> negativeSeen{0};
    QMutex mutex;
    QStringList otherMessages;

    QElapsedTimer timer;
    timer.start();
    std::vector<std::thread> threads;
    threads.reserve(Threads);
    for (int t = 0; t < Threads; ++t) {
        threads.emplace_back([&, t] {
            BalanceChange c;
            c.amount = amount;
            c.reason = u"race"_s;
            c.actor = u"thread-%1"_s.arg(t);
            for (int i = 0; i < PerThread; ++i) {
                auto r = store->debit(CustA, c);
                if (r.ok()) {
                    ++succeeded;
                    if (r->balance.balance.isNegative() || r->transaction.balanceAfter.isNegative()
                        || r->balance.available().isNegative())
                        ++negativeSeen;
                } else if (r.error().code == ErrorCode::InsufficientBalance) {
                    ++insufficient;
                } else {
                    ++otherErrors;
                    QMutexLocker lock(&mutex);
                    if (otherMessages.size() < 5)
                        otherMessages << describe(r);
                }
            }
            store.db().releaseThreadConnection();
        });
    }
    for (auto& th : threads)
        th.join();
    const auto elapsed = timer.elapsed();
    qInfo("8 x 1000 concurrent debits took %lld ms", static_cast<long long>(elapsed));

    QVERIFY2(otherErrors == 0, qPrintable(otherMessages.join(u"; "_s)));
    QCOMPARE(succeeded.load(), 5000);
    QCOMPARE(insufficient.load(), Threads * PerThread - 5000);
    QCOMPARE(negativeSeen.load(), 0);
    QCOMPARE(balanceOf(store, CustA).toString(), u"0.000000"_s);

    const auto txs = allTransactions(store, CustA);
    int debits = 0;
    QSet<QString> balancesAfter;
    for (const auto& tx : txs) {
        if (tx.kind == TransactionKind::Debit) {
            ++debits;
            QCOMPARE(tx.amount.toString(), u"-0.010000"_s);
            balancesAfter.insert(tx.balanceAfter.toString());
        }
    }
    QCOMPARE(debits, 5000);
    // Serialized debits leave 5000 distinct balances 49.99 ... 0.00: no two saw the same starting balance.
    QCOMPARE(balancesAfter.size(), 5000);
    CHECKED(verifyLedgerInvariant(store, CustA));
}

QTEST_GUILESS_MAIN(TestLedger)
#include "testledger.moc"
