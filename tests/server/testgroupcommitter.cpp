// The group committer (server/api/groupcommitter.h): single records and batches written by one thread in
// arrival order, each caller answered after its commit on its own thread when that thread runs an event loop
// (so the answer is built off the committer's thread), on the committer's thread otherwise; after stop()
// nothing is taken.

#include <QSemaphore>
#include <QThread>

#include "server/api/groupcommitter.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Api;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

bool seed(TestStore& store)
{
    Meter meter;
    meter.id = u"tokens"_s;
    meter.name = u"Tokens"_s;
    meter.aggregation = Aggregation::Sum;
    Customer customer;
    customer.id = u"acme"_s;
    customer.name = u"Acme"_s;
    return store->createMeter(meter).ok() && store->createCustomer(customer).ok();
}

EventInput tokens(double value, const QString& customerId = u"acme"_s)
{
    EventInput input;
    input.customerId = customerId;
    input.eventType = u"tokens"_s;
    input.value = value;
    return input;
}

double usedTokens(TestStore& store)
{
    UsageQuery query;
    query.meterId = u"tokens"_s;
    query.customerId = u"acme"_s;
    query.period = NamedPeriod::Lifetime;
    auto usage = store->usage(query);
    return usage.ok() ? usage->value : -1;
}

} // namespace

class TestGroupCommitter : public QObject
{
    Q_OBJECT

private slots:
    void answersOnTheCallersEventLoopThread();
    void withoutEventLoop_answersOnTheCommittersThread();
    void batchesAndSinglesAllLand();
    void afterStop_nothingIsTaken();
};

void TestGroupCommitter::answersOnTheCallersEventLoopThread()
{
    TestStore store;
    QVERIFY(seed(store));
    GroupCommitter committer(store.service());
    QThread caller;
    caller.start();
    QObject anchor;
    anchor.moveToThread(&caller);

    QSemaphore answered;
    QThread* singleThread = nullptr;
    QThread* batchThread = nullptr;
    bool singleOk = false;
    bool batchOk = false;
    QMetaObject::invokeMethod(&anchor, [&] {
        committer.submit(tokens(5), [&](Result<RecordResult> r) {
            singleOk = r.ok() && !r->duplicate;
            singleThread = QThread::currentThread();
            answered.release();
        });
        committer.submitBatch({tokens(1), tokens(2)}, [&](Result<BatchResult> r) {
            batchOk = r.ok() && r->accepted == 2;
            batchThread = QThread::currentThread();
            answered.release();
        });
    });
    QVERIFY(answered.tryAcquire(2, 10'000));
    caller.quit();
    caller.wait();
    QVERIFY(singleOk);
    QVERIFY(batchOk);
    QCOMPARE(singleThread, &caller);
    QCOMPARE(batchThread, &caller);
    QCOMPARE(usedTokens(store), 8.0);
}

void TestGroupCommitter::withoutEventLoop_answersOnTheCommittersThread()
{
    TestStore store;
    QVERIFY(seed(store));
    GroupCommitter committer(store.service());
    QSemaphore answered;
    QThread* answeredOn = nullptr;
    bool ok = false;
    committer.submit(tokens(3), [&](Result<RecordResult> r) {
        ok = r.ok();
        answeredOn = QThread::currentThread();
        answered.release();
    });
    QVERIFY(answered.tryAcquire(1, 10'000));
    QVERIFY(ok);
    QVERIFY(answeredOn != nullptr);
    QVERIFY(answeredOn != QThread::currentThread()); // this thread runs no event loop: nobody would run it here
    QCOMPARE(usedTokens(store), 3.0);
}

void TestGroupCommitter::batchesAndSinglesAllLand()
{
    TestStore store;
    QVERIFY(seed(store));
    GroupCommitter committer(store.service(), 16);
    QSemaphore answered;
    QAtomicInt created = 0;
    QAtomicInt rejected = 0;
    QAtomicInt accepted = 0;
    int calls = 0;
    for (int round = 0; round < 10; ++round) {
        for (int i = 0; i < 20; ++i, ++calls) {
            // Every tenth names an unknown customer: rejected alone, its group lands.
            committer.submit(tokens(1, i % 10 == 9 ? u"nobody"_s : u"acme"_s), [&](Result<RecordResult> r) {
                r.ok() ? created.ref() : rejected.ref();
                answered.release();
            });
        }
        ++calls;
        committer.submitBatch({tokens(10), tokens(10, u"nobody"_s), tokens(10)}, [&](Result<BatchResult> r) {
            if (r.ok() && r->rejected.size() == 1)
                accepted.fetchAndAddRelaxed(int(r->accepted));
            answered.release();
        });
    }
    QVERIFY(answered.tryAcquire(calls, 30'000));
    QCOMPARE(created.loadRelaxed(), 180);
    QCOMPARE(rejected.loadRelaxed(), 20);
    QCOMPARE(accepted.loadRelaxed(), 20);
    QCOMPARE(usedTokens(store), 180.0 + 20 * 10);
}

void TestGroupCommitter::afterStop_nothingIsTaken()
{
    TestStore store;
    QVERIFY(seed(store));
    GroupCommitter committer(store.service());
    committer.stop();
    std::optional<Error> single;
    std::optional<Error> batch;
    committer.submit(tokens(1), [&](Result<RecordResult> r) { single = r.ok() ? Error{} : r.error(); });
    committer.submitBatch({tokens(1)}, [&](Result<BatchResult> r) { batch = r.ok() ? Error{} : r.error(); });
    QVERIFY(single && batch); // answered at once, on this thread
    QCOMPARE(single->code, ErrorCode::Storage);
    QCOMPARE(batch->code, ErrorCode::Storage);
    QCOMPARE(usedTokens(store), 0.0);
}

QTEST_GUILESS_MAIN(TestGroupCommitter)
#include "testgroupcommitter.moc"
