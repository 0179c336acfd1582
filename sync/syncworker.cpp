#include "sync/syncworker.h"

#include <QLoggingCategory>
#include <QSaveFile>
#include <QSet>
#include <algorithm>

#include "core/limitoverview.h"
#include "sync/localsource.h"
#include "sync/remotesource.h"
#include "wire/answers.h"
#include "wire/invoicecsvreader.h"
#include "wire/requests.h"

Q_LOGGING_CATEGORY(lcSync, "meterline.dashboard.sync", QtInfoMsg)

namespace Meterline::Dashboard
{

namespace
{

constexpr int ChangePageSize = 10000;
constexpr int SummaryPageSize = 10000;
constexpr int BalancePageSize = 10000;
// Customers one usage-feed answer may list; above, the windows are read in full.
constexpr int UsageFeedLimit = 10000;
// Above this many changed customers or balances in one sync, one list read beats one read per id.
constexpr int ReloadAllAbove = 200;

// The named period whose range is a limit period's current window.
NamedPeriod windowOf(Period period)
{
    switch (period) {
    case Period::Hour:
        return NamedPeriod::CurrentHour;
    case Period::Day:
        return NamedPeriod::CurrentDay;
    case Period::Week:
        return NamedPeriod::CurrentWeek;
    case Period::Month:
        return NamedPeriod::CurrentMonth;
    case Period::Lifetime:
        return NamedPeriod::Lifetime;
    }
    return NamedPeriod::CurrentMonth;
}

bool queueable(ActionKind kind)
{
    // Creating a key or a webhook shows its secret once; tests and retries are interactive.
    return kind != ActionKind::CreateApiKey && kind != ActionKind::CreateWebhook && kind != ActionKind::TestWebhook
           && kind != ActionKind::RetryDelivery;
}

bool isCreate(ActionKind kind)
{
    return kind == ActionKind::CreateCustomer || kind == ActionKind::CreatePlan || kind == ActionKind::CreateMeter
           || kind == ActionKind::CreateLimit;
}

bool isDelete(ActionKind kind)
{
    return kind == ActionKind::DeleteLimit || kind == ActionKind::RevokeApiKey || kind == ActionKind::DeleteWebhook;
}

// ---- equality of synced values (core's structs have no operator==): the fields a view can show ----

bool same(const Customer& a, const Customer& b)
{
    return a.id == b.id && a.name == b.name && a.planId == b.planId && a.externalId == b.externalId
           && a.metadata == b.metadata && a.createdAt == b.createdAt;
}
bool same(const Plan& a, const Plan& b)
{
    return Wire::planBody(a) == Wire::planBody(b) && a.createdAt == b.createdAt;
}
bool same(const Meter& a, const Meter& b)
{
    return Wire::meterBody(a) == Wire::meterBody(b) && a.createdAt == b.createdAt;
}
bool same(const Limit& a, const Limit& b)
{
    return Wire::limitBody(a) == Wire::limitBody(b) && a.createdAt == b.createdAt;
}
bool same(const Balance& a, const Balance& b)
{
    return a.customerId == b.customerId && a.balance == b.balance && a.reserve == b.reserve && a.held == b.held;
}
bool same(const ApiKey& a, const ApiKey& b)
{
    return a.id == b.id && a.name == b.name && a.scope == b.scope && a.createdAt == b.createdAt
           && a.revokedAt == b.revokedAt && a.lastUsedAt == b.lastUsedAt && a.rateLimit == b.rateLimit;
}
bool same(const WebhookEndpoint& a, const WebhookEndpoint& b)
{
    return Wire::webhookBody(a) == Wire::webhookBody(b) && a.id == b.id && a.disabled == b.disabled
           && a.createdAt == b.createdAt;
}
bool same(const CustomerRow& a, const CustomerRow& b)
{
    return same(a.customer, b.customer) && a.planName == b.planName && a.monthUsage == b.monthUsage
           && same(a.balance, b.balance) && a.hasBalance == b.hasBalance && a.health == b.health
           && a.worstFraction == b.worstFraction && a.worstLimit == b.worstLimit;
}
bool same(const BalanceRow& a, const BalanceRow& b)
{
    return same(a.balance, b.balance) && a.customerName == b.customerName;
}

QString keyOf(const Customer& v)
{
    return v.id;
}
QString keyOf(const Plan& v)
{
    return v.id;
}
QString keyOf(const Meter& v)
{
    return v.id;
}
QString keyOf(const Limit& v)
{
    return v.id;
}
QString keyOf(const ApiKey& v)
{
    return v.id;
}
QString keyOf(const WebhookEndpoint& v)
{
    return v.id;
}

// Replaces known with the fresh list and says what changed. firstLoad: everything, as a reset.
template <typename T> RowDelta<T> diffList(QHash<QString, T>& known, const QList<T>& fresh, bool firstLoad)
{
    RowDelta<T> delta;
    delta.reset = firstLoad;
    QHash<QString, T> next;
    next.reserve(fresh.size());
    for (const T& item : fresh) {
        next.insert(keyOf(item), item);
        const auto old = known.constFind(keyOf(item));
        if (firstLoad || old == known.cend() || !same(*old, item))
            delta.upserts << item;
    }
    for (auto it = known.cbegin(); it != known.cend(); ++it) {
        if (!next.contains(it.key()))
            delta.removed << it.key();
    }
    known = std::move(next);
    return delta;
}

// A first load of a large list goes out in slices: the reset with the first slice, then appends, so the GUI
// thread applies each in a few ms and keeps painting (one 100,000-row reset stalled it for ~0.4 s; 2,000 rows take ~35
// ms).
constexpr int SliceRows = 2000;

template <typename T> QList<RowDelta<T>> slices(const RowDelta<T>& delta)
{
    if (!delta.reset || delta.upserts.size() <= SliceRows)
        return {delta};
    QList<RowDelta<T>> parts;
    for (qsizetype i = 0; i < delta.upserts.size(); i += SliceRows)
        parts << RowDelta<T>{i == 0, delta.upserts.mid(i, SliceRows), {}};
    return parts;
}

template <typename T> bool isEmpty(const RowDelta<T>& delta)
{
    return !delta.reset && delta.upserts.isEmpty() && delta.removed.isEmpty();
}

QString describe(const Error& error)
{
    return error.message.isEmpty() ? error.code : error.message;
}

} // namespace

SyncWorker::SyncWorker(ConnectionSpec spec)
    : m_spec(std::move(spec))
    , m_timer(this) // a child, so it moves to the worker thread with the worker
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] { refresh(); });
}

SyncWorker::~SyncWorker()
{
    // Runs on the worker thread (deleteLater after the thread's loop ended): the source's connection and
    // network manager, and the queue's connection, belong to this thread.
    m_source.reset();
    m_queue.reset();
}

void SyncWorker::start()
{
    if (m_spec.isRemote()) {
        auto remote =
            std::make_unique<RemoteSource>(m_spec.serverUrl, m_spec.adminKey, std::max(1, m_spec.requestTimeoutMs));
        remote->setFirstAttemptTimeoutMs(m_spec.firstAttemptTimeoutMs);
        m_source = std::move(remote);
    } else {
        m_source = std::make_unique<LocalSource>(m_spec.database, m_spec.demoDataWhenEmpty);
    }
    m_queue = std::make_unique<ActionQueue>(m_spec.queuePath.isEmpty() ? ActionQueue::defaultPath() : m_spec.queuePath);
    if (Status opened = m_queue->open(); !opened.ok()) {
        qCWarning(lcSync) << "action queue:" << opened.error().message;
        m_queue.reset(); // actions are then sent directly and fail when the source is down
    } else {
        m_status.queuedActions = m_queue->size();
    }
    refresh();
}

void SyncWorker::enqueue(std::function<void()> job)
{
    m_jobs.push_back(std::move(job));
    if (!m_running)
        QMetaObject::invokeMethod(this, &SyncWorker::drain, Qt::QueuedConnection);
}

void SyncWorker::drain()
{
    if (m_running)
        return; // a job is waiting for the network: the outer drain picks the new job up after it
    m_running = true;
    while (!m_jobs.empty()) {
        auto job = std::move(m_jobs.front());
        m_jobs.pop_front();
        job();
    }
    m_running = false;
}

void SyncWorker::refresh()
{
    m_timer.stop();
    if (m_syncQueued)
        return;
    m_syncQueued = true;
    enqueue([this] {
        m_syncQueued = false;
        runSync();
    });
}

void SyncWorker::setStatus(SyncState state, const QString& message)
{
    m_status.state = state;
    m_status.message = message;
    m_status.queuedActions = m_queue ? m_queue->size() : 0;
    emit statusChanged(m_status);
}

void SyncWorker::scheduleNext(bool failed, bool unreachable)
{
    if (!failed) {
        m_backoffMs = 0;
        m_status.retryInMs = 0;
        m_timer.start(std::max(1, m_spec.syncIntervalMs));
        return;
    }
    m_backoffMs =
        m_backoffMs == 0 ? std::max(1, m_spec.firstBackoffMs) : std::min(m_backoffMs * 2, m_spec.maxBackoffMs);
    m_status.retryInMs = m_backoffMs;
    m_sourceReachable = !unreachable;
    m_timer.start(m_backoffMs);
}

void SyncWorker::runSync()
{
    setStatus(SyncState::Syncing, {});
    const Status synced = syncOnce();
    if (!synced.ok()) {
        const bool unreachable = synced.error().code == SourceError::Unreachable;
        scheduleNext(true, unreachable);
        qCInfo(lcSync) << "sync failed:" << synced.error().code << "retry in" << m_backoffMs << "ms";
        setStatus(unreachable ? SyncState::Offline : SyncState::Error, describe(synced.error()));
        return;
    }
    m_sourceReachable = true;
    m_status.lastSuccess = QDateTime::currentDateTimeUtc();
    flushQueue(); // may find the source unreachable again and schedule a retry
    if (auto figures = overview(); figures.ok())
        emit overviewReady(0, figures.value());
    if (m_sourceReachable)
        scheduleNext(false, false);
    setStatus(m_sourceReachable ? SyncState::Idle : SyncState::Offline,
              m_sourceReachable ? QString() : m_status.message);
    emit syncFinished();
}

Status SyncWorker::syncOnce()
{
    if (Status opened = source().open(); !opened.ok()) {
        // A store or server that cannot be opened is unreachable for the queue's purposes: actions wait.
        return Error{SourceError::Unreachable, describe(opened.error()), {}};
    }
    m_status.usageFiguresRead = 0;
    const Status read = m_known.loaded ? followChanges() : fullRead();
    if (!read.ok())
        return read;
    if (Status usage = refreshUsage(); !usage.ok())
        return usage;
    refreshRows();
    return success();
}

Status SyncWorker::fullRead()
{
    // The cursor first: whatever changes while the lists are read is seen again by the next sync.
    auto cursor = source().latestChange();
    if (!cursor.ok())
        return cursor.error();
    auto customers = source().customers();
    if (!customers.ok())
        return customers.error();
    auto plans = source().plans();
    if (!plans.ok())
        return plans.error();
    auto meters = source().meters();
    if (!meters.ok())
        return meters.error();
    auto limits = source().limits();
    if (!limits.ok())
        return limits.error();
    auto keys = source().apiKeys();
    auto webhooks = source().webhooks();
    Known known;
    known.cursor = cursor.value();
    emit metersSynced(diffList(known.meters, meters.value(), true));
    emit plansSynced(diffList(known.plans, plans.value(), true));
    emit limitsSynced(diffList(known.limits, limits.value(), true));
    diffList(known.customers, customers.value(), true); // customers go out as rows, with usage and health
    // Keys and webhooks need an admin key: a read key still syncs the rest.
    emit apiKeysSynced(diffList(known.apiKeys, keys.ok() ? keys.value() : QList<ApiKey>(), true));
    emit webhooksSynced(diffList(known.webhooks, webhooks.ok() ? webhooks.value() : QList<WebhookEndpoint>(), true));
    m_known = std::move(known);
    if (Status balances = reloadBalances(); !balances.ok())
        return balances;
    m_known.loaded = true;
    m_usage.loaded = false; // a full read of the lists reads usage in full too
    m_dirty = Dirty{};
    return success();
}

Status SyncWorker::reloadBalances()
{
    QHash<QString, Balance> balances;
    QString cursor;
    do {
        auto page = source().balances(cursor, BalancePageSize);
        if (!page.ok())
            return page.error();
        for (const Balance& b : page->data)
            balances.insert(b.customerId, b);
        cursor = page->nextCursor;
    } while (!cursor.isEmpty());
    m_known.balances = std::move(balances);
    return success();
}

Status SyncWorker::followChanges()
{
    QSet<QString> customers;
    QSet<QString> deletedCustomers;
    QSet<QString> balances;
    bool plans = false;
    bool meters = false;
    bool limits = false;
    qint64 cursor = m_known.cursor;
    for (;;) {
        auto page = source().changes(cursor, ChangePageSize);
        if (!page.ok())
            return page.error();
        for (const Change& c : page->data) {
            if (c.entity == QLatin1String("customer")) {
                if (c.op == QLatin1String("delete")) {
                    deletedCustomers.insert(c.entityId);
                    customers.remove(c.entityId);
                } else {
                    customers.insert(c.entityId);
                    deletedCustomers.remove(c.entityId);
                }
            } else if (c.entity == QLatin1String("balance")) {
                balances.insert(c.entityId);
            } else if (c.entity == QLatin1String("plan")) {
                plans = true;
            } else if (c.entity == QLatin1String("meter")) {
                meters = true;
            } else if (c.entity == QLatin1String("limit")) {
                limits = true;
            }
        }
        const bool more = page->nextCursor > cursor && page->data.size() == ChangePageSize;
        cursor = std::max(cursor, page->nextCursor);
        if (!more)
            break;
    }

    for (const QString& id : std::as_const(customers))
        m_dirty.mark(id);
    for (const QString& id : std::as_const(deletedCustomers))
        m_dirty.mark(id);
    for (const QString& id : std::as_const(balances))
        m_dirty.mark(id);
    // Plans, meters and limits are short lists: a change reloads the list, and every row is rebuilt (plan
    // names and limits are in all of them; a meter's change can move every figure).
    m_dirty.all = m_dirty.all || plans || meters || limits;
    if (meters)
        m_usage.loaded = false;
    if (meters) {
        auto list = source().meters();
        if (!list.ok())
            return list.error();
        if (auto d = diffList(m_known.meters, list.value(), false); !isEmpty(d))
            emit metersSynced(d);
    }
    if (plans) {
        auto list = source().plans();
        if (!list.ok())
            return list.error();
        if (auto d = diffList(m_known.plans, list.value(), false); !isEmpty(d))
            emit plansSynced(d);
    }
    if (limits) {
        auto list = source().limits();
        if (!list.ok())
            return list.error();
        if (auto d = diffList(m_known.limits, list.value(), false); !isEmpty(d))
            emit limitsSynced(d);
    }
    if (customers.size() > ReloadAllAbove) {
        auto list = source().customers();
        if (!list.ok())
            return list.error();
        const RowDelta<Customer> moved = diffList(m_known.customers, list.value(), false);
        for (const QString& id : moved.removed)
            m_dirty.mark(id);
    } else {
        for (const QString& id : std::as_const(customers)) {
            auto customer = source().customer(id);
            if (customer.ok())
                m_known.customers.insert(id, customer.value());
            else if (customer.error().code == ErrorCode::CustomerNotFound)
                deletedCustomers.insert(id); // deleted after the change was logged
            else
                return customer.error();
        }
        for (const QString& id : std::as_const(deletedCustomers))
            m_known.customers.remove(id);
    }
    if (balances.size() > ReloadAllAbove) {
        if (Status s = reloadBalances(); !s.ok())
            return s;
    } else {
        for (const QString& id : std::as_const(balances)) {
            auto balance = source().balance(id);
            if (balance.ok())
                m_known.balances.insert(id, balance.value());
            else if (balance.error().code == ErrorCode::CustomerNotFound)
                m_known.balances.remove(id);
            else
                return balance.error();
        }
    }
    for (const QString& id : std::as_const(deletedCustomers))
        m_known.balances.remove(id);

    // Keys and webhooks are not in the change log: short lists, read each time.
    if (auto keys = source().apiKeys(); keys.ok()) {
        if (auto d = diffList(m_known.apiKeys, keys.value(), false); !isEmpty(d))
            emit apiKeysSynced(d);
    }
    if (auto hooks = source().webhooks(); hooks.ok()) {
        if (auto d = diffList(m_known.webhooks, hooks.value(), false); !isEmpty(d))
            emit webhooksSynced(d);
    }
    m_known.cursor = cursor;
    return success();
}

Result<SyncWorker::UsageWindow> SyncWorker::summaryOf(Period period)
{
    auto range = source().resolvePeriod(windowOf(period));
    if (!range.ok())
        return range.error();
    UsageWindow window{range.value(), {}};
    QString cursor;
    do {
        auto page = source().usageSummary(range.value(), {}, cursor, SummaryPageSize);
        if (!page.ok())
            return page.error();
        for (const SummaryRow& row : page->data)
            window.byCustomer[row.customerId].insert(row.meterId, row.value);
        m_status.usageFiguresRead += page->data.size();
        cursor = page->nextCursor;
    } while (!cursor.isEmpty());
    return window;
}

QSet<Period> SyncWorker::periodsInUse() const
{
    QSet<Period> periods{Period::Month};
    for (const Limit& l : std::as_const(m_known.limits))
        periods.insert(l.period);
    for (const Plan& p : std::as_const(m_known.plans)) {
        for (const Limit& l : p.limits)
            periods.insert(l.period);
    }
    return periods;
}

Status SyncWorker::readUsageWindows(const QSet<Period>& periods)
{
    for (Period period : periods) {
        auto window = summaryOf(period);
        if (!window.ok())
            return window.error();
        m_usage.windows.insert(period, std::move(window).value());
    }
    if (!periods.isEmpty())
        m_dirty.all = true;
    return success();
}

Status SyncWorker::refreshUsage()
{
    const QSet<Period> periods = periodsInUse();
    if (!m_usage.loaded) {
        // The cursor first: whatever is recorded while the windows are read is in the feed next time.
        auto cursor = source().latestUsageChange();
        if (!cursor.ok())
            return cursor.error();
        m_usage.windows.clear();
        if (Status read = readUsageWindows(periods); !read.ok())
            return read;
        m_usage.cursor = cursor.value();
        m_usage.loaded = true;
        return success();
    }
    auto page = source().usageChanges(m_usage.cursor, UsageFeedLimit);
    if (!page.ok())
        return page.error();
    if (page->truncated) {
        // More customers moved than one answer lists: reading the windows costs less than asking per id.
        if (Status read = readUsageWindows(periods); !read.ok())
            return read;
        m_usage.cursor = page->nextCursor;
        return success();
    }
    QSet<Period> unread; // new to the dashboard, or rolled over to another range since it was read
    for (Period period : periods) {
        const auto known = m_usage.windows.constFind(period);
        const auto fresh = std::find_if(
            page->windows.cbegin(), page->windows.cend(), [period](const auto& w) { return w.period == period; });
        if (known == m_usage.windows.cend() || fresh == page->windows.cend()
            || TimeRange{fresh->from, fresh->to} != known->range) {
            unread.insert(period);
            continue;
        }
        UsageByCustomer& byCustomer = m_usage.windows[period].byCustomer;
        for (const QString& id : std::as_const(page->customers))
            byCustomer.remove(id); // the feed lists a moved customer's every non-zero figure
        for (const SummaryRow& row : fresh->data)
            byCustomer[row.customerId].insert(row.meterId, row.value);
        m_status.usageFiguresRead += fresh->data.size();
    }
    for (const QString& id : std::as_const(page->customers))
        m_dirty.mark(id);
    if (Status read = readUsageWindows(unread); !read.ok())
        return read;
    m_usage.cursor = page->nextCursor;
    return success();
}

void SyncWorker::refreshRows()
{
    QHash<QString, QList<Limit>> customerLimits;
    for (const Limit& l : std::as_const(m_known.limits)) {
        if (l.scope == LimitScope::Customer)
            customerLimits[l.customerId] << l;
    }
    const UsageByCustomer month = m_usage.windows.value(Period::Month).byCustomer;
    const bool first = m_known.rows.isEmpty();
    const bool all = m_dirty.all || first;
    // Who is rebuilt: every customer, or the marked ones (live ones get a row, deleted ones lose theirs).
    QList<QString> ids = all ? m_known.customers.keys() : m_dirty.customers.values();
    if (all) {
        for (auto it = m_known.rows.cbegin(); it != m_known.rows.cend(); ++it) {
            if (!m_known.customers.contains(it.key()))
                ids << it.key();
        }
    }

    RowDelta<CustomerRow> customerDelta;
    customerDelta.reset = first;
    RowDelta<BalanceRow> balanceDelta;
    balanceDelta.reset = first;
    for (const QString& id : std::as_const(ids)) {
        const auto customer = m_known.customers.constFind(id);
        if (customer == m_known.customers.cend()) {
            if (m_known.rows.remove(id))
                customerDelta.removed << id;
            if (m_known.balanceRows.remove(id))
                balanceDelta.removed << id;
            continue;
        }
        const Customer& c = *customer;
        CustomerRow row;
        row.customer = c;
        const auto plan = m_known.plans.constFind(c.planId);
        const Plan* planPtr = plan == m_known.plans.cend() ? nullptr : &*plan;
        row.planName = planPtr ? planPtr->name : QString();
        for (auto it = month.value(c.id).cbegin(); it != month.value(c.id).cend(); ++it)
            row.monthUsage.insert(it.key(), it.value());
        const auto balance = m_known.balances.constFind(c.id);
        row.hasBalance = balance != m_known.balances.cend();
        row.balance = row.hasBalance ? *balance : Balance{c.id, {}, {}, {}};
        const LimitHealthResult health = LimitOverview::health(
            LimitOverview::applyingLimits(planPtr, customerLimits.value(c.id)),
            [this, &c](const QString& meterId, Period period) {
                const auto window = m_usage.windows.constFind(period);
                return window == m_usage.windows.cend() ? 0.0 : window->byCustomer.value(c.id).value(meterId);
            });
        row.health = health.health;
        row.worstFraction = health.worstFraction;
        if (!health.worst.id.isEmpty())
            row.worstLimit = health.worst.meterId + QStringLiteral(" / ") + toString(health.worst.period);

        const auto old = m_known.rows.constFind(id);
        if (first || old == m_known.rows.cend() || !same(*old, row))
            customerDelta.upserts << row;
        if (row.hasBalance) {
            const BalanceRow balanceRow{row.balance, c.name};
            const auto oldBalance = m_known.balanceRows.constFind(id);
            if (first || oldBalance == m_known.balanceRows.cend() || !same(*oldBalance, balanceRow))
                balanceDelta.upserts << balanceRow;
            m_known.balanceRows.insert(id, balanceRow);
        } else if (m_known.balanceRows.remove(id)) {
            balanceDelta.removed << id;
        }
        m_known.rows.insert(id, std::move(row));
    }
    m_dirty = Dirty{false, {}};

    // Ordered by id on the first load, so an unsorted view starts in a sensible order.
    std::sort(customerDelta.upserts.begin(),
              customerDelta.upserts.end(),
              [](const CustomerRow& a, const CustomerRow& b) { return a.customer.id < b.customer.id; });
    std::sort(balanceDelta.upserts.begin(), balanceDelta.upserts.end(), [](const BalanceRow& a, const BalanceRow& b) {
        return a.balance.customerId < b.balance.customerId;
    });
    if (!isEmpty(customerDelta)) {
        const QList<RowDelta<CustomerRow>> parts = slices(customerDelta);
        // A first load in slices says how far it is (the status bar's count), each count before its slice.
        const bool counted = customerDelta.reset && parts.size() > 1;
        for (const auto& part : parts) {
            if (counted) {
                m_status.customersLoaded += int(part.upserts.size());
                m_status.customersTotal = int(customerDelta.upserts.size());
                emit statusChanged(m_status);
            }
            emit customersSynced(part);
        }
        m_status.customersLoaded = 0;
        m_status.customersTotal = 0;
    }
    if (!isEmpty(balanceDelta)) {
        for (const auto& part : slices(balanceDelta))
            emit balancesSynced(part);
    }
}

Result<OverviewFigures> SyncWorker::overview()
{
    OverviewFigures f;
    f.computedAt = QDateTime::currentDateTimeUtc();
    f.lowBalanceThreshold = m_spec.lowBalanceThreshold;
    for (const Meter& meter : std::as_const(m_known.meters)) {
        for (NamedPeriod period : {NamedPeriod::CurrentDay, NamedPeriod::CurrentMonth}) {
            UsageQuery q;
            q.meterId = meter.id;
            q.period = period;
            auto usage = source().usage(q);
            if (!usage.ok())
                return usage.error();
            (period == NamedPeriod::CurrentDay ? f.usageToday : f.usageThisMonth).insert(meter.id, usage->value);
        }
    }
    for (const CustomerRow& row : std::as_const(m_known.rows)) {
        ++f.customers;
        if (row.health == LimitHealth::Near)
            ++f.customersNearLimit;
        if (row.health == LimitHealth::Over)
            ++f.customersOverLimit;
        if (row.hasBalance) {
            f.totalAvailable += row.balance.available();
            if (row.balance.available() <= f.lowBalanceThreshold)
                ++f.lowBalances;
        }
    }
    return f;
}

// ---- actions ----

void SyncWorker::submit(const QueuedAction& action)
{
    enqueue([this, action] {
        if (!queueable(action.kind) || !m_queue) {
            if (Status opened = source().open(); !opened.ok()) {
                finishAction(action, opened.error());
                return;
            }
            finishAction(action, source().perform(action));
            return;
        }
        // Durable first: from here on the action survives a crash and is sent exactly once.
        if (Status pushed = m_queue->push(action); !pushed.ok()) {
            emit actionFinished(
                action.id, false, tr("The action could not be stored: %1").arg(describe(pushed.error())), {});
            return;
        }
        flushQueue();
        setStatus(m_status.state, m_status.message); // the queued count moved
    });
}

void SyncWorker::flushQueue()
{
    if (!m_queue)
        return;
    auto pending = m_queue->pending();
    if (!pending.ok()) {
        qCWarning(lcSync) << "action queue:" << pending.error().message;
        return;
    }
    for (const QueuedAction& action : pending.value()) {
        if (!send(action)) {
            // Unreachable: everything after it waits too, in order.
            for (const QueuedAction& waiting : pending.value()) {
                if (!m_announcedQueued.contains(waiting.id)) {
                    m_announcedQueued.insert(waiting.id, true);
                    emit actionQueued(waiting.id);
                }
            }
            scheduleNext(true, true);
            m_status.state = SyncState::Offline;
            return;
        }
    }
}

bool SyncWorker::send(QueuedAction action)
{
    if (Status opened = source().open(); !opened.ok()) {
        m_sourceReachable = false;
        return false;
    }
    // Count the attempt durably BEFORE sending: a replay after a crash then knows it may have landed.
    if (Status counted = m_queue->countAttempt(action.id); !counted.ok())
        qCWarning(lcSync) << "action queue:" << counted.error().message;
    auto result = source().perform(action);
    if (!result.ok() && result.error().code == SourceError::Unreachable) {
        m_sourceReachable = false;
        m_status.message = describe(result.error());
        return false;
    }
    ++action.attempts;
    if (!result.ok() && action.attempts > 1 && isCreate(action.kind) && result.error().code == ErrorCode::Conflict
        && alreadyLanded(action)) {
        // The first send landed and its answer was lost: the stored entity is ours.
        result = QVariant();
    } else if (!result.ok() && action.attempts > 1 && isDelete(action.kind)
               && result.error().code.endsWith(QLatin1String("not_found"))) {
        result = QVariant(); // deleted by the lost first send
    }
    if (Status removed = m_queue->remove(action.id); !removed.ok())
        qCWarning(lcSync) << "action queue:" << removed.error().message;
    m_announcedQueued.remove(action.id);
    finishAction(action, result);
    return true;
}

bool SyncWorker::alreadyLanded(const QueuedAction& action)
{
    const QJsonObject& p = action.payload;
    const QString id = p.value(QStringLiteral("id")).toString();
    switch (action.kind) {
    case ActionKind::CreateCustomer: {
        auto stored = source().customer(id);
        auto sent = Wire::customerFrom(p);
        return stored.ok() && sent.ok() && Wire::customerBody(stored.value()) == Wire::customerBody(sent.value());
    }
    case ActionKind::CreatePlan: {
        auto plans = source().plans();
        auto sent = Wire::planFrom(p);
        if (!plans.ok() || !sent.ok())
            return false;
        return std::any_of(plans->cbegin(), plans->cend(), [&](const Plan& plan) {
            return plan.id == id && Wire::planBody(plan) == Wire::planBody(sent.value());
        });
    }
    case ActionKind::CreateMeter: {
        auto meters = source().meters();
        auto sent = Wire::meterFrom(p);
        if (!meters.ok() || !sent.ok())
            return false;
        return std::any_of(meters->cbegin(), meters->cend(), [&](const Meter& meter) {
            return meter.id == id && Wire::meterBody(meter) == Wire::meterBody(sent.value());
        });
    }
    case ActionKind::CreateLimit: {
        auto limits = source().limits();
        auto sent = Wire::limitFrom(p);
        if (!limits.ok() || !sent.ok() || id.isEmpty())
            return false;
        return std::any_of(limits->cbegin(), limits->cend(), [&](const Limit& limit) {
            return limit.id == id && Wire::limitBody(limit) == Wire::limitBody(sent.value());
        });
    }
    default:
        return false;
    }
}

void SyncWorker::finishAction(const QueuedAction& action, const Result<ActionResult>& result)
{
    if (result.ok()) {
        emit actionFinished(action.id, true, {}, result.value());
        // Show the effect at once rather than at the next interval.
        refresh();
        return;
    }
    emit actionFinished(action.id, false, describe(result.error()), QVariant::fromValue(result.error().code));
}

// ---- queries ----

namespace
{

template <typename T, typename Emit>
void answer(SyncWorker* worker, quint64 id, const Result<T>& result, Emit emitReady)
{
    if (result.ok())
        emitReady(result.value());
    else
        emit worker->queryFailed(id, describe(result.error()));
}

} // namespace

void SyncWorker::queryEvents(quint64 id, const EventFilter& filter, const QString& cursor)
{
    enqueue([this, id, filter, cursor] {
        EventQuery q;
        q.customerId = filter.customerId;
        q.eventType = filter.eventType;
        q.from = filter.from;
        q.to = filter.to;
        q.dimensions = filter.dimensions;
        q.limit = std::clamp(filter.pageSize, 1, 1000);
        q.cursor = cursor;
        answer(this, id, source().events(q), [&](const EventPage& page) { emit eventsReady(id, page); });
    });
}

void SyncWorker::queryUsageSeries(quint64 id, const SeriesRequest& request)
{
    enqueue([this, id, request] {
        UsageQuery q;
        q.meterId = request.meterId;
        q.customerId = request.customerId;
        q.from = request.from;
        q.to = request.to;
        q.window = request.bucket;
        q.filters = request.filters;
        answer(this, id, source().usage(q), [&](const UsageResult& usage) { emit usageSeriesReady(id, usage); });
    });
}

void SyncWorker::queryInvoiceLines(quint64 id, const TimeRange& period)
{
    enqueue([this, id, period] {
        answer(this, id, source().invoiceLines(period), [&](const QList<InvoiceLine>& lines) {
            emit invoiceLinesReady(id, lines);
        });
    });
}

void SyncWorker::queryLedger(quint64 id, const QString& customerId, const QString& cursor, int limit)
{
    enqueue([this, id, customerId, cursor, limit] {
        answer(this,
               id,
               source().transactions(customerId, cursor, std::clamp(limit, 1, 1000)),
               [&](const LedgerPage& p) { emit ledgerReady(id, p); });
    });
}

void SyncWorker::queryUsageSummary(quint64 id, const TimeRange& range, const QString& customerId, int limit)
{
    enqueue([this, id, range, customerId, limit] {
        answer(this,
               id,
               source().usageSummary(range, customerId, {}, std::clamp(limit, 1, 10000)),
               [&](const SummaryPage& p) { emit usageSummaryReady(id, p); });
    });
}

void SyncWorker::queryTopCustomers(quint64 id, const QString& meterId, const TimeRange& range, int count)
{
    enqueue([this, id, meterId, range, count] {
        UsageQuery q;
        q.meterId = meterId;
        q.from = range.from;
        q.to = range.to;
        if (!range.from.isValid() && !range.to.isValid())
            q.period = NamedPeriod::Lifetime;
        q.groupBy = {QStringLiteral("customerId")};
        auto usage = source().usage(q);
        if (!usage.ok()) {
            emit queryFailed(id, describe(usage.error()));
            return;
        }
        QList<SummaryRow> rows;
        for (const UsageGroup& g : usage->groups)
            rows << SummaryRow{g.dimensions.value(QStringLiteral("customerId")), meterId, g.value};
        std::sort(rows.begin(), rows.end(), [](const SummaryRow& a, const SummaryRow& b) {
            return a.value != b.value ? a.value > b.value : a.customerId < b.customerId;
        });
        if (rows.size() > count)
            rows.resize(std::max(0, count));
        emit topCustomersReady(id, rows);
    });
}

void SyncWorker::queryOverview(quint64 id)
{
    enqueue([this, id] { answer(this, id, overview(), [&](const OverviewFigures& f) { emit overviewReady(id, f); }); });
}

void SyncWorker::queryLimitStatus(quint64 id, const QString& customerId)
{
    enqueue([this, id, customerId] {
        CheckRequest request;
        request.customerId = customerId;
        answer(this, id, source().check(request), [&](const CheckResult& c) { emit limitStatusReady(id, c); });
    });
}

void SyncWorker::queryDeliveries(quint64 id, const QString& webhookId, int limit)
{
    enqueue([this, id, webhookId, limit] {
        answer(this,
               id,
               source().deliveries(webhookId, std::clamp(limit, 1, 1000)),
               [&](const QList<WebhookDelivery>& d) { emit deliveriesReady(id, d); });
    });
}

// ---- exports ----

void SyncWorker::exportCsv(quint64 id,
                           DataSource::Export kind,
                           const TimeRange& range,
                           const QString& customerId,
                           const QString& filePath,
                           std::shared_ptr<std::atomic_bool> cancel)
{
    enqueue([this, id, kind, range, customerId, filePath, cancel] {
        // QSaveFile: the file appears whole or not at all (a cancelled export leaves no half file behind).
        QSaveFile file(filePath);
        if (!file.open(QIODevice::WriteOnly)) {
            emit exportFinished(id, false, tr("Cannot write %1: %2").arg(filePath, file.errorString()));
            return;
        }
        const Status written =
            source().writeExport(kind, range, customerId, file, *cancel, [this, id](qint64 done, qint64 total) {
                emit exportProgress(id, done, total);
            });
        if (!written.ok()) {
            file.cancelWriting();
            emit exportFinished(id,
                                false,
                                written.error().code == SourceError::Cancelled ? tr("Export cancelled")
                                                                               : describe(written.error()));
            return;
        }
        if (!file.commit()) {
            emit exportFinished(id, false, tr("Cannot write %1: %2").arg(filePath, file.errorString()));
            return;
        }
        emit exportProgress(id, file.size(), file.size());
        emit exportFinished(id, true, {});
    });
}

} // namespace Meterline::Dashboard
