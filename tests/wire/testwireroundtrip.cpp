// The wire library's round trips (issue 19): every domain type encoded as the server writes it and decoded as
// the dashboard reads it gives the same value; every request body the dashboard writes decodes, as the server
// reads it, into the same value; the hand-written check and record answers are the shared encoder's JSON; an
// invoice CSV reads back into the lines it was written from.

#include <QJsonDocument>
#include <QtTest>

#include "core/invoicecsv.h"
#include "server/api/hotanswers.h"
#include "wire/answers.h"
#include "wire/invoicecsvreader.h"
#include "wire/requests.h"

using namespace Meterline;
using namespace Meterline::Wire;
using namespace Qt::StringLiterals;

namespace
{

QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), QTimeZone::utc());
}

Money money(const char* text)
{
    return *Money::parse(QString::fromLatin1(text));
}

// The object as it travels: compact JSON text, parsed again.
QJsonObject sent(const QJsonObject& object)
{
    return QJsonDocument::fromJson(compact(object)).object();
}

QJsonObject parsed(const QByteArray& bytes)
{
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &e);
    if (e.error != QJsonParseError::NoError || !doc.isObject())
        qWarning("not one JSON object: %s: %s", qPrintable(e.errorString()), bytes.constData());
    return doc.object();
}

// decode<T>(toJson(x)) == x; on a difference the two JSON texts are shown.
template <typename T> bool answerRoundTrips(const T& value)
{
    const auto decoded = decode<T>(sent(toJson(value)));
    if (!decoded.ok()) {
        qWarning("decode failed: %s (%s)", qPrintable(decoded.error().message), qPrintable(decoded.error().field));
        return false;
    }
    if (!(decoded.value() == value)) {
        qWarning("sent:    %s\ndecoded: %s", compact(toJson(value)).constData(), compact(toJson(*decoded)).constData());
        return false;
    }
    return true;
}

Customer customer()
{
    return {u"acme"_s,
            u"Acme, \"Inc.\""_s,
            u"pro"_s,
            u"cus_123"_s,
            {{u"tier"_s, u"gold"_s}, {u"région"_s, u"eu"_s}},
            utc(2026, 3, 1, 9, 30, 0, 125)};
}

Limit customerLimit()
{
    Limit l;
    l.id = u"acme:tokens:day"_s;
    l.scope = LimitScope::Customer;
    l.customerId = u"acme"_s;
    l.meterId = u"tokens"_s;
    l.period = Period::Day;
    l.value = 1'500'000.5;
    l.mode = LimitMode::Soft;
    l.createdAt = utc(2026, 3, 2);
    return l;
}

Plan plan()
{
    Plan p;
    p.id = u"pro"_s;
    p.name = u"Pro"_s;
    p.currency = u"EUR"_s;
    for (const auto period : {Period::Hour, Period::Month}) {
        Limit l;
        l.scope = LimitScope::Plan;
        l.planId = p.id;
        l.meterId = u"tokens"_s;
        l.period = period;
        l.id = p.id + u':' + l.meterId + u':' + toString(period);
        l.value = period == Period::Hour ? 10'000 : 2'000'000;
        l.mode = period == Period::Hour ? LimitMode::Soft : LimitMode::Hard;
        p.limits << l;
    }
    p.prices << Price{u"tokens"_s, money("0.002"), 1000, 100'000, money("0.000001")}
             << Price{u"images"_s, money("0.04"), 1, 0, Money()};
    p.createdAt = utc(2026, 1, 31, 23, 59, 59, 999);
    return p;
}

Meter meter()
{
    Meter m;
    m.id = u"tokens"_s;
    m.name = u"LLM tokens"_s;
    m.aggregation = Aggregation::UniqueCount;
    m.eventTypes = {u"llm.*"_s, u"embedding"_s};
    m.dimensionFilters = {{u"model"_s, {u"gpt-4o"_s, u"claude"_s}}, {u"region"_s, {u"eu"_s}}};
    m.dimension = u"user"_s;
    m.createdAt = utc(2026, 2, 1);
    return m;
}

Event event()
{
    Event e;
    e.id = u"evt_01"_s;
    e.customerId = u"acme"_s;
    e.eventType = u"llm.tokens"_s;
    e.value = 1234.25;
    e.dimensions = {{u"model"_s, u"gpt-4o"_s}};
    e.timestamp = utc(2026, 3, 15, 11, 59, 30, 250);
    e.idempotencyKey = u"req-9"_s;
    e.reservationId = u"res_1"_s;
    e.createdAt = utc(2026, 3, 15, 12);
    return e;
}

Balance balance()
{
    return {u"acme"_s, money("125.500001"), money("10"), money("2.25")};
}

LedgerTransaction transaction(TransactionKind kind = TransactionKind::Usage)
{
    LedgerTransaction t;
    t.id = u"txn_1"_s;
    t.customerId = u"acme"_s;
    t.kind = kind;
    t.amount = money("-1.000001");
    t.balanceAfter = money("124.5");
    t.unpaid = money("0.25");
    t.reason = u"usage"_s;
    t.actor = u"key_admin"_s;
    t.idempotencyKey = u"credit-7"_s;
    t.eventId = u"evt_01"_s;
    t.createdAt = utc(2026, 3, 15, 12, 0, 1);
    return t;
}

LimitStatus status(LimitMode mode, double used)
{
    LimitStatus s;
    s.id = u"pro:tokens:month"_s;
    s.meterId = u"tokens"_s;
    s.period = Period::Month;
    s.mode = mode;
    s.source = LimitScope::Plan;
    s.limit = 1000;
    s.used = used;
    s.held = 5;
    s.remaining = std::max(0.0, s.limit - s.used - s.held);
    s.resetsAt = utc(2026, 4, 1);
    s.allowed = mode == LimitMode::Soft || s.remaining > 0 || s.used < s.limit;
    return s;
}

// A check answer with everything set: limits, balance and a hold just taken.
CheckResult fullCheck()
{
    CheckResult c;
    c.allowed = true;
    c.customerId = u"acme"_s;
    c.meterId = u"tokens"_s;
    c.used = 400;
    c.limit = 1000;
    c.remaining = 595;
    c.resetsAt = utc(2026, 4, 1);
    c.limits << status(LimitMode::Hard, 400) << status(LimitMode::Soft, 1200);
    c.balance = Balance{u"acme"_s, money("20"), money("5"), money("1.5")};
    Reservation r;
    r.id = u"res_1"_s;
    r.customerId = c.customerId;
    r.meterId = c.meterId;
    r.amount = 50;
    r.expiresAt = utc(2026, 3, 15, 12, 5);
    c.reservation = r;
    return c;
}

CheckResult deniedCheck()
{
    CheckResult c;
    c.allowed = false;
    c.customerId = u"acme"_s;
    c.used = 1000;
    c.limit = 1000;
    c.remaining = 0;
    c.resetsAt = utc(2026, 4, 1);
    c.reason = u"limit_exceeded"_s;
    c.limits << status(LimitMode::Hard, 1000);
    return c;
}

WebhookDelivery delivery()
{
    WebhookDelivery d;
    d.id = u"msg_1"_s;
    d.endpointId = u"wh_1"_s;
    d.eventType = u"limit.exceeded"_s;
    // Embedded as JSON, the payload comes back as compact JSON text with its members in QJsonObject's order.
    d.payload = uR"({"data":{"customerId":"acme","used":1000},"type":"limit.exceeded"})"_s;
    d.state = u"failed"_s;
    d.attempts = 2;
    d.lastStatus = 503;
    d.lastError = u"HTTP 503"_s;
    d.nextAttemptAt = utc(2026, 3, 15, 13);
    d.createdAt = utc(2026, 3, 15, 12);
    d.attemptLog << WebhookAttempt{1, utc(2026, 3, 15, 12), 120, 0, u"connection refused"_s}
                 << WebhookAttempt{2, utc(2026, 3, 15, 12, 1), 35, 503, u"HTTP 503"_s};
    return d;
}

} // namespace

class TestWireRoundTrip : public QObject
{
    Q_OBJECT

private slots:
    // Answers: server encodes, client decodes.
    void customer();
    void plan();
    void meter();
    void limit();
    void event();
    void recordResult();
    void batchResult();
    void balance();
    void transaction();
    void balanceChangeResult();
    void pages();
    void usage();
    void summary();
    void reservation();
    void check();
    void apiKeys();
    void webhooks();
    void changeFeed();
    void usageFeed();
    void lists();
    void wrongTypeNamesItsPath();
    void error();

    // Request bodies: client encodes, server decodes.
    void requestBodies();
    void customerPatchBody();

    // The hand-written hot answers are the shared encoder's JSON.
    void hotCheckAnswer();
    void hotRecordAnswer();

    void invoiceCsv();
};

void TestWireRoundTrip::customer()
{
    QVERIFY(answerRoundTrips(::customer()));
    Customer bare{u"solo"_s, u"Solo"_s, {}, {}, {}, {}}; // no plan, external id, metadata or time: nulls
    QVERIFY(answerRoundTrips(bare));
}

void TestWireRoundTrip::plan()
{
    QVERIFY(answerRoundTrips(::plan()));
    QVERIFY(answerRoundTrips(Plan{u"free"_s, u"Free"_s, u"USD"_s, {}, {}, {}}));
    QVERIFY(answerRoundTrips(::plan().prices.first()));
}

void TestWireRoundTrip::meter()
{
    QVERIFY(answerRoundTrips(::meter()));
    Meter count;
    count.id = u"requests"_s;
    count.name = u"Requests"_s;
    count.aggregation = Aggregation::Count;
    QVERIFY(answerRoundTrips(count));
}

void TestWireRoundTrip::limit()
{
    QVERIFY(answerRoundTrips(customerLimit()));
    QVERIFY(answerRoundTrips(::plan().limits.first())); // a plan's limit on its own (GET /v1/limits)
}

void TestWireRoundTrip::event()
{
    QVERIFY(answerRoundTrips(::event()));
    Event plain = ::event();
    plain.idempotencyKey.clear();
    plain.reservationId.clear();
    plain.dimensions.clear();
    QVERIFY(answerRoundTrips(plain));
}

void TestWireRoundTrip::recordResult()
{
    // The record answer carries the event's fields without its key, reservation and creation time.
    RecordResult r;
    r.event = ::event();
    r.event.idempotencyKey.clear();
    r.event.reservationId.clear();
    r.event.createdAt = {};
    r.duplicate = true;
    QVERIFY(answerRoundTrips(r));
    r.balance = ::balance();
    LedgerTransaction burn;
    burn.unpaid = money("0.000003");
    r.usageTransaction = burn;
    QVERIFY(answerRoundTrips(r));
}

void TestWireRoundTrip::batchResult()
{
    BatchResult b;
    b.accepted = 9998;
    b.duplicates = 1;
    b.rejected << BatchRejection{17,
                                 Error::invalid(u"events[17].value must be a number, not a string"_s,
                                                u"events[17].value"_s)}
               << BatchRejection{40, Error::missing(u"customer_not_found"_s, u"customer"_s, u"ghost"_s)};
    QVERIFY(answerRoundTrips(b));
}

void TestWireRoundTrip::balance()
{
    QVERIFY(answerRoundTrips(::balance()));
    QVERIFY(answerRoundTrips(Balance{u"empty"_s, {}, {}, {}}));
}

void TestWireRoundTrip::transaction()
{
    for (const auto kind : {TransactionKind::Credit,
                            TransactionKind::Debit,
                            TransactionKind::Usage,
                            TransactionKind::Adjustment,
                            TransactionKind::Expiry})
        QVERIFY2(answerRoundTrips(::transaction(kind)), qPrintable(toString(kind)));
}

void TestWireRoundTrip::balanceChangeResult()
{
    QVERIFY(answerRoundTrips(BalanceChangeResult{::transaction(TransactionKind::Credit), ::balance(), true}));
}

void TestWireRoundTrip::pages()
{
    QVERIFY(answerRoundTrips(EventPage{{::event(), ::event()}, u"cursor-2"_s}));
    QVERIFY(answerRoundTrips(EventPage{{}, {}}));
    QVERIFY(answerRoundTrips(LedgerPage{{::transaction()}, u"c"_s}));
    QVERIFY(answerRoundTrips(BalancePage{{::balance(), Balance{u"zeta"_s, money("1"), {}, {}}}, {}}));
}

void TestWireRoundTrip::usage()
{
    UsageResult u;
    u.meterId = u"tokens"_s;
    u.customerId = u"acme"_s;
    u.aggregation = Aggregation::Max;
    u.from = utc(2026, 3, 1);
    u.to = utc(2026, 4, 1);
    u.value = 4096.5;
    u.groups << UsageGroup{{{u"model"_s, u"gpt-4o"_s}}, 4000} << UsageGroup{{{u"model"_s, u""_s}}, 96.5};
    u.series << UsageBucket{utc(2026, 3, 1), utc(2026, 3, 2), 10} << UsageBucket{utc(2026, 3, 2), utc(2026, 3, 3), 0};
    UsageQuery query;
    query.groupBy = {u"model"_s};
    query.window = Window::Day;
    const auto decoded = decode<UsageResult>(sent(toJson(u, query)));
    QVERIFY(decoded.ok());
    QVERIFY(decoded.value() == u);

    // Without groupBy or window the answer has neither member, and the decoded result neither list.
    UsageResult lifetime = u;
    lifetime.from = {};
    lifetime.to = {};
    lifetime.groups.clear();
    lifetime.series.clear();
    const QJsonObject plain = toJson(u, UsageQuery{});
    QVERIFY(!plain.contains(u"groups"_s));
    QVERIFY(!plain.contains(u"series"_s));
    const auto decodedLifetime = decode<UsageResult>(sent(toJson(lifetime, UsageQuery{})));
    QVERIFY(decodedLifetime.ok());
    QVERIFY(decodedLifetime.value() == lifetime);
}

void TestWireRoundTrip::summary()
{
    SummaryPage page{
        utc(2026, 3, 1), utc(2026, 4, 1), {{u"acme"_s, u"tokens"_s, 12.5}, {u"zeta"_s, u"images"_s, 3}}, u"next"_s};
    QVERIFY(answerRoundTrips(page));
}

void TestWireRoundTrip::reservation()
{
    Reservation r;
    r.id = u"res_9"_s;
    r.customerId = u"acme"_s;
    r.meterId = u"tokens"_s;
    r.amount = 250;
    r.credits = money("0.5");
    r.state = ReservationState::Settled;
    r.expiresAt = utc(2026, 3, 15, 12, 5);
    r.createdAt = utc(2026, 3, 15, 12);
    QVERIFY(answerRoundTrips(r));
    r.meterId.clear(); // every limit of the customer
    r.state = ReservationState::Expired;
    QVERIFY(answerRoundTrips(r));
}

void TestWireRoundTrip::check()
{
    QVERIFY(answerRoundTrips(fullCheck()));
    QVERIFY(answerRoundTrips(deniedCheck()));
    CheckResult noLimits;
    noLimits.customerId = u"acme"_s;
    QVERIFY(answerRoundTrips(noLimits)); // limit, remaining and resetsAt null; no limits
    QVERIFY(answerRoundTrips(status(LimitMode::Hard, 999)));
}

void TestWireRoundTrip::apiKeys()
{
    ApiKey k{u"key_1"_s, u"ingest box"_s, KeyScope::Ingest, utc(2026, 1, 1), utc(2026, 2, 1), utc(2026, 1, 31), 500};
    QVERIFY(answerRoundTrips(k));
    QVERIFY(answerRoundTrips(ApiKeyCreated{k, u"mlk_key_1_secret"_s}));
    QVERIFY(answerRoundTrips(ApiKey{u"key_2"_s, u"reader"_s, KeyScope::Read, utc(2026, 1, 1), {}, {}, 0}));
}

void TestWireRoundTrip::webhooks()
{
    WebhookEndpoint w{u"wh_1"_s,
                      u"https://example.com/hook"_s,
                      {u"limit.exceeded"_s, u"balance.low"_s},
                      money("5.25"),
                      u"whsec_c2VjcmV0"_s,
                      true,
                      utc(2026, 3, 1)};
    QVERIFY(answerRoundTrips(w));
    w.secret.clear(); // stored endpoints come back without it
    w.balanceLowThreshold.reset();
    QVERIFY(answerRoundTrips(w));
    QVERIFY(answerRoundTrips(delivery()));
    QVERIFY(answerRoundTrips(delivery().attemptLog.first()));
}

void TestWireRoundTrip::changeFeed()
{
    ChangePage page;
    page.data << Change{41, u"customer"_s, u"acme"_s, u"upsert"_s}
              << Change{42, u"limit"_s, u"acme:t:day"_s, u"delete"_s};
    page.nextCursor = 9'007'199'254'740'993; // above 2^53: exact only because it travels as a string
    QVERIFY(answerRoundTrips(page));
    QVERIFY(answerRoundTrips(page.data.first()));
}

void TestWireRoundTrip::usageFeed()
{
    UsageChangePage page;
    page.customers << u"acme"_s << u"globex"_s;
    UsageWindowFigures hour{Period::Hour, utc(2026, 3, 1, 10), utc(2026, 3, 1, 11), {}};
    hour.data << SummaryRow{u"acme"_s, u"llm-tokens"_s, 1234.5} << SummaryRow{u"globex"_s, u"llm-tokens"_s, 7};
    UsageWindowFigures lifetime{Period::Lifetime, {}, {}, {SummaryRow{u"acme"_s, u"models-used"_s, 2}}};
    page.windows << hour << lifetime;
    page.nextCursor = 9'007'199'254'740'995;
    QVERIFY(answerRoundTrips(page));
    QVERIFY(answerRoundTrips(hour));
    QVERIFY(answerRoundTrips(lifetime)); // no bounds travel as nulls and come back invalid
    UsageChangePage truncated;
    truncated.truncated = true;
    truncated.nextCursor = 17;
    QVERIFY(answerRoundTrips(truncated));
}

void TestWireRoundTrip::lists()
{
    const QJsonObject list{
        {u"data"_s, toJsonArray(QList<Customer>{::customer(), Customer{u"b"_s, u"B"_s, {}, {}, {}, {}}})}};
    const auto decoded = decodeList<Customer>(sent(list));
    QVERIFY(decoded.ok());
    QCOMPARE(decoded->size(), 2);
    QVERIFY(decoded->first() == ::customer());
    QVERIFY(decodeList<Plan>(QJsonObject{{u"data"_s, QJsonArray{}}})->isEmpty());
}

void TestWireRoundTrip::wrongTypeNamesItsPath()
{
    QJsonObject check = toJson(fullCheck());
    QJsonArray limits = check.value(u"limits"_s).toArray();
    QJsonObject second = limits.at(1).toObject();
    second.insert(u"used"_s, u"lots"_s);
    limits.replace(1, second);
    check.insert(u"limits"_s, limits);
    const auto decoded = decode<CheckResult>(check);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, u"invalid_request"_s);
    QCOMPARE(decoded.error().field, u"limits[1].used"_s);

    const QJsonObject list{{u"data"_s, QJsonArray{toJson(::customer()), QJsonObject{{u"name"_s, u"no id"_s}}}}};
    const auto listed = decodeList<Customer>(list);
    QVERIFY(!listed.ok());
    QCOMPARE(listed.error().field, u"data[1].id"_s);

    // Money never travels as a JSON number.
    QJsonObject b = toJson(::balance());
    b.insert(u"balance"_s, 125.5);
    QCOMPARE(decode<Balance>(b).error().field, u"balance"_s);
}

void TestWireRoundTrip::error()
{
    const Error e = Error::invalid(u"value must be a number"_s, u"value"_s);
    QVERIFY(errorFrom(compact(QJsonObject{{u"error"_s, toJson(e)}}), 400) == e);
    const Error generic = errorFrom("<html>bad gateway</html>", 502);
    QCOMPARE(generic.code, u"http_502"_s);
}

void TestWireRoundTrip::requestBodies()
{
    Customer c = ::customer();
    c.createdAt = {}; // the server sets it
    QVERIFY(customerFrom(sent(customerBody(c))).value() == c);

    Plan p = ::plan();
    p.createdAt = {};
    auto decodedPlan = planFrom(sent(planBody(p)));
    QVERIFY(decodedPlan.ok());
    for (Limit& l : p.limits)
        l.id.clear(); // a plan's limit ids are core's to make
    QVERIFY(decodedPlan.value() == p);

    Meter m = ::meter();
    m.createdAt = {};
    QVERIFY(meterFrom(sent(meterBody(m))).value() == m);

    Limit l = customerLimit();
    l.createdAt = {};
    QVERIFY(limitFrom(sent(limitBody(l))).value() == l);
    Limit planLimit = ::plan().limits.first();
    QVERIFY(limitFrom(sent(limitBody(planLimit))).value() == planLimit);

    const BalanceChange change{money("25.000001"), u"wire 2026-11"_s, {}, u"topup-1"_s};
    QVERIFY(balanceChangeFrom(sent(balanceChangeBody(change.amount, change.reason, change.idempotencyKey))).value()
            == change);
    QVERIFY(reserveFrom(sent(reserveBody(money("3.5")))).value() == money("3.5"));
    QVERIFY(apiKeyRequestFrom(sent(apiKeyBody(u"box"_s, KeyScope::Admin, 50))).value()
            == (ApiKeyRequest{u"box"_s, KeyScope::Admin, 50}));
    WebhookEndpoint w{{}, u"https://example.com/h"_s, {u"balance.low"_s}, money("1"), {}, false, {}};
    QVERIFY(webhookFrom(sent(webhookBody(w))).value() == w);
}

void TestWireRoundTrip::customerPatchBody()
{
    CustomerPatch rename;
    rename.name = u"Acme 2"_s;
    QVERIFY(customerPatchFrom(sent(Wire::customerPatchBody(rename))).value() == rename);

    CustomerPatch removeAll; // planId and externalId removed (null), metadata emptied
    removeAll.planId = QString();
    removeAll.externalId = QString();
    removeAll.metadata = Metadata{};
    const QJsonObject body = sent(Wire::customerPatchBody(removeAll));
    QVERIFY(body.value(u"planId"_s).isNull());
    QVERIFY(customerPatchFrom(body).value() == removeAll);
}

void TestWireRoundTrip::hotCheckAnswer()
{
    for (const CheckResult& c : {fullCheck(), deniedCheck(), CheckResult{}})
        QCOMPARE(parsed(Api::checkAnswer(c)), toJson(c));
}

void TestWireRoundTrip::hotRecordAnswer()
{
    RecordResult r;
    r.event = ::event();
    QCOMPARE(parsed(Api::recordAnswer(r)), toJson(r));
    r.duplicate = true;
    r.balance = ::balance();
    r.usageTransaction = ::transaction();
    QCOMPARE(parsed(Api::recordAnswer(r)), toJson(r));
}

void TestWireRoundTrip::invoiceCsv()
{
    InvoiceLine line;
    line.periodStart = utc(2026, 3, 1);
    line.periodEnd = utc(2026, 4, 1);
    line.customerId = u"acme"_s;
    line.customerName = u"Acme, \"Inc.\"\nEU"_s; // comma, quotes and a line break: quoted per RFC 4180
    line.externalId = u"cus_123"_s;
    line.planId = u"pro"_s;
    line.meterId = u"tokens"_s;
    line.meterName = u"LLM tokens"_s;
    line.quantity = 1'250'000;
    line.includedUnits = 100'000;
    line.billableUnits = 1'150'000;
    line.unitPrice = money("0.002");
    line.perUnits = 1000;
    line.amount = money("2.3");
    line.currency = u"EUR"_s;
    InvoiceLine second = line;
    second.customerId = u"zeta"_s;
    second.customerName = u"Zeta"_s;
    second.externalId.clear();
    const QByteArray csv = InvoiceCsv::header() + InvoiceCsv::row(line) + InvoiceCsv::row(second);
    const auto lines = invoiceLinesFromCsv(csv);
    QVERIFY(lines.ok());
    QCOMPARE(lines->size(), 2);
    QVERIFY(lines->at(0) == line);
    QVERIFY(lines->at(1) == second);
}

QTEST_GUILESS_MAIN(TestWireRoundTrip)
#include "testwireroundtrip.moc"
