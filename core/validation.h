#pragma once

#include <QString>

#include "core/result.h"

namespace Meterline::Validation
{

// Client-chosen identifiers: 1–128 chars of [A-Za-z0-9._:-] (SPEC §2).
bool isValidId(QStringView id);
// An Error naming the field when id is not valid, success otherwise.
Status checkId(const QString& id, const QString& field);

constexpr int MaxDimensions = 32;
constexpr int MaxDimensionKey = 64;
constexpr int MaxDimensionValue = 256;
constexpr qint64 MaxFutureMs = 5 * 60 * 1000; // timestamps at most 5 minutes ahead

} // namespace Meterline::Validation
