// A meter created while events are being recorded on other connections (other servers, on PostgreSQL) counts
// every event exactly once: those stored before it by aggregation, those after it by their rollups.

#include <QTest>
#include <QThread>
#include <atomic>
#include <memory>
#include <vector>

#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;

class TestMeterChangeRace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void meterCreatedDuringRecording_countsEveryEventOnce()
    {
        constexpr int Threads = 4;
        constexpr int PerThread = 150;
        TestStore store;
        Customer customer;
        customer.id = QStringLiteral("cust_race");
        customer.name = customer.id;
        const auto created = store->createCustomer(customer);
        VERIFY_OK(created);

        std::atomic<int> recorded{0};
        std::atomic<int> failures{0};
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < Threads; ++t) {
            threads.emplace_back(QThread::create([&] {
                for (int i = 0; i < PerThread; ++i) {
                    EventInput event;
                    event.customerId = customer.id;
                    event.eventType = QStringLiteral("llm.completion");
                    event.value = 2;
                    if (store->record(event).ok())
                        ++recorded;
                    else
                        ++failures;
                }
                store.db().releaseThreadConnection();
            }));
        }
        for (auto& thread : threads)
            thread->start();
        while (recorded.load() < Threads * PerThread / 3)
            QThread::msleep(1);
        Meter tokens; // created while the threads keep recording
        tokens.id = QStringLiteral("tokens");
        tokens.name = QStringLiteral("Tokens");
        const auto meter = store->createMeter(tokens);
        VERIFY_OK(meter);
        for (auto& thread : threads)
            QVERIFY(thread->wait(120'000));
        QCOMPARE(failures.load(), 0);
        QVERIFY2(recorded.load() == Threads * PerThread, "the meter was created after the recording ended");

        UsageQuery query;
        query.meterId = tokens.id;
        query.customerId = customer.id;
        query.period = NamedPeriod::CurrentMonth;
        const auto usage = store->usage(query);
        VERIFY_OK(usage);
        QCOMPARE(usage->value, 2.0 * Threads * PerThread);
    }
};

QTEST_GUILESS_MAIN(TestMeterChangeRace)
#include "testmeterchangerace.moc"
