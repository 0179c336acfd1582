#pragma once

// The invoice CSV of SPEC §4 (header row first, RFC 4180) read back into lines: the dashboard's remote preview
// reads the server's export route, so it shows exactly the rows the server bills. The writer is core's
// InvoiceCsv; tests/wire reads back what it writes.

#include <QByteArray>
#include <QList>

#include "core/result.h"
#include "core/types.h"

namespace Meterline::Wire
{

Result<QList<InvoiceLine>> invoiceLinesFromCsv(const QByteArray& csv);

} // namespace Meterline::Wire
