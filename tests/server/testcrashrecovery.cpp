// Crash recovery (issue 18): the real meterline-server under load (records, batches, credits, debits, checks with
// holds that are settled or left to expire, and the webhook deliveries they cause) is killed with SIGKILL at a
// random moment, 50 times, and started again on the same database; on PostgreSQL the database server itself is
// killed with SIGKILL mid-load every tenth cycle and restarted (crash recovery). Then every unanswered request is
// sent again under its idempotency key, and the store is read with core:
// - every acknowledged event and ledger transaction is stored exactly once, under the id of its answer;
//   unanswered ones at most once before the resend (a batch whole or not at all) and exactly once after it;
// - balance == Σ ledger for every customer (and >= 0), every event burned its credits once, the meters' rollups
//   hold exactly the stored events;
// - no hold counts past its expiry (the server's checks and balances show nothing held, the reserved credits are
//   available again), and a hold is settled only with its event;
// - every delivery the store made reached the receiver, signed, at least once, under one webhook-id and body;
//   a limit threshold fired exactly once.
// The seed of the random choices is printed first; METERLINE_CRASH_SEED=<seed> runs the same choices again.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <algorithm>
#include <memory>
#include <vector>

#include "core/database.h"
#include "core/service.h"
#include "serverprocess.h"
#include "testsupport.h"
#include "webhookreceiver.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

constexpr int Cycles = 50;
constexpr int Clients = 6;            // concurrent connections of the load, one request in flight each
constexpr int PostgresKillEvery = 10; // on PostgreSQL, cycles 4, 14, 24, …: the database server is killed too
constexpr int HoldSeconds = 1;        // reserveSeconds of every check
constexpr double RequestsLimit = 200; // soft lifetime limit on the "requests" meter: thresholds at 160 and 200
const Money CreditsPerToken = Money::fromMicros(1000); // 0.001 credits per token
const Money LowBalance = Money::fromMicros(3'000'000); // the endpoint's balanceLowThreshold
const QStringList CustomerIds{u"cust_a"_s, u"cust_b"_s, u"cust_c"_s, u"cust_d"_s, u"cust_e"_s, u"cust_f"_s};

enum class Op
{
    Record, // POST /v1/events
    Batch,  // POST /v1/events/batch
    Credit,
    Debit,
    Check, // POST /v1/limits/check with reserve: a hold, settled by a Commit or left to expire
    Commit // POST /v1/events naming the hold
};

// What the answer said. Acknowledged: a 2xx answer, read whole. Refused: an answer saying it was not done (402 of a
// debit). Unanswered: no answer, a cut one or a 5xx: it may or may not have been done.
enum class Outcome
{
    InFlight,
    Acknowledged,
    Refused,
    Unanswered,
    Unexpected
};

struct Request
{
    Op op = Op::Record;
    QString customerId;
    QString path;
    QByteArray body;
    QStringList keys;                  // idempotency keys: one per event (record, commit, batch), or the transaction's
    QString reservationId;             // commit: the hold it settles; acknowledged check: the hold it took
    Outcome first = Outcome::InFlight; // of the send during the load
    Outcome outcome = Outcome::InFlight; // now, after any resend
    int cycle = 0;                       // when it was first sent
    int sends = 0;
    int status = 0;
    QString storedId;  // the event or transaction id of the 2xx answer
    QByteArray answer; // an unexpected answer, for the failure message
};

bool writesWithKey(const Request& r)
{
    return r.op != Op::Check;
}

bool isEventWrite(const Request& r)
{
    return r.op == Op::Record || r.op == Op::Batch || r.op == Op::Commit;
}

QString opName(Op op)
{
    switch (op) {
    case Op::Record:
        return u"record"_s;
    case Op::Batch:
        return u"batch"_s;
    case Op::Credit:
        return u"credit"_s;
    case Op::Debit:
        return u"debit"_s;
    case Op::Check:
        return u"check"_s;
    case Op::Commit:
        return u"commit"_s;
    }
    return {};
}

QByteArray compact(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Decides what an answer says about r (see Outcome) and keeps the ids it names.
void classify(Request& r, int status, QNetworkReply::NetworkError error, const QByteArray& body)
{
    r.status = status;
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    if (status >= 200 && status < 300 && error == QNetworkReply::NoError) {
        r.outcome = Outcome::Acknowledged;
        switch (r.op) {
        case Op::Record:
        case Op::Commit:
        case Op::Credit:
        case Op::Debit:
            r.storedId = json.value("id"_L1).toString();
            if (r.storedId.isEmpty())
                r.outcome = Outcome::Unexpected;
            break;
        case Op::Batch:
            if (json.value("accepted"_L1).toInt() + json.value("duplicates"_L1).toInt() != r.keys.size()
                || !json.value("rejected"_L1).toArray().isEmpty())
                r.outcome = Outcome::Unexpected;
            break;
        case Op::Check:
            if (!json.contains("allowed"_L1))
                r.outcome = Outcome::Unexpected;
            r.reservationId = json.value("reservation"_L1).toObject().value("id"_L1).toString();
            break;
        }
    } else if (status == 402 && r.op == Op::Debit
               && json.value("error"_L1).toObject().value("code"_L1).toString() == "insufficient_balance"_L1) {
        r.outcome = Outcome::Refused;
    } else if (status == 0 || status >= 500) {
        r.outcome = Outcome::Unanswered;
    } else {
        r.outcome = Outcome::Unexpected;
    }
    if (r.outcome == Outcome::Unexpected)
        r.answer = QByteArray::number(status) + ' ' + body.left(300);
}

// The load: Clients connections on the test's event loop, each sending its next request when the last one is
// answered, until halted. Every request is kept with what its answer said.
class LoadDriver : public QObject
{
public:
    LoadDriver(QRandomGenerator& rng, const QString& apiKey, const QString& keyPrefix)
        : m_rng(rng)
        , m_authorization("Bearer " + apiKey.toLatin1())
        , m_keyPrefix(keyPrefix)
    {
    }

    void start(quint16 port, int cycle = -1)
    {
        m_port = port;
        m_cycle = cycle;
        m_running = true;
        m_clients.clear(); // the last cycle's, whose requests have all ended
        for (int i = 0; i < Clients; ++i)
            m_clients.push_back(Client{std::make_unique<QNetworkAccessManager>(), {}, {}});
        for (int i = 0; i < Clients; ++i)
            next(i);
    }

    // No new request from now on; those in flight go on.
    void halt() { m_running = false; }

    // Waits (on the event loop) until no request is in flight.
    bool drain(int timeoutMs)
    {
        QElapsedTimer timer;
        timer.start();
        while (m_inFlight > 0 && timer.elapsed() < timeoutMs)
            QTest::qWait(5);
        return m_inFlight == 0;
    }

    // Sends every unanswered write again under its keys, until each has an answer; false on timeout.
    bool resend(quint16 port, int timeoutMs)
    {
        m_resendQueue.clear();
        for (qsizetype i = 0; i < m_requests.size(); ++i) {
            if (m_requests.at(i).outcome == Outcome::Unanswered && writesWithKey(m_requests.at(i)))
                m_resendQueue << i;
        }
        m_resent = m_resendQueue.size();
        m_resending = true;
        start(port);
        QElapsedTimer timer;
        timer.start();
        while ((!m_resendQueue.isEmpty() || m_inFlight > 0) && timer.elapsed() < timeoutMs)
            QTest::qWait(5);
        halt();
        return m_resendQueue.isEmpty() && drain(timeoutMs);
    }

    const QList<Request>& requests() const { return m_requests; }
    int acknowledged() const { return m_acknowledged; }
    qsizetype resent() const { return m_resent; }

private:
    struct Client
    {
        std::unique_ptr<QNetworkAccessManager> network;
        QString holdToSettle; // the hold of its last acknowledged check, when its next request settles it
        QString holdCustomer;
    };

    QString newKey() { return u"%1-%2"_s.arg(m_keyPrefix).arg(++m_keySerial); }

    QJsonObject event(const QString& customerId, const QString& key, const QString& reservationId = {})
    {
        QJsonObject e{{"customerId"_L1, customerId},
                      {"eventType"_L1, "llm.tokens"_L1},
                      {"value"_L1, double(m_rng.bounded(1, 1001))},
                      {"dimensions"_L1, QJsonObject{{"model"_L1, u"model-%1"_s.arg(m_rng.bounded(3))}}},
                      {"idempotencyKey"_L1, key}};
        if (!reservationId.isEmpty())
            e.insert("reservationId"_L1, reservationId);
        return e;
    }

    // 0.50 to 6.00 credits.
    QString amount() { return Money::fromMicros(qint64(m_rng.bounded(50, 601)) * 10'000).toString(); }

    Request make(Client& client)
    {
        Request r;
        if (!client.holdToSettle.isEmpty()) {
            r.op = Op::Commit;
            r.customerId = client.holdCustomer;
            r.reservationId = std::exchange(client.holdToSettle, QString());
            r.keys << newKey();
            r.path = u"/v1/events"_s;
            r.body = compact(event(r.customerId, r.keys.constFirst(), r.reservationId));
            return r;
        }
        r.customerId = CustomerIds.at(int(m_rng.bounded(qsizetype(CustomerIds.size()))));
        const quint32 pick = m_rng.bounded(100);
        if (pick < 30) {
            r.op = Op::Record;
            r.keys << newKey();
            r.path = u"/v1/events"_s;
            r.body = compact(event(r.customerId, r.keys.constFirst()));
        } else if (pick < 40) {
            r.op = Op::Batch;
            QJsonArray events;
            const int n = int(m_rng.bounded(2, 9));
            for (int i = 0; i < n; ++i) {
                r.keys << newKey();
                // Each event of a batch for a customer of its own choosing.
                events.append(event(CustomerIds.at(int(m_rng.bounded(qsizetype(CustomerIds.size())))), r.keys.last()));
            }
            r.path = u"/v1/events/batch"_s;
            r.body = compact(QJsonObject{{"events"_L1, events}});
        } else if (pick < 75) {
            r.op = pick < 60 ? Op::Credit : Op::Debit;
            r.keys << newKey();
            r.path = u"/v1/customers/%1/balance/%2"_s.arg(r.customerId, r.op == Op::Credit ? "credit"_L1 : "debit"_L1);
            r.body = compact(QJsonObject{{"amount"_L1, amount()},
                                         {"reason"_L1, r.op == Op::Credit ? "top-up"_L1 : "refund"_L1},
                                         {"idempotencyKey"_L1, r.keys.constFirst()}});
        } else {
            r.op = Op::Check;
            r.path = u"/v1/limits/check"_s;
            r.body = compact(QJsonObject{{"customerId"_L1, r.customerId},
                                         {"meterId"_L1, "tokens"_L1},
                                         {"reserve"_L1, double(m_rng.bounded(10, 501))},
                                         {"reserveSeconds"_L1, HoldSeconds}});
        }
        return r;
    }

    void next(int client)
    {
        if (!m_running)
            return;
        qsizetype index = 0;
        if (m_resending) {
            if (m_resendQueue.isEmpty())
                return;
            index = m_resendQueue.takeFirst();
        } else {
            index = m_requests.size();
            m_requests << make(m_clients[size_t(client)]);
            m_requests.last().cycle = m_cycle;
        }
        send(client, index);
    }

    void send(int client, qsizetype index)
    {
        Request& r = m_requests[index];
        ++r.sends;
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(r.path)));
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", m_authorization);
        request.setTransferTimeout(20000);
        QNetworkReply* reply = m_clients[size_t(client)].network->post(request, r.body);
        ++m_inFlight;
        connect(reply, &QNetworkReply::finished, this, [this, client, index, reply] {
            --m_inFlight;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray body = reply->readAll();
            const QNetworkReply::NetworkError error = reply->error();
            reply->deleteLater();
            answered(client, index, status, error, body);
        });
    }

    void answered(int client, qsizetype index, int status, QNetworkReply::NetworkError error, const QByteArray& body)
    {
        Request& r = m_requests[index];
        classify(r, status, error, body);
        if (r.first == Outcome::InFlight)
            r.first = r.outcome;
        if (r.outcome == Outcome::Acknowledged)
            ++m_acknowledged;
        if (m_resending && r.outcome == Outcome::Unanswered && r.sends < 10) {
            m_resendQueue << index; // the server is still recovering: again in a moment
            QTimer::singleShot(100, this, [this, client] { next(client); });
            return;
        }
        if (!m_resending && r.op == Op::Check && r.outcome == Outcome::Acknowledged && !r.reservationId.isEmpty()
            && m_rng.bounded(10) < 6) {
            m_clients[size_t(client)].holdToSettle = r.reservationId; // the others are left to expire
            m_clients[size_t(client)].holdCustomer = r.customerId;
        }
        next(client);
    }

    QRandomGenerator& m_rng;
    QByteArray m_authorization;
    QString m_keyPrefix;
    quint16 m_port = 0;
    int m_cycle = -1;
    bool m_running = false;
    bool m_resending = false;
    int m_inFlight = 0;
    int m_acknowledged = 0;
    int m_keySerial = 0;
    qsizetype m_resent = 0;
    std::vector<Client> m_clients;
    QList<Request> m_requests;
    QList<qsizetype> m_resendQueue;
};

// One synchronous call to the server (the checks after the load).
struct Answer
{
    int status = 0;
    QJsonObject json;
};

Answer call(quint16 port, const QString& apiKey, const QByteArray& method, const QString& path, const QByteArray& body)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path)));
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + apiKey.toLatin1());
    request.setTransferTimeout(30000);
    QNetworkReply* reply = network.sendCustomRequest(request, method, body);
    QElapsedTimer timer;
    timer.start();
    while (!reply->isFinished() && timer.elapsed() < 35000)
        QTest::qWait(5);
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.json = QJsonDocument::fromJson(reply->readAll()).object();
    delete reply;
    return answer;
}

// Raw reads of tables no core call lists whole (every delivery, every hold), on a connection of their own.
bool rawRows(const QString& spec, const QString& sql, int columns, QList<QVariantList>& rows, QString* error)
{
    static int serial = 0;
    const QString name = u"crash-inspect-%1"_s.arg(++serial);
    bool ok = false;
    {
        QSqlDatabase db = Database::addQtConnection(spec, name);
        if (db.open()) {
            QSqlQuery q(db);
            ok = q.exec(sql);
            while (ok && q.next()) {
                QVariantList row;
                for (int i = 0; i < columns; ++i)
                    row << q.value(i);
                rows << row;
            }
            if (!ok)
                *error = q.lastError().text();
        } else {
            *error = db.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

struct StoredDelivery
{
    QString id;
    QString type;
    QByteArray payload;
    QString state;
};

bool storedDeliveries(const QString& spec, QList<StoredDelivery>& deliveries, QString* error)
{
    QList<QVariantList> rows;
    if (!rawRows(spec, u"SELECT id, event_type, payload, state FROM webhook_deliveries ORDER BY seq"_s, 4, rows, error))
        return false;
    for (const QVariantList& row : std::as_const(rows))
        deliveries << StoredDelivery{
            row.at(0).toString(), row.at(1).toString(), row.at(2).toString().toUtf8(), row.at(3).toString()};
    return true;
}

// What the store holds, read with core (and the holds raw).
struct StoreView
{
    qsizetype events = 0;
    qsizetype transactions = 0;
    qsizetype eventsWithoutKey = 0;
    qsizetype changesWithoutKey = 0; // credits and debits
    QHash<QString, QList<Event>> eventsByKey;
    QHash<QString, QList<LedgerTransaction>> changesByKey; // credits and debits
    QHash<QString, int> usageByEvent;                      // usage transactions per event id
    QSet<QString> eventIds;
    QHash<QString, int> eventsOfReservation;
    QHash<QString, Money> ledgerSum;
    QHash<QString, Money> newestBalanceAfter;
    QHash<QString, Balance> balances;
    QHash<QString, double> tokens;   // Σ event values per customer
    QHash<QString, double> requests; // events per customer
    QHash<QString, double> tokensMeter;
    QHash<QString, double> requestsMeter;
    QList<QVariantList> reservations; // id, state, event_id
};

void readStore(const QString& spec, StoreView& view)
{
    auto db = Database::open(spec);
    VERIFY_OK(db);
    Service service(*db.value());
    EventQuery query;
    query.limit = 1000;
    for (;;) {
        auto page = service.events(query);
        VERIFY_OK(page);
        for (const Event& e : page->data) {
            ++view.events;
            view.eventIds.insert(e.id);
            view.tokens[e.customerId] += e.value;
            view.requests[e.customerId] += 1;
            if (e.idempotencyKey.isEmpty())
                ++view.eventsWithoutKey;
            else
                view.eventsByKey[e.idempotencyKey] << e;
            if (!e.reservationId.isEmpty())
                ++view.eventsOfReservation[e.reservationId];
        }
        if (page->nextCursor.isEmpty())
            break;
        query.cursor = page->nextCursor;
    }
    for (const QString& customerId : CustomerIds) {
        QString cursor;
        bool newest = true;
        for (;;) {
            auto page = service.transactions(customerId, cursor, 1000);
            VERIFY_OK(page);
            for (const LedgerTransaction& t : page->data) {
                ++view.transactions;
                view.ledgerSum[customerId] += t.amount;
                if (std::exchange(newest, false))
                    view.newestBalanceAfter[customerId] = t.balanceAfter;
                if (t.kind == TransactionKind::Usage)
                    ++view.usageByEvent[t.eventId];
                else if (t.idempotencyKey.isEmpty())
                    ++view.changesWithoutKey;
                else
                    view.changesByKey[t.idempotencyKey] << t;
            }
            if (page->nextCursor.isEmpty())
                break;
            cursor = page->nextCursor;
        }
        auto balance = service.balance(customerId);
        VERIFY_OK(balance);
        view.balances.insert(customerId, balance.value());
        for (const QString& meterId : {u"tokens"_s, u"requests"_s}) {
            UsageQuery usage;
            usage.meterId = meterId;
            usage.customerId = customerId;
            usage.period = NamedPeriod::Lifetime;
            auto value = service.usage(usage);
            VERIFY_OK(value);
            (meterId == "tokens"_L1 ? view.tokensMeter : view.requestsMeter)[customerId] = value->value;
        }
    }
    db.value()->releaseThreadConnection();
    QString error;
    QVERIFY2(rawRows(spec, u"SELECT id, state, event_id FROM reservations"_s, 3, view.reservations, &error),
             qPrintable(error));
}

int storedCount(const StoreView& view, const Request& r, const QString& key)
{
    return int(isEventWrite(r) ? view.eventsByKey.value(key).size() : view.changesByKey.value(key).size());
}

// Before the resend: acknowledged writes stored exactly once under their answer's id; unanswered ones at most once,
// a batch whole or not at all; refused debits not at all. The number of unanswered writes that had landed.
void checkBeforeResend(const StoreView& view, const QList<Request>& requests, int& landed)
{
    landed = 0;
    for (const Request& r : requests) {
        if (!writesWithKey(r))
            continue;
        int stored = 0;
        for (const QString& key : r.keys) {
            const int n = storedCount(view, r, key);
            QVERIFY2(n <= 1, qPrintable(u"%1 %2 stored %3 times"_s.arg(opName(r.op), key).arg(n)));
            stored += n;
        }
        if (r.first == Outcome::Acknowledged) {
            QVERIFY2(stored == r.keys.size(),
                     qPrintable(
                         u"acknowledged %1 %2 (cycle %5) lost: %3 of %4 stored"_s.arg(opName(r.op), r.keys.constFirst())
                             .arg(stored)
                             .arg(r.keys.size())
                             .arg(r.cycle)));
        } else if (r.first == Outcome::Refused) {
            QVERIFY2(stored == 0, qPrintable(u"refused %1 %2 stored"_s.arg(opName(r.op), r.keys.constFirst())));
        } else if (r.first == Outcome::Unanswered) {
            QVERIFY2(stored == 0 || stored == r.keys.size(),
                     qPrintable(u"unanswered %1 %2 stored in part: %3 of %4"_s.arg(opName(r.op), r.keys.constFirst())
                                    .arg(stored)
                                    .arg(r.keys.size())));
            landed += stored > 0;
        }
    }
}

} // namespace

class TestCrashRecovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        bool given = false;
        m_seed = qEnvironmentVariable("METERLINE_CRASH_SEED").toUInt(&given);
        if (!given)
            m_seed = QRandomGenerator::global()->generate();
        qInfo().noquote() << u"seed %1 (METERLINE_CRASH_SEED=%1 repeats this run's choices)"_s.arg(m_seed);
    }

    void sqlite_everyAcknowledgedWriteSurvivesSigkill()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        CHECKED(run(dir.filePath(u"crash.db"_s), dir.path(), nullptr, u"sqlite"_s));
    }

    // A PostgreSQL of this test's own (the shared fixture server must not be killed), killed with SIGKILL mid-load
    // every tenth cycle. Fails, never skips, when PostgreSQL 15 is missing (scripts/install-deps.sh installs it).
    void postgresql_everyAcknowledgedWriteSurvivesSigkillOfServerAndDatabase()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString script =
            QDir::cleanPath(QFileInfo(QStringLiteral(__FILE__)).absolutePath() + u"/../../scripts/pg-test-server.sh"_s);
        PrivatePostgres postgres(script);
        QVERIFY2(postgres.start(), qPrintable(postgres.error()));
        CHECKED(run(postgres.url(), dir.path(), &postgres, u"postgresql"_s));
    }

private:
    void run(const QString& spec, const QString& dir, PrivatePostgres* postgres, const QString& store)
    {
        QElapsedTimer clock;
        clock.start();
        QRandomGenerator rng(m_seed);
        const QString log = dir + u"/server.log"_s;
        WebhookReceiver receiver;

        // The catalog: tokens burn 0.001 credits each; a hard lifetime cap no one reaches (holds count on it) and a
        // soft lifetime limit of 200 requests (its thresholds fire once each); balance webhooks to the receiver.
        QString apiKey;
        QString secret;
        QString endpointId;
        {
            auto db = Database::open(spec);
            VERIFY_OK(db);
            Service service(*db.value());
            VERIFY_OK(service.createMeter(meter(u"tokens"_s, Aggregation::Sum, {u"llm.tokens"_s})));
            VERIFY_OK(service.createMeter(meter(u"requests"_s, Aggregation::Count, {u"llm.tokens"_s})));
            Plan plan;
            plan.id = u"pro"_s;
            plan.name = u"Pro"_s;
            plan.limits << planLimit(u"tokens"_s, Period::Lifetime, 1e12)
                        << planLimit(u"requests"_s, Period::Lifetime, RequestsLimit, LimitMode::Soft);
            Price price;
            price.meterId = u"tokens"_s;
            price.unitPrice = Money::fromMicros(2);
            price.creditsPerUnit = CreditsPerToken;
            plan.prices << price;
            VERIFY_OK(service.createPlan(plan));
            for (const QString& id : CustomerIds) {
                Customer customer;
                customer.id = id;
                customer.name = id;
                customer.planId = u"pro"_s;
                VERIFY_OK(service.createCustomer(customer));
            }
            WebhookEndpoint endpoint;
            endpoint.url = receiver.url();
            endpoint.events = QStringList{u"limit.threshold"_s, u"balance.low"_s, u"balance.depleted"_s};
            endpoint.balanceLowThreshold = LowBalance;
            auto created = service.createWebhook(endpoint);
            VERIFY_OK(created);
            secret = created->secret;
            endpointId = created->id;
            auto key = service.createApiKey(u"crash load"_s, KeyScope::Admin);
            VERIFY_OK(key);
            apiKey = key->secret;
            db.value()->releaseThreadConnection();
        }

        LoadDriver driver(rng, apiKey, u"crash-"_s + store);
        int postgresKills = 0;
        auto logLine = [&log](const QString& line) {
            QFile file(log);
            if (file.open(QIODevice::Append))
                file.write(line.toUtf8() + '\n');
        };
        for (int cycle = 0; cycle < Cycles; ++cycle) {
            logLine(u"--- test: cycle %1"_s.arg(cycle));
            QProcess server;
            const quint16 port = startServe(server, spec, log);
            QVERIFY2(port, qPrintable(u"cycle %1: the server did not start\n%2"_s.arg(cycle).arg(tailOf(log))));
            driver.start(port, cycle);
            if (postgres && cycle % PostgresKillEvery == PostgresKillEvery / 2 - 1) {
                QTest::qWait(int(rng.bounded(100, 301)));
                logLine(u"--- test: PostgreSQL killed"_s);
                QVERIFY2(postgres->kill(), qPrintable(postgres->error()));
                ++postgresKills;
                QTest::qWait(200); // the load meets a dead database
                QVERIFY2(postgres->restart(), qPrintable(postgres->error()));
                logLine(u"--- test: PostgreSQL restarted"_s);
                const int before = driver.acknowledged();
                QTRY_VERIFY2_WITH_TIMEOUT(
                    driver.acknowledged() >= before + Clients,
                    qPrintable(u"cycle %1: no answers after PostgreSQL restarted\n%2"_s.arg(cycle).arg(tailOf(log))),
                    30000);
                // Its webhook sender is back too: a test event queued now reaches the receiver from this server.
                const Answer queued = call(port, apiKey, "POST", u"/v1/webhooks/%1/test"_s.arg(endpointId), {});
                QCOMPARE(queued.status, 202);
                const QByteArray queuedId = queued.json.value("id"_L1).toString().toUtf8();
                auto received = [&receiver, &queuedId] {
                    const QList<ReceivedWebhook>& hooks = receiver.received();
                    return std::any_of(hooks.cbegin(), hooks.cend(), [&](const auto& h) { return h.id() == queuedId; });
                };
                QTRY_VERIFY2_WITH_TIMEOUT(
                    received(),
                    qPrintable(u"cycle %1: no delivery after PostgreSQL restarted\n%2"_s.arg(cycle).arg(tailOf(log))),
                    30000);
                QTest::qWait(int(rng.bounded(100, 301)));
            } else {
                QTest::qWait(int(rng.bounded(100, 601)));
            }
            driver.halt();
            server.kill(); // SIGKILL, with requests in flight
            QVERIFY(waitForEnd(server, 10000));
            QCOMPARE(server.exitStatus(), QProcess::CrashExit);
            QVERIFY2(driver.drain(30000), "requests still in flight 30 s after the kill");
        }

        logLine(u"--- test: the last server"_s);
        QProcess server;
        const quint16 port = startServe(server, spec, log);
        QVERIFY2(port, qPrintable(u"the last server did not start\n%1"_s.arg(tailOf(log))));

        const QList<Request>& requests = driver.requests();
        int acknowledged = 0;
        int unanswered = 0;
        int refused = 0;
        for (const Request& r : requests) {
            acknowledged += r.first == Outcome::Acknowledged;
            unanswered += r.first == Outcome::Unanswered;
            refused += r.first == Outcome::Refused;
            QVERIFY2(
                r.first != Outcome::Unexpected,
                qPrintable(u"%1 %2 answered %3"_s.arg(opName(r.op), r.keys.value(0), QString::fromUtf8(r.answer))));
        }

        QFile::remove(u"/tmp/crash-%1.log"_s.arg(store));
        QFile::copy(log, u"/tmp/crash-%1.log"_s.arg(store)); // TEMP
        StoreView before;
        CHECKED(readStore(spec, before));
        int landed = 0;
        CHECKED(checkBeforeResend(before, requests, landed));

        QVERIFY2(driver.resend(port, 120000), "unanswered requests still unanswered after 2 minutes of resending");
        for (const Request& r : requests) {
            if (!writesWithKey(r))
                continue;
            QVERIFY2(r.outcome == Outcome::Acknowledged || r.outcome == Outcome::Refused,
                     qPrintable(u"resent %1 %2 answered %3 %4"_s.arg(opName(r.op), r.keys.constFirst())
                                    .arg(r.status)
                                    .arg(QString::fromUtf8(r.answer))));
        }

        // Holds: once the last one has expired, neither the server nor the store counts anything held.
        QList<QVariantList> latest;
        QString error;
        QVERIFY2(rawRows(spec, u"SELECT COALESCE(MAX(expires_at), 0) FROM reservations"_s, 1, latest, &error),
                 qPrintable(error));
        const qint64 lastExpiry = latest.value(0).value(0).toLongLong();
        while (QDateTime::currentMSecsSinceEpoch() <= lastExpiry + 100)
            QTest::qWait(20);
        for (const QString& customerId : CustomerIds) {
            const Answer balance = call(port, apiKey, "GET", u"/v1/customers/%1/balance"_s.arg(customerId), {});
            QCOMPARE(balance.status, 200);
            QCOMPARE(balance.json.value("held"_L1).toString(), u"0.000000"_s);
            QCOMPARE(balance.json.value("available"_L1).toString(), balance.json.value("balance"_L1).toString());
            const Answer check = call(port,
                                      apiKey,
                                      "POST",
                                      u"/v1/limits/check"_s,
                                      compact(QJsonObject{{"customerId"_L1, customerId}, {"meterId"_L1, "tokens"_L1}}));
            QCOMPARE(check.status, 200);
            const QJsonArray limits = check.json.value("limits"_L1).toArray();
            QCOMPARE(limits.size(), 1);
            QCOMPARE(limits.at(0).toObject().value("held"_L1).toDouble(), 0.0);
        }

        // Webhooks: every delivery the store made is delivered, and the receiver got each.
        QList<StoredDelivery> deliveries;
        QSet<QByteArray> receivedIds;
        auto allDelivered = [&] {
            deliveries.clear();
            if (!storedDeliveries(spec, deliveries, &error))
                return false;
            receivedIds.clear();
            for (const ReceivedWebhook& hook : receiver.received())
                receivedIds.insert(hook.id());
            for (const StoredDelivery& d : std::as_const(deliveries)) {
                if (d.state != "delivered"_L1 || !receivedIds.contains(d.id.toUtf8()))
                    return false;
            }
            return true;
        };
        QElapsedTimer waited;
        waited.start();
        while (!allDelivered() && waited.elapsed() < 120000)
            QTest::qWait(250);
        int undelivered = 0;
        int unreceived = 0;
        for (const StoredDelivery& d : std::as_const(deliveries)) {
            undelivered += d.state != "delivered"_L1;
            unreceived += !receivedIds.contains(d.id.toUtf8());
        }

        server.terminate(); // SIGTERM: a clean stop, exit status 0
        QVERIFY(waitForEnd(server, 30000));
        QCOMPARE(server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.exitCode(), 0);

        StoreView after;
        CHECKED(readStore(spec, after));

        // Counted first, so that the numbers are printed before any check fails.
        int lost = unreceived;
        int duplicated = 0;
        for (const Request& r : requests) {
            if (!writesWithKey(r))
                continue;
            for (const QString& key : r.keys) {
                const int n = storedCount(after, r, key);
                lost += r.outcome == Outcome::Acknowledged && n == 0;
                duplicated += std::max(0, n - 1);
            }
        }
        for (auto it = after.usageByEvent.cbegin(); it != after.usageByEvent.cend(); ++it)
            duplicated += std::max(0, it.value() - 1);
        QHash<QString, QList<QByteArray>> bodiesById;
        for (const ReceivedWebhook& hook : receiver.received())
            bodiesById[QString::fromUtf8(hook.id())] << hook.body;
        int redelivered = 0;
        for (const auto& bodies : std::as_const(bodiesById))
            redelivered += bodies.size() > 1;
        qInfo().noquote() << u"%1: %2 cycles, %3 requests sent, %4 acknowledged, %5 unacknowledged (%6 of them stored "
                             "before the resend, %7 resent), %8 refused (402); stored: %9 events, %10 transactions; "
                             "lost %11, duplicated %12; webhooks: %13 deliveries, %14 receipts (%15 redelivered), "
                             "%16 undelivered; PostgreSQL server kills %17; %18 s"_s.arg(store)
                                 .arg(Cycles)
                                 .arg(requests.size())
                                 .arg(acknowledged)
                                 .arg(unanswered)
                                 .arg(landed)
                                 .arg(driver.resent())
                                 .arg(refused)
                                 .arg(after.events)
                                 .arg(after.transactions)
                                 .arg(lost)
                                 .arg(duplicated)
                                 .arg(deliveries.size())
                                 .arg(receiver.received().size())
                                 .arg(redelivered)
                                 .arg(undelivered)
                                 .arg(postgresKills)
                                 .arg(clock.elapsed() / 1000.0, 0, 'f', 1);

        // Exactly once after the resend, under the id of the answer; refused debits never.
        QSet<QString> sentKeys;
        for (const Request& r : requests) {
            if (!writesWithKey(r))
                continue;
            for (const QString& key : r.keys) {
                sentKeys.insert(key);
                const int n = storedCount(after, r, key);
                const int expected = r.outcome == Outcome::Acknowledged ? 1 : 0;
                QVERIFY2(n == expected,
                         qPrintable(u"%1 %2 (%3) stored %4 times, not %5"_s.arg(opName(r.op), key)
                                        .arg(r.first == Outcome::Acknowledged ? "acknowledged"_L1 : "resent"_L1)
                                        .arg(n)
                                        .arg(expected)));
            }
            if (r.outcome != Outcome::Acknowledged || r.op == Op::Batch)
                continue;
            const QString key = r.keys.constFirst();
            const QString storedId =
                isEventWrite(r) ? after.eventsByKey.value(key).value(0).id : after.changesByKey.value(key).value(0).id;
            QVERIFY2(storedId == r.storedId,
                     qPrintable(u"%1 %2 answered %3 but stored %4"_s.arg(opName(r.op), key, r.storedId, storedId)));
            if (r.op == Op::Commit)
                QCOMPARE(after.eventsByKey.value(key).value(0).reservationId, r.reservationId);
        }
        QCOMPARE(after.eventsWithoutKey, 0);
        QCOMPARE(after.changesWithoutKey, 0);
        for (auto it = after.eventsByKey.cbegin(); it != after.eventsByKey.cend(); ++it)
            QVERIFY2(sentKeys.contains(it.key()), qPrintable(u"an event under a key never sent: "_s + it.key()));
        for (auto it = after.changesByKey.cbegin(); it != after.changesByKey.cend(); ++it)
            QVERIFY2(sentKeys.contains(it.key()), qPrintable(u"a transaction under a key never sent: "_s + it.key()));

        // Every event burned its credits in exactly one usage transaction; the meters hold exactly the events.
        for (const QString& id : std::as_const(after.eventIds))
            QVERIFY2(after.usageByEvent.value(id) == 1,
                     qPrintable(u"event %1 has %2 usage transactions"_s.arg(id).arg(after.usageByEvent.value(id))));
        for (auto it = after.usageByEvent.cbegin(); it != after.usageByEvent.cend(); ++it)
            QVERIFY2(after.eventIds.contains(it.key()), qPrintable(u"usage of a missing event "_s + it.key()));
        for (const QString& customerId : CustomerIds) {
            const Balance balance = after.balances.value(customerId);
            QVERIFY2(balance.balance == after.ledgerSum.value(customerId),
                     qPrintable(u"%1: balance %2 but the ledger sums to %3"_s.arg(
                         customerId, balance.balance.toString(), after.ledgerSum.value(customerId).toString())));
            QVERIFY2(!balance.balance.isNegative(), qPrintable(customerId + u" below zero"_s));
            QCOMPARE(after.newestBalanceAfter.value(customerId), balance.balance);
            QCOMPARE(balance.held, Money());
            QCOMPARE(after.tokensMeter.value(customerId), after.tokens.value(customerId));
            QCOMPARE(after.requestsMeter.value(customerId), after.requests.value(customerId));
        }

        // A hold is settled only together with its event, and an event settles at most one hold once.
        for (auto it = after.eventsOfReservation.cbegin(); it != after.eventsOfReservation.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(u"hold %1 named by %2 events"_s.arg(it.key()).arg(it.value())));
        for (const QVariantList& hold : std::as_const(after.reservations)) {
            const QString id = hold.at(0).toString();
            const QString state = hold.at(1).toString();
            if (state == "settled"_L1)
                QVERIFY2(after.eventIds.contains(hold.at(2).toString()) && after.eventsOfReservation.value(id) == 1,
                         qPrintable(u"hold %1 settled by a missing event"_s.arg(id)));
            else
                QVERIFY2(state == "held"_L1 || state == "expired"_L1, qPrintable(id + u" in state "_s + state));
        }

        // Webhooks: delivered at least once each, each receipt signed and under the id and body the store has.
        QVERIFY2(!deliveries.isEmpty(), "the load caused no webhook delivery");
        QVERIFY2(undelivered == 0 && unreceived == 0,
                 qPrintable(u"%1 deliveries not delivered, %2 never received\n%3"_s.arg(undelivered)
                                .arg(unreceived)
                                .arg(tailOf(log))));
        QHash<QString, QByteArray> payloads;
        QHash<QString, int> thresholds; // "<customer>/<level>" -> limit.threshold deliveries
        for (const StoredDelivery& d : std::as_const(deliveries)) {
            payloads.insert(d.id, d.payload);
            if (d.type == "limit.threshold"_L1) {
                const QJsonObject data = QJsonDocument::fromJson(d.payload).object().value("data"_L1).toObject();
                ++thresholds[data.value("customerId"_L1).toString() + u'/'
                             + QString::number(data.value("threshold"_L1).toInt())];
            }
        }
        for (const ReceivedWebhook& hook : receiver.received()) {
            const QString id = QString::fromUtf8(hook.id());
            QVERIFY2(payloads.contains(id), qPrintable(u"received %1, which the store never made"_s.arg(id)));
            QCOMPARE(hook.body, payloads.value(id));
            QVERIFY2(WebhookReceiver::verify(secret, hook), qPrintable(u"bad signature on "_s + id));
        }
        for (const QString& customerId : CustomerIds) {
            for (const int level : {80, 100}) {
                const int expected = after.requests.value(customerId) >= RequestsLimit * level / 100 ? 1 : 0;
                QCOMPARE(thresholds.value(customerId + u'/' + QString::number(level)), expected);
            }
        }
    }

    quint32 m_seed = 0;
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "testcrashrecovery.moc"
