// Meterline dashboard benchmark (bench/README.md): the dashboard's data side on a large store.
//   - first sync of every customer (default 100,000) through SyncClient, local (core on the worker's own
//     connection) and remote (a meterline-server process over HTTP): time to the first syncFinished;
//   - the first paint (the first customer rows in the model) and incremental syncs after usage moved for
//     1, 100 and 10,000 customers (one event each, recorded by another client);
//   - the dashboard process's peak memory (VmHWM, reset before each source's run);
//   - the Events page over the stored events (default 10,000,000): first page and fetchMore times;
//   - the longest stall of the GUI thread meanwhile, measured by a 5 ms QTimer heartbeat on the GUI thread
//     (the deltas are applied to real models there, so model work is in the figure).
// Seeding uses core's Service (recordBatch in chunks of 10,000, non-durable SQLite), then reopens it as usual.
//   meterline-dashboard-bench [--customers N] [--events N] [--db FILE] [--no-remote]

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QTimer>
#include <cstdio>

#include "core/database.h"
#include "core/service.h"
#include "models/balancesmodel.h"
#include "models/customersmodel.h"
#include "models/eventsmodel.h"
#include "models/metersmodel.h"
#include "models/plansmodel.h"
#include "sync/syncclient.h"

using namespace Meterline;
using namespace Meterline::Dashboard;
using namespace Qt::StringLiterals;

namespace
{

constexpr qint64 CoreSeededEvents = 200'000;

void note(const QString& text)
{
    std::fprintf(stderr, "%s\n", qPrintable(text));
}

[[noreturn]] void die(const QString& what, const Error& error)
{
    note(u"dashboard-bench: %1: %2 %3"_s.arg(what, error.code, error.message));
    std::exit(1);
}

template <typename T> T must(Result<T> r, const QString& what)
{
    if (!r.ok())
        die(what, r.error());
    return std::move(r).value();
}

// The longest gap between two ticks of a 5 ms timer on the GUI thread while it runs.
class Heartbeat
{
public:
    Heartbeat()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { m_longest = std::max(m_longest, m_clock.restart()); });
    }
    void start()
    {
        m_longest = 0;
        m_clock.start();
        m_timer.start();
    }
    qint64 stop()
    {
        m_timer.stop();
        m_longest = std::max(m_longest, m_clock.elapsed());
        return m_longest;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_longest = 0;
};

void seed(Service& service, int customers, qint64 events)
{
    QElapsedTimer t;
    t.start();
    Meter tokens;
    tokens.id = u"llm-tokens"_s;
    tokens.name = u"LLM tokens"_s;
    tokens.eventTypes = {u"llm.completion"_s};
    must(service.createMeter(tokens), u"meter"_s);
    Plan plan;
    plan.id = u"pro"_s;
    plan.name = u"Pro"_s;
    Limit monthly;
    monthly.meterId = tokens.id;
    monthly.period = Period::Month;
    monthly.value = 5'000'000;
    plan.limits = {monthly};
    Price price;
    price.meterId = tokens.id;
    price.unitPrice = Money::fromMicros(2'500'000);
    price.perUnits = 1'000'000;
    plan.prices = {price};
    must(service.createPlan(plan), u"plan"_s);
    for (int i = 0; i < customers; ++i) {
        Customer c;
        c.id = u"cust-%1"_s.arg(i, 6, 10, QChar(u'0'));
        c.name = u"Customer %1"_s.arg(i);
        c.planId = u"pro"_s;
        must(service.createCustomer(c), u"customer"_s);
        if (i % 10 == 0) {
            BalanceChange credit;
            credit.amount = Money::fromMicros(100'000'000);
            credit.reason = u"seed"_s;
            must(service.credit(c.id, credit), u"credit"_s);
        }
    }
    note(u"seeded %1 customers in %2 s"_s.arg(customers).arg(t.elapsed() / 1000.0));
    const QStringList models{u"gpt-4o"_s, u"claude"_s, u"llama"_s};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime start = QDateTime(QDate(now.date().year(), now.date().month(), 1), QTime(0, 0), QTimeZone::utc());
    const qint64 spanMs = std::max<qint64>(1, start.msecsTo(now));
    const auto customerOf = [customers](qint64 n) { return u"cust-%1"_s.arg(int(n % customers), 6, 10, QChar(u'0')); };
    // The first events go through core (rollups, credits burnt: this month's usage is real)...
    const qint64 throughCore = std::min<qint64>(events, CoreSeededEvents);
    QList<EventInput> chunk;
    for (qint64 n = 0; n < throughCore;) {
        chunk.clear();
        for (int k = 0; k < 10'000 && n < throughCore; ++k, ++n) {
            EventInput e;
            e.customerId = customerOf(n);
            e.eventType = u"llm.completion"_s;
            e.value = double(100 + n % 900);
            e.dimensions = {{u"model"_s, models.at(n % 3)}};
            e.timestamp = start.addMSecs(n * spanMs / events);
            chunk << e;
        }
        must(service.recordBatch(chunk), u"events"_s);
    }
    note(u"  %1 events through core (%2 s)"_s.arg(throughCore).arg(t.elapsed() / 1000.0));
    // ...the rest straight into the events table in one transaction: core ingests ~4,000 events/s on the
    // 2-core VM (bench/README.md), 10M would take an hour. The Events page reads only this table, so its
    // figures are the same; these rows are missing from the rollups (usage), which the page does not read.
    QSqlDatabase db = service.database().connection();
    db.transaction();
    QSqlQuery insert(db);
    insert.prepare(u"INSERT INTO events (id, customer_id, event_type, value, dimensions, ts, created_at)"
                   " VALUES (?, ?, 'llm.completion', ?, ?, ?, ?)"_s);
    const QStringList dimensionText{
        u"{\"model\":\"gpt-4o\"}"_s, u"{\"model\":\"claude\"}"_s, u"{\"model\":\"llama\"}"_s};
    for (qint64 n = throughCore; n < events; ++n) {
        const qint64 ts = start.toMSecsSinceEpoch() + n * spanMs / events;
        insert.bindValue(0, u"evt_bench%1"_s.arg(n));
        insert.bindValue(1, customerOf(n));
        insert.bindValue(2, double(100 + n % 900));
        insert.bindValue(3, dimensionText.at(n % 3));
        insert.bindValue(4, ts);
        insert.bindValue(5, ts);
        if (!insert.exec())
            die(u"raw events"_s, Error::storage(insert.lastError().text()));
        if (n % 1'000'000 == 0)
            note(u"  %1 events (%2 s)"_s.arg(n).arg(t.elapsed() / 1000.0));
    }
    db.commit();
    note(u"seeded %1 events in %2 s"_s.arg(events).arg(t.elapsed() / 1000.0));
}

// Peak resident memory of this process since the last reset (Linux VmHWM), in MiB.
qint64 peakMemoryMiB()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() / 1024;
    }
    return -1;
}

// Starts the peak over again (writing 5 to clear_refs resets VmHWM to the current size).
void resetPeakMemory()
{
    QFile refs(u"/proc/self/clear_refs"_s);
    if (refs.open(QIODevice::WriteOnly))
        refs.write("5");
}

// One timed sync: wall time and the longest GUI-thread gap.
struct Timed
{
    qint64 ms = 0;
    qint64 stallMs = 0;
};

struct SyncFigures
{
    qint64 firstPaintMs = 0; // open() to the first customer rows in the model
    qint64 firstSyncMs = 0;  // open() to the first syncFinished
    qint64 firstStallMs = 0;
    qint64 firstUpdateMs = 0;             // the longest single model update (applyDelta) on the GUI thread
    QList<QPair<int, Timed>> incremental; // changed customers -> the sync after
    qint64 peakMiB = 0;
    int rows = 0;
};

// One event each for `count` customers spread over the store (a different set each call).
void recordForCustomers(Service& other, int customers, int count, int round)
{
    QList<EventInput> batch;
    for (int i = 0; i < count; ++i) {
        const int n = int((qint64(i) * customers / count + round * 7) % customers);
        EventInput e;
        e.customerId = u"cust-%1"_s.arg(n, 6, 10, QChar(u'0'));
        e.eventType = u"llm.completion"_s;
        e.value = 500;
        e.dimensions = {{u"model"_s, u"gpt-4o"_s}};
        batch << e;
        if (batch.size() == 10'000) {
            must(other.recordBatch(batch), u"events"_s);
            batch.clear();
        }
    }
    if (!batch.isEmpty())
        must(other.recordBatch(batch), u"events"_s);
}

SyncFigures measureSync(const ConnectionSpec& spec, Service& other, int storedCustomers)
{
    resetPeakMemory();
    SyncClient client;
    CustomersModel customers;
    PlansModel plans;
    MetersModel meters;
    BalancesModel balances;
    client.bindModels({nullptr, &plans, &meters, nullptr, nullptr});
    SyncFigures f;
    QElapsedTimer t;
    // The customer and balance deltas are applied here, timed: the GUI thread's own work per update.
    qint64 longestUpdate = 0;
    QObject::connect(&client, &SyncClient::customersSynced, &customers, [&](const RowDelta<CustomerRow>& delta) {
        QElapsedTimer update;
        update.start();
        customers.applyDelta(delta);
        longestUpdate = std::max(longestUpdate, update.elapsed());
        if (f.firstPaintMs == 0 && customers.rowCount() > 0)
            f.firstPaintMs = t.elapsed();
    });
    QObject::connect(&client, &SyncClient::balancesSynced, &balances, [&](const RowDelta<BalanceRow>& delta) {
        QElapsedTimer update;
        update.start();
        balances.applyDelta(delta);
        longestUpdate = std::max(longestUpdate, update.elapsed());
    });
    QSignalSpy finished(&client, &SyncClient::syncFinished);
    Heartbeat heartbeat;
    heartbeat.start();
    t.start();
    client.open(spec);
    if (!finished.wait(600'000) || client.status().state != SyncState::Idle) {
        note(u"first sync did not finish: %1"_s.arg(client.status().message));
        std::exit(1);
    }
    f.firstSyncMs = t.elapsed();
    f.firstStallMs = heartbeat.stop();
    f.firstUpdateMs = longestUpdate;
    f.rows = customers.rowCount();

    int round = 0;
    for (int changed : {1, 100, 10'000}) {
        recordForCustomers(other, storedCustomers, std::min(changed, storedCustomers), ++round);
        heartbeat.start();
        t.restart();
        client.refresh();
        if (!finished.wait(600'000)) {
            note(u"incremental sync did not finish"_s);
            std::exit(1);
        }
        f.incremental << qMakePair(changed, Timed{t.elapsed(), heartbeat.stop()});
    }
    f.peakMiB = peakMemoryMiB();
    return f;
}

void printSync(const char* source, const SyncFigures& f)
{
    std::printf("%-8s %-34s %10lld %14s\n", source, "first paint (first customer rows)", f.firstPaintMs, "");
    std::printf("%-8s %-34s %10lld %14lld %16lld\n",
                source,
                "first sync (all customers)",
                f.firstSyncMs,
                f.firstStallMs,
                f.firstUpdateMs);
    for (const auto& [changed, timed] : f.incremental) {
        const QByteArray what = u"incremental sync (%1 changed)"_s.arg(changed).toUtf8();
        std::printf("%-8s %-34s %10lld %14lld\n", source, what.constData(), timed.ms, timed.stallMs);
    }
    std::printf("%-8s %-34s %10lld %14s\n", source, "peak memory of the dashboard (MiB)", f.peakMiB, "");
}

struct PageFigures
{
    qint64 firstPageMs = 0;
    qint64 fetchMoreMs = 0; // mean of 10
    qint64 filteredFirstPageMs = 0;
    qint64 stallMs = 0;
};

PageFigures measureEvents(const ConnectionSpec& spec)
{
    SyncClient client;
    EventsModel events;
    client.bindModels({.events = &events});
    QSignalSpy finished(&client, &SyncClient::syncFinished);
    client.open(spec);
    if (!finished.wait(600'000)) {
        note(u"sync before the events page did not finish"_s);
        std::exit(1);
    }
    PageFigures f;
    Heartbeat heartbeat;
    heartbeat.start();
    const auto waitRows = [&events](int rows) {
        QElapsedTimer t;
        t.start();
        while (events.rowCount() < rows && t.elapsed() < 120'000)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    };
    QElapsedTimer t;
    t.start();
    EventFilter filter; // the Events page opens unfiltered, 200 rows a page
    events.setFilter(filter);
    waitRows(200);
    f.firstPageMs = t.elapsed();
    t.restart();
    for (int i = 0; i < 10; ++i) {
        const int rows = events.rowCount();
        events.fetchMore({});
        waitRows(rows + 200);
    }
    f.fetchMoreMs = t.elapsed() / 10;
    filter.customerId = u"cust-000042"_s;
    filter.dimensions = {{u"model"_s, u"claude"_s}};
    t.restart();
    events.setFilter(filter);
    QElapsedTimer wait;
    wait.start();
    while (events.isPending() && wait.elapsed() < 120'000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    f.filteredFirstPageMs = t.elapsed();
    f.stallMs = heartbeat.stop();
    return f;
}

quint16 startServer(QProcess& process, const QString& db)
{
    process.start(QStringLiteral(METERLINE_SERVER_BIN),
                  {u"serve"_s, u"--db"_s, db, u"--listen"_s, u"127.0.0.1:0"_s, u"--access-log"_s, QString()});
    if (!process.waitForStarted(10000))
        return 0;
    QByteArray first;
    for (int i = 0; i < 600 && !first.contains('\n'); ++i) {
        process.waitForReadyRead(100);
        first += process.readAllStandardOutput();
    }
    static const QRegularExpression line(u"^listening on http://127\\.0\\.0\\.1:(\\d+)\\n"_s);
    const auto match = line.match(QString::fromUtf8(first));
    return match.hasMatch() ? quint16(match.captured(1).toUInt()) : 0;
}

} // namespace

int main(int argc, char* argv[])
{
    QGuiApplication app(argc, argv); // the GUI thread as in the dashboard (offscreen is fine)
    QCommandLineParser parser;
    parser.addOption({u"customers"_s, u"customers to seed"_s, u"n"_s, u"100000"_s});
    parser.addOption({u"events"_s, u"events to seed"_s, u"n"_s, u"10000000"_s});
    parser.addOption({u"db"_s, u"reuse (or create) this SQLite store"_s, u"file"_s});
    parser.addOption({u"no-remote"_s, u"skip the meterline-server runs"_s});
    parser.process(app);
    const int customers = parser.value(u"customers"_s).toInt();
    const qint64 events = parser.value(u"events"_s).toLongLong();

    QTemporaryDir dir;
    const QString db = parser.isSet(u"db"_s) ? parser.value(u"db"_s) : dir.filePath(u"dashboard-bench.db"_s);
    const bool fresh = !QFileInfo::exists(db);
    auto database = must(Database::open(db, Database::Options{true, !fresh}), u"open"_s);
    auto service = std::make_unique<Service>(*database);
    if (fresh)
        seed(*service, customers, events);
    else
        note(u"reusing %1"_s.arg(db));
    const QString adminKey = must(service->createApiKey(u"bench"_s, KeyScope::Admin), u"key"_s).secret;

    ConnectionSpec local = ConnectionSpec::local(db);
    local.queuePath = dir.filePath(u"queue.db"_s);
    local.syncIntervalMs = 3'600'000;
    const SyncFigures l = measureSync(local, *service, customers);
    const PageFigures le = measureEvents(local);

    std::printf("store: %d customers, %lld events (%s)\n", l.rows, events, qPrintable(db));
    std::printf("%-8s %-34s %10s %14s %16s\n", "source", "measure", "ms", "GUI stall ms", "model update ms");
    printSync("local", l);
    std::printf("%-8s %-34s %10lld %14lld\n", "local", "events: first page (200)", le.firstPageMs, le.stallMs);
    std::printf("%-8s %-34s %10lld %14s\n", "local", "events: fetchMore (200, mean of 10)", le.fetchMoreMs, "");
    std::printf("%-8s %-34s %10lld %14s\n", "local", "events: customer+dimension filter", le.filteredFirstPageMs, "");
    std::fflush(stdout);

    if (!parser.isSet(u"no-remote"_s)) {
        QProcess server;
        const quint16 port = startServer(server, db);
        if (port == 0) {
            note(u"meterline-server did not start: "_s + QString::fromUtf8(server.readAllStandardError()));
            return 1;
        }
        ConnectionSpec remote = ConnectionSpec::remote(QUrl(u"http://127.0.0.1:%1"_s.arg(port)), adminKey);
        remote.queuePath = dir.filePath(u"queue-remote.db"_s);
        remote.syncIntervalMs = 3'600'000;
        remote.requestTimeoutMs = 120'000;
        const SyncFigures r = measureSync(remote, *service, customers);
        const PageFigures re = measureEvents(remote);
        printSync("remote", r);
        std::printf("%-8s %-34s %10lld %14lld\n", "remote", "events: first page (200)", re.firstPageMs, re.stallMs);
        std::printf("%-8s %-34s %10lld %14s\n", "remote", "events: fetchMore (200, mean of 10)", re.fetchMoreMs, "");
        std::printf(
            "%-8s %-34s %10lld %14s\n", "remote", "events: customer+dimension filter", re.filteredFirstPageMs, "");
        server.terminate();
        server.waitForFinished(30000);
    }
    return 0;
}
