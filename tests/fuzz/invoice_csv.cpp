// The invoice CSV writer (core/invoicecsv, SPEC §4) on any text fields and figures: every row it writes parses
// back, with a strict RFC 4180 reader written here from the RFC alone, into exactly the 15 fields it was made
// from, ends in CRLF, and has no CR, LF or quote outside a quoted field.

#include <QList>
#include <QString>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "core/invoicecsv.h"
#include "core/periods.h"

using namespace Meterline;

namespace
{

[[noreturn]] void broken(const char* what, const QByteArray& row)
{
    fprintf(stderr, "invoice_csv: %s\nrow: %s\n", what, row.constData());
    abort();
}

// RFC 4180: fields separated by commas, a field either plain (no comma, quote, CR or LF) or quoted with inner
// quotes doubled; the record ends with CRLF. nullopt when the text is not exactly one such record.
std::optional<QList<QByteArray>> readRecord(const QByteArray& text)
{
    if (!text.endsWith("\r\n"))
        return std::nullopt;
    const QByteArray record = text.chopped(2);
    QList<QByteArray> fields;
    qsizetype i = 0;
    for (;;) {
        QByteArray field;
        if (i < record.size() && record[i] == '"') {
            ++i;
            for (;;) {
                if (i >= record.size())
                    return std::nullopt; // an unclosed quote
                if (record[i] == '"') {
                    if (i + 1 < record.size() && record[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += record[i++];
            }
            if (i < record.size() && record[i] != ',')
                return std::nullopt; // text after a closing quote
        } else {
            while (i < record.size() && record[i] != ',') {
                if (record[i] == '"' || record[i] == '\r' || record[i] == '\n')
                    return std::nullopt; // only a quoted field may hold these
                field += record[i++];
            }
        }
        fields.append(field);
        if (i >= record.size())
            return fields;
        ++i; // the comma
    }
}

// The input's pieces: text fields separated by NUL bytes, then the bytes of the figures.
struct Input
{
    QList<QByteArray> texts;
    QByteArray rest;
};

Input split(const uint8_t* data, size_t size, int texts)
{
    Input in;
    qsizetype at = 0;
    const QByteArray all(reinterpret_cast<const char*>(data), qsizetype(size));
    for (int i = 0; i < texts; ++i) {
        const qsizetype nul = all.indexOf('\0', at);
        const qsizetype end = nul < 0 ? all.size() : nul;
        in.texts.append(all.mid(at, end - at));
        at = std::min(all.size(), end + 1);
    }
    in.rest = all.mid(at);
    return in;
}

template <typename T> T figure(const QByteArray& bytes, int index)
{
    T value{};
    if (bytes.size() >= qsizetype(sizeof(T)) * (index + 1))
        memcpy(&value, bytes.constData() + sizeof(T) * index, sizeof(T));
    return value;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const Input in = split(data, size, 7);
    InvoiceLine line;
    line.customerId = QString::fromUtf8(in.texts[0]);
    line.customerName = QString::fromUtf8(in.texts[1]);
    line.externalId = QString::fromUtf8(in.texts[2]);
    line.planId = QString::fromUtf8(in.texts[3]);
    line.meterId = QString::fromUtf8(in.texts[4]);
    line.meterName = QString::fromUtf8(in.texts[5]);
    line.currency = QString::fromUtf8(in.texts[6]);
    const qint64 start = figure<qint64>(in.rest, 0) % (qint64(400) * 365 * 86'400'000); // within 400 years
    line.periodStart = Periods::fromMs(start);
    line.periodEnd = Periods::fromMs(start + 86'400'000);
    line.quantity = figure<double>(in.rest, 1);
    line.includedUnits = figure<double>(in.rest, 2);
    line.billableUnits = std::max(0.0, line.quantity - line.includedUnits);
    line.unitPrice = Money::fromMicros(figure<qint64>(in.rest, 3) % 1'000'000'000'000'000);
    line.perUnits = std::max<qint64>(1, figure<qint64>(in.rest, 4) % 1'000'000'000);
    line.amount = InvoiceCsv::amount(line.billableUnits, line.unitPrice, line.perUnits);

    if (line.amount.micros() > Money::MaxMicros || line.amount.micros() < -Money::MaxMicros)
        broken("an amount beyond what Money holds", QByteArray::number(line.amount.micros()));
    const QByteArray row = InvoiceCsv::row(line);
    const auto fields = readRecord(row);
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
