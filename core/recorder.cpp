#include "core/recorder.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <algorithm>
#include <cmath>

#include "core/eventtail.h"
#include "core/ids.h"
#include "core/ledger.h"
#include "core/periods.h"
#include "core/reservations.h"
#include "core/rollups.h"
#include "core/sql.h"
#include "core/storedjson.h"
#include "core/validation.h"
#include "core/webhookoutbox.h"

namespace Meterline
{

namespace
{

const QString eventColumns =
    QStringLiteral("id, customer_id, event_type, value, dimensions, ts, idempotency_key, reservation_id, created_at");

Event eventFrom(const Sql::Statement& q)
{
    Event e;
    e.id = q.value(0).toString();
    e.customerId = q.value(1).toString();
    e.eventType = q.value(2).toString();
    e.value = q.value(3).toDouble();
    e.dimensions = StoredJson::toMap(q.value(4).toString());
    e.timestamp = Periods::fromMs(q.value(5).toLongLong());
    e.idempotencyKey = q.value(6).toString();
    e.reservationId = q.value(7).toString();
    e.createdAt = Periods::fromMs(q.value(8).toLongLong());
    return e;
}

const QString insertEventSql =
    QStringLiteral("INSERT INTO events (%1, indexed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").arg(eventColumns);

// Printable ASCII other than the quote and the backslash: JSON writes it as it is.
bool isPlainJsonText(const QString& text)
{
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return c.unicode() >= 0x20 && c.unicode() <= 0x7e && c != u'"' && c != u'\\';
    });
}

// The stored text of an event's dimensions, exactly as StoredJson::fromMap writes it (keys in order, compact).
// The usual printable-ASCII dimensions are written directly (QJsonDocument cost a tenth of a record);
// anything that JSON escapes goes through Qt.
QString dimensionsJson(const Dimensions& dimensions)
{
    QString json;
    json.reserve(2 + dimensions.size() * 16);
    json += u'{';
    for (auto it = dimensions.cbegin(); it != dimensions.cend(); ++it) {
        if (!isPlainJsonText(it.key()) || !isPlainJsonText(it.value()))
            return StoredJson::fromMap(dimensions);
        if (it != dimensions.cbegin())
            json += u',';
        json += u'"' + it.key() + QLatin1String("\":\"") + it.value() + u'"';
    }
    json += u'}';
    return json;
}

// The request as the client sent it (a defaulted timestamp is not part of it, so a retry later is
// still a replay). Value 1 sent and value omitted are the same event. dimensions is dimensionsJson's text.
QString fingerprintOf(const EventInput& input, const QString& dimensions)
{
    QJsonObject o;
    o.insert(QStringLiteral("c"), input.customerId);
    o.insert(QStringLiteral("t"), input.eventType);
    o.insert(QStringLiteral("v"), QString::number(input.value.value_or(1), 'g', QLocale::FloatingPointShortest));
    o.insert(QStringLiteral("d"), dimensions);
    if (input.timestamp)
        o.insert(QStringLiteral("ts"), QString::number(Periods::toMs(*input.timestamp)));
    o.insert(QStringLiteral("r"), input.reservationId);
    const QByteArray canonical = QJsonDocument(o).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex());
}

// Credits one event burns on the customer's plan: value × creditsPerUnit on sum meters, creditsPerUnit on
// count meters; max and unique_count meters burn nothing. Negative usage refunds nothing.
Money creditsBurned(const CatalogSnapshot& catalog, const Customer& customer, const Event& event)
{
    const auto plan = catalog.plans.constFind(customer.planId);
    if (plan == catalog.plans.cend())
        return {};
    qint64 micros = 0;
    for (const Price& price : plan->prices) {
        if (!price.creditsPerUnit.isPositive())
            continue;
        const auto meter = catalog.meters.constFind(price.meterId);
        if (meter == catalog.meters.cend() || !meter->matches(event.eventType, event.dimensions))
            continue;
        double units = 0;
        if (meter->aggregation == Aggregation::Sum)
            units = event.value;
        else if (meter->aggregation == Aggregation::Count)
            units = 1;
        if (units <= 0)
            continue;
        micros += divideRoundHalfEven(__int128(quantityToMicros(units)) * price.creditsPerUnit.micros(), Money::Scale);
    }
    return Money::fromMicros(std::min(micros, Money::MaxMicros));
}

} // namespace

namespace
{

// PostgreSQL: the catalog version row is read FOR SHARE while events are recorded, so that a meter change, which
// locks it to aggregate the stored events, never misses an event recorded with the catalog before the change.
QString sharedLock(const Sql::WriteTransaction& tx)
{
    return tx.forUpdate().isEmpty() ? QString() : QStringLiteral(" FOR SHARE");
}

// A live customer's id and plan (all that recording reads of it), or nullopt.
Result<std::optional<Customer>> customerPlan(const QSqlDatabase& db, const QString& customerId)
{
    auto q =
        Sql::run(db, QStringLiteral("SELECT plan_id FROM customers WHERE id = ? AND deleted_at IS NULL"), {customerId});
    if (!q.ok())
        return q.error();
    if (!q.value().next())
        return std::optional<Customer>();
    Customer customer;
    customer.id = customerId;
    customer.planId = q.value().value(0).toString();
    return std::optional<Customer>(customer);
}

} // namespace

struct Recorder::Context
{
    QSqlDatabase db;
    Database::Kind kind;
    QString forUpdate;
    std::shared_ptr<const CatalogSnapshot> catalog;
    qint64 nowMs = 0;
    QHash<QString, std::optional<Customer>> customers; // id and plan, read once per transaction
    RollupWriter rollups{kind};                        // written before a read of rollups and before COMMIT
};

Recorder::Recorder(Database& database, const Catalog& catalog, const WebhookOutbox& outbox, Clock clock)
    : m_database(database)
    , m_catalog(catalog)
    , m_outbox(outbox)
    , m_clock(std::move(clock))
{
}

Status Recorder::validate(const EventInput& input, qint64 nowMs)
{
    if (auto s = Validation::checkId(input.customerId, QStringLiteral("customerId")); !s.ok())
        return s;
    if (auto s = Validation::checkId(input.eventType, QStringLiteral("eventType")); !s.ok())
        return s;
    if (input.value && !std::isfinite(*input.value))
        return Error::invalid(QStringLiteral("value must be a finite number"), QStringLiteral("value"));
    if (input.dimensions.size() > Validation::MaxDimensions)
        return Error::invalid(QStringLiteral("at most %1 dimensions").arg(Validation::MaxDimensions),
                              QStringLiteral("dimensions"));
    for (auto it = input.dimensions.cbegin(); it != input.dimensions.cend(); ++it) {
        if (it.key().isEmpty() || it.key().size() > Validation::MaxDimensionKey)
            return Error::invalid(QStringLiteral("dimension keys are 1-%1 characters").arg(Validation::MaxDimensionKey),
                                  QStringLiteral("dimensions"));
        if (it.value().size() > Validation::MaxDimensionValue)
            return Error::invalid(QStringLiteral("dimension '%1' is longer than %2 characters")
                                      .arg(it.key(), QString::number(Validation::MaxDimensionValue)),
                                  QStringLiteral("dimensions"));
    }
    if (input.timestamp) {
        if (!input.timestamp->isValid())
            return Error::invalid(QStringLiteral("timestamp is not a valid ISO 8601 time"),
                                  QStringLiteral("timestamp"));
        if (Periods::toMs(*input.timestamp) > nowMs + Validation::MaxFutureMs)
            return Error::invalid(QStringLiteral("timestamp is more than 5 minutes in the future"),
                                  QStringLiteral("timestamp"));
        if (Periods::toMs(*input.timestamp) < 0)
            return Error::invalid(QStringLiteral("timestamp is before 1970"), QStringLiteral("timestamp"));
    }
    if (input.idempotencyKey.size() > 255)
        return Error::invalid(QStringLiteral("idempotencyKey is longer than 255 characters"),
                              QStringLiteral("idempotencyKey"));
    if (!input.reservationId.isEmpty()) {
        if (auto s = Validation::checkId(input.reservationId, QStringLiteral("reservationId")); !s.ok())
            return s;
    }
    return success();
}

Result<RecordResult> Recorder::recordIn(Context& ctx, const EventInput& input)
{
    if (auto s = validate(input, ctx.nowMs); !s.ok())
        return s.error();
    const QSqlDatabase& db = ctx.db;

    auto cached = ctx.customers.constFind(input.customerId);
    if (cached == ctx.customers.cend()) {
        auto found = customerPlan(db, input.customerId);
        if (!found.ok())
            return found.error();
        cached = ctx.customers.insert(input.customerId, found.value());
    }
    if (!cached.value())
        return Error::missing(ErrorCode::CustomerNotFound, QStringLiteral("customer"), input.customerId);
    const Customer& customer = *cached.value();

    const QString dimensions = dimensionsJson(input.dimensions);
    const QString fingerprint = input.idempotencyKey.isEmpty() ? QString() : fingerprintOf(input, dimensions);
    if (!input.idempotencyKey.isEmpty()) {
        auto previous =
            Sql::run(db,
                     QStringLiteral("SELECT fingerprint, event_id FROM idempotency_keys WHERE customer_id = ?"
                                    " AND key = ?"),
                     {input.customerId, input.idempotencyKey});
        if (!previous.ok())
            return previous.error();
        if (previous.value().next()) {
            if (previous.value().value(0).toString() != fingerprint) {
                return Error{
                    ErrorCode::IdempotencyConflict,
                    QStringLiteral("idempotency key '%1' was used with a different event").arg(input.idempotencyKey),
                    QStringLiteral("idempotencyKey")};
            }
            const QString eventId = previous.value().value(1).toString();
            auto stored =
                Sql::run(db, QStringLiteral("SELECT %1 FROM events WHERE id = ?").arg(eventColumns), {eventId});
            if (!stored.ok())
                return stored.error();
            if (!stored.value().next())
                return Error::storage(QStringLiteral("event %1 of an idempotency key is missing").arg(eventId));
            RecordResult replay;
            replay.event = eventFrom(stored.value());
            replay.duplicate = true;
            auto usage = Ledger::usageOf(db, eventId);
            if (!usage.ok())
                return usage.error();
            if (usage.value()) {
                replay.usageTransaction = usage.value();
                auto balance = Ledger::read(db, input.customerId, ctx.nowMs, {});
                if (!balance.ok())
                    return balance.error();
                replay.balance = balance.value();
            }
            return replay;
        }
    }

    std::optional<Reservation> reservation;
    if (!input.reservationId.isEmpty()) {
        auto found = Reservations::find(db, input.reservationId, ctx.forUpdate);
        if (!found.ok())
            return found.error();
        if (!found.value() || found.value()->customerId != input.customerId) {
            return Error{ErrorCode::ReservationNotFound,
                         QStringLiteral("no reservation '%1' for this customer").arg(input.reservationId),
                         QStringLiteral("reservationId")};
        }
        if (found.value()->state == ReservationState::Settled)
            return Error{ErrorCode::Conflict,
                         QStringLiteral("reservation '%1' was settled by another event").arg(input.reservationId),
                         QStringLiteral("reservationId")};
        reservation = found.value();
    }

    Event event;
    event.id = Ids::make(QStringLiteral("evt_"));
    event.customerId = input.customerId;
    event.eventType = input.eventType;
    event.value = input.value.value_or(1);
    event.dimensions = input.dimensions;
    event.timestamp = input.timestamp ? Periods::fromMs(Periods::toMs(*input.timestamp)) : Periods::fromMs(ctx.nowMs);
    event.idempotencyKey = input.idempotencyKey;
    event.reservationId = input.reservationId;
    event.createdAt = Periods::fromMs(ctx.nowMs);
    const qint64 ts = Periods::toMs(event.timestamp);
    auto inserted = Sql::exec(db,
                              insertEventSql,
                              {event.id,
                               event.customerId,
                               event.eventType,
                               event.value,
                               dimensions,
                               ts,
                               event.idempotencyKey.isEmpty() ? QVariant() : event.idempotencyKey,
                               event.reservationId.isEmpty() ? QVariant() : event.reservationId,
                               ctx.nowMs,
                               EventTail::indexedValueOnInsert(ctx.kind)});
    if (!inserted.ok())
        return inserted.error();

    // The event's rollup increments: one per matching meter, written with the group's (see RollupWriter).
    for (const Meter& meter : ctx.catalog->meters) {
        if (Rollups::rollsUp(meter) && meter.matches(event.eventType, event.dimensions))
            ctx.rollups.add(meter.id, event.customerId, ts, event.value);
    }
    if (ctx.catalog->subscribed(WebhookOutbox::LimitThreshold)) {
        // The threshold check reads used from the rollups: they must hold this event.
        if (auto s = ctx.rollups.flush(db); !s.ok())
            return s.error();
        if (auto s = m_outbox.usageRecorded(db, *ctx.catalog, customer, event, ctx.nowMs); !s.ok())
            return s.error();
    }

    if (reservation) {
        // An expired hold no longer counts; the usage it was for is recorded all the same.
        auto settled = Periods::toMs(reservation->expiresAt) > ctx.nowMs
                           ? Reservations::settle(db, reservation->id, event.id)
                           : Reservations::markExpired(db, reservation->id);
        if (!settled.ok())
            return settled.error();
        Sql::WriteTransaction::noteCustomerChanged(event.customerId);
    }

    RecordResult result;
    result.event = event;
    const Money burn = creditsBurned(*ctx.catalog, customer, event);
    if (burn.isPositive()) {
        auto burned = Ledger::burn(db, event.customerId, burn, event.id, ctx.nowMs, ctx.forUpdate);
        if (!burned.ok())
            return burned.error();
        result.usageTransaction = burned.value();
        auto balance = Ledger::read(db, event.customerId, ctx.nowMs, {});
        if (!balance.ok())
            return balance.error();
        result.balance = balance.value();
        // available before the event: the burn lowered it; a hold this event settled had lowered it already.
        const bool settled = reservation && Periods::toMs(reservation->expiresAt) > ctx.nowMs;
        const Money before =
            balance.value().available() - burned.value().amount - (settled ? reservation->credits : Money());
        if (auto s = m_outbox.balanceLowered(db, *ctx.catalog, before, balance.value(), ctx.nowMs); !s.ok())
            return s.error();
        if (auto s = Catalog::logChange(
                db, QStringLiteral("balance"), event.customerId, QStringLiteral("upsert"), ctx.nowMs);
            !s.ok())
            return s.error();
    }

    if (!input.idempotencyKey.isEmpty()) {
        auto kept = Sql::exec(db,
                              QStringLiteral("INSERT INTO idempotency_keys (customer_id, key, fingerprint, event_id,"
                                             " created_at) VALUES (?, ?, ?, ?, ?)"),
                              {event.customerId, input.idempotencyKey, fingerprint, event.id, ctx.nowMs});
        if (!kept.ok())
            return kept.error();
    }
    return result;
}

Status Recorder::finish(Context& ctx)
{
    if (auto s = ctx.rollups.flush(ctx.db); !s.ok())
        return s;
    return EventTail::indexIfLong(ctx.db, ctx.kind);
}

Result<RecordResult> Recorder::record(const EventInput& input)
{
    const qint64 now = Periods::toMs(m_clock());
    if (auto s = validate(input, now); !s.ok())
        return s.error();
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    tx.describeChanges(); // rollups, holds and balances note what they change for the check cache
    auto catalog = m_catalog.snapshot(tx.db(), sharedLock(tx));
    if (!catalog.ok())
        return catalog.error();
    Context ctx{tx.db(), m_database.kind(), tx.forUpdate(), catalog.value(), now, {}};
    auto result = recordIn(ctx, input);
    if (!result.ok() || result.value().duplicate)
        return result; // the guard rolls back: nothing was written
    if (auto s = finish(ctx); !s.ok())
        return s.error();
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    return result;
}

Result<QList<Result<RecordResult>>> Recorder::recordAll(const QList<EventInput>& inputs)
{
    const qint64 now = Periods::toMs(m_clock());
    Sql::WriteTransaction tx(m_database);
    if (auto s = tx.begin(); !s.ok())
        return s.error();
    tx.describeChanges(); // rollups, holds and balances note what they change for the check cache
    auto catalog = m_catalog.snapshot(tx.db(), sharedLock(tx));
    if (!catalog.ok())
        return catalog.error();
    Context ctx{tx.db(), m_database.kind(), tx.forUpdate(), catalog.value(), now, {}};
    QList<Result<RecordResult>> results;
    results.reserve(inputs.size());
    for (const EventInput& input : inputs) {
        auto result = recordIn(ctx, input);
        // Rejections are found before an event writes anything; a storage failure fails them all.
        if (!result.ok() && (result.error().code == ErrorCode::Storage || Sql::isTransient(result.error())))
            return result.error();
        results << std::move(result);
    }
    if (auto s = finish(ctx); !s.ok())
        return s.error();
    if (auto s = tx.commit(); !s.ok())
        return s.error();
    return results;
}

Result<BatchResult> Recorder::recordBatch(const QList<EventInput>& inputs)
{
    if (inputs.size() > 10000)
        return Error::invalid(QStringLiteral("at most 10000 events in a batch"), QStringLiteral("events"));
    auto results = recordAll(inputs);
    if (!results.ok())
        return results.error();
    BatchResult batch;
    for (int i = 0; i < results.value().size(); ++i) {
        const auto& result = results.value().at(i);
        if (!result.ok())
            batch.rejected << BatchRejection{i, result.error()};
        else if (result.value().duplicate)
            ++batch.duplicates;
        else
            ++batch.accepted;
    }
    return batch;
}

QList<Result<RecordResult>> Recorder::recordEach(const QList<EventInput>& inputs)
{
    auto results = recordAll(inputs);
    if (results.ok())
        return results.value();
    QList<Result<RecordResult>> failed;
    for (qsizetype i = 0; i < inputs.size(); ++i)
        failed << results.error();
    return failed;
}

Result<EventPage> Recorder::events(const EventQuery& query) const
{
    if (query.limit < 1 || query.limit > 1000)
        return Error::invalid(QStringLiteral("limit must be 1-1000"), QStringLiteral("limit"));
    if (query.from.isValid() && query.to.isValid() && query.from >= query.to)
        return Error::invalid(QStringLiteral("from must be before to"), QStringLiteral("from"));
    QString sql; // the conditions, then the whole statement
    QVariantList values;
    if (!query.eventType.isEmpty()) {
        sql += QStringLiteral(" AND event_type = ?");
        values << query.eventType;
    }
    if (query.from.isValid()) {
        sql += QStringLiteral(" AND ts >= ?");
        values << Periods::toMs(query.from);
    }
    if (query.to.isValid()) {
        sql += QStringLiteral(" AND ts < ?");
        values << Periods::toMs(query.to);
    }
    // A dimension matches when its compact JSON member ("key":"value", as StoredJson writes it) is in the
    // stored text: exact and case-sensitive (LIKE is neither on SQLite). A scan of the filtered range.
    const QString contains = m_database.kind() == Database::Kind::Postgres
                                 ? QStringLiteral(" AND strpos(dimensions, ?) > 0")
                                 : QStringLiteral(" AND instr(dimensions, ?) > 0");
    for (auto it = query.dimensions.cbegin(); it != query.dimensions.cend(); ++it) {
        const QString member = StoredJson::fromMap({{it.key(), it.value()}});
        sql += contains;
        values << member.mid(1, member.size() - 2); // without the braces
    }
    if (!query.cursor.isEmpty()) {
        // The cursor is the (timestamp, seq) of the last event of the previous page: newest first.
        const QList<QByteArray> parts =
            QByteArray::fromBase64(query.cursor.toLatin1(), QByteArray::Base64UrlEncoding).split(':');
        bool okTs = false;
        bool okSeq = false;
        const qint64 ts = parts.size() == 2 ? parts[0].toLongLong(&okTs) : 0;
        const qint64 seq = parts.size() == 2 ? parts[1].toLongLong(&okSeq) : 0;
        if (!okTs || !okSeq)
            return Error::invalid(QStringLiteral("cursor is not one this server made"), QStringLiteral("cursor"));
        sql += QStringLiteral(" AND (ts < ? OR (ts = ? AND seq < ?))");
        values << ts << ts << seq;
    }
    const QString columns = eventColumns + QStringLiteral(", seq");
    if (query.customerId.isEmpty()) {
        sql = QStringLiteral("SELECT %1 FROM events WHERE 1 = 1%2").arg(columns, sql);
    } else {
        EventTail::Query scoped = EventTail::forCustomer(m_database.kind(), columns, query.customerId, sql, values);
        sql = scoped.sql;
        values = scoped.values;
    }
    sql += QStringLiteral(" ORDER BY ts DESC, seq DESC LIMIT ?");
    values << query.limit + 1;
    auto q = Sql::run(m_database.connection(), sql, values);
    if (!q.ok())
        return q.error();
    EventPage page;
    qint64 lastTs = 0;
    qint64 lastSeq = 0;
    while (q.value().next()) {
        if (page.data.size() == query.limit) {
            page.nextCursor = QString::fromLatin1((QByteArray::number(lastTs) + ':' + QByteArray::number(lastSeq))
                                                      .toBase64(QByteArray::Base64UrlEncoding));
            break;
        }
        Event e = eventFrom(q.value());
        lastTs = Periods::toMs(e.timestamp);
        lastSeq = q.value().value(9).toLongLong();
        page.data << e;
    }
    return page;
}

Result<Reservation> Recorder::reservation(const QString& id) const
{
    auto found = Reservations::find(m_database.connection(), id);
    if (!found.ok())
        return found.error();
    if (!found.value())
        return Error::notFound(ErrorCode::ReservationNotFound, QStringLiteral("no reservation '%1'").arg(id));
    Reservation r = *found.value();
    if (r.state == ReservationState::Held && r.expiresAt <= m_clock())
        r.state = ReservationState::Expired;
    return r;
}

} // namespace Meterline
