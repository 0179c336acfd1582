#pragma once

// A fresh store per test: a SQLite file in its own temporary folder, a unique store id, and a clock the
// test sets. Every test builds its own TestStore, so no state leaks between tests or data rows.

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <atomic>
#include <memory>

#define VERIFY_OK(r) QVERIFY2((r).ok(), qPrintable(::Meterline::Testing::describe(r)))
// Runs a helper that may fail a QVERIFY and stops the test when it did.
#define CHECKED(call)                                                                                                  \
    do {                                                                                                               \
        call;                                                                                                          \
        if (QTest::currentTestFailed())                                                                                \
            return;                                                                                                    \
    } while (false)

#include "core/database.h"
#include "core/service.h"

namespace Meterline::Testing
{

// "ok", or the error's code, message and field: for QVERIFY2 messages.
template <typename T> QString describe(const Result<T>& r)
{
    if (r.ok())
        return QStringLiteral("ok");
    return QStringLiteral("%1: %2 (field '%3')").arg(r.error().code, r.error().message, r.error().field);
}

inline QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), QTimeZone::utc());
}

class TestStore
{
public:
    explicit TestStore(const QDateTime& now = utc(2026, 3, 15, 12, 0, 0))
        : m_nowMs(now.toMSecsSinceEpoch())
    {
        QVERIFY2(m_dir.isValid(), "temporary folder");
        Database::Options options;
        options.durable = false; // tests do not need power-loss durability
        auto opened = Database::open(path(), options);
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        m_db = std::move(opened).value();
        m_service = std::make_unique<Service>(*m_db, [this] { return this->now(); });
    }

    QString path() const { return m_dir.filePath(QStringLiteral("meterline.db")); }
    Database& db() { return *m_db; }
    Service& service() { return *m_service; }
    Service* operator->() { return m_service.get(); }

    QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(m_nowMs.load(), QTimeZone::utc()); }
    void setNow(const QDateTime& t) { m_nowMs.store(t.toMSecsSinceEpoch()); }
    void advance(qint64 ms) { m_nowMs.fetch_add(ms); }

private:
    QTemporaryDir m_dir;
    std::atomic<qint64> m_nowMs;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Service> m_service;
};

} // namespace Meterline::Testing
