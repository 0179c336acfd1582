#include "sync/actionqueue.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>

#include "core/periods.h"

namespace Meterline::Dashboard
{

namespace
{

struct KindName
{
    ActionKind kind;
    const char* name;
};

constexpr KindName KindNames[] = {
    {ActionKind::CreateCustomer, "create_customer"},
    {ActionKind::UpdateCustomer, "update_customer"},
    {ActionKind::CreatePlan, "create_plan"},
    {ActionKind::ReplacePlan, "replace_plan"},
    {ActionKind::CreateMeter, "create_meter"},
    {ActionKind::ReplaceMeter, "replace_meter"},
    {ActionKind::CreateLimit, "create_limit"},
    {ActionKind::ReplaceLimit, "replace_limit"},
    {ActionKind::DeleteLimit, "delete_limit"},
    {ActionKind::Credit, "credit"},
    {ActionKind::Debit, "debit"},
    {ActionKind::SetReserve, "set_reserve"},
    {ActionKind::CreateApiKey, "create_api_key"},
    {ActionKind::RevokeApiKey, "revoke_api_key"},
    {ActionKind::CreateWebhook, "create_webhook"},
    {ActionKind::DeleteWebhook, "delete_webhook"},
    {ActionKind::TestWebhook, "test_webhook"},
    {ActionKind::RetryDelivery, "retry_delivery"},
};

Error queueError(const QString& what, const QSqlError& error)
{
    return Error::storage(QStringLiteral("action queue: %1: %2").arg(what, error.text()));
}

} // namespace

ActionQueue::ActionQueue(QString path)
    : m_path(std::move(path))
    , m_connectionName(QStringLiteral("meterline-action-queue@%1").arg(quintptr(this)))
{
}

ActionQueue::~ActionQueue()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

QString ActionQueue::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/action-queue.db");
}

QString ActionQueue::toString(ActionKind kind)
{
    for (const KindName& k : KindNames) {
        if (k.kind == kind)
            return QString::fromLatin1(k.name);
    }
    return {};
}

std::optional<ActionKind> ActionQueue::parseKind(QStringView name)
{
    for (const KindName& k : KindNames) {
        if (name == QLatin1StringView(k.name))
            return k.kind;
    }
    return std::nullopt;
}

Status ActionQueue::open()
{
    if (QSqlDatabase::contains(m_connectionName) && QSqlDatabase::database(m_connectionName, false).isOpen())
        return success();
    const QString folder = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(folder))
        return Error::storage(QStringLiteral("action queue: cannot create the folder %1").arg(folder));
    QSqlDatabase db = QSqlDatabase::contains(m_connectionName)
                          ? QSqlDatabase::database(m_connectionName, false)
                          : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(m_path);
    if (!db.open())
        return queueError(QStringLiteral("open %1").arg(m_path), db.lastError());
    QSqlQuery q(db);
    for (const char* sql : {"PRAGMA journal_mode=WAL",
                            "PRAGMA synchronous=FULL",
                            "PRAGMA busy_timeout=10000",
                            "CREATE TABLE IF NOT EXISTS actions (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                            " id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, target TEXT NOT NULL,"
                            " payload TEXT NOT NULL, queued_at INTEGER NOT NULL, attempts INTEGER NOT NULL)"}) {
        if (!q.exec(QString::fromLatin1(sql)))
            return queueError(QStringLiteral("prepare"), q.lastError());
    }
    return success();
}

Status ActionQueue::push(const QueuedAction& action)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("INSERT INTO actions (id, kind, target, payload, queued_at, attempts)"
                             " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"));
    q.addBindValue(action.id);
    q.addBindValue(toString(action.kind));
    q.addBindValue(action.targetId);
    q.addBindValue(QString::fromUtf8(QJsonDocument(action.payload).toJson(QJsonDocument::Compact)));
    q.addBindValue(Periods::toMs(action.queuedAt.isValid() ? action.queuedAt : QDateTime::currentDateTimeUtc()));
    q.addBindValue(action.attempts);
    if (!q.exec())
        return queueError(QStringLiteral("push"), q.lastError());
    return success();
}

Result<QList<QueuedAction>> ActionQueue::pending() const
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, kind, target, payload, queued_at, attempts FROM actions ORDER BY seq")))
        return queueError(QStringLiteral("read"), q.lastError());
    QList<QueuedAction> actions;
    while (q.next()) {
        const auto kind = parseKind(q.value(1).toString());
        if (!kind)
            return Error::storage(QStringLiteral("action queue: unknown action kind %1").arg(q.value(1).toString()));
        QueuedAction a;
        a.id = q.value(0).toString();
        a.kind = *kind;
        a.targetId = q.value(2).toString();
        a.payload = QJsonDocument::fromJson(q.value(3).toString().toUtf8()).object();
        a.queuedAt = Periods::fromMs(q.value(4).toLongLong());
        a.attempts = q.value(5).toInt();
        actions << a;
    }
    return actions;
}

Status ActionQueue::remove(const QString& actionId)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("DELETE FROM actions WHERE id = ?"));
    q.addBindValue(actionId);
    if (!q.exec())
        return queueError(QStringLiteral("remove"), q.lastError());
    return success();
}

Status ActionQueue::countAttempt(const QString& actionId)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("UPDATE actions SET attempts = attempts + 1 WHERE id = ?"));
    q.addBindValue(actionId);
    if (!q.exec())
        return queueError(QStringLiteral("count attempt"), q.lastError());
    return success();
}

int ActionQueue::size() const
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM actions")) || !q.next())
        return 0;
    return q.value(0).toInt();
}

} // namespace Meterline::Dashboard
