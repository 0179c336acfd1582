// The first balance writes of a customer race: a customer without a balance row yet gets credits and usage burns
// from many connections at once (threads here; processes behave the same on PostgreSQL), and none is lost.
// PostgreSQL's FOR UPDATE locks no missing row, so the store makes the row before it locks it.

#include <QTest>
#include <QThread>
#include <atomic>
#include <memory>
#include <vector>

#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;

class TestFirstWrites : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstCreditsAndBurns_nothingLost()
    {
        constexpr int Threads = 8;
        constexpr int Customers = 10;
        TestStore store;
        Meter tokens;
        tokens.id = QStringLiteral("tokens");
        tokens.name = QStringLiteral("Tokens");
        const auto meter = store->createMeter(tokens);
        VERIFY_OK(meter);
        Plan plan;
        plan.id = QStringLiteral("prepaid");
        plan.name = QStringLiteral("Prepaid");
        Price price;
        price.meterId = tokens.id;
        price.creditsPerUnit = Money::fromMicros(1'000'000);
        plan.prices << price;
        const auto made = store->createPlan(plan);
        VERIFY_OK(made);
        for (int c = 0; c < Customers; ++c) {
            Customer customer;
            customer.id = QStringLiteral("cust_%1").arg(c);
            customer.name = customer.id;
            customer.planId = plan.id;
            const auto created = store->createCustomer(customer);
            VERIFY_OK(created);
        }

        // Even threads credit 5 to every customer, odd threads record a 1-unit event (burns 1) for every one.
        std::atomic<int> failures{0};
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < Threads; ++t) {
            threads.emplace_back(QThread::create([&store, &failures, t] {
                for (int c = 0; c < Customers; ++c) {
                    const QString id = QStringLiteral("cust_%1").arg(c);
                    bool ok = false;
                    if (t % 2 == 0) {
                        BalanceChange change;
                        change.amount = Money::fromMicros(5'000'000);
                        ok = store->credit(id, change).ok();
                    } else {
                        EventInput event;
                        event.customerId = id;
                        event.eventType = QStringLiteral("llm.completion");
                        event.value = 1;
                        ok = store->record(event).ok();
                    }
                    if (!ok)
                        ++failures;
                }
                store.db().releaseThreadConnection();
            }));
        }
        for (auto& thread : threads)
            thread->start();
        for (auto& thread : threads)
            QVERIFY(thread->wait(120'000));
        QCOMPARE(failures.load(), 0);

        for (int c = 0; c < Customers; ++c) {
            const QString id = QStringLiteral("cust_%1").arg(c);
            auto page = store->transactions(id, {}, 1000);
            VERIFY_OK(page);
            QCOMPARE(page->data.size(), qsizetype(Threads));
            qint64 sum = 0;
            for (const LedgerTransaction& tx : page->data)
                sum += tx.amount.micros();
            auto balance = store->balance(id);
            VERIFY_OK(balance);
            // Every credit and every burn is in the ledger, and the ledger sums to the balance. A burn that came
            // before any credit found 0 and left its credit unpaid: the balance is 20 minus what was paid.
            QCOMPARE(balance->balance.micros(), sum);
            qint64 unpaid = 0;
            for (const LedgerTransaction& tx : page->data)
                unpaid += tx.unpaid.micros();
            QCOMPARE(sum + (Threads / 2) * 1'000'000 - unpaid, qint64(Threads / 2) * 5'000'000);
        }
    }
};

QTEST_GUILESS_MAIN(TestFirstWrites)
#include "testfirstwrites.moc"
