// The dashboard: parses the command line, builds the main window and connects it. No logic lives here.

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QPixmap>
#include <QTimer>
#include <cstdio>

#include "core/database.h"
#include "ui/mainwindow.h"

using namespace Qt::StringLiterals;

namespace
{

constexpr int ScreenshotTimeoutMs = 120'000;

void printError(const QString& message)
{
    std::fprintf(stderr, "meterline: %s\n", qPrintable(message));
}

QString translate(const char* text)
{
    return QCoreApplication::translate("main", text);
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"Meterline"_s);
    QApplication::setApplicationDisplayName(u"Meterline"_s);
    QApplication::setApplicationVersion(QStringLiteral(METERLINE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(translate("Meterline operator console: usage, limits and prepaid credits."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(u"db"_s,
                                      translate("The database: a SQLite file or postgresql://… (default: %1).")
                                          .arg(Meterline::Database::defaultPath()),
                                      translate("path"));
    const QCommandLineOption screenshotOption(
        u"screenshot"_s,
        translate("Save the window to a PNG file once the first data arrived, then exit."),
        translate("file"));
    parser.addOption(dbOption);
    parser.addOption(screenshotOption);
    if (!parser.parse(QApplication::arguments())) {
        printError(parser.errorText());
        return 2;
    }
    if (parser.isSet(u"help"_s))
        parser.showHelp(0);
    if (parser.isSet(u"version"_s))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty()) {
        printError(translate("unexpected argument: %1").arg(parser.positionalArguments().constFirst()));
        return 2;
    }

    Meterline::SnapshotWorker::Options options;
    options.databaseSpec = parser.isSet(dbOption) ? parser.value(dbOption) : Meterline::Database::defaultPath();
    options.demoDataWhenEmpty = true; // a first start shows a filled console
    if (options.databaseSpec.isEmpty()) {
        printError(translate("--db needs a path"));
        return 2;
    }
    if (!options.databaseSpec.startsWith(u"postgres"_s)) {
        const QString folder = QFileInfo(options.databaseSpec).absolutePath();
        if (!QDir().mkpath(folder)) {
            printError(translate("cannot create the folder %1").arg(folder));
            return 1;
        }
    }

    Meterline::MainWindow window(options);

    if (parser.isSet(screenshotOption)) {
        const QString file = parser.value(screenshotOption);
        QObject::connect(&window, &Meterline::MainWindow::snapshotApplied, &app, [&window, file] {
            // Let the view lay out and paint the new rows first.
            QTimer::singleShot(100, &window, [&window, file] {
                if (!window.grab().save(file, "PNG")) {
                    printError(translate("cannot write %1").arg(file));
                    QCoreApplication::exit(1);
                    return;
                }
                QCoreApplication::exit(0);
            });
        });
        QObject::connect(&window, &Meterline::MainWindow::syncFailed, &app, [](const QString& message) {
            printError(message);
            QCoreApplication::exit(1);
        });
        QTimer::singleShot(ScreenshotTimeoutMs, &app, [] {
            printError(translate("no data within %1 s").arg(ScreenshotTimeoutMs / 1000));
            QCoreApplication::exit(1);
        });
    }

    window.show();
    return QApplication::exec();
}
