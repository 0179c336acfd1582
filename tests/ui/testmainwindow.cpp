#include <QApplication>
#include <QBuffer>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

#include "core/periods.h"
#include "models/apikeysmodel.h"
#include "models/balancesmodel.h"
#include "models/customersmodel.h"
#include "models/eventsmodel.h"
#include "models/invoicelinesmodel.h"
#include "models/ledgermodel.h"
#include "models/limitstatusmodel.h"
#include "models/webhooksmodel.h"
#include "tests/ui/uitestsupport.h"
#include "ui/charts/rankingchart.h"
#include "ui/charts/usagechart.h"
#include "ui/dialogs/apikeyeditor.h"
#include "ui/dialogs/formdialog.h"
#include "ui/dialogs/secretdialog.h"
#include "ui/pages/balancespage.h"
#include "ui/pages/billingpage.h"
#include "ui/pages/customerdetail.h"
#include "ui/pages/customerspage.h"
#include "ui/pages/eventspage.h"
#include "ui/pages/overviewpage.h"
#include "ui/pages/planspage.h"
#include "ui/pages/settingspage.h"
#include "ui/pages/tablepanel.h"
#include "ui/pages/usagepanel.h"
#include "ui/pages/webhookspage.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

constexpr int QueryTimeoutMs = 20'000;

QModelIndex findId(QAbstractItemModel* model, const QString& id)
{
    const QModelIndexList found = model->match(model->index(0, 0), IdRole, id, 1, Qt::MatchExactly);
    return found.isEmpty() ? QModelIndex() : found.constFirst();
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void everyPage_showsDataFromTheDemoStore();
    void customerDetail_showsUsageLimitsLedgerAndEvents();
    void ctrlF_focusesTheFilterOfTheCurrentPage();
    void f5_syncsAgainAndShowsNewUsage();
    void events_filterByCustomerAndDimension();
    void webhooks_sendTestOnALocalStoreSaysWhereTestsRun();
    void apiKeys_createShowsTheKeyOnceAndRevokeAsksFirst();
    void billing_exportWritesTheInvoiceCsvOfCore();
    void windowState_roundTripsThroughSettings();
    void statusBar_showsLastSuccess();
    void unreadableDatabase_showsAClearFailure();
};

void TestMainWindow::everyPage_showsDataFromTheDemoStore()
{
    Testing::Dashboard dashboard;
    DemoStore& store = dashboard.store;
    MainWindow& window = dashboard.window;
    auto webhook = store->createWebhook({{}, u"https://example.com/hooks"_s, {u"balance.low"_s}, {}, {}, false, {}});
    VERIFY_OK(webhook);
    auto key = store->createApiKey(u"backend"_s, KeyScope::Admin);
    VERIFY_OK(key);
    QVERIFY(dashboard.open());

    // Overview: the figures, the meters, the 30-day chart and the top customers.
    auto* overview = window.page<OverviewPage>();
    window.showPage(MainWindow::OverviewPageIndex);
    QTRY_COMPARE_WITH_TIMEOUT(overview->figureText(u"customers"_s), u"12"_s, QueryTimeoutMs);
    auto meters = store->meters();
    VERIFY_OK(meters);
    QCOMPARE(overview->meterTable()->rowCount(), int(meters->size()));
    QTRY_VERIFY_WITH_TIMEOUT(!overview->usagePanel()->chart()->buckets().isEmpty(), QueryTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!overview->topCustomersChart()->bars().isEmpty(), QueryTimeoutMs);
    UsageQuery tokens;
    tokens.meterId = u"llm-tokens"_s;
    tokens.period = NamedPeriod::CurrentMonth;
    tokens.groupBy = {u"customerId"_s};
    auto byCustomer = store->usage(tokens);
    VERIFY_OK(byCustomer);
    const auto top = std::max_element(byCustomer->groups.cbegin(),
                                      byCustomer->groups.cend(),
                                      [](const UsageGroup& a, const UsageGroup& b) { return a.value < b.value; });
    auto topCustomer = store->customer(top->dimensions.value(u"customerId"_s));
    VERIFY_OK(topCustomer);
    QCOMPARE(overview->topCustomersChart()->bars().constFirst().label, topCustomer->name);
    QCOMPARE(overview->topCustomersChart()->bars().constFirst().value, top->value);

    // Customers, plans & limits, meters, balances: the synced tables.
    window.showPage(MainWindow::CustomersPageIndex);
    QCOMPARE(window.page<CustomersPage>()->table()->proxy()->rowCount(), 12);
    auto plans = store->plans();
    VERIFY_OK(plans);
    window.showPage(MainWindow::PlansPageIndex);
    auto* plansPage = window.page<PlansPage>();
    QCOMPARE(plansPage->plansTable()->proxy()->rowCount(), int(plans->size()));
    const QString planLimit = plans->constFirst().limits.constFirst().id;
    QVERIFY2(findId(plansPage->limitsTable()->proxy(), planLimit).isValid(), qPrintable(planLimit));
    window.showPage(MainWindow::MetersPageIndex);
    QCOMPARE(window.page<MetersPage>()->table()->proxy()->rowCount(), int(meters->size()));
    window.showPage(MainWindow::BalancesPageIndex);
    QAbstractItemModel* balances = window.page<BalancesPage>()->table()->proxy();
    QVERIFY(balances->rowCount() > 0);
    const QModelIndex firstBalance = balances->index(0, BalancesModel::AvailableColumn);
    auto balance = store->balance(firstBalance.data(IdRole).toString());
    VERIFY_OK(balance);
    QCOMPARE(firstBalance.data(RawRole).toLongLong(), balance->available().micros());

    // Events: the newest first, paged in.
    window.showPage(MainWindow::EventsPageIndex);
    QTableView* events = window.page<EventsPage>()->view();
    QTRY_VERIFY_WITH_TIMEOUT(events->model()->rowCount() > 0, QueryTimeoutMs);
    EventQuery newest;
    newest.limit = 1;
    auto latest = store->events(newest);
    VERIFY_OK(latest);
    QCOMPARE(events->model()->index(0, 0).data(IdRole).toString(), latest->data.constFirst().id);

    // Billing: the previous month's invoice lines as core computes them.
    auto* billing = window.page<BillingPage>();
    QSignalSpy linesShown(billing, &BillingPage::linesShown);
    window.showPage(MainWindow::BillingPageIndex);
    QVERIFY(linesShown.wait(QueryTimeoutMs));
    auto lines = store->invoiceLines(store->resolvePeriod(NamedPeriod::PreviousMonth).value());
    VERIFY_OK(lines);
    QCOMPARE(billing->lines()->rowCount(), int(lines->size()));
    QVERIFY(billing->totalsLabel()->text().contains(u"USD"_s));

    // Webhooks and API keys.
    window.showPage(MainWindow::WebhooksPageIndex);
    QVERIFY(findId(window.page<WebhooksPage>()->endpointsTable()->proxy(), webhook->id).isValid());
    window.showPage(MainWindow::ApiKeysPageIndex);
    const QModelIndex keyRow = findId(window.page<ApiKeysPage>()->table()->proxy(), key->key.id);
    QVERIFY(keyRow.isValid());
    QCOMPARE(keyRow.siblingAtColumn(ApiKeysModel::NameColumn).data().toString(), u"backend"_s);

    // Settings name the connection.
    window.showPage(MainWindow::SettingsPageIndex);
    QVERIFY(window.findChild<QLabel*>(u"connectionLabel"_s)->text().contains(store.path()));
}

void TestMainWindow::customerDetail_showsUsageLimitsLedgerAndEvents()
{
    Testing::Dashboard dashboard;
    QVERIFY(dashboard.open());
    DemoStore& store = dashboard.store;
    MainWindow& window = dashboard.window;
    window.showPage(MainWindow::CustomersPageIndex);
    auto* page = window.page<CustomersPage>();
    CustomerDetail* detail = page->detail();
    QSignalSpy limitsShown(detail, &CustomerDetail::limitsShown);
    QVERIFY(page->table()->selectId(u"cust_acme"_s));
    QCOMPARE(detail->customerId(), u"cust_acme"_s);
    QVERIFY(detail->headerLabel()->text().contains(u"Acme Robotics"_s));

    // Limits with their consumption: what a check reports.
    QVERIFY(limitsShown.wait(QueryTimeoutMs));
    CheckRequest check;
    check.customerId = u"cust_acme"_s;
    auto checked = store->check(check);
    VERIFY_OK(checked);
    QCOMPARE(detail->limitStatus()->rowCount(), int(checked->limits.size()));
    QCOMPARE(detail->consumptionChart()->bars().size(), checked->limits.size());

    // The per-meter usage chart, the ledger and the recent events of this customer only.
    QTRY_VERIFY_WITH_TIMEOUT(!detail->usagePanel()->chart()->buckets().isEmpty(), QueryTimeoutMs);
    auto ledger = store->transactions(u"cust_acme"_s);
    VERIFY_OK(ledger);
    QTRY_COMPARE_WITH_TIMEOUT(detail->ledgerView()->model()->rowCount() > 0, !ledger->data.isEmpty(), QueryTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(detail->recentEvents()->rowCount() > 0, QueryTimeoutMs);
    for (int row = 0; row < detail->recentEvents()->rowCount(); ++row)
        QCOMPARE(detail->recentEvents()->rows().at(row).customerId, u"cust_acme"_s);
}

void TestMainWindow::ctrlF_focusesTheFilterOfTheCurrentPage()
{
    Testing::Dashboard dashboard;
    QVERIFY(dashboard.open());
    MainWindow& window = dashboard.window;
    window.showPage(MainWindow::CustomersPageIndex);
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    TablePanel* table = window.page<CustomersPage>()->table();
    table->view()->setFocus(Qt::OtherFocusReason);
    QVERIFY(!table->filterEdit()->hasFocus());
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(table->filterEdit()->hasFocus());
    QTest::keyClicks(table->filterEdit(), u"acme"_s); // case-insensitive, every column
    QCOMPARE(table->proxy()->rowCount(), 1);
    QCOMPARE(table->proxy()->index(0, 0).data(IdRole).toString(), u"cust_acme"_s);
}

void TestMainWindow::f5_syncsAgainAndShowsNewUsage()
{
    Testing::Dashboard dashboard;
    QVERIFY(dashboard.open());
    DemoStore& store = dashboard.store;
    MainWindow& window = dashboard.window;
    window.showPage(MainWindow::CustomersPageIndex);
    QAbstractItemModel* customers = window.page<CustomersPage>()->table()->proxy();
    const QModelIndex before = findId(customers, u"cust_acme"_s).siblingAtColumn(CustomersModel::UsageColumn);
    const double tokensBefore = before.data(RawRole).toDouble();

    EventInput input;
    input.customerId = u"cust_acme"_s;
    input.eventType = u"llm.completion"_s;
    input.value = 12345;
    const auto recorded = store->record(input); // VERIFY_OK evaluates its argument twice
    VERIFY_OK(recorded);

    UsageQuery query;
    query.meterId = u"llm-tokens"_s;
    query.customerId = u"cust_acme"_s;
    query.period = NamedPeriod::CurrentMonth;
    auto usage = store->usage(query);
    VERIFY_OK(usage);
    QCOMPARE(usage->value, tokensBefore + 12345);

    QSignalSpy synced(&window, &MainWindow::synced);
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_F5);
    QVERIFY(synced.wait(SyncTimeoutMs));
    const QModelIndex after = findId(customers, u"cust_acme"_s).siblingAtColumn(CustomersModel::UsageColumn);
    QCOMPARE(after.data(RawRole).toDouble(), usage->value);
}

void TestMainWindow::events_filterByCustomerAndDimension()
{
    Testing::Dashboard dashboard;
    QVERIFY(dashboard.open());
    dashboard.window.showPage(MainWindow::EventsPageIndex);
    auto* page = dashboard.window.page<EventsPage>();
    QAbstractItemModel* events = page->view()->model();
    QTRY_VERIFY_WITH_TIMEOUT(events->rowCount() > 0, QueryTimeoutMs);

    // A dimension filter that is not key=value is refused on the page, and the table keeps what it showed.
    const int shown = events->rowCount();
    page->dimensionsEdit()->setText(u"model"_s);
    QVERIFY(!page->applyFilter());
    QVERIFY2(page->problem().contains(u"key=value"_s), qPrintable(page->problem()));
    QCOMPARE(events->rowCount(), shown);

    // One customer, one model: every row matches both.
    selectChoice(page->customerCombo(), u"cust_acme"_s);
    page->dimensionsEdit()->setText(u"model=gpt-4o"_s);
    QVERIFY(page->applyFilter());
    QTRY_VERIFY_WITH_TIMEOUT(events->rowCount() > 0, QueryTimeoutMs);
    const auto& rows = dashboard.window.context().models.events->rows();
    for (const Event& event : rows) {
        QCOMPARE(event.customerId, u"cust_acme"_s);
        QCOMPARE(event.dimensions.value(u"model"_s), u"gpt-4o"_s);
    }
}

void TestMainWindow::webhooks_sendTestOnALocalStoreSaysWhereTestsRun()
{
    Testing::Dashboard dashboard;
    auto webhook =
        dashboard.store->createWebhook({{}, u"https://example.invalid/hooks"_s, {u"balance.low"_s}, {}, {}, false, {}});
    VERIFY_OK(webhook);
    QVERIFY(dashboard.open());
    dashboard.window.showPage(MainWindow::WebhooksPageIndex);
    auto* page = dashboard.window.page<WebhooksPage>();
    QVERIFY(page->endpointsTable()->selectId(webhook->id));
    // Deliveries are sent by meterline-server; a local store says so, in a message box that does not block.
    page->sendTest(webhook->id);
    QMessageBox* box = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((box = dashboard.window.findChild<QMessageBox*>(u"actionFailedBox"_s)) != nullptr,
                             QueryTimeoutMs);
    QVERIFY2(box->text().contains(u"meterline-server"_s), qPrintable(box->text()));
    QVERIFY(box->text().contains(webhook->id));
    auto stored = dashboard.store->webhookDeliveries(webhook->id);
    VERIFY_OK(stored);
    QCOMPARE(stored->size(), 0);
}

void TestMainWindow::apiKeys_createShowsTheKeyOnceAndRevokeAsksFirst()
{
    Testing::Dashboard dashboard;
    QVERIFY(dashboard.open());
    dashboard.window.showPage(MainWindow::ApiKeysPageIndex);
    auto* page = dashboard.window.page<ApiKeysPage>();
    page->createKey();
    auto* editor = page->findChild<ApiKeyEditor*>();
    QVERIFY(editor);
    editor->nameEdit()->setText(u"billing-job"_s);
    selectChoice(editor->scopeCombo(), u"read"_s);
    editor->accept();

    // The secret is shown once, and it is a working key of the store.
    SecretDialog* secret = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((secret = page->findChild<SecretDialog*>()) != nullptr, QueryTimeoutMs);
    const QString key = secret->secret();
    secret->close(); // deletes itself
    auto verified = dashboard.store->verifyApiKey(key);
    VERIFY_OK(verified);
    QCOMPARE(verified->name, u"billing-job"_s);
    QCOMPARE(toString(verified->scope), u"read"_s);

    // Revoke asks first; Cancel changes nothing, Yes revokes.
    QTRY_VERIFY_WITH_TIMEOUT(findId(page->table()->proxy(), verified->id).isValid(), QueryTimeoutMs);
    page->revokeKey(verified->id);
    auto* box = page->findChild<QMessageBox*>(u"confirmBox"_s);
    QVERIFY(box);
    box->button(QMessageBox::Cancel)->click();
    QTest::qWait(200);
    const auto stillValid = dashboard.store->verifyApiKey(key);
    VERIFY_OK(stillValid);
    page->revokeKey(verified->id);
    QTRY_VERIFY((box = page->findChild<QMessageBox*>(u"confirmBox"_s)) != nullptr && box->isVisible());
    box->button(QMessageBox::Yes)->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dashboard.store->verifyApiKey(key).ok(), QueryTimeoutMs);
}

void TestMainWindow::billing_exportWritesTheInvoiceCsvOfCore()
{
    Testing::Dashboard dashboard;
    QVERIFY(dashboard.open());
    dashboard.window.showPage(MainWindow::BillingPageIndex);
    auto* billing = dashboard.window.page<BillingPage>();
    const QDate today = QDateTime::currentDateTimeUtc().date();
    billing->setCustomPeriod(today.addDays(-20), today);
    QSignalSpy done(billing, &BillingPage::exportDone);
    const QString file = dashboard.store.filePath(u"invoices.csv"_s);
    billing->exportInvoicesTo(file);
    QVERIFY(done.wait(QueryTimeoutMs));
    QVERIFY2(done.constFirst().at(0).toBool(), qPrintable(done.constFirst().at(1).toString()));
    QVERIFY(billing->exportStatusLabel()->text().contains(file));

    QBuffer expected;
    QVERIFY(expected.open(QIODevice::WriteOnly));
    const Status wrote = dashboard.store->writeInvoiceCsv(billing->period(), expected); // VERIFY_OK evaluates twice
    VERIFY_OK(wrote);
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QByteArray all = written.readAll();
    QCOMPARE(all, expected.data());
}

void TestMainWindow::windowState_roundTripsThroughSettings()
{
    DemoStore store;
    TestSettings settings;
    int customersSection = 0;
    {
        MainWindow window(settings.settings());
        QVERIFY(openAndSync(window, store.path()));
        window.resize(900, 640);
        window.showPage(MainWindow::BillingPageIndex);
        QHeaderView* header = window.page<CustomersPage>()->table()->view()->horizontalHeader();
        header->resizeSection(CustomersModel::NameColumn, 321);
        customersSection = header->sectionSize(CustomersModel::NameColumn);
        window.close(); // saves
    }
    QCOMPARE(settings.store().value(QString::fromLatin1(DashboardSettings::PageKey)).toInt(),
             int(MainWindow::BillingPageIndex));

    MainWindow again(settings.settings());
    QCOMPARE(again.currentPage(), int(MainWindow::BillingPageIndex));
    QCOMPARE(again.size(), QSize(900, 640));
    QCOMPARE(again.page<CustomersPage>()->table()->view()->horizontalHeader()->sectionSize(CustomersModel::NameColumn),
             customersSection);
}

void TestMainWindow::statusBar_showsLastSuccess()
{
    Testing::Dashboard dashboard;
    QVERIFY(dashboard.open());
    MainWindow& window = dashboard.window;
    QTRY_VERIFY_WITH_TIMEOUT(window.statusText().startsWith(u"Up to date"_s), QueryTimeoutMs);
    QVERIFY2(window.statusText().contains(QDate::currentDate().toString(u"yyyy-MM-dd"_s)),
             qPrintable(window.statusText()));
}

void TestMainWindow::unreadableDatabase_showsAClearFailure()
{
    QTemporaryDir dir;
    QFile notADatabase(dir.filePath(u"garbage.db"_s));
    QVERIFY(notADatabase.open(QIODevice::WriteOnly));
    notADatabase.write(QByteArray(4096, 'x'));
    notADatabase.close();
    TestSettings settings;
    MainWindow window(settings.settings());
    QSignalSpy failed(&window, &MainWindow::syncFailed);
    Dashboard::ConnectionSpec spec = Dashboard::ConnectionSpec::local(notADatabase.fileName());
    spec.queuePath = dir.filePath(u"queue.db"_s);
    window.open(spec);
    QVERIFY(failed.wait(SyncTimeoutMs));
    const QString reason = failed.constFirst().constFirst().toString();
    QVERIFY(reason.contains(u"not a database"_s));
    // The status bar says what failed and that it retries.
    QVERIFY2(window.statusText().contains(reason), qPrintable(window.statusText()));
    QVERIFY2(window.statusText().contains(u"retrying"_s), qPrintable(window.statusText()));
}

QTEST_MAIN(TestMainWindow)
#include "testmainwindow.moc"
