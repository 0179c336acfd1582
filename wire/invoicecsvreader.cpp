#include "wire/invoicecsvreader.h"

#include "core/periods.h"

namespace Meterline::Wire
{

namespace
{

// RFC 4180 records: fields quoted when they hold a comma, quote or line break; quotes doubled inside.
QList<QStringList> csvRecords(const QString& text)
{
    QList<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;
    bool any = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        any = true;
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text.at(i + 1) == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            record << field;
            field.clear();
        } else if (c == u'\r' || c == u'\n') {
            if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n')
                ++i;
            record << field;
            records << record;
            record.clear();
            field.clear();
            any = false;
        } else {
            field += c;
        }
    }
    if (any) {
        record << field;
        records << record;
    }
    return records;
}

} // namespace

Result<QList<InvoiceLine>> invoiceLinesFromCsv(const QByteArray& csv)
{
    const QList<QStringList> records = csvRecords(QString::fromUtf8(csv));
    QList<InvoiceLine> lines;
    for (qsizetype r = 1; r < records.size(); ++r) { // records[0] is the header
        const QStringList& f = records.at(r);
        if (f.size() != 15)
            return Error::invalid(QStringLiteral("invoice CSV row %1 has %2 fields, not 15").arg(r).arg(f.size()));
        InvoiceLine l;
        l.periodStart = Periods::parseIso(f.at(0));
        l.periodEnd = Periods::parseIso(f.at(1));
        l.customerId = f.at(2);
        l.customerName = f.at(3);
        l.externalId = f.at(4);
        l.planId = f.at(5);
        l.meterId = f.at(6);
        l.meterName = f.at(7);
        l.quantity = f.at(8).toDouble();
        l.includedUnits = f.at(9).toDouble();
        l.billableUnits = f.at(10).toDouble();
        const auto unitPrice = Money::parse(f.at(11));
        const auto amount = Money::parse(f.at(13));
        bool perUnitsOk = false;
        l.perUnits = f.at(12).toLongLong(&perUnitsOk);
        if (!unitPrice || !amount || !perUnitsOk)
            return Error::invalid(QStringLiteral("invoice CSV row %1 has a malformed amount").arg(r));
        l.unitPrice = *unitPrice;
        l.amount = *amount;
        l.currency = f.at(14);
        lines << l;
    }
    return lines;
}

} // namespace Meterline::Wire
