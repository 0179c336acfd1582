// TestRecyclingQueue: the connection's queue of pending requests: first in, first out across reuse and compaction
// of its storage, and a popped element destroyed at once (its body and stream go with it, not when the queue empties).

#include <QTest>
#include <memory>

#include "server/http/recyclingqueue.h"

using Meterline::Http::RecyclingQueue;

namespace
{

// Counts live instances; large like a pending request.
struct Item
{
    explicit Item(int value, std::shared_ptr<int> live)
        : value(value)
        , live(std::move(live))
    {
        ++*this->live;
    }
    Item(Item&& other) noexcept
        : value(other.value)
        , live(other.live)
    {
        ++*live;
    }
    Item& operator=(Item&& other) noexcept
    {
        value = other.value;
        return *this;
    }
    ~Item() { --*live; }
    int value;
    std::shared_ptr<int> live;
    char padding[600] = {};
};

} // namespace

class TestRecyclingQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fifo_acrossReuseAndCompaction();
    void popFront_destroysAtOnce();
};

void TestRecyclingQueue::fifo_acrossReuseAndCompaction()
{
    // a queue that is never empty for long (pipelining) and one that empties after each element (keep-alive)
    auto live = std::make_shared<int>(0);
    RecyclingQueue<Item> queue;
    int next = 0;
    int expected = 0;
    for (int round = 0; round < 5000; ++round) {
        const int push = round % 7 == 0 ? 3 : 1; // sometimes three in, always one out: the queue grows, then drains
        for (int i = 0; i < push; ++i)
            queue.emplace_back(next++, live);
        QCOMPARE(queue[queue.size() - 1].value, next - 1);
        QCOMPARE(queue.front().value, expected);
        queue.pop_front();
        ++expected;
        QCOMPARE(int(queue.size()), next - expected);
        QCOMPARE(*live, next - expected);
    }
    while (!queue.empty()) {
        QCOMPARE(queue.front().value, expected++);
        queue.pop_front();
    }
    QCOMPARE(expected, next);
    QCOMPARE(*live, 0);
}

void TestRecyclingQueue::popFront_destroysAtOnce()
{
    auto live = std::make_shared<int>(0);
    RecyclingQueue<Item> queue;
    queue.emplace_back(1, live);
    queue.emplace_back(2, live);
    queue.emplace_back(3, live);
    QCOMPARE(*live, 3);
    queue.pop_front();
    QCOMPARE(*live, 2); // not kept until the queue empties
    QCOMPARE(queue.front().value, 2);
    QCOMPARE(queue[1].value, 3);
    queue.clear();
    QCOMPARE(*live, 0);
    QVERIFY(queue.empty());
    queue.emplace_back(4, live); // storage reused
    QCOMPARE(queue.front().value, 4);
    QCOMPARE(queue.size(), std::size_t(1));
}

QTEST_GUILESS_MAIN(TestRecyclingQueue)
#include "testrecyclingqueue.moc"
