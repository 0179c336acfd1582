// The group committer (server/api/groupcommitter.h): single records and batches written by one thread in
// arrival order, each caller answered after its commit on its own thread when that thread runs an event loop
// (so the answer is built off the committer's thread), on the committer's thread otherwise; after stop()
// nothing is taken; after a quiet while the committer moves the event tail into the indexes; an observer hears of
// each group of single records (for /metrics).

#include <QEventLoop>
#include <QSqlQuery>
#include <QThread>
#include <QTimer>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/api/groupcommitter.h"
#include "server/http/threadhandoff.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Api;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

// QSemaphore's counterpart on the standard library's mutex and condition variable, which ThreadSanitizer sees
// (Debian's Qt is not instrumented: a QSemaphore hand-off between threads would look like no hand-off at all).
class Semaphore
{
public:
    void release(int n = 1)
    {
        std::lock_guard lock(m_mutex);
        m_count += n;
        m_changed.notify_all();
    }
    void acquire(int n = 1)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_count >= n; });
        m_count -= n;
    }
    bool tryAcquire(int n, int timeoutMs)
    {
        std::unique_lock lock(m_mutex);
        if (!m_changed.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return m_count >= n; }))
            return false;
        m_count -= n;
        return true;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_count = 0;
};

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

// Holds the committer's thread inside an answer until released, so that whatever is submitted meanwhile lands in
// the next group, whole. Made on a thread without an event loop (the held answer runs on the committer's).
class CommitterHold
{
public:
    explicit CommitterHold(GroupCommitter& committer)
    {
        committer.submit(tokens(1), [this](Result<RecordResult>) {
            m_committerThread = QThread::currentThread();
            m_held.release();
            m_gate.acquire();
        });
    }
    ~CommitterHold() { release(); } // never leaves the committer stuck, even when a check failed

    bool waitUntilHeld() { return m_held.tryAcquire(1, 10'000); }
    void release()
    {
        if (!m_released.exchange(true))
            m_gate.release();
    }
    QThread* committerThread() const { return m_committerThread; }

private:
    Semaphore m_held;
    Semaphore m_gate;
    std::atomic<bool> m_released = false;
    QThread* m_committerThread = nullptr;
};

// Counts the queued calls delivered to plain QObjects of this (the main) thread: the committer's answers.
class QueuedCallCounter : public QObject
{
public:
    int count = 0;

protected:
    bool eventFilter(QObject* receiver, QEvent* event) override
    {
        if (event->type() == QEvent::MetaCall && receiver->metaObject() == &QObject::staticMetaObject)
            ++count;
        return false;
    }
};

} // namespace

class TestGroupCommitter : public QObject
{
    Q_OBJECT

private slots:
    void answersOnTheCallersEventLoopThread();
    void withoutEventLoop_answersOnTheCommittersThread();
    void batchesAndSinglesAllLand();
    void groupFromTwoThreads_eachThreadAnsweredInOrder_inOneCall();
    void callerThreadEnded_answeredOnTheCommittersThread();
    void stop_drainsWhatWasQueued();
    void afterStop_nothingIsTaken();
    void afterAQuietWhile_movesTheEventTailIntoTheIndexes();
    void observer_toldOfEachGroupOfSingles_notOfBatches();
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

    Semaphore answered;
    QThread* singleThread = nullptr;
    QThread* batchThread = nullptr;
    bool singleOk = false;
    bool batchOk = false;
    // Queued to the caller's thread, saying so to ThreadSanitizer (threadhandoff.h).
    ThreadHandoff::post(&anchor, &anchor, [&] {
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
    Semaphore answered;
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
    Semaphore answered;
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

// One group holds events of the main thread and of another event-loop thread, interleaved: each thread gets its
// own answers, on itself, in submission order, all of them in one queued call (one wakeup per thread and group).
void TestGroupCommitter::groupFromTwoThreads_eachThreadAnsweredInOrder_inOneCall()
{
    TestStore store;
    QVERIFY(seed(store));
    GroupCommitter committer(store.service());
    CommitterHold hold(committer);
    QVERIFY(hold.waitUntilHeld());
    QThread other;
    other.start();
    QObject otherAnchor;
    otherAnchor.moveToThread(&other);

    constexpr int PerThread = 20;
    QList<int> mainOrder;
    QList<int> otherOrder;
    bool mainOnMain = true;
    bool otherOnOther = true;
    Semaphore otherAnswered;
    QueuedCallCounter counter;
    QEventLoop loop;
    QMetaObject::invokeMethod(
        &loop,
        [&] {
            for (int i = 0; i < PerThread; ++i) {
                committer.submit(tokens(1), [&, i](Result<RecordResult> r) {
                    mainOnMain =
                        mainOnMain && r.ok() && QThread::currentThread() == QCoreApplication::instance()->thread();
                    mainOrder << i;
                    if (mainOrder.size() == PerThread)
                        loop.quit();
                });
                QMetaObject::invokeMethod(
                    &otherAnchor,
                    [&, i] {
                        committer.submit(tokens(2), [&, i](Result<RecordResult> r) {
                            otherOnOther = otherOnOther && r.ok() && QThread::currentThread() == &other;
                            otherOrder << i;
                            if (otherOrder.size() == PerThread)
                                otherAnswered.release();
                        });
                    },
                    Qt::BlockingQueuedConnection);
            }
            QCoreApplication::instance()->installEventFilter(&counter);
            hold.release(); // all 40 events are queued: the next group takes them together
        },
        Qt::QueuedConnection);
    QTimer::singleShot(10'000, &loop, &QEventLoop::quit);
    loop.exec();
    QCoreApplication::instance()->removeEventFilter(&counter);
    QVERIFY(otherAnswered.tryAcquire(1, 10'000));
    other.quit();
    other.wait();

    QList<int> inOrder;
    for (int i = 0; i < PerThread; ++i)
        inOrder << i;
    QCOMPARE(mainOrder, inOrder);
    QCOMPARE(otherOrder, inOrder);
    QVERIFY(mainOnMain);
    QVERIFY(otherOnOther);
    QCOMPARE(counter.count, 1); // the main thread's 20 answers came in one queued call
    QCOMPARE(usedTokens(store), 1.0 + PerThread * 1 + PerThread * 2);
}

// A caller whose thread ran an event loop but has ended by the time its group commits is answered on the
// committer's thread (there is no one left to run a posted answer).
void TestGroupCommitter::callerThreadEnded_answeredOnTheCommittersThread()
{
    TestStore store;
    QVERIFY(seed(store));
    GroupCommitter committer(store.service());
    CommitterHold hold(committer);
    QVERIFY(hold.waitUntilHeld());
    Semaphore answered;
    QThread* answeredOn = nullptr;
    bool ok = false;
    // A std::thread, joined: its thread_local state (the caller's home) is gone after join().
    std::thread caller([&] {
        QEventLoop loop;
        QMetaObject::invokeMethod(
            &loop,
            [&] {
                committer.submit(tokens(4), [&](Result<RecordResult> r) {
                    ok = r.ok();
                    answeredOn = QThread::currentThread();
                    answered.release();
                });
                loop.quit();
            },
            Qt::QueuedConnection);
        loop.exec();
    });
    caller.join();
    hold.release();
    QVERIFY(answered.tryAcquire(1, 10'000));
    QVERIFY(ok);
    QCOMPARE(answeredOn, hold.committerThread());
    QCOMPARE(usedTokens(store), 5.0);
}

// stop() while events wait in the queue: they are committed and answered before the thread ends.
void TestGroupCommitter::stop_drainsWhatWasQueued()
{
    TestStore store;
    QVERIFY(seed(store));
    GroupCommitter committer(store.service());
    CommitterHold hold(committer);
    QVERIFY(hold.waitUntilHeld());
    QAtomicInt created = 0;
    for (int i = 0; i < 5; ++i)
        committer.submit(tokens(10), [&](Result<RecordResult> r) {
            if (r.ok())
                created.ref();
        });
    std::thread releaser([&] {
        QThread::msleep(50); // stop() below is waiting for the committer by then
        hold.release();
    });
    committer.stop();
    releaser.join();
    QCOMPARE(created.loadRelaxed(), 5);
    QCOMPARE(usedTokens(store), 51.0);
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

// A short event tail (core/eventtail.h) would wait for TailLength events; an idle committer moves it at once.
void TestGroupCommitter::afterAQuietWhile_movesTheEventTailIntoTheIndexes()
{
    TestStore store;
    QVERIFY(seed(store));
    const auto tail = [&store] {
        QSqlQuery q(store.db().connection());
        const bool read = q.exec(u"SELECT (SELECT COALESCE(MAX(seq), 0) FROM events)"
                                 " - (SELECT value FROM meta WHERE key = 'events_indexed_through')"_s)
                          && q.next();
        return read ? q.value(0).toLongLong() : -1;
    };
    GroupCommitter committer(store.service());
    Semaphore answered;
    for (int i = 0; i < 3; ++i)
        committer.submit(tokens(1), [&](Result<RecordResult> r) {
            QVERIFY(r.ok());
            answered.release();
        });
    QVERIFY(answered.tryAcquire(3, 10'000));
    if (store.db().kind() == Database::Kind::Sqlite) {
        QTRY_COMPARE_WITH_TIMEOUT(tail(), 0, 10'000); // 3 until the quiet time is up
    }
    EventQuery query;
    query.customerId = u"acme"_s;
    auto page = store->events(query);
    QVERIFY(page.ok());
    QCOMPARE(page->data.size(), 3);
}

// The observer hears of each group of single records once it is written, with its size and its time; a batch is
// its own transaction, not a group, and is not reported.
void TestGroupCommitter::observer_toldOfEachGroupOfSingles_notOfBatches()
{
    TestStore store;
    QVERIFY(seed(store));
    QMutex mutex;
    QList<std::pair<int, qint64>> groups;
    GroupCommitter committer(store.service(), 1000, [&](int events, qint64 micros) {
        QMutexLocker lock(&mutex);
        groups << std::pair(events, micros);
    });
    CommitterHold hold(committer);
    QVERIFY(hold.waitUntilHeld());
    for (int i = 0; i < 7; ++i)
        committer.submit(tokens(1), [](Result<RecordResult>) {});
    committer.submitBatch({tokens(1), tokens(1)}, [](Result<BatchResult>) {});
    committer.submit(tokens(1), [](Result<RecordResult>) {}); // after the batch: a group of its own
    hold.release();
    committer.stop();

    QMutexLocker lock(&mutex);
    QCOMPARE(groups.size(), 3);
    QCOMPARE(groups[0].first, 1); // the hold's
    QCOMPARE(groups[1].first, 7);
    QCOMPARE(groups[2].first, 1);
    for (const auto& [events, micros] : std::as_const(groups))
        QVERIFY2(micros > 0, qPrintable(QString::number(micros))); // a transaction with a commit takes time
    QCOMPARE(usedTokens(store), 11.0);
}

QTEST_GUILESS_MAIN(TestGroupCommitter)
#include "testgroupcommitter.moc"
