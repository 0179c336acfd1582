// Meterline core benchmark (bench/README.md). Measures check, record, recordBatch and a current-month usage read
// through the Service facade on a SQLite store with the product's durability (WAL, synchronous=FULL), at a small and
// a large store, and plain Qt Sql baselines on a table of the same shape, with the same PRAGMAs, in the same run.

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimeZone>
#include <QUuid>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "core/database.h"
#include "core/service.h"
#include "core/types.h"

using namespace Meterline;
using namespace Qt::StringLiterals;

namespace
{

constexpr int CustomerCount = 100;
constexpr int HistoryDays = 60;
constexpr int SeedChunk = 10'000;            // recordBatch's maximum (SPEC §3)
constexpr int LimitsCustomer = 1;            // plan bench-pro: a month hard limit and a day soft limit on the sum meter
constexpr int NoCreditCustomer = 2;          // plan bench-prepaid (its tokens burn credits), balance zero
const QString TokensMeter = u"llm-tokens"_s; // sum of llm.completion values
const QString RequestsMeter = u"llm-requests"_s; // count of every event
const QString UsersMeter = u"active-users"_s;    // unique_count of the "user" dimension
const QString TokensEventType = u"llm.completion"_s;

struct Config
{
    qint64 smallStore = 10'000;
    qint64 largeStore = 1'000'000;
    int ops = 500; // operations per repetition (record, check, usage and their baselines)
    int reps = 5;
    int batchSize = 10'000;
    int batchReps = 3;
    qint64 repBudgetMs = 2000; // a repetition also ends once this much time has passed
    QString dir;               // where the temporary stores go; empty: the system's temporary folder
    QString db;                // the Meterline store: an empty postgresql:// database; empty: a SQLite file in dir
};

QTextStream& err()
{
    static QTextStream stream(stderr);
    return stream;
}

QString grouped(double value, int decimals = 0)
{
    static const QLocale english(QLocale::English, QLocale::UnitedStates);
    return english.toString(value, 'f', decimals);
}

// "10k", "1M", "10M"; other sizes in full.
QString sizeLabel(qint64 n)
{
    if (n >= 1'000'000 && n % 1'000'000 == 0)
        return u"%1M"_s.arg(n / 1'000'000);
    if (n >= 1'000 && n % 1'000 == 0)
        return u"%1k"_s.arg(n / 1'000);
    return grouped(double(n));
}

QString describe(const Error& error)
{
    return error.field.isEmpty() ? u"%1: %2"_s.arg(error.code, error.message)
                                 : u"%1: %2 (field %3)"_s.arg(error.code, error.message, error.field);
}

// Core logs through categories; a store with a zero-balance customer logs a warning for every event it records.
// Show the first few of each category and count the rest, so progress stays readable and nothing goes unseen.
QHash<QString, qint64>& logCounts()
{
    static QHash<QString, qint64> counts;
    return counts;
}

void countingMessageHandler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    const QString category = QString::fromLatin1(context.category ? context.category : "default");
    const qint64 seen = ++logCounts()[category];
    if (seen <= 3 || type == QtCriticalMsg || type == QtFatalMsg)
        std::fprintf(stderr, "  [%s] %s\n", qPrintable(category), qPrintable(message));
    else if (seen == 4)
        std::fprintf(
            stderr, "  [%s] … (more messages of this category are counted, not shown)\n", qPrintable(category));
}

// Deterministic and cheap: the same index always yields the same event, so both stores get the same rows.
class SplitMix64
{
public:
    explicit SplitMix64(quint64 seed)
        : m_state(seed)
    {
    }
    quint64 next()
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    int bounded(int n) { return int(next() % quint64(n)); }
    qint64 bounded64(qint64 n) { return qint64(next() % quint64(n)); }
    double unit() { return double(next() >> 11) * 0x1.0p-53; }

private:
    quint64 m_state;
};

enum class Stamp
{
    History, // uniform over the last 60 days
    LastDay, // uniform over the last 24 hours
    Now      // no timestamp: the service stamps it
};

// ~100 customers, events with 2–3 dimensions (model, team, user), 90% completions and 10% embeddings.
class Dataset
{
public:
    explicit Dataset(const QDateTime& now)
        : m_nowMs(now.toMSecsSinceEpoch())
    {
    }

    static QString customerId(int number) { return u"cust_%1"_s.arg(number, 4, 10, QLatin1Char('0')); }
    // 30 of the 100 customers are prepaid (their tokens burn credits), the rest are on the pro plan.
    static bool isPrepaid(int number)
    {
        const int r = number % 10;
        return r == 2 || r == 5 || r == 8;
    }

    EventInput event(qint64 index, Stamp stamp) const
    {
        static const QStringList models{
            u"gpt-4o"_s, u"gpt-4o-mini"_s, u"claude-sonnet"_s, u"claude-haiku"_s, u"llama-3-70b"_s};
        SplitMix64 rng(quint64(index) * 0xD1B54A32D192ED03ULL + 42);
        const int customer = 1 + rng.bounded(CustomerCount);
        const bool embedding = rng.bounded(10) == 0;
        EventInput e;
        e.customerId = customerId(customer);
        e.eventType = embedding ? u"llm.embedding"_s : TokensEventType;
        e.value = embedding ? double(100 + rng.bounded(900)) : double(50 + rng.bounded(4000));
        e.dimensions.insert(u"model"_s, models.at(rng.bounded(int(models.size()))));
        e.dimensions.insert(u"team"_s, u"team-%1"_s.arg(rng.bounded(5)));
        if (rng.bounded(10) < 7)
            e.dimensions.insert(u"user"_s, u"user-%1-%2"_s.arg(customer).arg(rng.bounded(20)));
        constexpr qint64 dayMs = 24 * 3600 * 1000;
        constexpr qint64 safetyMs = 2 * 60 * 1000; // never in the future, whatever the clock does meanwhile
        switch (stamp) {
        case Stamp::History:
            e.timestamp = QDateTime::fromMSecsSinceEpoch(m_nowMs - safetyMs - rng.bounded64(HistoryDays * dayMs),
                                                         QTimeZone::utc());
            break;
        case Stamp::LastDay:
            e.timestamp =
                QDateTime::fromMSecsSinceEpoch(m_nowMs - safetyMs - rng.bounded64(dayMs - safetyMs), QTimeZone::utc());
            break;
        case Stamp::Now:
            break;
        }
        return e;
    }

    QList<EventInput> events(qint64 first, int count, Stamp stamp) const
    {
        QList<EventInput> list;
        list.reserve(count);
        for (int i = 0; i < count; ++i)
            list.append(event(first + i, stamp));
        return list;
    }

private:
    qint64 m_nowMs;
};

// The baseline: an events-like table of the same shape, driven with plain QSqlQuery, no rules at all.
class BaselineStore
{
public:
    explicit BaselineStore(QString path)
        : m_path(std::move(path))
        , m_connection(u"meterline-bench-baseline"_s)
    {
    }
    ~BaselineStore() { close(); }
    BaselineStore(const BaselineStore&) = delete;
    BaselineStore& operator=(const BaselineStore&) = delete;

    Status open(bool durable)
    {
        close();
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
            db.setDatabaseName(m_path);
            if (!db.open())
                return Error::storage(db.lastError().text());
            const QStringList setup{
                u"PRAGMA journal_mode=WAL"_s,
                durable ? u"PRAGMA synchronous=FULL"_s : u"PRAGMA synchronous=OFF"_s,
                u"CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
                u"customer_id TEXT NOT NULL, event_type TEXT NOT NULL, value REAL NOT NULL, dimensions TEXT NOT NULL, "
                u"ts INTEGER NOT NULL)"_s,
                u"CREATE INDEX IF NOT EXISTS events_customer_ts ON events (customer_id, ts)"_s};
            for (const QString& sql : setup) {
                QSqlQuery q(db);
                if (!q.exec(sql))
                    return Error::storage(q.lastError().text());
            }
            m_insert.emplace(db);
            m_insert->prepare(
                u"INSERT INTO events (id, customer_id, event_type, value, dimensions, ts) VALUES (?, ?, ?, ?, ?, ?)"_s);
            m_selectBySeq.emplace(db);
            m_selectBySeq->prepare(
                u"SELECT id, customer_id, event_type, value, dimensions, ts FROM events WHERE seq = ?"_s);
            m_sum.emplace(db);
            m_sum->prepare(u"SELECT COALESCE(SUM(value), 0) FROM events "
                           u"WHERE customer_id = ? AND event_type = ? AND ts >= ? AND ts < ?"_s);
        }
        m_open = true;
        return success();
    }

    void close()
    {
        if (!m_open && !QSqlDatabase::contains(m_connection))
            return;
        m_insert.reset();
        m_selectBySeq.reset();
        m_sum.reset();
        {
            QSqlDatabase db = QSqlDatabase::database(m_connection, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connection);
        m_open = false;
    }

    // One row in its own transaction, as a careful hand-written ingest would do it.
    Status insertOne(const EventInput& e)
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (!db.transaction())
            return Error::storage(db.lastError().text());
        if (Status s = bind(e); !s.ok()) {
            db.rollback();
            return s;
        }
        if (!db.commit())
            return Error::storage(db.lastError().text());
        return success();
    }

    // Every row in one transaction.
    Status insertMany(const QList<EventInput>& events)
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (!db.transaction())
            return Error::storage(db.lastError().text());
        for (const EventInput& e : events) {
            if (Status s = bind(e); !s.ok()) {
                db.rollback();
                return s;
            }
        }
        if (!db.commit())
            return Error::storage(db.lastError().text());
        return success();
    }

    Status selectBySeq(qint64 seq)
    {
        m_selectBySeq->addBindValue(seq);
        if (!m_selectBySeq->exec())
            return Error::storage(m_selectBySeq->lastError().text());
        if (!m_selectBySeq->next())
            return Error::storage(u"no row with seq %1"_s.arg(seq));
        for (int i = 0; i < 6; ++i)
            (void)m_selectBySeq->value(i);
        m_selectBySeq->finish();
        return success();
    }

    Result<double> sum(const QString& customerId, const QString& eventType, qint64 fromMs, qint64 toMs)
    {
        m_sum->addBindValue(customerId);
        m_sum->addBindValue(eventType);
        m_sum->addBindValue(fromMs);
        m_sum->addBindValue(toMs);
        if (!m_sum->exec() || !m_sum->next())
            return Error::storage(m_sum->lastError().text());
        const double value = m_sum->value(0).toDouble();
        m_sum->finish();
        return value;
    }

private:
    Status bind(const EventInput& e)
    {
        QJsonObject dimensions;
        for (auto it = e.dimensions.cbegin(); it != e.dimensions.cend(); ++it)
            dimensions.insert(it.key(), it.value());
        const qint64 ts = e.timestamp ? e.timestamp->toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
        m_insert->addBindValue(QUuid::createUuid().toString(QUuid::WithoutBraces));
        m_insert->addBindValue(e.customerId);
        m_insert->addBindValue(e.eventType);
        m_insert->addBindValue(e.value.value_or(1.0));
        m_insert->addBindValue(QString::fromUtf8(QJsonDocument(dimensions).toJson(QJsonDocument::Compact)));
        m_insert->addBindValue(ts);
        if (!m_insert->exec())
            return Error::storage(m_insert->lastError().text());
        return success();
    }

    QString m_path;
    QString m_connection;
    bool m_open = false;
    std::optional<QSqlQuery> m_insert;
    std::optional<QSqlQuery> m_selectBySeq;
    std::optional<QSqlQuery> m_sum;
};

// Ctrl-C or SIGTERM: stop at the next step, so that the temporary stores (gigabytes at 10M) are removed on the way out.
volatile std::sig_atomic_t interrupted = 0;

void onSignal(int)
{
    interrupted = 1;
}

Error interruption()
{
    return Error{u"interrupted"_s, u"interrupted by a signal"_s, {}};
}

using Step = std::function<Status()>;

// Up to `ops` calls of step, ending early once budgetMs has passed; returns µs per unit (one call = unitsPerOp units).
Result<double> timeRepetition(int ops, int unitsPerOp, qint64 budgetMs, const Step& step)
{
    QElapsedTimer timer;
    timer.start();
    int done = 0;
    while (done < ops) {
        if (interrupted)
            return interruption();
        const Status s = step();
        if (!s.ok())
            return s.error();
        ++done;
        if (timer.elapsed() >= budgetMs)
            break;
    }
    return double(timer.nsecsElapsed()) / 1000.0 / (double(done) * unitsPerOp);
}

double median(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    const size_t n = samples.size();
    return n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2.0;
}

using Timings = std::pair<Result<double>, Result<double>>; // Meterline, baseline

// Median µs per unit of a Meterline step and its baseline, after `warmupOps` untimed calls of each. Their
// repetitions alternate (Meterline first on even repetitions, the baseline first on odd ones) so that both meet the
// same machine: an fsync that slows down for a while, a neighbour's build.
Timings
medianPair(int reps, int warmupOps, int ops, int unitsPerOp, qint64 budgetMs, const Step& core, const Step& plain)
{
    struct Side
    {
        const Step* step;
        std::vector<double> samples;
        std::optional<Error> error;
    };
    Side sides[2] = {{&core, {}, {}}, {&plain, {}, {}}};
    for (Side& side : sides) {
        for (int i = 0; i < warmupOps && !side.error; ++i) {
            if (const Status s = (*side.step)(); !s.ok())
                side.error = s.error();
        }
    }
    for (int r = 0; r < reps; ++r) {
        for (int k = 0; k < 2; ++k) {
            Side& side = sides[(r + k) % 2];
            if (side.error)
                continue;
            const Result<double> t = timeRepetition(ops, unitsPerOp, budgetMs, *side.step);
            if (t.ok())
                side.samples.push_back(t.value());
            else
                side.error = t.error();
        }
    }
    const auto finish = [](const Side& side) -> Result<double> {
        if (side.error)
            return *side.error;
        return median(side.samples);
    };
    return {finish(sides[0]), finish(sides[1])};
}

struct Row
{
    QString key; // "check-limits", … : pairs rows of the two store sizes for the flatness ratio
    QString operation;
    qint64 storeSize = 0;
    std::optional<double> us; // Meterline µs per op (median)
    std::optional<double> baselineUs;
    QString error;
};

class Bench
{
public:
    explicit Bench(const Config& config)
        : m_config(config)
        , m_dir(config.dir.isEmpty() ? QDir::tempPath() + u"/meterline-bench-XXXXXX"_s
                                     : QDir(config.dir).absoluteFilePath(u"meterline-bench-XXXXXX"_s))
        , m_dataset(QDateTime::currentDateTimeUtc())
        , m_baseline(m_dir.filePath(u"baseline.db"_s))
    {
    }

    int run()
    {
        if (!m_dir.isValid()) {
            err() << "meterline-core-bench: cannot create a temporary folder: " << m_dir.errorString() << Qt::endl;
            return 1;
        }
        QElapsedTimer total;
        total.start();
        err() << "stores in " << m_dir.path() << Qt::endl;

        if (Status s = openCore(false); !s.ok())
            return fail(u"open core store"_s, s.error());
        if (Status s = setUpCatalog(); !s.ok())
            return fail(u"set up customers, plans and meters"_s, s.error());

        bool first = true;
        for (const qint64 size : {m_config.smallStore, m_config.largeStore}) {
            if (Status s = fill(size); !s.ok())
                return fail(u"seed the %1 store"_s.arg(sizeLabel(size)), s.error());
            if (Status s = openCore(true); !s.ok())
                return fail(u"reopen the core store durable"_s, s.error());
            if (Status s = m_baseline.open(true); !s.ok())
                return fail(u"open the baseline store"_s, s.error());
            verifyStore(size, first);
            measureAt(size);
            closeCore();
            m_baseline.close();
            if (interrupted)
                return fail(u"the run"_s, interruption());
            first = false;
        }

        printTable(double(total.elapsed()) / 1000.0);
        return m_failed ? 1 : 0;
    }

private:
    int fail(const QString& what, const Error& error)
    {
        err() << "meterline-core-bench: " << what << " failed: " << describe(error) << Qt::endl;
        return 1;
    }

    Status openCore(bool durable)
    {
        closeCore();
        Database::Options options;
        options.durable = durable;
        auto opened = Database::open(m_config.db.isEmpty() ? m_dir.filePath(u"core.db"_s) : m_config.db, options);
        if (!opened.ok())
            return opened.error();
        m_db = std::move(opened).value();
        m_service = std::make_unique<Service>(*m_db);
        return success();
    }

    void closeCore()
    {
        m_service.reset();
        m_db.reset();
    }

    Status setUpCatalog()
    {
        Meter tokens;
        tokens.id = TokensMeter;
        tokens.name = u"LLM tokens"_s;
        tokens.aggregation = Aggregation::Sum;
        tokens.eventTypes = {TokensEventType};
        Meter requests;
        requests.id = RequestsMeter;
        requests.name = u"LLM requests"_s;
        requests.aggregation = Aggregation::Count;
        Meter users;
        users.id = UsersMeter;
        users.name = u"Active users"_s;
        users.aggregation = Aggregation::UniqueCount;
        users.dimension = u"user"_s;
        for (const Meter& meter : {tokens, requests, users}) {
            if (auto r = m_service->createMeter(meter); !r.ok())
                return r.error();
        }

        const auto money = [](const char* text) { return Money::parse(QString::fromLatin1(text)).value_or(Money()); };
        Price tokenPrice; // $2 per million tokens, the first million included
        tokenPrice.meterId = TokensMeter;
        tokenPrice.unitPrice = money("2");
        tokenPrice.perUnits = 1'000'000;
        tokenPrice.includedUnits = 1'000'000;
        Price requestPrice;
        requestPrice.meterId = RequestsMeter;
        requestPrice.unitPrice = money("0.001");

        Plan pro;
        pro.id = u"bench-pro"_s;
        pro.name = u"Pro"_s;
        Limit monthly;
        monthly.scope = LimitScope::Plan;
        monthly.planId = pro.id;
        monthly.meterId = TokensMeter;
        monthly.period = Period::Month;
        monthly.value = 1e12;
        monthly.mode = LimitMode::Hard;
        Limit daily = monthly;
        daily.period = Period::Day;
        daily.value = 1e10;
        daily.mode = LimitMode::Soft;
        pro.limits = {monthly, daily};
        pro.prices = {tokenPrice, requestPrice};

        Plan prepaid;
        prepaid.id = u"bench-prepaid"_s;
        prepaid.name = u"Prepaid"_s;
        Price burning = tokenPrice;
        burning.creditsPerUnit = money("0.001");
        prepaid.prices = {burning, requestPrice};

        for (const Plan& plan : {pro, prepaid}) {
            if (auto r = m_service->createPlan(plan); !r.ok())
                return r.error();
        }

        for (int n = 1; n <= CustomerCount; ++n) {
            Customer c;
            c.id = Dataset::customerId(n);
            c.name = u"Customer %1"_s.arg(n);
            c.planId = Dataset::isPrepaid(n) ? prepaid.id : pro.id;
            c.externalId = u"cus_bench%1"_s.arg(n, 4, 10, QLatin1Char('0'));
            c.metadata.insert(u"segment"_s, n % 3 == 0 ? u"enterprise"_s : u"startup"_s);
            if (auto r = m_service->createCustomer(c); !r.ok())
                return r.error();
            if (Dataset::isPrepaid(n) && n != NoCreditCustomer) {
                BalanceChange change;
                change.amount = money("1000000");
                change.reason = u"bench top-up"_s;
                change.actor = u"bench"_s;
                if (auto r = m_service->credit(c.id, change); !r.ok())
                    return r.error();
            }
        }
        return success();
    }

    // Tops both stores up to `size` rows with history events (indexes shared, so the rows are the same), the core
    // one through recordBatch in chunks of 10,000 with durable=false, the baseline with synchronous=OFF.
    Status fill(qint64 size)
    {
        if (Status s = openCore(false); !s.ok())
            return s;
        const qint64 coreMissing = size - m_coreEvents;
        QElapsedTimer timer;
        timer.start();
        QElapsedTimer sinceReport;
        sinceReport.start();
        qint64 reportedAt = 0;
        for (qint64 done = 0; done < coreMissing;) {
            if (interrupted)
                return interruption();
            const int n = int(std::min<qint64>(SeedChunk, coreMissing - done));
            const QList<EventInput> chunk = m_dataset.events(m_seeded + done, n, Stamp::History);
            auto r = m_service->recordBatch(chunk);
            if (!r.ok())
                return r.error();
            if (!r->rejected.isEmpty()) {
                const BatchRejection& first = r->rejected.constFirst();
                return Error{first.error.code,
                             u"%1 of %2 events rejected, first #%3: %4"_s.arg(r->rejected.size())
                                 .arg(n)
                                 .arg(first.index)
                                 .arg(first.error.message),
                             first.error.field};
            }
            if (r->accepted + r->duplicates != n)
                note(u"recordBatch of %1 events answered accepted=%2 duplicates=%3"_s.arg(n)
                         .arg(r->accepted)
                         .arg(r->duplicates));
            done += n;
            m_coreEvents += n;
            if (sinceReport.elapsed() >= 10'000 || done == coreMissing) {
                const double rate =
                    double(done - reportedAt) * 1000.0 / double(std::max<qint64>(1, sinceReport.elapsed()));
                err() << "  core store: " << grouped(double(m_coreEvents)) << " / " << grouped(double(size))
                      << " events, " << grouped(rate) << " events/s through recordBatch";
                if (done < coreMissing && rate > 0)
                    err() << ", about " << grouped(double(coreMissing - done) / rate) << " s to go";
                err() << Qt::endl;
                reportedAt = done;
                sinceReport.restart();
            }
        }
        if (coreMissing > 0)
            m_seedInfo.append(
                u"seeded %1 events into the core store with recordBatch (durable=false): %2 events/s"_s
                    .arg(grouped(double(coreMissing)))
                    .arg(grouped(double(coreMissing) * 1000.0 / double(std::max<qint64>(1, timer.elapsed())))));
        closeCore();

        if (Status s = m_baseline.open(false); !s.ok())
            return s;
        const qint64 baselineMissing = size - m_baselineRows;
        timer.restart();
        sinceReport.restart();
        for (qint64 done = 0; done < baselineMissing;) {
            if (interrupted)
                return interruption();
            const int n = int(std::min<qint64>(SeedChunk, baselineMissing - done));
            if (Status s = m_baseline.insertMany(m_dataset.events(m_seeded + done, n, Stamp::History)); !s.ok())
                return s;
            done += n;
            m_baselineRows += n;
            if (sinceReport.elapsed() >= 10'000 || done == baselineMissing) {
                err() << "  baseline store: " << grouped(double(m_baselineRows)) << " / " << grouped(double(size))
                      << " rows" << Qt::endl;
                sinceReport.restart();
            }
        }
        m_baseline.close();
        if (baselineMissing > 0)
            m_seedInfo.append(
                u"seeded %1 rows into the baseline store (synchronous=OFF, %2 rows per transaction): %3 "
                u"rows/s"_s.arg(grouped(double(baselineMissing)), grouped(SeedChunk))
                    .arg(grouped(double(baselineMissing) * 1000.0 / double(std::max<qint64>(1, timer.elapsed())))));
        m_seeded += std::max(coreMissing, baselineMissing);
        return success();
    }

    // The core's answers on the seeded store, against what the rows say.
    void verifyStore(qint64 size, bool sameRows)
    {
        UsageQuery count;
        count.meterId = RequestsMeter;
        count.period = NamedPeriod::Lifetime;
        if (auto r = m_service->usage(count); !r.ok())
            note(u"usage(%1, lifetime) failed: %2"_s.arg(RequestsMeter, describe(r.error())));
        else if (qint64(r->value) != m_coreEvents)
            note(u"%1 store: count meter over all customers, lifetime = %2, but %3 events were recorded"_s
                     .arg(sizeLabel(size))
                     .arg(grouped(r->value))
                     .arg(grouped(double(m_coreEvents))));

        if (sameRows) { // both stores hold exactly the same rows only before the first measurement
            UsageQuery month = monthQuery();
            const std::pair<qint64, qint64> range = currentMonthMs();
            auto core = m_service->usage(month);
            auto plain = m_baseline.sum(month.customerId, TokensEventType, range.first, range.second);
            if (core.ok() && plain.ok() && core->value != plain.value())
                note(u"%1 store: usage(%2, %3, current_month) = %4, plain SQL over the same rows = %5"_s
                         .arg(sizeLabel(size), TokensMeter, month.customerId)
                         .arg(core->value, 0, 'f', 0)
                         .arg(plain.value(), 0, 'f', 0));
        }

        auto limits = m_service->check(limitsCheck());
        if (!limits.ok())
            note(u"check(%1) failed: %2"_s.arg(Dataset::customerId(LimitsCustomer), describe(limits.error())));
        else if (!limits->allowed || limits->limits.size() != 2)
            note(u"check(%1) on %2: allowed=%3 with %4 limits (expected allowed with 2: month hard, day soft)"_s
                     .arg(Dataset::customerId(LimitsCustomer), TokensMeter)
                     .arg(limits->allowed ? u"true"_s : u"false"_s)
                     .arg(limits->limits.size()));
        auto broke = m_service->check(noCreditCheck());
        if (!broke.ok())
            note(u"check(%1) failed: %2"_s.arg(Dataset::customerId(NoCreditCustomer), describe(broke.error())));
        else if (broke->allowed || broke->reason != u"insufficient_balance"_s)
            note(u"check(%1) with a zero balance on a credit-burning meter: allowed=%2 reason='%3' "
                 u"(expected denied, insufficient_balance)"_s.arg(Dataset::customerId(NoCreditCustomer))
                     .arg(broke->allowed ? u"true"_s : u"false"_s)
                     .arg(broke->reason));
    }

    static CheckRequest limitsCheck()
    {
        CheckRequest r;
        r.customerId = Dataset::customerId(LimitsCustomer);
        r.meterId = TokensMeter;
        return r;
    }
    static CheckRequest noCreditCheck()
    {
        CheckRequest r = limitsCheck();
        r.customerId = Dataset::customerId(NoCreditCustomer);
        return r;
    }
    static UsageQuery monthQuery()
    {
        UsageQuery q;
        q.meterId = TokensMeter;
        q.customerId = Dataset::customerId(LimitsCustomer);
        q.period = NamedPeriod::CurrentMonth;
        return q;
    }
    // The current calendar month in UTC, worked out here so the baseline does not lean on core.
    static std::pair<qint64, qint64> currentMonthMs()
    {
        const QDate today = QDateTime::currentDateTimeUtc().date();
        const QDate first(today.year(), today.month(), 1);
        return {QDateTime(first, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch(),
                QDateTime(first.addMonths(1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch()};
    }

    template <typename R> static Status asStatus(const Result<R>& r)
    {
        if (!r.ok())
            return r.error();
        return success();
    }

    Timings timed(const Step& core, const Step& plain)
    {
        const int ops = m_config.ops;
        return medianPair(m_config.reps, std::min(ops, 20), ops, 1, m_config.repBudgetMs, core, plain);
    }

    void addRow(const QString& key, const QString& operation, qint64 size, const Timings& timings)
    {
        const Result<double>& core = timings.first;
        const Result<double>& baseline = timings.second;
        Row row;
        row.key = key;
        row.operation = operation;
        row.storeSize = size;
        if (core.ok())
            row.us = core.value();
        else
            row.error = describe(core.error());
        if (baseline.ok())
            row.baselineUs = baseline.value();
        else
            row.error += (row.error.isEmpty() ? u""_s : u"; "_s) + u"baseline: "_s + describe(baseline.error());
        if (!row.error.isEmpty())
            m_failed = true;
        m_rows.append(row);
        err() << "  " << sizeLabel(size) << " " << operation << ": "
              << (row.us ? u"%1 µs/op"_s.arg(*row.us, 0, 'f', 1) : u"FAILED "_s + row.error) << Qt::endl;
    }

    void measureAt(qint64 size)
    {
        err() << "measuring at " << sizeLabel(size) << " events" << Qt::endl;
        const int ops = m_config.ops;
        SplitMix64 rng(7);

        // Reads first, while the store holds exactly the seeded rows.
        const Step pk = [&] { return m_baseline.selectBySeq(1 + rng.bounded64(m_baselineRows)); };
        const CheckRequest limits = limitsCheck();
        addRow(u"check-limits"_s,
               u"check: month hard + day soft limit"_s,
               size,
               timed([&] { return asStatus(m_service->check(limits)); }, pk));
        const CheckRequest broke = noCreditCheck();
        addRow(u"check-credits"_s,
               u"check: prepaid, no credits"_s,
               size,
               timed([&] { return asStatus(m_service->check(broke)); }, pk));
        const UsageQuery month = monthQuery();
        const qint64 fromMs = currentMonthMs().first;
        const qint64 toMs = currentMonthMs().second;
        addRow(u"usage"_s,
               u"usage: current month, 1 customer"_s,
               size,
               timed([&] { return asStatus(m_service->usage(month)); },
                     [&] { return asStatus(m_baseline.sum(month.customerId, TokensEventType, fromMs, toMs)); }));

        // Single events, each its own transaction; both stores get the same events, stamped now.
        const int pool = std::min(ops, 20) + m_config.reps * ops;
        const QList<EventInput> singles = m_dataset.events(m_measureIndex, pool, Stamp::Now);
        m_measureIndex += pool;
        int nextCore = 0;
        int nextBaseline = 0;
        addRow(u"record"_s,
               u"record: 1 event per transaction"_s,
               size,
               timed(
                   [&]() -> Status {
                       auto r = m_service->record(singles.at(nextCore++ % pool));
                       if (!r.ok())
                           return r.error();
                       ++m_coreEvents;
                       return success();
                   },
                   [&]() -> Status {
                       Status s = m_baseline.insertOne(singles.at(nextBaseline++ % pool));
                       if (s.ok())
                           ++m_baselineRows;
                       return s;
                   }));

        // recordBatch: the same batches of recent events into both stores; reported per event.
        const int batch = m_config.batchSize;
        std::vector<QList<EventInput>> batches;
        for (int i = 0; i < m_config.batchReps; ++i) {
            batches.push_back(m_dataset.events(m_measureIndex, batch, Stamp::LastDay));
            m_measureIndex += batch;
        }
        size_t nextCoreBatch = 0;
        size_t nextPlainBatch = 0;
        const Step coreBatch = [&]() -> Status {
            auto r = m_service->recordBatch(batches.at(nextCoreBatch++));
            if (!r.ok())
                return r.error();
            m_coreEvents += r->accepted;
            if (r->accepted != batch) {
                const QString first = r->rejected.isEmpty() ? QString() : describe(r->rejected.constFirst().error);
                return Error::storage(u"recordBatch accepted %1 of %2 (%3)"_s.arg(r->accepted).arg(batch).arg(first));
            }
            return success();
        };
        const Step plainBatch = [&]() -> Status {
            Status s = m_baseline.insertMany(batches.at(nextPlainBatch++));
            if (s.ok())
                m_baselineRows += batch;
            return s;
        };
        addRow(u"batch"_s,
               u"recordBatch: %1 events (per event)"_s.arg(grouped(batch)),
               size,
               medianPair(m_config.batchReps, 0, 1, batch, std::numeric_limits<qint64>::max(), coreBatch, plainBatch));
    }

    void note(const QString& text)
    {
        m_notes.append(text);
        err() << "  note: " << text << Qt::endl;
    }

    const Row* findRow(const QString& key, qint64 size) const
    {
        for (const Row& row : m_rows) {
            if (row.key == key && row.storeSize == size)
                return &row;
        }
        return nullptr;
    }

    void printTable(double seconds) const
    {
        QTextStream out(stdout);
        out << "Meterline core benchmark: "
            << (m_config.db.isEmpty() ? u"SQLite WAL + synchronous=FULL"_s
                                      : u"PostgreSQL, synchronous_commit=on, loopback TCP"_s)
            << " (Database::Options durable=true), " << CustomerCount
            << " customers, 3 meters, events with 2-3 dimensions over " << HistoryDays << " days\n";
        out << "store sizes " << sizeLabel(m_config.smallStore) << " and " << sizeLabel(m_config.largeStore)
            << " events; median of " << m_config.reps << " repetitions of up to " << m_config.ops
            << " ops (each capped at " << m_config.repBudgetMs / 1000.0 << " s); recordBatch: median of "
            << m_config.batchReps << " batches of " << grouped(m_config.batchSize) << " events\n\n";

        const QList<int> widths{40, 7, 10, 15, 16, 13};
        const QStringList header{
            u"operation"_s, u"store"_s, u"ops/s"_s, u"µs/op median"_s, u"baseline µs/op"_s, u"vs baseline"_s};
        const auto line = [&](const QStringList& cells) {
            QString text;
            for (int i = 0; i < cells.size(); ++i)
                text += i < 2 ? cells.at(i).leftJustified(widths.at(i)) : cells.at(i).rightJustified(widths.at(i));
            out << text.trimmed() << '\n';
        };
        line(header);
        for (const Row& row : m_rows) {
            if (!row.error.isEmpty() && !row.us) {
                out << row.operation.leftJustified(widths.at(0)) << sizeLabel(row.storeSize).leftJustified(widths.at(1))
                    << "FAILED: " << row.error << '\n';
                continue;
            }
            const double us = *row.us;
            line({row.operation,
                  sizeLabel(row.storeSize),
                  grouped(1e6 / us),
                  grouped(us, us < 100 ? 2 : 1),
                  row.baselineUs ? grouped(*row.baselineUs, *row.baselineUs < 100 ? 2 : 1) : u"-"_s,
                  row.baselineUs ? u"%1"_s.arg(*row.baselineUs / us, 0, 'f', 3) : u"-"_s});
            if (!row.error.isEmpty())
                out << "  FAILED: " << row.error << '\n';
        }

        out << "\nvs baseline = baseline µs/op ÷ Meterline µs/op (= Meterline ops/s ÷ baseline ops/s): 1.000 is as "
               "fast "
               "as plain SQLite, 0.250 takes 4× as long.\n";
        out << "baselines (plain QSqlQuery, same table shape and PRAGMAs): check → SELECT by primary key; "
               "usage → SELECT SUM(value) on the (customer_id, ts) index; record → INSERT, one transaction per row; "
               "recordBatch → INSERT, one transaction per "
            << grouped(m_config.batchSize) << " rows.\n\n";

        const QString ratioLabel =
            u"%1 ops/s ÷ %2 ops/s"_s.arg(sizeLabel(m_config.largeStore), sizeLabel(m_config.smallStore));
        const auto flatness = [&](const QString& key) -> QString {
            const Row* small = findRow(key, m_config.smallStore);
            const Row* large = findRow(key, m_config.largeStore);
            if (!small || !large || !small->us || !large->us)
                return u"n/a"_s;
            QString text = u"%1"_s.arg(*small->us / *large->us, 0, 'f', 2); // ops/s ratio = inverse time ratio
            if (small->baselineUs && large->baselineUs)
                text += u" [baseline %1]"_s.arg(*small->baselineUs / *large->baselineUs, 0, 'f', 2);
            return text;
        };
        out << "flatness (" << ratioLabel << ", 1.00 = flat; the row's baseline in brackets): check (limits) "
            << flatness(u"check-limits"_s) << ", check (no credits) " << flatness(u"check-credits"_s) << ", record "
            << flatness(u"record"_s) << "\n";
        out << "flatness, other operations: recordBatch " << flatness(u"batch"_s) << ", usage (current month) "
            << flatness(u"usage"_s) << "\n";
        for (const QString& info : m_seedInfo)
            out << info << "\n";
        if (!m_notes.isEmpty()) {
            out << "\nunexpected core answers:\n";
            for (const QString& text : m_notes)
                out << "  - " << text << "\n";
        }
        if (!logCounts().isEmpty()) {
            QStringList counts;
            for (auto it = logCounts().cbegin(); it != logCounts().cend(); ++it)
                counts << u"%1 × %2"_s.arg(grouped(double(it.value())), it.key());
            counts.sort();
            out << "log messages during the run: " << counts.join(u", "_s) << "\n";
        }
        out << "total time " << u"%1"_s.arg(seconds, 0, 'f', 1) << " s\n";
    }

    Config m_config;
    QTemporaryDir m_dir;
    Dataset m_dataset;
    BaselineStore m_baseline;
    std::unique_ptr<Database> m_db; // declared before m_service: the service goes first
    std::unique_ptr<Service> m_service;
    qint64 m_coreEvents = 0;
    qint64 m_baselineRows = 0;
    qint64 m_seeded = 0;                     // history indexes used so far
    qint64 m_measureIndex = qint64(1) << 40; // indexes of measured events, apart from the history's
    QList<Row> m_rows;
    QStringList m_notes;
    QStringList m_seedInfo;
    bool m_failed = false;
};

std::optional<qint64> positive(const QCommandLineParser& parser, const QCommandLineOption& option)
{
    bool ok = false;
    const qint64 value = parser.value(option).toLongLong(&ok);
    if (!ok || value <= 0)
        return std::nullopt;
    return value;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"meterline-core-bench"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Meterline core benchmark: check, record, recordBatch and a current-month usage read through the Service "
        u"facade on a durable SQLite store (WAL, synchronous=FULL), at 10k stored events and at --large, next to "
        u"plain QSqlQuery baselines. Prints a table on stdout, progress on stderr. See bench/README.md."_s);
    parser.addHelpOption();
    const QCommandLineOption largeOption(
        u"large"_s, u"Large store size in events (default 1000000; the issue's figure is 10000000)."_s, u"N"_s);
    const QCommandLineOption opsOption(
        u"ops"_s, u"Operations per repetition for record, check and usage (default 500)."_s, u"N"_s);
    const QCommandLineOption repsOption(u"reps"_s, u"Repetitions per measurement (default 5)."_s, u"N"_s);
    const QCommandLineOption quickOption(
        u"quick"_s, u"Smoke run: stores of 1k and 20k events, 50 ops, 3 repetitions, batches of 1,000."_s);
    const QCommandLineOption dirOption(
        u"dir"_s, u"Folder for the temporary stores (default: the system temporary folder)."_s, u"PATH"_s);
    const QCommandLineOption dbOption(u"db"_s,
                                      u"Run the Meterline store on this empty PostgreSQL database "
                                      u"(postgresql://user@host:port/db) instead of a SQLite file; the baseline "
                                      u"stays plain SQLite (bench/run-core-bench.sh --postgresql starts one)."_s,
                                      u"URL"_s);
    parser.addOptions({largeOption, opsOption, repsOption, quickOption, dirOption, dbOption});

    if (!parser.parse(QCoreApplication::arguments())) {
        std::fprintf(stderr, "meterline-core-bench: %s\n", qPrintable(parser.errorText()));
        return 2;
    }
    if (parser.isSet(u"help"_s))
        parser.showHelp(0);
    if (!parser.positionalArguments().isEmpty()) {
        std::fprintf(stderr,
                     "meterline-core-bench: unexpected argument '%s'\n",
                     qPrintable(parser.positionalArguments().constFirst()));
        return 2;
    }

    Config config;
    if (parser.isSet(quickOption)) {
        config.smallStore = 1'000;
        config.largeStore = 20'000;
        config.ops = 50;
        config.reps = 3;
        config.batchSize = 1'000;
        config.repBudgetMs = 500;
    }
    const auto number = [&](const QCommandLineOption& option, qint64 max) -> std::optional<qint64> {
        const auto value = positive(parser, option);
        if (!value || *value > max) {
            std::fprintf(stderr,
                         "meterline-core-bench: --%s needs a whole number from 1 to %lld\n",
                         qPrintable(option.names().constFirst()),
                         static_cast<long long>(max));
            return std::nullopt;
        }
        return value;
    };
    if (parser.isSet(largeOption)) {
        const auto v = number(largeOption, 1'000'000'000);
        if (!v)
            return 2;
        config.largeStore = *v;
    }
    if (parser.isSet(opsOption)) {
        const auto v = number(opsOption, 10'000'000);
        if (!v)
            return 2;
        config.ops = int(*v);
    }
    if (parser.isSet(repsOption)) {
        const auto v = number(repsOption, 1'000);
        if (!v)
            return 2;
        config.reps = int(*v);
    }
    if (config.largeStore <= config.smallStore) {
        std::fprintf(stderr,
                     "meterline-core-bench: --large must be above the small store (%lld events)\n",
                     static_cast<long long>(config.smallStore));
        return 2;
    }
    config.dir = parser.value(dirOption);
    config.db = parser.value(dbOption);

    qInstallMessageHandler(countingMessageHandler);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    Bench bench(config);
    return bench.run();
}
