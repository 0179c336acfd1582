#pragma once

#include <QHash>
#include <QSqlDatabase>

#include "core/catalog.h"
#include "core/database.h"
#include "core/result.h"
#include "core/service.h"
#include "core/types.h"

namespace Meterline
{

// Records events: validation, idempotent replay, the event row, its meters' rollups, the credits it
// burns and the reservation it settles — all in one database transaction.
class WebhookOutbox;

class Recorder
{
public:
    Recorder(Database& database, const Catalog& catalog, const WebhookOutbox& outbox, Clock clock);

    Result<RecordResult> record(const EventInput& input);
    Result<BatchResult> recordBatch(const QList<EventInput>& inputs);
    QList<Result<RecordResult>> recordEach(const QList<EventInput>& inputs);
    Result<EventPage> events(const EventQuery& query) const;
    Result<Reservation> reservation(const QString& id) const;

    // Input checks that need no database; the error names the field.
    static Status validate(const EventInput& input, qint64 nowMs);

private:
    struct Context; // one transaction's state, shared by the events of a batch
    Result<RecordResult> recordIn(Context& context, const EventInput& input);
    // Before COMMIT: the transaction's rollups, and the event tail's indexing when it is due.
    static Status finish(Context& context);
    // Runs each input in one transaction; a storage failure is returned alone and rolls back.
    Result<QList<Result<RecordResult>>> recordAll(const QList<EventInput>& inputs);

    Database& m_database;
    const Catalog& m_catalog;
    const WebhookOutbox& m_outbox; // notifications go out in the event's transaction
    Clock m_clock;
};

} // namespace Meterline
