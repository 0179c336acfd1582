// Values through Sql::run and back: text bound as UTF-8 and read as UTF-8 on SQLite (SqliteStatement), the same
// results through QSqlQuery on PostgreSQL. Names with accents, CJK and emoji come back exactly, are stored as
// UTF-8 (what other readers of the file see), an empty text is '' and not NULL, and a reused statement never
// shows a previous execution's text.

#include <QTest>
#include <limits>

#include "core/sql.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;

namespace
{

// A table of the test's own, on the store's connection.
QSqlDatabase tableIn(TestStore& store)
{
    QSqlDatabase db = store.db().connection();
    QSqlQuery ddl(db); // PostgreSQL cannot prepare DDL, so not through Sql::exec
    if (!ddl.exec(QStringLiteral("CREATE TABLE texts (id INTEGER PRIMARY KEY, body TEXT, number BIGINT)")))
        qWarning() << ddl.lastError().text();
    return db;
}

// The stored bytes of texts.body for id, in hex: what a reader of the raw database sees.
QString storedHex(TestStore& store, const QSqlDatabase& db, int id)
{
    const QString sql = store.location().isPostgres()
                            ? QStringLiteral("SELECT encode(convert_to(body, 'UTF8'), 'hex') FROM texts WHERE id = ?")
                            : QStringLiteral("SELECT hex(body) FROM texts WHERE id = ?");
    auto hex = Sql::scalar(db, sql, {id});
    return hex.ok() && hex.value() ? hex.value()->toString().toLower() : QStringLiteral("(none)");
}

} // namespace

class TestSqlStatement : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void text_roundTripsAsUtf8_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addRow("ascii") << QStringLiteral("cust_acme");
        QTest::addRow("accent") << QStringLiteral("Caf\u00e9 R\u00e9sum\u00e9");
        QTest::addRow("accent first") << QStringLiteral("\u00e9t\u00e9");
        QTest::addRow("cjk") << QStringLiteral("\u65e5\u672c\u8a9e\u306e\u540d\u524d");
        QTest::addRow("emoji") << QStringLiteral("rocket \U0001F680 and \U0001F600");
        QTest::addRow("only emoji") << QStringLiteral("\U0001F680");
        QTest::addRow("quotes and controls") << QStringLiteral("a'b\"c\\d\ne\tf\u007f");
        QTest::addRow("long, non-ASCII at the end") << QString(5000, u'x') + QStringLiteral("\u00e9\U0001F600");
    }

    void text_roundTripsAsUtf8()
    {
        QFETCH(QString, text);
        TestStore store;
        const QSqlDatabase db = tableIn(store);
        VERIFY_OK(Sql::exec(db, QStringLiteral("INSERT INTO texts (id, body) VALUES (?, ?)"), {1, text}));

        auto read = Sql::scalar(db, QStringLiteral("SELECT body FROM texts WHERE id = ?"), {1});
        VERIFY_OK(read);
        QVERIFY(read.value().has_value());
        QCOMPARE(read.value()->toString(), text);
        // Stored as UTF-8, one character per code point (an emoji is one character, not two UTF-16 halves).
        QCOMPARE(storedHex(store, db, 1), QString::fromLatin1(text.toUtf8().toHex()));
        auto length = Sql::scalar(db, QStringLiteral("SELECT length(body) FROM texts WHERE id = ?"), {1});
        VERIFY_OK(length);
        QCOMPARE(length.value()->toLongLong(), qint64(text.toUcs4().size()));
        // A bound text compares equal to the stored one: lookups by non-ASCII names find their row.
        auto found = Sql::scalar(db, QStringLiteral("SELECT id FROM texts WHERE body = ?"), {text});
        VERIFY_OK(found);
        QVERIFY(found.value().has_value());
        QCOMPARE(found.value()->toInt(), 1);
    }

    // Qt binds a null QString as NULL; the store never means NULL by it: both empty texts are ''.
    void text_emptyIsEmptyNotNull()
    {
        TestStore store;
        const QSqlDatabase db = tableIn(store);
        VERIFY_OK(Sql::exec(db, QStringLiteral("INSERT INTO texts (id, body) VALUES (?, ?)"), {1, QString()}));
        VERIFY_OK(Sql::exec(db, QStringLiteral("INSERT INTO texts (id, body) VALUES (?, ?)"), {2, QStringLiteral("")}));
        VERIFY_OK(Sql::exec(db, QStringLiteral("INSERT INTO texts (id, body) VALUES (?, ?)"), {3, QVariant()}));
        auto q = Sql::run(db, QStringLiteral("SELECT id, body IS NULL, body FROM texts ORDER BY id"));
        VERIFY_OK(q);
        QList<QPair<bool, QString>> rows;
        while (q.value().next()) {
            QVERIFY(q.value().value(1).canConvert<bool>());
            rows << qMakePair(q.value().value(1).toBool(), q.value().value(2).toString());
            QCOMPARE(q.value().isNull(2), q.value().value(1).toBool());
        }
        const QList<QPair<bool, QString>> expected{{false, QString()}, {false, QString()}, {true, QString()}};
        QCOMPARE(rows, expected);
    }

    // One cached statement run again and again: each run sees exactly the text bound for it, whatever the
    // lengths and encodings before it.
    void text_rebindingShowsOnlyTheNewText()
    {
        TestStore store;
        const QSqlDatabase db = tableIn(store);
        const QStringList texts{QString(300, u'a') + QStringLiteral("\u00e9"),
                                QStringLiteral("b"),
                                QStringLiteral("\U0001F600\U0001F600"),
                                QString(),
                                QStringLiteral("cust_007"),
                                QStringLiteral("\u00e9")};
        const QString insert = QStringLiteral("INSERT INTO texts (id, body) VALUES (?, ?)");
        for (int i = 0; i < texts.size(); ++i)
            VERIFY_OK(Sql::exec(db, insert, {i, texts.at(i)}));
        const QString select = QStringLiteral("SELECT body FROM texts WHERE id = ? AND body = ?");
        for (int i = 0; i < texts.size(); ++i) {
            auto read = Sql::scalar(db, select, {i, texts.at(i)});
            VERIFY_OK(read);
            QVERIFY2(read.value().has_value(), qPrintable(QString::number(i)));
            QCOMPARE(read.value()->toString(), texts.at(i).isNull() ? QStringLiteral("") : texts.at(i));
        }
    }

    // A nested use of the same SQL runs on a statement of its own: both bindings hold at once.
    void text_nestedSameSqlKeepsBothBindings()
    {
        TestStore store;
        const QSqlDatabase db = tableIn(store);
        const QString insert = QStringLiteral("INSERT INTO texts (id, body) VALUES (?, ?)");
        VERIFY_OK(Sql::exec(db, insert, {1, QStringLiteral("\u00e9l\u00e8ve")}));
        VERIFY_OK(Sql::exec(db, insert, {2, QStringLiteral("\U0001F680 launch")}));
        const QString select = QStringLiteral("SELECT id, body FROM texts WHERE body = ?");
        auto outer = Sql::run(db, select, {QStringLiteral("\u00e9l\u00e8ve")});
        VERIFY_OK(outer);
        QVERIFY(outer.value().next());
        auto inner = Sql::run(db, select, {QStringLiteral("\U0001F680 launch")});
        VERIFY_OK(inner);
        QVERIFY(inner.value().next());
        QCOMPARE(inner.value().value(1).toString(), QStringLiteral("\U0001F680 launch"));
        QCOMPARE(outer.value().value(1).toString(), QStringLiteral("\u00e9l\u00e8ve"));
        QVERIFY(!inner.value().next());
        QVERIFY(!outer.value().next());
    }

    void integer_limitsRoundTrip_data()
    {
        QTest::addColumn<qint64>("number");
        QTest::addRow("min") << std::numeric_limits<qint64>::min();
        QTest::addRow("max") << std::numeric_limits<qint64>::max();
        QTest::addRow("zero") << qint64(0);
        QTest::addRow("2^53+1") << qint64(9007199254740993);
    }

    void integer_limitsRoundTrip()
    {
        QFETCH(qint64, number);
        TestStore store;
        const QSqlDatabase db = tableIn(store);
        VERIFY_OK(Sql::exec(db, QStringLiteral("INSERT INTO texts (id, number) VALUES (?, ?)"), {1, number}));
        auto read = Sql::scalar(db, QStringLiteral("SELECT number FROM texts WHERE number = ?"), {number});
        VERIFY_OK(read);
        QVERIFY(read.value().has_value());
        QCOMPARE(read.value()->toLongLong(), number);
    }
};

QTEST_GUILESS_MAIN(TestSqlStatement)
#include "testsqlstatement.moc"
