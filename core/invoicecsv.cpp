#include "core/invoicecsv.h"

#include <QLocale>

#include "core/periods.h"

namespace Meterline::InvoiceCsv
{

QByteArray header()
{
    return QByteArrayLiteral(
        "period_start,period_end,customer_id,customer_name,external_id,plan_id,meter_id,"
        "meter_name,quantity,included_units,billable_units,unit_price,per_units,amount,currency\r\n");
}

QString field(const QString& value)
{
    if (!value.contains(u',') && !value.contains(u'"') && !value.contains(u'\n') && !value.contains(u'\r'))
        return value;
    QString quoted = value;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

QString quantity(double value)
{
    return QString::number(value, 'f', QLocale::FloatingPointShortest);
}

QByteArray row(const InvoiceLine& line)
{
    const QStringList fields{Periods::toIso(line.periodStart),
                             Periods::toIso(line.periodEnd),
                             field(line.customerId),
                             field(line.customerName),
                             field(line.externalId),
                             field(line.planId),
                             field(line.meterId),
                             field(line.meterName),
                             quantity(line.quantity),
                             quantity(line.includedUnits),
                             quantity(line.billableUnits),
                             line.unitPrice.toString(),
                             QString::number(line.perUnits),
                             line.amount.toString(),
                             field(line.currency)};
    return fields.join(u',').toUtf8() + "\r\n";
}

Money amount(double billableUnits, Money unitPrice, qint64 perUnits)
{
    if (perUnits <= 0)
        perUnits = 1;
    // billable (micro-units) × price (micros) / (perUnits × 10^6): exact integers, one half-even rounding.
    const __int128 numerator = __int128(quantityToMicros(billableUnits)) * unitPrice.micros();
    const __int128 denominator = __int128(perUnits) * Money::Scale;
    return Money::fromMicros(divideRoundHalfEven(numerator, denominator));
}

} // namespace Meterline::InvoiceCsv
