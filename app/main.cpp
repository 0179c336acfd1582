// The dashboard: parses the command line, builds the main window and connects it. No logic lives here.

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QUrl>
#include <cstdio>
#include <memory>

#include "core/database.h"
#include "sync/synctypes.h"
#include "ui/dashboardsettings.h"
#include "ui/dialogs/aboutdialog.h"
#include "ui/mainwindow.h"
#include "ui/screenshotrunner.h"
#include "ui/translations.h"

using namespace Qt::StringLiterals;

namespace
{

void printError(const QString& message)
{
    std::fprintf(stderr, "meterline: %s\n", qPrintable(message));
}

// The texts of main() (the command line): translation context "main".
struct Main
{
    Q_DECLARE_TR_FUNCTIONS(main)
};

// The dashboard's command line. Made twice: once before the application exists, only to learn whether it needs a
// display, and once with the translations installed, for real (the option texts are translated when made).
struct CommandLine
{
    CommandLine()
    {
        parser.setApplicationDescription(Main::tr("Meterline operator console: usage, limits and prepaid credits."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({db, server, key, screenshots});
    }

    // --help and --version print text and exit: they must not need a display (a QApplication aborts where no
    // platform plugin can start, as on a server or over SSH without X forwarding). Neither do errors. --help-all
    // does: the Qt options it lists (-platform, -display, …) are the GUI application's, known once it exists.
    bool onlyPrintsText() { return !parser.parse(arguments) || parser.isSet(u"help"_s) || parser.isSet(u"version"_s); }

    QStringList arguments;
    QCommandLineParser parser;
    const QCommandLineOption db{u"db"_s,
                                Main::tr("The database: a SQLite file or postgresql://… (default: %1).")
                                    .arg(Meterline::Database::defaultPath()),
                                Main::tr("path")};
    const QCommandLineOption server{
        u"server"_s, Main::tr("A meterline-server URL, e.g. http://127.0.0.1:8787."), Main::tr("url")};
    const QCommandLineOption key{u"key"_s, Main::tr("An admin key of that server (with --server)."), Main::tr("key")};
    const QCommandLineOption screenshots{
        u"screenshots"_s,
        Main::tr("Save a PNG of each main page into this folder once the data arrived, then exit."),
        Main::tr("folder")};
};

std::unique_ptr<QCoreApplication> makeApplication(int& argc, char* argv[])
{
    CommandLine probe;
    for (int i = 0; i < argc; ++i)
        probe.arguments << QString::fromLocal8Bit(argv[i]);
    if (probe.onlyPrintsText())
        return std::make_unique<QCoreApplication>(argc, argv);
    auto app = std::make_unique<QApplication>(argc, argv);
    QGuiApplication::setApplicationDisplayName(u"Meterline"_s);
    QGuiApplication::setDesktopFileName(u"io.meterline.Meterline"_s); // packaging/: the desktop file's id
    QApplication::setWindowIcon(Meterline::applicationIcon());
    return app;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication::setOrganizationName(u"Meterline"_s);
    QCoreApplication::setApplicationName(u"Meterline"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(METERLINE_VERSION));
    const std::unique_ptr<QCoreApplication> app = makeApplication(argc, argv);
    // Before the command line (its --help) and any widget: texts are translated when they are set.
    Meterline::installTranslations(*app);

    CommandLine commandLine;
    commandLine.arguments = QCoreApplication::arguments();
    QCommandLineParser& parser = commandLine.parser;
    const QCommandLineOption& dbOption = commandLine.db;
    const QCommandLineOption& serverOption = commandLine.server;
    const QCommandLineOption& keyOption = commandLine.key;
    const QCommandLineOption& screenshotOption = commandLine.screenshots;
    if (!parser.parse(commandLine.arguments)) {
        printError(parser.errorText());
        return 2;
    }
    if (parser.isSet(u"help"_s))
        parser.showHelp(0);
    if (parser.isSet(u"help-all"_s))
        parser.process(commandLine.arguments); // prints the help with Qt's own options and exits (0)
    if (parser.isSet(u"version"_s))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty()) {
        printError(Main::tr("unexpected argument: %1").arg(parser.positionalArguments().constFirst()));
        return 2;
    }
    if (parser.isSet(serverOption) && parser.isSet(dbOption)) {
        printError(Main::tr("--db and --server exclude each other"));
        return 2;
    }
    if (parser.isSet(serverOption) != parser.isSet(keyOption)) {
        printError(Main::tr("--server needs --key (an admin key), and --key needs --server"));
        return 2;
    }

    Meterline::Dashboard::ConnectionSpec spec;
    if (parser.isSet(serverOption)) {
        const QUrl url(parser.value(serverOption), QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"http"_s && url.scheme() != u"https"_s)) {
            printError(Main::tr("--server needs an http:// or https:// URL, got %1").arg(parser.value(serverOption)));
            return 2;
        }
        spec = Meterline::Dashboard::ConnectionSpec::remote(url, parser.value(keyOption));
    } else {
        const QString database = parser.isSet(dbOption) ? parser.value(dbOption) : Meterline::Database::defaultPath();
        if (database.isEmpty()) {
            printError(Main::tr("--db needs a path"));
            return 2;
        }
        if (!database.startsWith(u"postgres"_s)) {
            const QString folder = QFileInfo(database).absolutePath();
            if (!QDir().mkpath(folder)) {
                printError(Main::tr("cannot create the folder %1").arg(folder));
                return 1;
            }
        }
        spec = Meterline::Dashboard::ConnectionSpec::local(database);
        spec.demoDataWhenEmpty = true; // a first start shows a filled console
    }

    QSettings store;
    Meterline::DashboardSettings settings(store);
    Meterline::MainWindow window(settings);
    std::unique_ptr<Meterline::ScreenshotRunner> screenshots;
    if (parser.isSet(screenshotOption))
        screenshots = std::make_unique<Meterline::ScreenshotRunner>(window, parser.value(screenshotOption));
    else
        settings.addRecentConnection(spec.displayName());
    window.open(spec);
    window.show();
    return QApplication::exec();
}
