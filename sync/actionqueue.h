#pragma once

#include <QList>
#include <QString>

#include "core/result.h"
#include "sync/synctypes.h"

namespace Meterline::Dashboard
{

// The durable queue of operator actions: a small SQLite file (WAL, synchronous=FULL) that survives a crash or
// a restart of the dashboard. An action is pushed before it is first sent and removed only once the source
// answered it, so nothing the operator confirmed is lost. Used on the worker thread only; it holds its own
// connection, named after the object, and drops it in the destructor.
class ActionQueue
{
public:
    explicit ActionQueue(QString path);
    ~ActionQueue();
    ActionQueue(const ActionQueue&) = delete;
    ActionQueue& operator=(const ActionQueue&) = delete;

    // <AppDataLocation>/action-queue.db
    static QString defaultPath();

    Status open();
    QString path() const { return m_path; }
    // Appends at the end; pushing an id that is queued already changes nothing.
    Status push(const QueuedAction& action);
    // Every queued action, oldest first.
    Result<QList<QueuedAction>> pending() const;
    Status remove(const QString& actionId);
    Status countAttempt(const QString& actionId);
    int size() const;

    static QString toString(ActionKind kind);
    static std::optional<ActionKind> parseKind(QStringView name);

private:
    QString m_path;
    QString m_connectionName;
};

} // namespace Meterline::Dashboard
