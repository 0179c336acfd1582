#pragma once

#include <QString>

namespace Meterline::Ids
{

// A server-made id: prefix + 12 hex digits of the current millisecond + 20 random hex digits. Ids made later
// sort later, so the unique indexes on event and ledger ids grow at their end instead of all over the tree.
QString make(const QString& prefix);

} // namespace Meterline::Ids
