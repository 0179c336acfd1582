// The dashboard's sync against a live meterline-server process (METERLINE_SERVER_BIN), over HTTP with an admin
// key: changes another client makes appear in the models; a killed server shows as Offline and the sync
// recovers when it is back; actions queued while it is down survive a restart of the dashboard and land
// exactly once; a top-up whose first answer is lost (a proxy swallows it, or the first send times out) leaves
// exactly one credit; the invoice preview and export are the rows core computes.

#include <QBuffer>
#include <QFile>
#include <QTemporaryDir>

#include "models/balancesmodel.h"
#include "models/customersmodel.h"
#include "models/eventsmodel.h"
#include "models/metersmodel.h"
#include "models/plansmodel.h"
#include "sync/topupflow.h"
#include "synctestsupport.h"

using namespace Meterline;
using namespace Meterline::Dashboard;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

// A SQLite store with demo data, an admin key, and a server process on it. The test's own Service on the same
// file is "another client".
class LiveServer
{
public:
    explicit LiveServer(int customers = 8)
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(u"meterline.db"_s);
        auto opened = Database::open(m_db);
        QVERIFY2(opened.ok(), "open the store");
        m_database = std::move(opened).value();
        m_service = std::make_unique<Service>(*m_database);
        const Status demo = DemoData::generate(*m_service, customers, 3);
        VERIFY_OK(demo);
        auto key = m_service->createApiKey(u"dashboard"_s, KeyScope::Admin);
        VERIFY_OK(key);
        m_key = key->secret;
        CHECKED(start());
    }
    ~LiveServer() { stopServer(m_process); }

    void start(quint16 port = 0)
    {
        m_port = startServer(m_process, m_db, port ? port : m_port);
        QVERIFY2(m_port != 0, qPrintable(u"meterline-server did not start: "_s + m_process.readAllStandardError()));
    }
    void kill() { stopServer(m_process); }

    Service& service() { return *m_service; }
    quint16 port() const { return m_port; }
    QString key() const { return m_key; }
    QString folder() const { return m_dir.path(); }

    ConnectionSpec spec(quint16 port = 0) const
    {
        ConnectionSpec s = ConnectionSpec::remote(QUrl(u"http://127.0.0.1:%1"_s.arg(port ? port : m_port)), m_key);
        s.queuePath = m_dir.filePath(u"queue.db"_s);
        s.syncIntervalMs = 60'000; // the tests sync on refresh()
        s.requestTimeoutMs = 5'000;
        s.firstBackoffMs = 200;
        s.maxBackoffMs = 1'000;
        return s;
    }

private:
    QTemporaryDir m_dir;
    QString m_db;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<Service> m_service;
    QString m_key;
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace

class TestSyncRemote : public QObject
{
    Q_OBJECT

private slots:
    void firstSync_matchesTheServer();
    void changesByAnotherClient_appearInTheModels();
    void serverKilled_showsOffline_andRecovers();
    void queuedActions_surviveARestart_andLandOnce();
    void topUp_firstAnswerLost_ledgerHasOneCredit_data();
    void topUp_firstAnswerLost_ledgerHasOneCredit();
    void invoices_previewAndExportAreCoresRows();
    void eventsPaging_andDimensionFilter_overHttp();
    void badKey_showsError();
    void webhookTestAndRetry_reachTheServer();
};

void TestSyncRemote::firstSync_matchesTheServer()
{
    LiveServer server;
    if (QTest::currentTestFailed())
        return;
    SyncClient client;
    CustomersModel customers;
    PlansModel plans;
    MetersModel meters;
    BalancesModel balances;
    client.bindModels({.customers = &customers, .plans = &plans, .meters = &meters, .balances = &balances});
    client.open(server.spec());
    QVERIFY(waitForSync(client));
    QCOMPARE(client.status().state, SyncState::Idle);
    QCOMPARE(customers.rowCount(), server.service().customers()->size());
    QCOMPARE(plans.rowCount(), server.service().plans()->size());
    QCOMPARE(meters.rowCount(), server.service().meters()->size());
    auto stored = server.service().balances({}, 1000);
    VERIFY_OK(stored);
    QCOMPARE(balances.rowCount(), stored->data.size());
    for (const Balance& b : stored->data)
        QCOMPARE(balances.find(b.customerId)->balance.available(), b.available());
    // Plans carry their limits and prices over the wire.
    const auto storedPlans = server.service().plans();
    VERIFY_OK(storedPlans);
    for (const Plan& p : storedPlans.value()) {
        QCOMPARE(plans.find(p.id)->limits.size(), p.limits.size());
        QCOMPARE(plans.find(p.id)->prices.size(), p.prices.size());
    }
}

void TestSyncRemote::changesByAnotherClient_appearInTheModels()
{
    LiveServer server;
    if (QTest::currentTestFailed())
        return;
    SyncClient client;
    CustomersModel customers;
    BalancesModel balances;
    client.bindModels({.customers = &customers, .balances = &balances});
    client.open(server.spec());
    QVERIFY(waitForSync(client));
    QSignalSpy reset(&customers, &QAbstractItemModel::modelReset);

    Customer c;
    c.id = u"zz-walk-in"_s;
    c.name = u"Walk-in"_s;
    c.planId = u"pro"_s;
    {
        const auto created = server.service().createCustomer(c);
        VERIFY_OK(created);
    }
    BalanceChange credit;
    credit.amount = Money::fromMicros(42'000'000);
    credit.reason = u"cheque"_s;
    {
        const auto credited = server.service().credit(u"zz-walk-in"_s, credit);
        VERIFY_OK(credited);
    }
    client.refresh();
    QVERIFY(waitForSync(client));
    QVERIFY(customers.find(u"zz-walk-in"_s));
    QCOMPARE(customers.find(u"zz-walk-in"_s)->balance.balance.micros(), 42'000'000);
    QVERIFY(balances.find(u"zz-walk-in"_s));
    QCOMPARE(reset.size(), 0); // a row insert, not a reset
}

void TestSyncRemote::serverKilled_showsOffline_andRecovers()
{
    LiveServer server;
    if (QTest::currentTestFailed())
        return;
    SyncClient client;
    CustomersModel customers;
    client.bindModels({.customers = &customers});
    client.open(server.spec());
    QVERIFY(waitForSync(client));
    const QDateTime firstSuccess = client.status().lastSuccess;
    const int rows = customers.rowCount();

    server.kill();
    client.refresh();
    QVERIFY(waitForState(client, SyncState::Offline));
    QVERIFY(!client.status().message.isEmpty());
    QVERIFY(client.status().retryInMs > 0);
    QCOMPARE(customers.rowCount(), rows); // what was synced stays on screen

    CHECKED(server.start(server.port()));
    QVERIFY(waitForState(client, SyncState::Idle, 20000)); // the backoff retry finds it again
    QVERIFY(client.status().lastSuccess > firstSuccess);
    QVERIFY(client.status().message.isEmpty());
}

void TestSyncRemote::queuedActions_surviveARestart_andLandOnce()
{
    LiveServer server;
    if (QTest::currentTestFailed())
        return;
    const QString key = u"topup-restart-1"_s;
    const QString customer = server.service().customers()->first().id;
    const qint64 before = server.service().balance(customer)->balance.micros();
    {
        SyncClient client;
        client.open(server.spec());
        QVERIFY(waitForSync(client));
        server.kill();
        QSignalSpy queued(&client, &SyncClient::actionQueued);
        const QString credit = client.credit(customer, Money::fromMicros(7'000'000), u"offline top-up"_s, key);
        Customer c;
        c.id = u"zz-offline"_s;
        c.name = u"Made offline"_s;
        const QString create = client.createCustomer(c);
        QTRY_COMPARE_WITH_TIMEOUT(queued.size(), 2, 20000);
        QCOMPARE(queued.at(0).at(0).toString(), credit);
        QCOMPARE(queued.at(1).at(0).toString(), create);
        QTRY_COMPARE_WITH_TIMEOUT(client.status().queuedActions, 2, 10000);
        QCOMPARE(client.status().state, SyncState::Offline);
    } // the dashboard closes with two actions queued

    CHECKED(server.start(server.port()));
    {
        SyncClient client;
        QSignalSpy finished(&client, &SyncClient::actionFinished);
        client.open(server.spec());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
        for (const auto& f : finished)
            QVERIFY2(f.at(1).toBool(), qPrintable(f.at(2).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(client.status().queuedActions, 0, 10000);
    }
    QCOMPARE(creditsWithKey(server.service(), customer, key), 1);
    QCOMPARE(server.service().balance(customer)->balance.micros(), before + 7'000'000);
    QVERIFY(server.service().customer(u"zz-offline"_s).ok());

    // Opening once more sends nothing again.
    {
        SyncClient client;
        QSignalSpy finished(&client, &SyncClient::actionFinished);
        client.open(server.spec());
        QVERIFY(waitForSync(client));
        QCOMPARE(finished.size(), 0);
    }
    QCOMPARE(creditsWithKey(server.service(), customer, key), 1);
}

void TestSyncRemote::topUp_firstAnswerLost_ledgerHasOneCredit_data()
{
    QTest::addColumn<bool>("proxy"); // the proxy swallows the answer, or the first send's timeout is tiny
    QTest::addRow("answer swallowed by a proxy") << true;
    QTest::addRow("first send times out") << false;
}

void TestSyncRemote::topUp_firstAnswerLost_ledgerHasOneCredit()
{
    QFETCH(bool, proxy);
    LiveServer server;
    if (QTest::currentTestFailed())
        return;
    SwallowingProxy swallower(server.port());
    ConnectionSpec spec = server.spec(proxy ? swallower.port() : 0);
    spec.requestTimeoutMs = proxy ? 1500 : 5000;
    if (!proxy)
        spec.firstAttemptTimeoutMs = 1;
    const QString customer = server.service().customers()->first().id;
    const qint64 before = server.service().balance(customer)->balance.micros();

    SyncClient client;
    client.open(spec);
    QVERIFY(waitForSync(client));
    swallower.swallowAnswerOf("/balance/credit");

    TopUpFlow flow(client, customer);
    QSignalSpy succeeded(&flow, &TopUpFlow::succeeded);
    QSignalSpy queued(&flow, &TopUpFlow::queued);
    QVERIFY(flow.confirm(Money::fromMicros(12'500'000), u"manual top-up"_s));
    QVERIFY(queued.wait(10000)); // the first answer never came: the credit waits in the queue
    QTRY_COMPARE_WITH_TIMEOUT(succeeded.size(), 1, 20000);
    if (proxy) {
        QCOMPARE(swallower.swallowed(), 1);
        // The server had done it: the second send is a replay.
        QVERIFY(succeeded.first().at(1).toBool());
    }
    const Balance after = succeeded.first().at(0).value<Balance>();
    QCOMPARE(after.balance.micros(), before + 12'500'000);
    QCOMPARE(creditsWithKey(server.service(), customer, flow.idempotencyKey()), 1);
    QCOMPARE(server.service().balance(customer)->balance.micros(), before + 12'500'000);
    QCOMPARE(flow.state(), TopUpFlow::State::Succeeded);
}

void TestSyncRemote::invoices_previewAndExportAreCoresRows()
{
    LiveServer server(15);
    if (QTest::currentTestFailed())
        return;
    auto period = server.service().resolvePeriod(NamedPeriod::CurrentMonth);
    VERIFY_OK(period);
    QBuffer expected;
    expected.open(QIODevice::WriteOnly);
    {
        const Status written = server.service().writeInvoiceCsv(period.value(), expected);
        VERIFY_OK(written);
    }
    SyncClient client;
    client.open(server.spec());
    QVERIFY(waitForSync(client));

    const QString file = server.folder() + u"/invoices.csv"_s;
    QSignalSpy finished(&client, &SyncClient::exportFinished);
    client.exportInvoiceCsv(period.value(), file);
    QVERIFY(finished.wait(20000));
    QVERIFY2(finished.first().at(1).toBool(), qPrintable(finished.first().at(2).toString()));
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), expected.data());

    QSignalSpy lines(&client, &SyncClient::invoiceLinesReady);
    client.queryInvoiceLines(period.value());
    QVERIFY(lines.wait(20000));
    const auto preview = lines.first().at(1).value<QList<InvoiceLine>>();
    auto core = server.service().invoiceLines(period.value());
    VERIFY_OK(core);
    QCOMPARE(preview.size(), core->size());
    for (int i = 0; i < preview.size(); ++i) {
        QCOMPARE(preview.at(i).customerId, core->at(i).customerId);
        QCOMPARE(preview.at(i).customerName, core->at(i).customerName);
        QCOMPARE(preview.at(i).meterId, core->at(i).meterId);
        QCOMPARE(preview.at(i).quantity, core->at(i).quantity);
        QCOMPARE(preview.at(i).amount, core->at(i).amount);
        QCOMPARE(preview.at(i).unitPrice, core->at(i).unitPrice);
    }
}

void TestSyncRemote::eventsPaging_andDimensionFilter_overHttp()
{
    LiveServer server;
    if (QTest::currentTestFailed())
        return;
    EventQuery all;
    all.limit = 1000;
    auto stored = server.service().events(all);
    VERIFY_OK(stored);
    QVERIFY(stored->data.size() > 40);
    const QString model = stored->data.first().dimensions.value(u"model"_s);
    QVERIFY(!model.isEmpty());
    int matching = 0;
    for (const Event& e : stored->data)
        matching += e.dimensions.value(u"model"_s) == model;

    SyncClient client;
    EventsModel events;
    client.bindModels({.events = &events});
    client.open(server.spec());
    QVERIFY(waitForSync(client));
    EventFilter filter;
    filter.pageSize = 20;
    events.setFilter(filter);
    QTRY_COMPARE_WITH_TIMEOUT(events.rowCount(), 20, 10000);
    QVERIFY(events.canFetchMore({}));
    events.fetchMore({});
    QTRY_COMPARE_WITH_TIMEOUT(events.rowCount(), 40, 10000);
    for (int r = 0; r < 40; ++r)
        QCOMPARE(events.index(r, EventsModel::IdColumn).data().toString(), stored->data.at(r).id);

    filter.dimensions = {{u"model"_s, model}};
    filter.pageSize = 1000;
    events.setFilter(filter);
    QTRY_COMPARE_WITH_TIMEOUT(events.rowCount(), matching, 10000);
}

void TestSyncRemote::badKey_showsError()
{
    LiveServer server;
    if (QTest::currentTestFailed())
        return;
    ConnectionSpec spec = server.spec();
    spec.adminKey = u"mlk_nope_nope"_s;
    SyncClient client;
    client.open(spec);
    QVERIFY(waitForState(client, SyncState::Error));
    QVERIFY(!client.status().message.isEmpty());
}

// "Send test event" and "Retry now" on the Webhooks page go to the server's routes, which queue deliveries in
// its outbox; a retry names the endpoint and the delivery, and one of another endpoint is not found.
void TestSyncRemote::webhookTestAndRetry_reachTheServer()
{
    LiveServer server;
    if (QTest::currentTestFailed())
        return;
    WebhookEndpoint endpoint;
    endpoint.url = u"http://127.0.0.1:9/hooks"_s; // nothing listens: the delivery stays pending
    endpoint.events = {u"balance.low"_s};
    const auto webhook = server.service().createWebhook(endpoint);
    VERIFY_OK(webhook);
    const auto other = server.service().createWebhook(endpoint);
    VERIFY_OK(other);

    SyncClient client;
    client.open(server.spec());
    QVERIFY(waitForSync(client));
    QSignalSpy finished(&client, &SyncClient::actionFinished);
    const QString test = client.testWebhook(webhook->id);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
    QCOMPARE(finished.at(0).at(0).toString(), test);
    QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
    const auto deliveries = server.service().webhookDeliveries(webhook->id);
    VERIFY_OK(deliveries);
    QCOMPARE(deliveries->size(), 1);
    const QString deliveryId = deliveries->first().id;

    const QString retry = client.retryDelivery(webhook->id, deliveryId);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 10000);
    QCOMPARE(finished.at(1).at(0).toString(), retry);
    QVERIFY2(finished.at(1).at(1).toBool(), qPrintable(finished.at(1).at(2).toString()));

    client.retryDelivery(other->id, deliveryId);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 10000);
    QVERIFY(!finished.at(2).at(1).toBool());
    QCOMPARE(server.service().webhookDeliveries(webhook->id)->size(), 1);
}

QTEST_GUILESS_MAIN(TestSyncRemote)
#include "testsyncremote.moc"
