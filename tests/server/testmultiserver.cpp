// Two real `meterline-server serve` processes on one database, clients spread over both: racing debits never
// overdraw, racing reservations never pass a cap, and events sent through both with duplicate idempotency keys
// and client retries are each counted exactly once. Runs on the test's store: a SQLite file, or (registered as
// server/testmultiserver@postgresql) a schema on the private PostgreSQL, where the servers' connections are also
// cut in the middle of the load and must be reopened without a lost or doubled write.

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QTimer>
#include <functional>
#include <memory>

#include "serverprocess.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;

namespace
{

const QString ServerBinary = QStringLiteral(METERLINE_SERVER_BIN);
const QString Debtor = QStringLiteral("debtor");
const QString Holder = QStringLiteral("holder");
const QString Spender = QStringLiteral("spender");
const QString Tokens = QStringLiteral("tokens");

struct Call
{
    int server = 0; // which of the two processes
    QString path;
    QJsonObject body;
};

struct Answer
{
    int status = 0; // 0: no HTTP answer (connection error, timeout)
    QJsonObject json;
};

// One serve process on port 0 of loopback.
class ServeProcess
{
public:
    bool start(const QString& db)
    {
        m_port = startServe(m_process, db, {}, QProcessEnvironment::systemEnvironment());
        return m_port != 0;
    }
    void terminate() { m_process.terminate(); }
    ~ServeProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(20000)) {
                m_process.kill();
                m_process.waitForFinished(5000);
            }
        }
    }
    quint16 port() const { return m_port; }

private:
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace

class TestMultiServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void debits_exactlyTheBalanceWinsAcrossServers();
    void reservations_neverPassTheCapAcrossServers();
    void settle_oneEventPerReservationAcrossServers();
    void events_duplicatesAndRetriesCountOnce();
    void cleanupTestCase();

private:
    // Sends every call (at most 12 in flight per server), retrying a call that got no answer or a 5xx up to
    // maxTries times; afterEach runs on each final answer. Returns the final answers in call order.
    QList<Answer>
    sendAll(const QList<Call>& calls, int maxTries = 1, const std::function<void(int done)>& afterEach = {});
    qint64 balanceMicros(const QString& customerId);

    std::unique_ptr<TestStore> m_store;
    std::unique_ptr<ServeProcess> m_servers[2];
    QString m_key;
    QString m_application;  // PostgreSQL: the servers' application_name
    int m_serverErrors = 0; // 5xx and unanswered calls, over all sendAll calls
};

void TestMultiServer::initTestCase()
{
    m_store = std::make_unique<TestStore>(QDateTime::currentDateTimeUtc());
    Service& service = m_store->service();
    for (const QString& id : {Debtor, Holder, Spender}) {
        Customer c;
        c.id = id;
        c.name = id;
        const auto created = service.createCustomer(c);
        VERIFY_OK(created);
    }
    Meter tokens;
    tokens.id = Tokens;
    tokens.name = QStringLiteral("Tokens");
    const auto meter = service.createMeter(tokens);
    VERIFY_OK(meter);
    Limit cap;
    cap.scope = LimitScope::Customer;
    cap.customerId = Holder;
    cap.meterId = Tokens;
    cap.period = Period::Month;
    cap.value = 50;
    const auto limit = service.createLimit(cap);
    VERIFY_OK(limit);
    BalanceChange funds;
    funds.amount = Money::fromMicros(200'000'000);
    const auto credited = service.credit(Debtor, funds); // VERIFY_OK evaluates twice
    VERIFY_OK(credited);
    auto key = service.createApiKey(QStringLiteral("multi"), KeyScope::Admin);
    VERIFY_OK(key);
    m_key = key->secret;
    // PostgreSQL: the servers' sessions carry an application_name of their own, so that cutting them leaves the
    // other tests that share the private server alone.
    QString db = m_store->path();
    if (m_store->location().isPostgres()) {
        m_application = QStringLiteral("multiserver-%1").arg(QCoreApplication::applicationPid());
        db += QStringLiteral("&application_name=") + m_application;
    }
    for (auto& server : m_servers) {
        server = std::make_unique<ServeProcess>();
        QVERIFY2(server->start(db), "meterline-server serve did not start");
    }
}

void TestMultiServer::cleanupTestCase()
{
    QCOMPARE(m_serverErrors, 0); // the servers retried every lost connection and race themselves
    for (auto& server : m_servers)
        server->terminate(); // both stop at once, before the store goes
    for (auto& server : m_servers)
        server.reset();
    m_store.reset();
}

QList<Answer>
TestMultiServer::sendAll(const QList<Call>& calls, int maxTries, const std::function<void(int done)>& afterEach)
{
    QList<Answer> answers(calls.size());
    QNetworkAccessManager clients[2];
    QList<int> queue[2];
    for (int i = 0; i < calls.size(); ++i)
        queue[calls[i].server].append(i);
    QList<int> tries(calls.size(), 0);
    int done = 0;
    QEventLoop loop;
    std::function<void(int)> sendNext = [&](int server) {
        if (queue[server].isEmpty())
            return;
        const int index = queue[server].takeFirst();
        const Call& call = calls[index];
        QNetworkRequest request(
            QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_servers[server]->port()).arg(call.path)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", "Bearer " + m_key.toLatin1());
        request.setTransferTimeout(60000);
        ++tries[index];
        QNetworkReply* reply = clients[server].post(request, QJsonDocument(call.body).toJson(QJsonDocument::Compact));
        connect(reply, &QNetworkReply::finished, &loop, [&, reply, index, server] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray body = reply->readAll();
            if (status == 0 || status >= 500) {
                ++m_serverErrors;
                qWarning() << "call" << index << "got" << status << body.left(200);
                if (tries[index] < maxTries) {
                    queue[server].prepend(index);
                    sendNext(server);
                    return;
                }
            }
            answers[index] = Answer{status, QJsonDocument::fromJson(body).object()};
            ++done;
            if (afterEach)
                afterEach(done);
            if (done == calls.size())
                loop.quit();
            else
                sendNext(server);
        });
    };
    for (int server = 0; server < 2; ++server) {
        for (int i = 0; i < 12; ++i)
            sendNext(server);
    }
    if (!calls.isEmpty()) {
        QTimer::singleShot(600'000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return answers;
}

qint64 TestMultiServer::balanceMicros(const QString& customerId)
{
    auto balance = m_store->service().balance(customerId);
    return balance.ok() ? balance->balance.micros() : -1;
}

void TestMultiServer::debits_exactlyTheBalanceWinsAcrossServers()
{
    QList<Call> calls;
    for (int i = 0; i < 400; ++i)
        calls << Call{i % 2, QStringLiteral("/v1/customers/%1/balance/debit").arg(Debtor), {{"amount", "1"}}};
    const QList<Answer> answers = sendAll(calls);
    int won = 0;
    int refused = 0;
    for (const Answer& a : answers) {
        if (a.status == 201)
            ++won;
        else if (a.status == 402 && a.json.value("error").toObject().value("code").toString() == "insufficient_balance")
            ++refused;
    }
    QCOMPARE(won, 200);
    QCOMPARE(refused, 200);
    QCOMPARE(balanceMicros(Debtor), qint64(0));

    // The ledger sums to the balance: the credit and exactly 200 debits, none lost, none twice.
    qint64 sum = 0;
    int rows = 0;
    QString cursor;
    do {
        auto page = m_store->service().transactions(Debtor, cursor, 1000);
        VERIFY_OK(page);
        for (const LedgerTransaction& t : page->data) {
            sum += t.amount.micros();
            ++rows;
        }
        cursor = page->nextCursor;
    } while (!cursor.isEmpty());
    QCOMPARE(rows, 201);
    QCOMPARE(sum, balanceMicros(Debtor));
}

void TestMultiServer::reservations_neverPassTheCapAcrossServers()
{
    QList<Call> calls;
    for (int i = 0; i < 200; ++i) {
        calls << Call{i % 2,
                      QStringLiteral("/v1/limits/check"),
                      {{"customerId", Holder}, {"meterId", Tokens}, {"reserve", 1}, {"reserveSeconds", 3600}}};
    }
    const QList<Answer> answers = sendAll(calls);
    int allowed = 0;
    int denied = 0;
    for (const Answer& a : answers) {
        QCOMPARE(a.status, 200);
        if (a.json.value("allowed").toBool()) {
            ++allowed;
            QVERIFY(a.json.value("reservation").isObject());
        } else {
            ++denied;
        }
    }
    QCOMPARE(allowed, 50);
    QCOMPARE(denied, 150);
    CheckRequest check;
    check.customerId = Holder;
    check.meterId = Tokens;
    auto state = m_store->service().check(check);
    VERIFY_OK(state);
    QCOMPARE(state->limits.size(), 1);
    QCOMPARE(state->limits.first().held, 50.0);
    QVERIFY(!state->allowed);
}

void TestMultiServer::settle_oneEventPerReservationAcrossServers()
{
    // 20 holds, taken in process; each is then named by two events at once, one through each server.
    QStringList holds;
    for (int i = 0; i < 20; ++i) {
        CheckRequest request;
        request.customerId = Spender;
        request.meterId = Tokens;
        request.reserve = 1;
        const auto checked = m_store->service().check(request);
        VERIFY_OK(checked);
        QVERIFY(checked->reservation);
        holds << checked->reservation->id;
    }
    QList<Call> calls;
    for (const QString& hold : std::as_const(holds)) {
        for (int server = 0; server < 2; ++server) {
            calls << Call{server,
                          QStringLiteral("/v1/events"),
                          {{"customerId", Spender}, {"eventType", "llm.settle"}, {"reservationId", hold}}};
        }
    }
    const QList<Answer> answers = sendAll(calls);
    for (int i = 0; i < calls.size(); i += 2) {
        const QList<int> statuses{answers[i].status, answers[i + 1].status};
        QVERIFY2(statuses.count(201) == 1 && statuses.count(409) == 1,
                 qPrintable(QStringLiteral("%1 and %2").arg(statuses[0]).arg(statuses[1])));
    }
    for (const QString& hold : std::as_const(holds)) {
        const auto r = m_store->service().reservation(hold);
        VERIFY_OK(r);
        QVERIFY(r->state == ReservationState::Settled);
    }
}

void TestMultiServer::events_duplicatesAndRetriesCountOnce()
{
    constexpr int Events = 10'000;
    // Each event goes to both servers under one key; every tenth is sent a third time, as a client retries
    // after a lost answer. Any 5xx or missing answer is retried by the client too.
    QList<Call> calls;
    for (int i = 0; i < Events; ++i) {
        const QJsonObject body{{"customerId", Spender},
                               {"eventType", "llm.completion"},
                               {"value", 1},
                               {"idempotencyKey", QStringLiteral("k-%1").arg(i)}};
        calls << Call{i % 2, QStringLiteral("/v1/events"), body}
              << Call{(i + 1) % 2, QStringLiteral("/v1/events"), body};
        if (i % 10 == 0)
            calls << Call{i % 2, QStringLiteral("/v1/events"), body};
    }
    // PostgreSQL: cut every server connection twice while events flow; the servers reconnect and rerun.
    auto cut = [this](int done) {
        if (m_store->location().isPostgres() && (done == 4000 || done == 14000)) {
            {
                QSqlDatabase admin = m_store->location().rawConnection(QStringLiteral("cutter"));
                QSqlQuery q(admin);
                q.prepare(QStringLiteral("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                         " WHERE application_name = ?"));
                q.addBindValue(m_application);
                QVERIFY(q.exec() && q.next());
                QVERIFY2(q.value(0).toInt() >= 2, "each server has connections to cut");
            }
            QSqlDatabase::removeDatabase(QStringLiteral("cutter"));
        }
    };
    const QList<Answer> answers = sendAll(calls, 5, cut);

    QHash<QString, QString> eventOfKey;
    int created = 0;
    for (int i = 0; i < calls.size(); ++i) {
        const Answer& a = answers[i];
        QVERIFY2(a.status == 201 || a.status == 200, qPrintable(QStringLiteral("call %1: %2").arg(i).arg(a.status)));
        const QString key = calls[i].body.value("idempotencyKey").toString();
        const QString id = a.json.value("id").toString();
        QVERIFY(id.startsWith(QStringLiteral("evt_")));
        QCOMPARE(a.json.value("duplicate").toBool(), a.status == 200);
        if (a.status == 201)
            ++created;
        auto known = eventOfKey.constFind(key);
        if (known == eventOfKey.cend())
            eventOfKey.insert(key, id);
        else
            QCOMPARE(id, known.value()); // every answer under a key names the one event
    }
    QCOMPARE(eventOfKey.size(), Events);
    QCOMPARE(created, Events);

    // The store agrees: 10,000 events, and the meter sums to 10,000.
    int stored = 0;
    QString cursor;
    do {
        auto page = m_store->service().events(EventQuery{Spender, {}, {}, {}, 1000, cursor, {}});
        VERIFY_OK(page);
        stored += page->data.size();
        cursor = page->nextCursor;
    } while (!cursor.isEmpty());
    QCOMPARE(stored, Events + 20);
    UsageQuery usage;
    usage.meterId = Tokens;
    usage.customerId = Spender;
    usage.period = NamedPeriod::CurrentMonth;
    auto used = m_store->service().usage(usage);
    VERIFY_OK(used);
    QCOMPARE(used->value, double(Events + 20)); // and the 20 events that settled holds
}

QTEST_GUILESS_MAIN(TestMultiServer)
#include "testmultiserver.moc"
