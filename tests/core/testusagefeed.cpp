// The usage feed (GET /v1/usage/changes, Service::usageChanges): which customers' usage moved since a cursor
// and their current figures per limit-period window, on SQLite and PostgreSQL. The dashboard's incremental
// sync reads it instead of the whole month's summary.

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include "core/periods.h"
#include "core/service.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

void record(TestStore& store, const QString& customer, double tokens, const QString& model = u"gpt-4o"_s)
{
    EventInput in;
    in.customerId = customer;
    in.eventType = u"llm.completion"_s;
    in.value = tokens;
    in.dimensions = {{u"model"_s, model}};
    const auto done = store->record(in);
    VERIFY_OK(done);
}

// Two customers with usage in three meters (sum, count, unique_count), the feed's cursor after it.
void seed(TestStore& store)
{
    for (const Meter& m : {meter(u"tokens"_s, Aggregation::Sum),
                           meter(u"requests"_s, Aggregation::Count),
                           meter(u"models"_s, Aggregation::UniqueCount, {}, u"model"_s)}) {
        const auto created = store->createMeter(m);
        VERIFY_OK(created);
    }
    CHECKED(addCustomer(store, u"acme"_s));
    CHECKED(addCustomer(store, u"globex"_s));
    CHECKED(record(store, u"acme"_s, 100));
    CHECKED(record(store, u"globex"_s, 50));
}

// On SQLite the feed lists exactly the customers with events after the cursor. On PostgreSQL it also lists
// again those of transactions that were still open anywhere in the cluster when the cursor was taken (other
// tests' transactions included): never fewer, so there the tests check containment.
bool exactFeed(const TestStore& store)
{
    return !store.location().isPostgres();
}

const UsageWindowFigures* windowOf(const UsageChangePage& page, Period period)
{
    for (const UsageWindowFigures& w : page.windows) {
        if (w.period == period)
            return &w;
    }
    return nullptr;
}

// An event row written by hand on a raw connection inside a transaction the test holds open: a second
// writer (another server on PostgreSQL) whose event is stored but not yet committed.
bool insertRawEvent(QSqlDatabase& raw, const QString& customer, const QString& id, qint64 ms)
{
    QSqlQuery q(raw);
    q.prepare(u"INSERT INTO events (id, customer_id, event_type, value, dimensions, ts, created_at)"
              " VALUES (?, ?, 'llm.completion', 1, '{}', ?, ?)"_s);
    q.addBindValue(id);
    q.addBindValue(customer);
    q.addBindValue(ms);
    q.addBindValue(ms);
    if (!q.exec()) {
        qWarning() << q.lastError().text();
        return false;
    }
    return true;
}

} // namespace

class TestUsageFeed : public QObject
{
    Q_OBJECT

private slots:
    void oneRecordedEvent_yieldsExactlyThatCustomersFigures();
    void latest_thenNothingMoved();
    void moreCustomersThanTheLimit_isTruncated();
    void windowsNameTheirRanges_andRollOver();
    void rejectsBadLimitAndCursor();
    void eventOfATransactionStillOpen_isListedOnceItCommits();
};

void TestUsageFeed::oneRecordedEvent_yieldsExactlyThatCustomersFigures()
{
    TestStore store;
    CHECKED(seed(store));
    const auto cursor = store->latestUsageChange();
    VERIFY_OK(cursor);
    CHECKED(record(store, u"acme"_s, 25, u"claude"_s));

    const auto page = store->usageChanges(cursor.value(), 1000);
    VERIFY_OK(page);
    if (exactFeed(store))
        QCOMPARE(page->customers, QStringList{u"acme"_s});
    QVERIFY(page->customers.contains(u"acme"_s));
    QVERIFY(!page->truncated);
    // On PostgreSQL a transaction left open elsewhere in the cluster may hold the cursor where it was.
    QVERIFY(exactFeed(store) ? page->nextCursor > cursor.value() : page->nextCursor >= cursor.value());
    QCOMPARE(page->windows.size(), 5);
    // Each window holds the listed customers' figures and no one else's, equal to the summary of that window.
    for (Period period : {Period::Hour, Period::Day, Period::Week, Period::Month, Period::Lifetime}) {
        const UsageWindowFigures* w = windowOf(*page, period);
        QVERIFY2(w, qPrintable(toString(period)));
        const TimeRange range = Periods::window(period, store.now());
        QCOMPARE(w->from, range.from);
        QCOMPARE(w->to, range.to);
        QList<SummaryRow> expected;
        for (const QString& customer : page->customers) {
            const auto summary = store->usageSummary(range, customer, {}, 1000);
            VERIFY_OK(summary);
            expected << summary->data;
        }
        QCOMPARE(w->data, expected);
    }
    QList<SummaryRow> acmeMonth;
    for (const SummaryRow& row : windowOf(*page, Period::Month)->data) {
        if (row.customerId == u"acme"_s)
            acmeMonth << row;
    }
    QCOMPARE(
        acmeMonth,
        (QList<SummaryRow>{{u"acme"_s, u"models"_s, 2}, {u"acme"_s, u"requests"_s, 2}, {u"acme"_s, u"tokens"_s, 125}}));

    // Followed from its next cursor, the feed has nothing new; the windows are still named.
    const auto after = store->usageChanges(page->nextCursor, 1000);
    VERIFY_OK(after);
    QCOMPARE(after->windows.size(), 5);
    if (exactFeed(store)) {
        QVERIFY(after->customers.isEmpty());
        for (const UsageWindowFigures& w : after->windows)
            QVERIFY(w.data.isEmpty());
        QCOMPARE(after->nextCursor, page->nextCursor);
    }
}

void TestUsageFeed::latest_thenNothingMoved()
{
    TestStore store;
    const auto empty = store->latestUsageChange();
    VERIFY_OK(empty);
    CHECKED(seed(store));
    const auto everything = store->usageChanges(empty.value(), 1000);
    VERIFY_OK(everything);
    QCOMPARE(everything->customers, (QStringList{u"acme"_s, u"globex"_s}));
    const auto latest = store->latestUsageChange();
    VERIFY_OK(latest);
    const auto none = store->usageChanges(latest.value(), 1000);
    VERIFY_OK(none);
    if (exactFeed(store))
        QVERIFY(none->customers.isEmpty());
}

void TestUsageFeed::moreCustomersThanTheLimit_isTruncated()
{
    TestStore store;
    CHECKED(seed(store));
    CHECKED(addCustomer(store, u"initech"_s));
    const auto cursor = store->latestUsageChange();
    VERIFY_OK(cursor);
    CHECKED(record(store, u"acme"_s, 1));
    CHECKED(record(store, u"globex"_s, 1));
    CHECKED(record(store, u"initech"_s, 1));
    CHECKED(record(store, u"initech"_s, 1)); // one customer twice still counts once

    const auto exact = store->usageChanges(cursor.value(), 3);
    VERIFY_OK(exact);
    QVERIFY(!exact->truncated);
    QCOMPARE(exact->customers, (QStringList{u"acme"_s, u"globex"_s, u"initech"_s}));

    const auto over = store->usageChanges(cursor.value(), 2);
    VERIFY_OK(over);
    QVERIFY(over->truncated);
    QVERIFY(over->customers.isEmpty());
    QVERIFY(over->windows.isEmpty());
    // The client reads the summaries and follows on from here. (On PostgreSQL the cursor is the cluster's
    // oldest open transaction, which other sessions move between the two reads.)
    if (exactFeed(store))
        QCOMPARE(over->nextCursor, exact->nextCursor);
    QVERIFY(over->nextCursor >= exact->nextCursor);
}

void TestUsageFeed::windowsNameTheirRanges_andRollOver()
{
    TestStore store;
    CHECKED(seed(store));
    const auto cursor = store->latestUsageChange();
    VERIFY_OK(cursor);
    const auto before = store->usageChanges(cursor.value(), 1000);
    VERIFY_OK(before);
    store.setNow(utc(2026, 3, 15, 13, 0, 0)); // the next hour, the same day
    const auto after = store->usageChanges(cursor.value(), 1000);
    VERIFY_OK(after);
    QCOMPARE(windowOf(*before, Period::Hour)->from, utc(2026, 3, 15, 12));
    QCOMPARE(windowOf(*after, Period::Hour)->from, utc(2026, 3, 15, 13));
    QCOMPARE(windowOf(*after, Period::Day)->from, windowOf(*before, Period::Day)->from);
    QVERIFY(!windowOf(*after, Period::Lifetime)->from.isValid());
    QVERIFY(!windowOf(*after, Period::Lifetime)->to.isValid());
}

void TestUsageFeed::rejectsBadLimitAndCursor()
{
    TestStore store;
    for (int limit : {0, 10001}) {
        const auto page = store->usageChanges(0, limit);
        QVERIFY(!page.ok());
        QCOMPARE(page.error().field, u"limit"_s);
    }
    const auto negative = store->usageChanges(-1, 10);
    QVERIFY(!negative.ok());
    QCOMPARE(negative.error().field, u"since"_s);
    QVERIFY(store->usageChanges(0, 1).ok());
    QVERIFY(store->usageChanges(0, 10000).ok());
}

void TestUsageFeed::eventOfATransactionStillOpen_isListedOnceItCommits()
{
    // Another writer stores an event and has not committed. On PostgreSQL a second server commits a later
    // event meanwhile (a higher seq, visible first): a cursor past that seq would skip the open one for good.
    TestStore store;
    CHECKED(seed(store));
    const auto cursor = store->latestUsageChange();
    VERIFY_OK(cursor);
    {
        QSqlDatabase raw = store.location().rawConnection(u"second-writer"_s);
        QVERIFY(raw.isOpen());
        QVERIFY(raw.transaction());
        QVERIFY(insertRawEvent(raw, u"late"_s, u"evt_late"_s, store.now().toMSecsSinceEpoch()));
        if (store.location().isPostgres())
            CHECKED(record(store, u"acme"_s, 5)); // SQLite has one writer: this would wait for the open one
        const auto whileOpen = store->usageChanges(cursor.value(), 1000);
        VERIFY_OK(whileOpen);
        QVERIFY(!whileOpen->customers.contains(u"late"_s));
        if (exactFeed(store))
            QVERIFY(whileOpen->customers.isEmpty());
        else
            QVERIFY(whileOpen->customers.contains(u"acme"_s));
        QVERIFY(raw.commit());

        const auto afterCommit = store->usageChanges(whileOpen->nextCursor, 1000);
        VERIFY_OK(afterCommit);
        QVERIFY2(afterCommit->customers.contains(u"late"_s), qPrintable(afterCommit->customers.join(u',')));
        raw.close();
    }
    QSqlDatabase::removeDatabase(u"second-writer"_s);
}

QTEST_GUILESS_MAIN(TestUsageFeed)
#include "testusagefeed.moc"
