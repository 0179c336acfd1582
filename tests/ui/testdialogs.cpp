#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "ui/dashboardsettings.h"
#include "ui/dialogs/apikeyeditor.h"
#include "ui/dialogs/connectiondialog.h"
#include "ui/dialogs/customereditor.h"
#include "ui/dialogs/limiteditor.h"
#include "ui/dialogs/metereditor.h"
#include "ui/dialogs/planeditor.h"
#include "ui/dialogs/reservedialog.h"
#include "ui/dialogs/webhookeditor.h"

using namespace Meterline;
using namespace Qt::StringLiterals;

namespace
{

const QList<Choice> Plans = {{u"free"_s, u"Free"_s}, {u"pro"_s, u"Pro"_s}};
const QList<Choice> Meters = {{u"llm-tokens"_s, u"LLM tokens"_s}, {u"llm-requests"_s, u"LLM requests"_s}};
const QList<Choice> Customers = {{u"cust_acme"_s, u"Acme"_s}};

// OK on a dialog: either it closes (accepted) or it stays open with a message naming the problem.
QString pressOk(FormDialog& dialog)
{
    dialog.open();
    dialog.accept();
    return dialog.result() == QDialog::Accepted ? QString() : dialog.errorText();
}

} // namespace

// Every editor checks the shape of its input before it closes: a problem stays on screen in one sentence and
// nothing is sent; good input comes back as core's value types.
class TestDialogs : public QObject
{
    Q_OBJECT

private slots:
    void customerEditor_data();
    void customerEditor();
    void customerEditor_editKeepsTheIdAndPatchesEveryField();
    void meterEditor_data();
    void meterEditor();
    void limitEditor_data();
    void limitEditor();
    void planEditor_data();
    void planEditor();
    void smallEditors();
    void connectionDialog();
};

void TestDialogs::customerEditor_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("metadata");
    QTest::addColumn<QString>("message"); // empty: accepted
    QTest::addRow("fine") << u"cust_new"_s << u"New Co"_s << u"tier=gold\nregion = eu"_s << QString();
    QTest::addRow("no id") << QString() << u"New Co"_s << QString() << u"Enter the customer's id"_s;
    QTest::addRow("space in id") << u"cust new"_s << u"New Co"_s << QString() << u"may use only"_s;
    QTest::addRow("129 chars") << QString(129, u'a') << u"New Co"_s << QString() << u"at most 128"_s;
    QTest::addRow("128 chars") << QString(128, u'a') << u"New Co"_s << QString() << QString();
    QTest::addRow("no name") << u"cust_new"_s << u"  "_s << QString() << u"Enter the customer's name"_s;
    QTest::addRow("metadata without =") << u"cust_new"_s << u"N"_s << u"a=1\nbroken"_s << u"line 2"_s;
}

void TestDialogs::customerEditor()
{
    QFETCH(QString, id);
    QFETCH(QString, name);
    QFETCH(QString, metadata);
    QFETCH(QString, message);
    CustomerEditor editor(Plans);
    editor.idEdit()->setText(id);
    editor.nameEdit()->setText(name);
    editor.metadataEdit()->setPlainText(metadata);
    selectChoice(editor.planCombo(), u"pro"_s);
    const QString problem = pressOk(editor);
    if (!message.isEmpty()) {
        QVERIFY2(problem.contains(message), qPrintable(problem));
        return;
    }
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const Customer customer = editor.customer();
    QCOMPARE(customer.id, id);
    QCOMPARE(customer.planId, u"pro"_s);
    if (id == u"cust_new"_s)
        QCOMPARE(customer.metadata, (Metadata{{u"tier"_s, u"gold"_s}, {u"region"_s, u"eu"_s}}));
}

void TestDialogs::customerEditor_editKeepsTheIdAndPatchesEveryField()
{
    Customer existing;
    existing.id = u"cust_acme"_s;
    existing.name = u"Acme"_s;
    existing.planId = u"retired-plan"_s; // not in the list any more: kept, not lost
    existing.externalId = u"cus_123"_s;
    CustomerEditor editor(Plans);
    editor.setCustomer(existing);
    QVERIFY(editor.idEdit()->isReadOnly());
    editor.nameEdit()->setText(u"Acme Robotics"_s);
    QVERIFY(pressOk(editor).isEmpty());
    const CustomerPatch patch = editor.patch();
    QCOMPARE(patch.name.value(), u"Acme Robotics"_s);
    QCOMPARE(patch.planId.value(), u"retired-plan"_s);
    QCOMPARE(patch.externalId.value(), u"cus_123"_s);
}

void TestDialogs::meterEditor_data()
{
    QTest::addColumn<QString>("aggregation");
    QTest::addColumn<QString>("eventTypes");
    QTest::addColumn<QString>("dimension");
    QTest::addColumn<QString>("filters");
    QTest::addColumn<QString>("message");
    QTest::addRow("sum") << u"sum"_s << u"llm.completion, llm.*"_s << QString() << u"model=gpt-4o,gpt-4.1"_s
                         << QString();
    QTest::addRow("distinct needs its dimension")
        << u"unique_count"_s << QString() << QString() << QString() << u"needs the dimension"_s;
    QTest::addRow("distinct with dimension") << u"unique_count"_s << QString() << u"user"_s << QString() << QString();
    QTest::addRow("bad event type") << u"count"_s << u"llm completion"_s << QString() << QString() << u"event type"_s;
    QTest::addRow("filter without values") << u"sum"_s << QString() << QString() << u"model="_s << u"lists no value"_s;
}

void TestDialogs::meterEditor()
{
    QFETCH(QString, aggregation);
    QFETCH(QString, eventTypes);
    QFETCH(QString, dimension);
    QFETCH(QString, filters);
    QFETCH(QString, message);
    MeterEditor editor;
    editor.idEdit()->setText(u"m1"_s);
    editor.nameEdit()->setText(u"Meter one"_s);
    selectChoice(editor.aggregationCombo(), aggregation);
    editor.eventTypesEdit()->setText(eventTypes);
    editor.dimensionEdit()->setText(dimension);
    editor.filtersEdit()->setPlainText(filters);
    const QString problem = pressOk(editor);
    if (!message.isEmpty()) {
        QVERIFY2(problem.contains(message), qPrintable(problem));
        return;
    }
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const Meter meter = editor.meter();
    QCOMPARE(toString(meter.aggregation), aggregation);
    if (aggregation == u"sum"_s) {
        QCOMPARE(meter.eventTypes, (QStringList{u"llm.completion"_s, u"llm.*"_s}));
        QCOMPARE(meter.dimensionFilters.value(u"model"_s), (QStringList{u"gpt-4o"_s, u"gpt-4.1"_s}));
        QVERIFY(meter.dimension.isEmpty());
    } else {
        QCOMPARE(meter.dimension, u"user"_s);
    }
}

void TestDialogs::limitEditor_data()
{
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");
    QTest::addRow("plan cap") << u"plan"_s << u"1000000"_s << QString();
    QTest::addRow("customer cap with decimals") << u"customer"_s << u"2.5"_s << QString();
    QTest::addRow("not a number") << u"plan"_s << u"lots"_s << u"must be a number"_s;
    QTest::addRow("zero") << u"plan"_s << u"0"_s << u"greater than zero"_s;
    QTest::addRow("empty") << u"customer"_s << QString() << u"must be a number"_s;
}

void TestDialogs::limitEditor()
{
    QFETCH(QString, scope);
    QFETCH(QString, value);
    QFETCH(QString, message);
    LimitEditor editor(Plans, Customers, Meters);
    selectChoice(editor.scopeCombo(), scope);
    selectChoice(editor.meterCombo(), u"llm-requests"_s);
    selectChoice(editor.periodCombo(), u"day"_s);
    selectChoice(editor.modeCombo(), u"soft"_s);
    editor.valueEdit()->setText(value);
    const QString problem = pressOk(editor);
    if (!message.isEmpty()) {
        QVERIFY2(problem.contains(message), qPrintable(problem));
        return;
    }
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const Limit limit = editor.limit();
    QCOMPARE(toString(limit.scope), scope);
    QCOMPARE(scope == u"plan"_s ? limit.planId : limit.customerId, scope == u"plan"_s ? u"free"_s : u"cust_acme"_s);
    QCOMPARE(limit.meterId, u"llm-requests"_s);
    QCOMPARE(toString(limit.period), u"day"_s);
    QCOMPARE(toString(limit.mode), u"soft"_s);
    QCOMPARE(limit.value, value.toDouble());
}

void TestDialogs::planEditor_data()
{
    QTest::addColumn<QString>("unitPrice");
    QTest::addColumn<QString>("perUnits");
    QTest::addColumn<bool>("twoPrices");
    QTest::addColumn<QString>("cap");
    QTest::addColumn<QString>("message");
    QTest::addRow("fine") << u"0.000002"_s << u"1000"_s << false << u"500000"_s << QString();
    QTest::addRow("seven decimals") << u"0.0000002"_s << u"1"_s << false << u"5"_s << u"Price 1: the unit price"_s;
    QTest::addRow("per units zero") << u"1"_s << u"0"_s << false << u"5"_s << u"\"per units\""_s;
    QTest::addRow("a meter priced twice") << u"1"_s << u"1"_s << true << u"5"_s << u"already has a price"_s;
    QTest::addRow("cap missing") << u"1"_s << u"1"_s << false << QString() << u"Limit 1: the cap"_s;
}

void TestDialogs::planEditor()
{
    QFETCH(QString, unitPrice);
    QFETCH(QString, perUnits);
    QFETCH(bool, twoPrices);
    QFETCH(QString, cap);
    QFETCH(QString, message);
    PlanEditor editor(Meters);
    editor.idEdit()->setText(u"team"_s);
    editor.nameEdit()->setText(u"Team"_s);
    const int price = editor.addPriceRow();
    editor.pricesTable()->item(price, PlanEditor::PriceUnitPrice)->setText(unitPrice);
    editor.pricesTable()->item(price, PlanEditor::PricePerUnits)->setText(perUnits);
    editor.pricesTable()->item(price, PlanEditor::PriceCredits)->setText(u"0.5"_s);
    if (twoPrices)
        editor.addPriceRow(); // the same first meter again
    const int limit = editor.addLimitRow();
    editor.limitsTable()->item(limit, PlanEditor::LimitValue)->setText(cap);
    const QString problem = pressOk(editor);
    if (!message.isEmpty()) {
        QVERIFY2(problem.contains(message), qPrintable(problem));
        return;
    }
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const Plan plan = editor.plan();
    QCOMPARE(plan.prices.size(), 1);
    QCOMPARE(plan.prices.constFirst().unitPrice.micros(), 2); // exact micros, never a double
    QCOMPARE(plan.prices.constFirst().perUnits, 1000);
    QCOMPARE(plan.prices.constFirst().creditsPerUnit.micros(), 500'000);
    QCOMPARE(plan.limits.size(), 1);
    QCOMPARE(plan.limits.constFirst().planId, u"team"_s);
    QCOMPARE(toString(plan.limits.constFirst().period), u"month"_s);
    QCOMPARE(plan.limits.constFirst().value, 500000.0);
}

void TestDialogs::smallEditors()
{
    Balance balance;
    balance.balance = Money::fromMicros(10 * Money::Scale);
    ReserveDialog reserve(u"Acme"_s, balance);
    reserve.reserveEdit()->setText(u"-1"_s);
    QVERIFY(pressOk(reserve).contains(u"cannot be negative"_s));
    reserve.reserveEdit()->setText(u"2.5"_s);
    QVERIFY(pressOk(reserve).isEmpty());
    QCOMPARE(reserve.reserve().micros(), 2'500'000);

    ApiKeyEditor key;
    QVERIFY(pressOk(key).contains(u"Enter a name"_s));
    key.nameEdit()->setText(u"backend"_s);
    selectChoice(key.scopeCombo(), u"ingest"_s);
    QVERIFY(pressOk(key).isEmpty());
    QCOMPARE(toString(key.scope()), u"ingest"_s);

    WebhookEditor webhook;
    webhook.urlEdit()->setText(u"ftp://example.com/hook"_s);
    QVERIFY(pressOk(webhook).contains(u"https://"_s));
    webhook.urlEdit()->setText(u"https://example.com/hook"_s);
    for (QCheckBox* box : webhook.eventBoxes())
        box->setChecked(false);
    QVERIFY(pressOk(webhook).contains(u"at least one event"_s));
    webhook.eventBoxes().constFirst()->setChecked(true);
    webhook.thresholdEdit()->setText(u"ten"_s);
    QVERIFY(pressOk(webhook).contains(u"low-balance threshold"_s));
    webhook.thresholdEdit()->setText(u"10"_s);
    QVERIFY(pressOk(webhook).isEmpty());
    QCOMPARE(webhook.endpoint().events, QStringList{u"limit.threshold"_s});
    QCOMPARE(webhook.endpoint().balanceLowThreshold->micros(), 10 * Money::Scale);
}

void TestDialogs::connectionDialog()
{
    QTemporaryDir dir;
    QSettings store(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
    DashboardSettings settings(store);
    {
        ConnectionDialog dialog(settings);
        dialog.setKind(ConnectionDialog::Kind::Server);
        dialog.serverEdit()->setText(u"127.0.0.1:8787"_s);
        QVERIFY(pressOk(dialog).contains(u"http://"_s));
        dialog.serverEdit()->setText(u"http://127.0.0.1:8787"_s);
        QVERIFY(pressOk(dialog).contains(u"admin key"_s));
        dialog.keyEdit()->setText(u"mlk_secret"_s);
        QVERIFY(pressOk(dialog).isEmpty());
        const Dashboard::ConnectionSpec spec = dialog.connection();
        QVERIFY(spec.isRemote());
        QCOMPARE(spec.adminKey, u"mlk_secret"_s);
    }
    {
        ConnectionDialog dialog(settings);
        dialog.setKind(ConnectionDialog::Kind::Postgres);
        dialog.postgresEdit()->setText(u"postgresql://meter:hunter2@db.local:5432/meterline"_s);
        QVERIFY(pressOk(dialog).isEmpty());
        QCOMPARE(dialog.connection().database, u"postgresql://meter:hunter2@db.local:5432/meterline"_s);
    }
    // Recent connections: newest first, without the key or the password.
    const QStringList recent = settings.recentConnections();
    QCOMPARE(recent.size(), 2);
    QVERIFY(!recent.join(u' ').contains(u"hunter2"_s));
    QVERIFY(!recent.join(u' ').contains(u"mlk_secret"_s));
    QVERIFY(recent.constFirst().startsWith(u"postgresql://meter@db.local"_s));

    // A recent entry fills the form; a server still needs its key.
    ConnectionDialog again(settings);
    QCOMPARE(again.recentList()->count(), 2);
    again.setEntry(recent.at(1));
    QVERIFY(again.kind() == ConnectionDialog::Kind::Server);
    QVERIFY(pressOk(again).contains(u"admin key"_s));
}

QTEST_MAIN(TestDialogs)
#include "testdialogs.moc"
