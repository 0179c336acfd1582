#pragma once

#include <QDateTime>

#include "core/types.h"

namespace Meterline::Periods
{

// Calendar windows in UTC (SPEC §2): hour, day, week from Monday 00:00Z, month; lifetime has no bounds
// (both ends invalid). Half-open [from, to).
TimeRange window(Period period, const QDateTime& at);
// The named periods of queries and exports, relative to now. Lifetime: both ends invalid.
TimeRange namedRange(NamedPeriod period, const QDateTime& now);
// Start of the bucket of a series window that holds t; and the start of the next bucket.
QDateTime bucketStart(Window window, const QDateTime& t);
QDateTime nextBucket(Window window, const QDateTime& start);

// Milliseconds since the epoch <-> UTC QDateTime; how timestamps are stored.
qint64 toMs(const QDateTime& t);
QDateTime fromMs(qint64 ms);
// ISO 8601 with milliseconds when present and a 'Z': "2026-11-26T03:37:33Z", "…33.250Z".
QString toIso(const QDateTime& t);
// The same spelling as toIso, appended to out, from milliseconds since the epoch (for the answers' encoders);
// withMs: always ".mmm", for fixed-width log lines.
void appendIso(QByteArray& out, qint64 ms, bool withMs = false);
// The same into a buffer of IsoMaxLength chars; the length written.
constexpr int IsoMaxLength = 40;
int writeIso(char* out, qint64 ms, bool withMs = false);
// Accepts ISO 8601 with 'Z' or an offset; returns an invalid QDateTime otherwise.
QDateTime parseIso(const QString& text);

} // namespace Meterline::Periods
