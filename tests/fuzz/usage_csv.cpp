// The usage CSV export (UsageReader::writeUsageCsv through Service, SPEC §3 exports, docs/api.md "Usage CSV") on
// any meter name, customer id, dimension values, events and range, through a real SQLite store: a meter of any
// aggregation, up to eight events recorded on it around the range, then the export of that customer. What must
// hold: the file parses, with a strict RFC 4180 reader written from the RFC alone (csvreader.h), into CRLF
// records of 7 fields under the documented header; each row is a UTC day that holds at least one of the events,
// cut to the range, in day order, with the customer, the meter's id and its name exactly as given, and the
// aggregate a count made here of the same events gives (sum within rounding); the recorder refuses exactly the
// events out of bounds, naming the field.

#include <QBuffer>
#include <QCoreApplication>
#include <QFile>
#include <QTemporaryDir>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "core/database.h"
#include "core/invoicecsv.h"
#include "core/periods.h"
#include "core/service.h"
#include "core/validation.h"
#include "tests/fuzz/csvreader.h"
#include "tests/fuzz/fuzzinput.h"

using namespace Meterline;
using namespace Qt::StringLiterals;

namespace
{

constexpr qint64 HourMs = 3'600'000;
constexpr qint64 DayMs = 24 * HourMs;
const QDateTime Now = QDateTime(QDate(2026, 11, 26), QTime(12, 0), Qt::UTC);
constexpr int InputsPerStore = 256; // then a fresh store, so that no run slows down as the events pile up

[[noreturn]] void broken(const char* what, const QByteArray& csv)
{
    fprintf(stderr, "usage_csv: %s\ncsv:\n%s\n", what, csv.constData());
    abort();
}

// One SQLite store with its Service, replaced every InputsPerStore inputs. The last one is never destroyed: at
// exit the per-thread connection list it would clean up has gone before static objects are (its folder is
// removed then all the same).
struct Store
{
    QTemporaryDir& dir;
    std::unique_ptr<Database> database;
    std::unique_ptr<Service> service;
    int generation = 0;
    int inputs = 0;

    Service& fresh()
    {
        if (service && inputs < InputsPerStore)
            return *service;
        service.reset();
        database.reset();
        const QString path = dir.filePath(u"usage-%1.db"_s.arg(generation));
        QFile::remove(dir.filePath(u"usage-%1.db"_s.arg(generation - 1)));
        ++generation;
        inputs = 0;
        Database::Options options;
        options.durable = false;
        options.checkCache = false;
        auto opened = Database::open(path, options);
        if (!opened.ok()) {
            fprintf(stderr, "usage_csv: cannot open %s: %s\n", qPrintable(path), qPrintable(opened.error().message));
            abort();
        }
        database = std::move(opened).value();
        service = std::make_unique<Service>(*database, [] { return Now; });
        return *service;
    }
};

// The input (fuzzinput.h): three texts (meter name, customer id, dimension values separated by 0x01), then the
// figures.

// What one UTC day of the events must come to.
struct Day
{
    qint64 events = 0;
    double sum = 0;
    double magnitude = 0; // sum of |value|: the rounding a sum in another order may differ by
    double max = 0;
    std::set<QString> unique;
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    static QCoreApplication app(*argc, *argv); // Qt Sql's driver plugins want an application
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static QTemporaryDir dir;
    static Store& store = *new Store{dir, nullptr, nullptr, 0, 0};
    static int serial = 0;
    Service& service = store.fresh();
    ++store.inputs;
    ++serial;
    MeterlineFuzz::Input in = MeterlineFuzz::split(data, size, 3);

    // The customer: the id's text kept to the id alphabet, made unique to this input.
    QString customerId;
    for (const char c : in.texts[1].left(100)) {
        if (Validation::isValidId(QString(QLatin1Char(c))))
            customerId += QLatin1Char(c);
    }
    customerId += u'.' + QString::number(serial);
    Customer customer;
    customer.id = customerId;
    customer.name = u"Customer"_s;
    if (auto c = service.createCustomer(customer); !c.ok())
        broken(qPrintable(u"a valid customer refused: "_s + c.error().message), {});

    const quint8 flags = in.next<quint8>();
    Meter meter;
    meter.id = u"m."_s + QString::number(serial);
    meter.name = QString::fromUtf8(in.texts[0]);
    meter.aggregation = Aggregation(flags % 4);
    meter.eventTypes = {u"use."_s + QString::number(serial)};
    if (meter.aggregation == Aggregation::UniqueCount)
        meter.dimension = u"model"_s;
    const auto created = service.createMeter(meter);
    if (!created.ok()) {
        if (created.error().field != u"name" || !(meter.name.trimmed().isEmpty() || meter.name.size() > 256))
            broken(qPrintable(u"a meter refused for another reason than its name: "_s + created.error().message), {});
        return 0;
    }
    if (created->name != meter.name)
        broken("the meter was stored under another name than given", meter.name.toUtf8());

    // The range: within the 40 days before now, either end hour- or day-aligned when the flags say so.
    qint64 fromMs = Periods::toMs(Now) - 40 * DayMs + qint64(in.next<quint64>() % quint64(40 * DayMs));
    qint64 toMs = fromMs + 1 + qint64(in.next<quint64>() % quint64(10 * DayMs));
    if (flags & 0x04)
        fromMs -= fromMs % HourMs;
    if (flags & 0x08)
        toMs += (HourMs - toMs % HourMs) % HourMs;
    if (flags & 0x10)
        toMs += (DayMs - toMs % DayMs) % DayMs;
    const TimeRange range{Periods::fromMs(fromMs), Periods::fromMs(toMs)};

    // The events, some outside the range, some refused.
    const QList<QByteArray> values = in.texts[2].split('\x01');
    std::map<qint64, Day> days; // by the day's start
    const int count = in.next<quint8>() % 9;
    for (int i = 0; i < count; ++i) {
        EventInput event;
        event.customerId = customerId;
        event.eventType = meter.eventTypes.first();
        const qint64 ts = fromMs - DayMs + qint64(in.next<quint64>() % quint64(toMs - fromMs + 2 * DayMs));
        event.timestamp = Periods::fromMs(ts);
        const quint8 shape = in.next<quint8>();
        double value = in.next<double>();
        if (std::isfinite(value))
            value = std::fmod(value, 1e15); // sums stay finite, whatever the order
        if (shape & 1)
            event.value = value;
        if (shape & 2)
            event.dimensions.insert(u"model"_s, QString::fromUtf8(values.at(i % values.size())));
        const bool refused = (event.value && !std::isfinite(*event.value))
                             || (shape & 2 && event.dimensions.first().size() > Validation::MaxDimensionValue)
                             || ts > Periods::toMs(Now) + Validation::MaxFutureMs;
        const auto recorded = service.record(event);
        if (!recorded.ok()) {
            const QString& field = recorded.error().field;
            if (!refused || !(field == u"value" || field == u"dimensions" || field == u"timestamp"))
                broken(qPrintable(u"the recorder refused an event: "_s + recorded.error().message), {});
            continue;
        }
        if (refused)
            broken("the recorder took an event out of bounds", {});
        if (ts < fromMs || ts >= toMs)
            continue;
        const double v = event.value.value_or(1);
        Day& day = days[ts - ts % DayMs];
        day.max = day.events == 0 ? v : std::max(day.max, v);
        ++day.events;
        day.sum += v;
        day.magnitude += std::abs(v);
        if (shape & 2)
            day.unique.insert(event.dimensions.first());
    }

    QBuffer out;
    out.open(QIODevice::WriteOnly);
    if (auto s = service.writeUsageCsv(range, customerId, out); !s.ok())
        broken(qPrintable(u"the export failed: "_s + s.error().message), {});
    const QByteArray csv = out.data();
    if (auto s = service.deleteMeter(meter.id); !s.ok())
        broken(qPrintable(u"the meter could not be deleted: "_s + s.error().message), csv);

    const auto records = MeterlineFuzz::readRecords(csv);
    if (!records)
        broken("the export is not RFC 4180 records ending in CRLF", csv);
    if (records->isEmpty()
        || records->first()
               != MeterlineFuzz::Record{
                   "day_start", "day_end", "customer_id", "meter_id", "meter_name", "aggregation", "value"})
        broken("the export does not start with the documented header", csv);
    if (records->size() - 1 != qsizetype(days.size()))
        broken("the export does not have one row per day with events", csv);
    auto day = days.cbegin();
    for (qsizetype r = 1; r < records->size(); ++r, ++day) {
        const MeterlineFuzz::Record& f = records->at(r);
        if (f.size() != 7)
            broken("a row does not have 7 fields", csv);
        const qint64 start = std::max(day->first, fromMs);
        const qint64 end = std::min(day->first + DayMs, toMs);
        if (f[0] != Periods::toIso(Periods::fromMs(start)).toUtf8()
            || f[1] != Periods::toIso(Periods::fromMs(end)).toUtf8())
            broken("a row is not the next day with events, cut to the range", csv);
        if (f[2] != customerId.toUtf8() || f[3] != meter.id.toUtf8() || f[4] != meter.name.toUtf8()
            || f[5] != toString(meter.aggregation).toUtf8())
            broken("a row's customer, meter or aggregation did not read back as written", csv);
        const Day& expected = day->second;
        double want = 0;
        switch (meter.aggregation) {
        case Aggregation::Sum:
            want = expected.sum;
            break;
        case Aggregation::Count:
            want = double(expected.events);
            break;
        case Aggregation::Max:
            want = expected.max;
            break;
        case Aggregation::UniqueCount:
            want = double(expected.unique.size());
            break;
        }
        bool numeric = false;
        const double got = QString::fromUtf8(f[6]).toDouble(&numeric);
        if (!numeric || InvoiceCsv::quantity(got).toUtf8() != f[6])
            broken("a value is not the shortest decimal of a number", csv);
        const bool close = meter.aggregation == Aggregation::Sum ? std::abs(got - want) <= 1e-9 * expected.magnitude
                                                                 : f[6] == InvoiceCsv::quantity(want).toUtf8();
        if (!close) {
            fprintf(stderr, "expected %.17g, the row says %s\n", want, f[6].constData());
            broken("a day's value is not the aggregate of its events", csv);
        }
    }
    return 0;
}
