#pragma once

#include <QDir>
#include <QObject>

namespace Meterline
{

class MainWindow;

// Saves a PNG of each main page once the first sync is in (scripts/screenshots.sh runs it offscreen), then
// quits the application with 0, or 1 with the reason on stderr.
class ScreenshotRunner : public QObject
{
    Q_OBJECT

public:
    ScreenshotRunner(MainWindow& window, const QString& folder, QObject* parent = nullptr);

private:
    void start();
    void next();
    void fail(const QString& message);

    MainWindow& m_window;
    QDir m_folder;
    int m_step = 0;
    bool m_started = false;
};

} // namespace Meterline
