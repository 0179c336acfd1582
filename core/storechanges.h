#pragma once

#include <QList>
#include <QSet>
#include <QString>

#include "core/rollups.h"

namespace Meterline
{

// What one write transaction changed of the figures a limit check reads, as the code that wrote told it
// (Sql::WriteTransaction::describeChanges and the note* calls). CheckCache applies it after the commit. A
// transaction that did not describe itself may have changed anything: the cache then forgets all it holds.
struct StoreChanges
{
    // One rollup row written with INSERT … ON CONFLICT DO UPDATE: the row becomes delta when new, else
    // total and events grow by delta's and maximum becomes the larger one (see Rollups::add).
    struct RollupUpsert
    {
        QString meterId;
        QString customerId;
        Rollups::Grain grain = Rollups::Grain::Hour;
        qint64 bucketMs = 0;
        Aggregate delta;
    };

    bool described = false;
    QList<RollupUpsert> rollups;
    QSet<QString> customers; // customers whose holds or balance changed (or anything else of theirs)
};

} // namespace Meterline
