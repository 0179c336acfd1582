// Transient store failures: Service reruns an operation that failed transiently (a lost connection, a deadlock, a
// lost race), a bounded number of times, and never reruns one that failed for good; a lost connection is replaced
// and the write lands once; a COMMIT whose answer was lost is resolved from the server, never guessed.

#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTest>

#include "core/sql.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;

namespace
{

const QString Cust = QStringLiteral("cust_retry");

Error transient()
{
    return Error{ErrorCode::Transient, QStringLiteral("server closed the connection unexpectedly"), {}};
}

qint64 ledgerSum(TestStore& store, int* rows)
{
    auto page = store->transactions(Cust, {}, 1000);
    if (!page.ok())
        return -1;
    qint64 sum = 0;
    for (const LedgerTransaction& t : page->data)
        sum += t.amount.micros();
    *rows = int(page->data.size());
    return sum;
}

// PostgreSQL ends the session of connection from the server side, as a restart or a network cut would.
void endSession(TestStore& store, const QSqlDatabase& connection)
{
    auto pid = Sql::scalar(connection, QStringLiteral("SELECT pg_backend_pid()"));
    VERIFY_OK(pid);
    {
        QSqlDatabase admin = store.location().rawConnection(QStringLiteral("killer"));
        QSqlQuery q(admin);
        q.prepare(QStringLiteral("SELECT pg_terminate_backend(?)"));
        q.addBindValue(pid.value()->toInt());
        QVERIFY(q.exec() && q.next() && q.value(0).toBool());
    }
    QSqlDatabase::removeDatabase(QStringLiteral("killer"));
    QTest::qWait(100);
}

} // namespace

// SQLite's stand-in for a lost connection: closed under the store. Its prepared statements go first, as when the
// store itself lets a connection go: sqlite3_close refuses a handle with statements open, and Qt then drops the
// handle unclosed (AddressSanitizer's leak check found the handle this test left behind).
void closeUnderneath(const Meterline::Database& db)
{
    QSqlDatabase connection = db.connection();
    Meterline::Sql::forgetConnection(connection.connectionName());
    connection.close();
}

class TestRetry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void retrying_rerunsTransientFailuresUntilSuccess()
    {
        TestStore store;
        int calls = 0;
        const Result<int> r = Sql::retrying(store.db(), [&]() -> Result<int> {
            ++calls;
            if (calls < 3)
                return transient();
            return 42;
        });
        VERIFY_OK(r);
        QCOMPARE(r.value(), 42);
        QCOMPARE(calls, 3);
    }

    void retrying_neverRerunsAFailureForGood()
    {
        TestStore store;
        int calls = 0;
        const Result<int> r = Sql::retrying(store.db(), [&]() -> Result<int> {
            ++calls;
            return Error{ErrorCode::InsufficientBalance, QStringLiteral("short"), {}};
        });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InsufficientBalance);
        QCOMPARE(calls, 1);
    }

    void retrying_isBoundedAndEndsAsStorageError()
    {
        TestStore store;
        int calls = 0;
        QElapsedTimer timer;
        timer.start();
        const Result<int> r = Sql::retrying(store.db(), [&]() -> Result<int> {
            ++calls;
            return transient();
        });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Storage); // the internal code never leaves core
        QCOMPARE(calls, 14);
        QVERIFY2(timer.elapsed() < 15'000, qPrintable(QString::number(timer.elapsed())));
    }

    void retrying_eachOfABatchFails()
    {
        TestStore store;
        int calls = 0;
        const auto results = Sql::retrying(store.db(), [&] {
            ++calls;
            return QList<Result<int>>{transient(), transient()};
        });
        QCOMPARE(calls, 14);
        QCOMPARE(results.size(), 2);
        for (const auto& r : results)
            QCOMPARE(r.error().code, ErrorCode::Storage);
    }

    // The thread's connection goes away between two writes: the next write reopens it and lands once.
    void lostConnection_isReplacedAndTheWriteLandsOnce()
    {
        TestStore store;
        Customer c;
        c.id = Cust;
        c.name = QStringLiteral("Retry Co");
        const auto created = store->createCustomer(c);
        VERIFY_OK(created);
        BalanceChange change;
        change.amount = Money::fromMicros(10'000'000);
        const auto credited = store->credit(Cust, change);
        VERIFY_OK(credited);

        if (store.location().isPostgres()) {
            // The server ends the store's session (as a restart or a network cut would); Qt still thinks it open.
            CHECKED(endSession(store, store.db().connection()));
        } else {
            closeUnderneath(store.db());
        }

        change.amount = Money::fromMicros(3'000'000);
        const auto debited = store->debit(Cust, change);
        VERIFY_OK(debited);
        QCOMPARE(debited->balance.balance.micros(), qint64(7'000'000));
        int rows = 0;
        QCOMPARE(ledgerSum(store, &rows), qint64(7'000'000));
        QCOMPARE(rows, 2);
    }

    // Code that uses the store below Service (the webhook dispatcher's queue) gets a new connection too: the
    // statement that met the dropped connection fails (transient), the next connection() is a fresh one.
    void lostConnection_isReplacedForDirectUsers()
    {
        TestStore store;
        if (store.location().isPostgres()) {
            const QSqlDatabase before = store.db().connection();
            CHECKED(endSession(store, before));
            const auto failed = Sql::scalar(before, QStringLiteral("SELECT COUNT(*) FROM customers"));
            QVERIFY(!failed.ok());
            QCOMPARE(failed.error().code, ErrorCode::Transient);
        } else {
            closeUnderneath(store.db());
        }
        const auto counted = Sql::scalar(store.db().connection(), QStringLiteral("SELECT COUNT(*) FROM customers"));
        VERIFY_OK(counted);
        QCOMPARE(counted.value()->toInt(), 0);
    }

    // What a COMMIT whose answer was lost did is read back from the server by the transaction's id.
    void transactionStatus_isReadNotGuessed()
    {
        TestStore store;
        if (!store.location().isPostgres()) {
            // SQLite has no lost COMMIT (no network) and no transaction ids: asking is an error, never "committed".
            QVERIFY(!Sql::WriteTransaction::committed(store.db(), 1).ok());
            return;
        }
        qint64 committedId = 0;
        {
            Sql::WriteTransaction tx(store.db());
            const Status begun = tx.begin(); // VERIFY_OK evaluates its argument twice
            VERIFY_OK(begun);
            auto id = Sql::scalar(tx.db(), QStringLiteral("SELECT txid_current()"));
            VERIFY_OK(id);
            committedId = id.value()->toLongLong();
            const Status done = tx.commit();
            VERIFY_OK(done);
        }
        qint64 abortedId = 0;
        {
            Sql::WriteTransaction tx(store.db());
            const Status begun = tx.begin(); // VERIFY_OK evaluates its argument twice
            VERIFY_OK(begun);
            auto id = Sql::scalar(tx.db(), QStringLiteral("SELECT txid_current()"));
            VERIFY_OK(id);
            abortedId = id.value()->toLongLong();
        } // rolled back
        const auto committed = Sql::WriteTransaction::committed(store.db(), committedId);
        VERIFY_OK(committed);
        QVERIFY(committed.value());
        const auto aborted = Sql::WriteTransaction::committed(store.db(), abortedId);
        VERIFY_OK(aborted);
        QVERIFY(!aborted.value());
    }

    // A statement that failed inside a transaction is never acknowledged as written: on PostgreSQL the
    // transaction is aborted, and commit says so (transient: the whole operation reruns) instead of COMMIT
    // quietly rolling back.
    void failedStatement_isNeverCommittedQuietly()
    {
        TestStore store;
        Status committed = success();
        {
            Sql::WriteTransaction tx(store.db());
            const Status begun = tx.begin(); // VERIFY_OK evaluates its argument twice
            VERIFY_OK(begun);
            const auto inserted =
                Sql::exec(tx.db(), QStringLiteral("INSERT INTO meta (key, value) VALUES ('retry_probe', 1)"));
            VERIFY_OK(inserted);
            const auto failed = Sql::exec(tx.db(), QStringLiteral("INSERT INTO no_such_table (x) VALUES (1)"));
            QVERIFY(!failed.ok());
            committed = tx.commit();
        } // a transaction that did not commit rolls back here
        auto stored =
            Sql::scalar(store.db().connection(), QStringLiteral("SELECT COUNT(*) FROM meta WHERE key = 'retry_probe'"));
        VERIFY_OK(stored);
        if (store.location().isPostgres()) {
            QVERIFY(!committed.ok());
            QCOMPARE(committed.error().code, ErrorCode::Transient);
            QCOMPARE(stored.value()->toInt(), 0);
        } else {
            // SQLite keeps a transaction going after a failed statement: what succeeded is committed.
            VERIFY_OK(committed);
            QCOMPARE(stored.value()->toInt(), 1);
        }
    }
};

QTEST_GUILESS_MAIN(TestRetry)
#include "testretry.moc"
