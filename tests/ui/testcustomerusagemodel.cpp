#include <QAbstractItemModelTester>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

#include "models/customerusagemodel.h"

using namespace Meterline;
using namespace Qt::StringLiterals;

namespace
{

CustomerUsageRow row(const QString& id, double tokens, double requests = 10, qint64 availableMicros = -1)
{
    CustomerUsageRow r;
    r.id = id;
    r.name = u"Name of "_s + id;
    r.planId = u"pro"_s;
    r.planName = u"Pro"_s;
    r.tokens = tokens;
    r.requests = requests;
    if (availableMicros >= 0) {
        r.available = Money::fromMicros(availableMicros);
        r.hasBalance = true;
    }
    return r;
}

QString idAt(const QAbstractItemModel& model, int r)
{
    return model.index(r, CustomerUsageModel::CustomerColumn).data().toString();
}

} // namespace

class TestCustomerUsageModel : public QObject
{
    Q_OBJECT

private slots:
    void firstLoad_resetsModel();
    void snapshot_diffsIntoInsertRemoveAndDataChanged();
    void snapshot_sameDataEmitsNothing();
    void snapshot_insertsAtSnapshotPosition();
    void display_groupsDigitsAndFormatsMoney();
    void rawRole_sortsNumerically();
};

void TestCustomerUsageModel::firstLoad_resetsModel()
{
    CustomerUsageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    QVERIFY(!model.isLoaded());
    model.applySnapshot({row(u"a"_s, 100), row(u"b"_s, 200)});

    QCOMPARE(reset.count(), 1);
    QCOMPARE(inserted.count(), 0);
    QVERIFY(model.isLoaded());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(CustomerUsageModel::ColumnCount));
    QCOMPARE(idAt(model, 0), u"a"_s);
    QCOMPARE(model.index(1, CustomerUsageModel::NameColumn).data().toString(), u"Name of b"_s);
    QCOMPARE(model.index(1, CustomerUsageModel::PlanColumn).data().toString(), u"Pro"_s);
    QCOMPARE(model.headerData(CustomerUsageModel::TokensColumn, Qt::Horizontal).toString(), u"Tokens this month"_s);
    QCOMPARE(model.rowOf(u"b"_s), 1);
}

void TestCustomerUsageModel::snapshot_diffsIntoInsertRemoveAndDataChanged()
{
    CustomerUsageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot({row(u"a"_s, 1), row(u"b"_s, 2), row(u"c"_s, 3), row(u"d"_s, 4), row(u"e"_s, 5)});

    const QPersistentModelIndex keptA(model.index(0, CustomerUsageModel::NameColumn));
    const QPersistentModelIndex keptD(model.index(3, CustomerUsageModel::TokensColumn));
    const QPersistentModelIndex gone(model.index(1, CustomerUsageModel::NameColumn));

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    // b and e go, c's tokens change, f and g arrive after d.
    model.applySnapshot({row(u"a"_s, 1), row(u"c"_s, 30), row(u"d"_s, 4), row(u"f"_s, 6), row(u"g"_s, 7)});

    QCOMPARE(reset.count(), 0);

    QCOMPARE(removed.count(), 2); // bottom up: e (row 4), then b (row 1)
    QCOMPARE(removed.at(0).at(1).toInt(), 4);
    QCOMPARE(removed.at(0).at(2).toInt(), 4);
    QCOMPARE(removed.at(1).at(1).toInt(), 1);
    QCOMPARE(removed.at(1).at(2).toInt(), 1);

    QCOMPARE(changed.count(), 1); // c, now at row 1, only its tokens column
    const auto topLeft = changed.at(0).at(0).value<QModelIndex>();
    const auto bottomRight = changed.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft.row(), 1);
    QCOMPARE(bottomRight.row(), 1);
    QCOMPARE(topLeft.column(), int(CustomerUsageModel::TokensColumn));
    QCOMPARE(bottomRight.column(), int(CustomerUsageModel::TokensColumn));

    QCOMPARE(inserted.count(), 1); // f and g in one range after d
    QCOMPARE(inserted.at(0).at(1).toInt(), 3);
    QCOMPARE(inserted.at(0).at(2).toInt(), 4);

    QCOMPARE(model.rowCount(), 5);
    const QStringList ids{idAt(model, 0), idAt(model, 1), idAt(model, 2), idAt(model, 3), idAt(model, 4)};
    QCOMPARE(ids, (QStringList{u"a"_s, u"c"_s, u"d"_s, u"f"_s, u"g"_s}));
    QCOMPARE(model.index(1, CustomerUsageModel::TokensColumn).data(CustomerUsageModel::RawRole).toDouble(), 30.0);

    // Persistent indexes on unchanged rows survive and follow their row.
    QVERIFY(keptA.isValid());
    QCOMPARE(keptA.row(), 0);
    QCOMPARE(keptA.data().toString(), u"Name of a"_s);
    QVERIFY(keptD.isValid());
    QCOMPARE(keptD.row(), 2);
    QCOMPARE(keptD.sibling(keptD.row(), CustomerUsageModel::CustomerColumn).data().toString(), u"d"_s);
    QVERIFY(!gone.isValid());
}

void TestCustomerUsageModel::snapshot_sameDataEmitsNothing()
{
    CustomerUsageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QList<CustomerUsageRow> snapshot{row(u"a"_s, 1), row(u"b"_s, 2, 3, 5'000'000)};
    model.applySnapshot(snapshot);

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.applySnapshot(snapshot);

    QCOMPARE(reset.count() + removed.count() + inserted.count() + changed.count(), 0);
    QCOMPARE(model.rows(), snapshot);
}

void TestCustomerUsageModel::snapshot_insertsAtSnapshotPosition()
{
    CustomerUsageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot({row(u"b"_s, 1), row(u"d"_s, 2)});
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    model.applySnapshot({row(u"a"_s, 0), row(u"b"_s, 1), row(u"c"_s, 0), row(u"d"_s, 2), row(u"e"_s, 0)});

    QCOMPARE(inserted.count(), 3);
    QCOMPARE(model.rowCount(), 5);
    for (int r = 0; r < 5; ++r)
        QCOMPARE(idAt(model, r), QString(QChar(u'a' + r)));
    QCOMPARE(model.rowOf(u"e"_s), 4);

    // An empty snapshot removes everything without a reset.
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.applySnapshot({});
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(reset.count(), 0);
}

void TestCustomerUsageModel::display_groupsDigitsAndFormatsMoney()
{
    const QLocale c = QLocale::c();
    QCOMPARE(CustomerUsageModel::formatQuantity(1234567, c), u"1,234,567"_s);
    QCOMPARE(CustomerUsageModel::formatQuantity(0, c), u"0"_s);
    QCOMPARE(CustomerUsageModel::formatQuantity(1234.5, c), u"1,234.50"_s);
    QCOMPARE(CustomerUsageModel::formatMoney(Money::fromMicros(1'250'000'000), c), u"1,250.00"_s);
    QCOMPARE(CustomerUsageModel::formatMoney(Money::fromMicros(5'000), c), u"0.00"_s);  // half-even: 0.005 -> 0.00
    QCOMPARE(CustomerUsageModel::formatMoney(Money::fromMicros(15'000), c), u"0.02"_s); // 0.015 -> 0.02
    QCOMPARE(CustomerUsageModel::formatMoney(Money::fromMicros(-3'070'000), c), u"-3.07"_s);
    const QLocale german(QLocale::German, QLocale::Germany);
    QCOMPARE(CustomerUsageModel::formatMoney(Money::fromMicros(1'234'560'000), german), u"1.234,56"_s);

    CustomerUsageModel model;
    model.applySnapshot({row(u"a"_s, 1000), row(u"b"_s, 1, 1)});
    QCOMPARE(model.index(0, CustomerUsageModel::TokensColumn).data().toString(),
             CustomerUsageModel::formatQuantity(1000));
    QCOMPARE(model.index(0, CustomerUsageModel::BalanceColumn).data().toString(), u"\u2014"_s); // no credits
}

void TestCustomerUsageModel::rawRole_sortsNumerically()
{
    CustomerUsageModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(CustomerUsageModel::RawRole);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot({row(u"a"_s, 900), row(u"b"_s, 10'000), row(u"c"_s, 85)});

    proxy.sort(CustomerUsageModel::TokensColumn, Qt::DescendingOrder);
    QCOMPARE(idAt(proxy, 0), u"b"_s); // by value, not text ("900" > "10,000" as text)
    QCOMPARE(idAt(proxy, 1), u"a"_s);
    QCOMPARE(idAt(proxy, 2), u"c"_s);

    // The proxy keeps sorting as snapshots change the values.
    proxy.setDynamicSortFilter(true);
    model.applySnapshot({row(u"a"_s, 900), row(u"b"_s, 10'000), row(u"c"_s, 20'000)});
    QCOMPARE(idAt(proxy, 0), u"c"_s);
}

QTEST_MAIN(TestCustomerUsageModel)
#include "testcustomerusagemodel.moc"
