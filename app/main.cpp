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
#include "ui/dashboardsettings.h"
#include "ui/dialogs/aboutdialog.h"
#include "ui/mainwindow.h"
#include "ui/screenshotrunner.h"
#include "ui/sync/synctypes.h"
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

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"Meterline"_s);
    QApplication::setApplicationName(u"Meterline"_s);
    QApplication::setApplicationDisplayName(u"Meterline"_s);
    QApplication::setApplicationVersion(QStringLiteral(METERLINE_VERSION));
    QGuiApplication::setDesktopFileName(u"io.meterline.Meterline"_s); // packaging/: the desktop file's id
    QApplication::setWindowIcon(Meterline::applicationIcon());
    // Before the command line (its --help) and any widget: texts are translated when they are set.
    Meterline::installTranslations(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(Main::tr("Meterline operator console: usage, limits and prepaid credits."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(u"db"_s,
                                      Main::tr("The database: a SQLite file or postgresql://… (default: %1).")
                                          .arg(Meterline::Database::defaultPath()),
                                      Main::tr("path"));
    const QCommandLineOption serverOption(
        u"server"_s, Main::tr("A meterline-server URL, e.g. http://127.0.0.1:8787."), Main::tr("url"));
    const QCommandLineOption keyOption(
        u"key"_s, Main::tr("An admin key of that server (with --server)."), Main::tr("key"));
    const QCommandLineOption screenshotOption(
        u"screenshots"_s,
        Main::tr("Save a PNG of each main page into this folder once the data arrived, then exit."),
        Main::tr("folder"));
    parser.addOptions({dbOption, serverOption, keyOption, screenshotOption});
    if (!parser.parse(QApplication::arguments())) {
        printError(parser.errorText());
        return 2;
    }
    if (parser.isSet(u"help"_s))
        parser.showHelp(0);
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
