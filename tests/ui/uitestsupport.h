#pragma once

// Helpers of the dashboard view tests: a store filled with demo data at the real "now" (the sync worker's
// own Service reads the real clock, and the pages show this month), settings in a temporary INI file, and a
// main window opened on the store.

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

#include "core/database.h"
#include "core/demodata.h"
#include "core/service.h"
#include "sync/syncclient.h"
#include "tests/testsupport.h"
#include "ui/dashboardsettings.h"
#include "ui/mainwindow.h"

namespace Meterline::Testing
{

constexpr int SyncTimeoutMs = 60'000;

class DemoStore
{
public:
    DemoStore()
    {
        QVERIFY2(m_dir.isValid(), "temporary folder");
        Database::Options options;
        options.durable = false;
        auto opened = Database::open(path(), options);
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        m_db = std::move(opened).value();
        m_service = std::make_unique<Service>(*m_db); // the real clock, as the dashboard's worker
        const Status generated = DemoData::generate(*m_service);
        QVERIFY2(generated.ok(), qPrintable(generated.ok() ? QString() : generated.error().message));
    }

    QString path() const { return m_dir.filePath(QStringLiteral("meterline.db")); }
    QString filePath(const QString& name) const { return m_dir.filePath(name); }
    Service& service() { return *m_service; }
    Service* operator->() { return m_service.get(); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Service> m_service;
};

// QSettings in an INI file of its own: tests never touch the user's settings.
class TestSettings
{
public:
    TestSettings()
        : m_store(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat)
        , m_settings(m_store)
    {
    }
    DashboardSettings& settings() { return m_settings; }
    QSettings& store() { return m_store; }

private:
    QTemporaryDir m_dir;
    QSettings m_store;
    DashboardSettings m_settings;
};

// Opens the window on the store and waits for its first sync.
inline bool openAndSync(MainWindow& window, const QString& database)
{
    QSignalSpy synced(&window, &MainWindow::synced);
    Dashboard::ConnectionSpec spec = Dashboard::ConnectionSpec::local(database);
    spec.queuePath = database + QStringLiteral(".queue");
    window.open(spec);
    window.show();
    return synced.wait(SyncTimeoutMs);
}

// A demo store, its own settings and a main window on them; open() syncs it.
struct Dashboard
{
    DemoStore store;
    TestSettings settings;
    MainWindow window{settings.settings()};

    bool open() { return openAndSync(window, store.path()); }
};

} // namespace Meterline::Testing
