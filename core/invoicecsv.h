#pragma once

#include <QByteArray>

#include "core/types.h"

namespace Meterline::InvoiceCsv
{

// The column header of SPEC §4, with CRLF.
QByteArray header();
// One RFC 4180 record with CRLF.
QByteArray row(const InvoiceLine& line);
// A field quoted where needed (comma, quote, CR or LF).
QString field(const QString& value);
// Shortest decimal text for a usage quantity ("1500", "0.25").
QString quantity(double value);
// amount = billable / perUnits × unitPrice, rounded half-even to 6 places (SPEC §4).
Money amount(double billableUnits, Money unitPrice, qint64 perUnits);

} // namespace Meterline::InvoiceCsv
