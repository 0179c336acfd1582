// The event tail (core/eventtail.h): on SQLite, events are stored outside the per-customer indexes and
// flagged into them in bulk once TailLength of them wait. Every read of one customer's events must see both
// the indexed rows and the tail, at every length of the tail, and the flagging must happen exactly when the
// tail reaches TailLength. SQLite only (PostgreSQL indexes each event as it is stored): no @postgresql twin.

#include <QSqlQuery>
#include <QTest>

#include "core/database.h"
#include "core/eventtail.h"
#include "core/schema.h"
#include "core/service.h"
#include "core/types.h"
#include "testsupport.h"

using namespace Meterline;
using Meterline::Testing::meter;
using Meterline::Testing::TestLocation;
using Meterline::Testing::TestStore;
using Meterline::Testing::utc;

namespace
{

const QString Acme = QStringLiteral("cust_acme");
const QString Beta = QStringLiteral("cust_beta");
const QString Users = QStringLiteral("active-users");
const QString Tokens = QStringLiteral("llm-tokens");

// What the store says of its tail: the mark, and the events on each side of it by flag.
struct TailState
{
    qint64 mark = -1;
    qint64 lastSeq = -1;
    qint64 unindexed = -1;
    qint64 unindexedAtOrBelowMark = -1;
};

TailState tailState(Database& db)
{
    TailState t;
    QSqlQuery q(db.connection());
    if (q.exec(QStringLiteral("SELECT (SELECT value FROM meta WHERE key = 'events_indexed_through'),"
                              " (SELECT COALESCE(MAX(seq), 0) FROM events),"
                              " (SELECT COUNT(*) FROM events WHERE indexed = 0),"
                              " (SELECT COUNT(*) FROM events WHERE indexed = 0 AND seq <= (SELECT value FROM meta"
                              " WHERE key = 'events_indexed_through'))"))
        && q.next()) {
        t.mark = q.value(0).toLongLong();
        t.lastSeq = q.value(1).toLongLong();
        t.unindexed = q.value(2).toLongLong();
        t.unindexedAtOrBelowMark = q.value(3).toLongLong();
    }
    return t;
}

EventInput usageEvent(const QString& customer, int i, const QDateTime& at)
{
    EventInput e;
    e.customerId = customer;
    e.eventType = QStringLiteral("llm.completion");
    e.value = 10 + i % 7;
    e.dimensions = {{QStringLiteral("user"), QStringLiteral("u%1").arg(i % 13)}};
    e.timestamp = at.addMSecs(i);
    return e;
}

// count events numbered from first, the customers taken in turn.
QList<EventInput> usageEvents(const QStringList& customers, int count, const QDateTime& at, int first = 0)
{
    QList<EventInput> events;
    for (int i = first; i < first + count; ++i)
        events << usageEvent(customers.at(i % customers.size()), i, at);
    return events;
}

// Every event of one customer, newest first, read page by page through the customer filter.
QList<Event> listAll(Service& service, const QString& customer, int pageSize)
{
    QList<Event> all;
    EventQuery query;
    query.customerId = customer;
    query.limit = pageSize;
    for (;;) {
        auto page = service.events(query);
        if (!page.ok())
            return {};
        all << page->data;
        if (page->nextCursor.isEmpty())
            return all;
        query.cursor = page->nextCursor;
    }
}

// The same events read without the customer filter (the path that never reads the tail apart).
QList<Event> listAllUnfiltered(Service& service, const QString& customer)
{
    QList<Event> all;
    EventQuery query;
    query.limit = 1000;
    for (;;) {
        auto page = service.events(query);
        if (!page.ok())
            return {};
        for (const Event& e : std::as_const(page->data)) {
            if (e.customerId == customer)
                all << e;
        }
        if (page->nextCursor.isEmpty())
            return all;
        query.cursor = page->nextCursor;
    }
}

QStringList idsOf(const QList<Event>& events)
{
    QStringList ids;
    for (const Event& e : events)
        ids << e.id;
    return ids;
}

// The details of SQLite's plan for sql (EXPLAIN QUERY PLAN), one line per step; empty if it cannot run.
QStringList queryPlan(Database& db, const QString& sql, const QVariantList& values)
{
    QSqlQuery q(db.connection());
    if (!q.prepare(QStringLiteral("EXPLAIN QUERY PLAN ") + sql))
        return {};
    for (const QVariant& v : values)
        q.addBindValue(v);
    QStringList plan;
    if (!q.exec())
        return {};
    while (q.next())
        plan << q.value(3).toString();
    return plan;
}

// Column 0 of every row of sql.
QStringList column(Database& db, const QString& sql)
{
    QSqlQuery q(db.connection());
    QStringList values;
    if (q.exec(sql)) {
        while (q.next())
            values << q.value(0).toString();
    }
    return values;
}

} // namespace

class TestSqliteEventTail : public QObject
{
    Q_OBJECT

private:
    static void setUpCatalog(TestStore& store)
    {
        VERIFY_OK(store->createMeter(
            meter(Users, Aggregation::UniqueCount, {QStringLiteral("llm.*")}, QStringLiteral("user"))));
        VERIFY_OK(store->createMeter(meter(Tokens, Aggregation::Sum, {QStringLiteral("llm.*")})));
        for (const QString& id : {Acme, Beta})
            VERIFY_OK(store->createCustomer(Customer{id, id, {}, {}, {}, {}}));
        Limit seats;
        seats.customerId = Acme;
        seats.meterId = Users;
        seats.period = Period::Month;
        seats.value = 100;
        VERIFY_OK(store->createLimit(seats));
    }

    // Reads of Acme's events that must agree with what the test recorded: listing (paged across the mark),
    // raw usage (unique_count, and a dimension filter), and the unique_count limit check.
    static void verifyReads(TestStore& store, const QList<EventInput>& acmeEvents)
    {
        const QList<Event> listed = listAll(store.service(), Acme, 37);
        QCOMPARE(listed.size(), acmeEvents.size());
        QCOMPARE(idsOf(listed), idsOf(listAllUnfiltered(store.service(), Acme)));

        QSet<QString> users;
        double u3 = 0;
        for (const EventInput& e : acmeEvents) {
            users.insert(e.dimensions.value(QStringLiteral("user")));
            if (e.dimensions.value(QStringLiteral("user")) == QLatin1String("u3"))
                u3 += *e.value;
        }
        UsageQuery unique;
        unique.meterId = Users;
        unique.customerId = Acme;
        unique.period = NamedPeriod::CurrentMonth;
        auto distinct = store->usage(unique);
        VERIFY_OK(distinct);
        QCOMPARE(distinct->value, double(users.size()));

        UsageQuery filtered;
        filtered.meterId = Tokens;
        filtered.customerId = Acme;
        filtered.period = NamedPeriod::CurrentMonth;
        filtered.filters = {{QStringLiteral("user"), QStringLiteral("u3")}};
        auto sum = store->usage(filtered);
        VERIFY_OK(sum);
        QCOMPARE(sum->value, u3);

        auto check = store->check(CheckRequest{Acme, Users, {}, 300});
        VERIFY_OK(check);
        QCOMPARE(check->used, double(users.size()));
    }

private Q_SLOTS:
    void newStore_startsWithAnEmptyTail()
    {
        TestStore store;
        const TailState t = tailState(store.db());
        QCOMPARE(t.mark, 0);
        QCOMPARE(t.lastSeq, 0);
    }

    // One event short of TailLength stays unindexed; the event that makes it TailLength flags them all.
    void record_flagsTheTailExactlyWhenItReachesTailLength()
    {
        TestStore store;
        CHECKED(setUpCatalog(store));
        auto batch = store->recordBatch(usageEvents({Beta, Acme}, EventTail::TailLength - 1, utc(2026, 3, 2)));
        VERIFY_OK(batch);
        QCOMPARE(batch->accepted, EventTail::TailLength - 1);
        TailState t = tailState(store.db());
        QCOMPARE(t.mark, 0);
        QCOMPARE(t.unindexed, EventTail::TailLength - 1);

        VERIFY_OK(store->record(usageEvent(Acme, 5000, utc(2026, 3, 3))));
        t = tailState(store.db());
        QCOMPARE(t.lastSeq, EventTail::TailLength);
        QCOMPARE(t.mark, EventTail::TailLength);
        QCOMPARE(t.unindexed, 0);

        // The next event starts a new tail.
        VERIFY_OK(store->record(usageEvent(Beta, 5001, utc(2026, 3, 3))));
        t = tailState(store.db());
        QCOMPARE(t.mark, EventTail::TailLength);
        QCOMPARE(t.unindexed, 1);
        QCOMPARE(t.unindexedAtOrBelowMark, 0);
    }

    // An idle writer flags a short tail at once (Service::indexEventTail), and an empty one costs nothing.
    void indexEventTail_flagsAShortTail()
    {
        TestStore store;
        CHECKED(setUpCatalog(store));
        auto none = store->indexEventTail();
        VERIFY_OK(none);
        QCOMPARE(none.value(), 0);
        const QList<EventInput> events = usageEvents({Acme, Beta}, 3, utc(2026, 3, 2));
        VERIFY_OK(store->recordBatch(events));
        QCOMPARE(tailState(store.db()).unindexed, 3);
        auto flagged = store->indexEventTail();
        VERIFY_OK(flagged);
        QCOMPARE(flagged.value(), 3);
        const TailState t = tailState(store.db());
        QCOMPARE(t.mark, 3);
        QCOMPARE(t.unindexed, 0);
        auto again = store->indexEventTail();
        VERIFY_OK(again);
        QCOMPARE(again.value(), 0);
        CHECKED(verifyReads(store, {events[0], events[2]})); // Acme's
    }

    // A group commit (the server's recordEach) that crosses TailLength flags in its own transaction.
    void recordEach_crossingTailLength_flagsEverythingItStored()
    {
        TestStore store;
        CHECKED(setUpCatalog(store));
        for (const auto& r : store->recordEach(usageEvents({Acme}, EventTail::TailLength + 10, utc(2026, 3, 2))))
            VERIFY_OK(r);
        const TailState t = tailState(store.db());
        QCOMPARE(t.mark, EventTail::TailLength + 10);
        QCOMPARE(t.unindexed, 0);
    }

    // Reads of one customer see every event, with the tail empty, partly full, and after a flagging.
    void customerReads_seeTheIndexedRowsAndTheTail()
    {
        TestStore store;
        CHECKED(setUpCatalog(store));
        QList<EventInput> acme;
        int i = 0;
        const auto recordSome = [&](int count) {
            const QList<EventInput> inputs = usageEvents({Beta, Acme, Acme}, count, utc(2026, 3, 2), i);
            i += count;
            for (const EventInput& e : inputs) {
                if (e.customerId == Acme)
                    acme << e;
            }
            auto batch = store->recordBatch(inputs);
            QVERIFY(batch.ok() && batch->accepted == count);
        };

        CHECKED(verifyReads(store, acme)); // nothing stored
        CHECKED(recordSome(300));          // all in the tail
        QCOMPARE(tailState(store.db()).mark, 0);
        CHECKED(verifyReads(store, acme));
        CHECKED(recordSome(EventTail::TailLength)); // flags all 300 + TailLength
        QCOMPARE(tailState(store.db()).mark, 300 + EventTail::TailLength);
        CHECKED(recordSome(500)); // indexed rows and a tail
        TailState t = tailState(store.db());
        QCOMPARE(t.mark, 300 + EventTail::TailLength);
        QCOMPARE(t.unindexed, 500);
        CHECKED(verifyReads(store, acme));
    }

    // An event whose time is older than indexed ones, stored in the tail, is still listed in time order.
    void listing_mergesTheTailIntoTimeOrder()
    {
        TestStore store;
        CHECKED(setUpCatalog(store));
        VERIFY_OK(store->recordBatch(usageEvents({Acme}, EventTail::TailLength, utc(2026, 3, 5))));
        QCOMPARE(tailState(store.db()).unindexed, 0);
        auto late = store->record(usageEvent(Acme, 0, utc(2026, 3, 1))); // in the tail, older than all
        VERIFY_OK(late);
        QCOMPARE(tailState(store.db()).unindexed, 1);
        const QList<Event> listed = listAll(store.service(), Acme, 100);
        QCOMPARE(listed.size(), EventTail::TailLength + 1);
        QCOMPARE(listed.last().id, late->event.id);
        for (qsizetype k = 1; k < listed.size(); ++k)
            QVERIFY(listed[k - 1].timestamp >= listed[k].timestamp);
    }

    // The plan SQLite makes: the indexed part through a partial index, the tail by rowid (not events_ts).
    void customerQuery_usesThePartialIndexAndTheRowidRange()
    {
        TestStore store;
        const EventTail::Query query = EventTail::forCustomer(Database::Kind::Sqlite,
                                                              QStringLiteral("event_type, dimensions"),
                                                              Acme,
                                                              QStringLiteral(" AND ts >= ? AND ts < ?"),
                                                              {qint64(0), qint64(1)});
        const QStringList plan = queryPlan(store.db(), query.sql, query.values);
        QCOMPARE(plan.filter(QStringLiteral("USING INDEX events_customer_ts")).size(), 1);
        QCOMPARE(plan.filter(QStringLiteral("USING INTEGER PRIMARY KEY (rowid>?)")).size(), 1);
        QCOMPARE(plan.filter(QStringLiteral("events_ts")).size(), 0);
    }

    // Schema 9: one per-customer index, in the list's order, with the event type last. A listing filtered by
    // type walks it newest first without a sort of the customer's events (only the tail's part is sorted).
    void typeListing_walksTheOneCustomerIndexInOrder()
    {
        TestStore store;
        QCOMPARE(column(store.db(),
                        QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index'"
                                       " AND name LIKE 'events_customer%'")),
                 QStringList{QStringLiteral("events_customer_ts")});
        QCOMPARE(column(store.db(),
                        QStringLiteral("SELECT name FROM pragma_index_info('events_customer_ts') ORDER BY seqno")),
                 QStringList({"customer_id", "ts", "seq", "event_type"}));

        const EventTail::Query query = EventTail::forCustomer(Database::Kind::Sqlite,
                                                              QStringLiteral("id, ts, seq"),
                                                              Acme,
                                                              QStringLiteral(" AND event_type = ?"),
                                                              {QStringLiteral("llm.embedding")});
        const QStringList plan =
            queryPlan(store.db(), query.sql + QStringLiteral(" ORDER BY ts DESC, seq DESC LIMIT 10"), query.values);
        QCOMPARE(plan.filter(QStringLiteral("USING INDEX events_customer_ts (customer_id=?)")).size(), 1);
        QCOMPARE(plan.filter(QStringLiteral("TEMP B-TREE")).size(), 1); // the tail's part
    }

    // Listing one type of a customer's events, paged across the mark, finds exactly those events, newest
    // first, whether they are indexed or in the tail.
    void typeListing_acrossTheMark_findsOnlyThatType()
    {
        TestStore store;
        CHECKED(setUpCatalog(store));
        QList<EventInput> events = usageEvents({Acme, Beta}, EventTail::TailLength + 300, utc(2026, 3, 5));
        for (qsizetype i = 0; i < events.size(); i += 3)
            events[i].eventType = QStringLiteral("llm.embedding");
        VERIFY_OK(store->recordBatch(events.mid(0, EventTail::TailLength + 100)));
        for (const EventInput& e : events.mid(EventTail::TailLength + 100))
            VERIFY_OK(store->record(e));
        const TailState t = tailState(store.db());
        QVERIFY(t.unindexed > 0 && t.mark > 0);

        QStringList expected; // newest first: the unfiltered listing, filtered here
        for (const Event& e : listAllUnfiltered(store.service(), Acme)) {
            if (e.eventType == QLatin1String("llm.embedding"))
                expected << e.id;
        }
        QVERIFY(expected.size() > 600);
        EventQuery query;
        query.customerId = Acme;
        query.eventType = QStringLiteral("llm.embedding");
        query.limit = 37;
        QStringList listed;
        for (;;) {
            auto page = store->events(query);
            VERIFY_OK(page);
            for (const Event& e : std::as_const(page->data)) {
                QCOMPARE(e.eventType, QStringLiteral("llm.embedding"));
                listed << e.id;
            }
            if (page->nextCursor.isEmpty())
                break;
            query.cursor = page->nextCursor;
        }
        QCOMPARE(listed, expected);
    }

    // A store migrated from schema 7 keeps its events indexed, its mark at the last of them, and numbers
    // new events after them.
    void migrationFromSeven_keepsEventsAndNumbering()
    {
        TestLocation location;
        {
            QSqlDatabase db = location.rawConnection(QStringLiteral("seven"));
            QVERIFY(Schema::migrate(db, Database::Kind::Sqlite, 7).ok());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("INSERT INTO customers (id, name, created_at, updated_at)"
                                          " VALUES ('cust_acme', 'Acme', 0, 0)")));
            for (int i = 1; i <= 3; ++i) {
                QVERIFY(q.exec(QStringLiteral("INSERT INTO events (id, customer_id, event_type, value, dimensions,"
                                              " ts, created_at) VALUES ('evt_old%1', 'cust_acme', 'llm.completion',"
                                              " 1, '{}', %2, 0)")
                                   .arg(i)
                                   .arg(utc(2026, 3, 1).toMSecsSinceEpoch() + i)));
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("seven"));

        Database::Options options;
        options.durable = false;
        auto opened = Database::open(location.spec(), options);
        VERIFY_OK(opened);
        Database& db = *opened.value();
        TailState t = tailState(db);
        QCOMPARE(t.mark, 3);
        QCOMPARE(t.unindexed, 0);
        Service service(db, [] { return utc(2026, 3, 15); });
        auto recorded = service.record(usageEvent(Acme, 1, utc(2026, 3, 2)));
        VERIFY_OK(recorded);
        t = tailState(db);
        QCOMPARE(t.lastSeq, 4);
        QCOMPARE(t.unindexed, 1);
        EventQuery query;
        query.customerId = Acme;
        auto page = service.events(query);
        VERIFY_OK(page);
        const QStringList expected = QStringList() << recorded->event.id << QStringLiteral("evt_old3")
                                                   << QStringLiteral("evt_old2") << QStringLiteral("evt_old1");
        QCOMPARE(idsOf(page->data), expected);
    }
};

QTEST_GUILESS_MAIN(TestSqliteEventTail)
#include "testsqliteeventtail.moc"
