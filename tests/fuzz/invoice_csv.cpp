// The invoice CSV writer (core/invoicecsv, SPEC §4) on any text fields and figures: every row it writes parses
// back, with a strict RFC 4180 reader written from the RFC alone (csvreader.h), into exactly the 15 fields it was made
// from, ends in CRLF, and has no CR, LF or quote outside a quoted field.

#include <QList>
#include <QString>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "core/invoicecsv.h"
#include "core/periods.h"
#include "tests/fuzz/csvreader.h"
#include "tests/fuzz/fuzzinput.h"

using namespace Meterline;

namespace
{

[[noreturn]] void broken(const char* what, const QByteArray& row)
{
    fprintf(stderr, "invoice_csv: %s\nrow: %s\n", what, row.constData());
    abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    // The input (fuzzinput.h): the seven texts, then the figures.
    MeterlineFuzz::Input in = MeterlineFuzz::split(data, size, 7);
    InvoiceLine line;
    line.customerId = QString::fromUtf8(in.texts[0]);
    line.customerName = QString::fromUtf8(in.texts[1]);
    line.externalId = QString::fromUtf8(in.texts[2]);
    line.planId = QString::fromUtf8(in.texts[3]);
    line.meterId = QString::fromUtf8(in.texts[4]);
    line.meterName = QString::fromUtf8(in.texts[5]);
    line.currency = QString::fromUtf8(in.texts[6]);
    const qint64 start = in.next<qint64>() % (qint64(400) * 365 * 86'400'000); // within 400 years
    line.periodStart = Periods::fromMs(start);
    line.periodEnd = Periods::fromMs(start + 86'400'000);
    line.quantity = in.next<double>();
    line.includedUnits = in.next<double>();
    line.billableUnits = std::max(0.0, line.quantity - line.includedUnits);
    line.unitPrice = Money::fromMicros(in.next<qint64>() % 1'000'000'000'000'000);
    line.perUnits = std::max<qint64>(1, in.next<qint64>() % 1'000'000'000);
    line.amount = InvoiceCsv::amount(line.billableUnits, line.unitPrice, line.perUnits);

    if (line.amount.micros() > Money::MaxMicros || line.amount.micros() < -Money::MaxMicros)
        broken("an amount beyond what Money holds", QByteArray::number(line.amount.micros()));
    const QByteArray row = InvoiceCsv::row(line);
    const auto fields = MeterlineFuzz::readRecord(row);
    if (!fields)
        broken("the row is not one RFC 4180 record", row);
    if (fields->size() != 15)
        broken("the row does not have the 15 columns of SPEC §4", row);
    const QList<QString> texts{
        line.customerId, line.customerName, line.externalId, line.planId, line.meterId, line.meterName, line.currency};
    const QList<int> columns{2, 3, 4, 5, 6, 7, 14};
    for (int i = 0; i < texts.size(); ++i) {
        if (QString::fromUtf8(fields->at(columns[i])) != texts[i])
            broken("a text field did not read back as written", row);
    }
    if (fields->at(0) != Periods::toIso(line.periodStart).toUtf8()
        || fields->at(8) != InvoiceCsv::quantity(line.quantity).toUtf8()
        || fields->at(11) != line.unitPrice.toString().toUtf8() || fields->at(13) != line.amount.toString().toUtf8())
        broken("a figure did not read back as written", row);
    if (InvoiceCsv::header().count(',') != 14)
        broken("the header does not have 15 columns", row);
    return 0;
}
