// The dashboard in German: ctest runs this test with LANG=de_DE.UTF-8 (tests/CMakeLists.txt), installs the
// translations as app/main.cpp does and builds the main window as the other ui tests do.

#include <QApplication>
#include <QDialogButtonBox>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QTest>

#include "tests/ui/uitestsupport.h"
#include "ui/dialogs/aboutdialog.h"
#include "ui/pages/page.h"
#include "ui/translations.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

QStringList navigationTexts(MainWindow& window)
{
    auto* navigation = window.findChild<QListWidget*>(u"navigation"_s);
    if (!navigation)
        return {};
    QStringList texts;
    for (int i = 0; i < navigation->count(); ++i)
        texts << navigation->item(i)->text();
    return texts;
}

QStringList menuTitles(MainWindow& window)
{
    QStringList titles;
    const QList<QAction*> actions = window.menuBar()->actions();
    for (const QAction* action : actions)
        titles << action->text();
    return titles;
}

} // namespace

class TestTranslation : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void germanSystem_loadsTheEmbeddedAndQtTranslations();
    void germanSystem_dashboardStartsInGerman();
    void englishLocale_dashboardStaysEnglish();
    void applicationIcon_hasEverySize();
};

void TestTranslation::init()
{
    // Each test installs what it needs; this starts from the system locale, as app/main.cpp does.
    installTranslations(*qApp);
}

void TestTranslation::germanSystem_loadsTheEmbeddedAndQtTranslations()
{
    QCOMPARE(QLocale::system().language(), QLocale::German); // LANG=de_DE.UTF-8 from ctest
    const QStringList loaded = installTranslations(*qApp);
    QVERIFY2(loaded.contains(u":/i18n/meterline_de.qm"_s), qPrintable(loaded.join(u", "_s)));
    QVERIFY2(QFile::exists(u":/i18n/meterline_de.qm"_s), "the .qm is embedded by meterline_resources");
    // Qt's own texts (standard buttons) come from qtbase_de.qm of Qt's translations folder.
    QDialogButtonBox buttons(QDialogButtonBox::Cancel);
    QCOMPARE(buttons.button(QDialogButtonBox::Cancel)->text(), u"Abbrechen"_s);
}

void TestTranslation::germanSystem_dashboardStartsInGerman()
{
    Testing::Dashboard dashboard;
    QVERIFY(dashboard.open());
    MainWindow& window = dashboard.window;

    const QStringList navigation = navigationTexts(window);
    QVERIFY2(navigation.contains(u"Kunden"_s), qPrintable(navigation.join(u", "_s)));
    QVERIFY2(navigation.contains(u"Übersicht"_s), qPrintable(navigation.join(u", "_s)));
    QVERIFY2(navigation.contains(u"Einstellungen"_s), qPrintable(navigation.join(u", "_s)));
    QVERIFY(!navigation.contains(u"Customers"_s));
    QCOMPARE(window.page(MainWindow::CustomersPageIndex)->title(), u"Kunden"_s);

    const QStringList menus = menuTitles(window);
    QVERIFY2(menus.contains(u"&Datei"_s), qPrintable(menus.join(u", "_s)));
    QVERIFY2(menus.contains(u"&Hilfe"_s), qPrintable(menus.join(u", "_s)));

    // The models' headers too (translation context Meterline::CustomersModel).
    auto* customers = window.context().models.customers;
    QCOMPARE(customers->headerData(0, Qt::Horizontal).toString(), u"Kunde"_s);

    AboutDialog about(u"demo.db"_s);
    QCOMPARE(about.windowTitle(), u"Über Meterline"_s);
}

void TestTranslation::englishLocale_dashboardStaysEnglish()
{
    const QStringList loaded = installTranslations(*qApp, QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY2(!loaded.contains(u":/i18n/meterline_de.qm"_s), qPrintable(loaded.join(u", "_s)));
    Testing::Dashboard dashboard;
    QVERIFY(dashboard.open());
    const QStringList navigation = navigationTexts(dashboard.window);
    QVERIFY2(navigation.contains(u"Customers"_s), qPrintable(navigation.join(u", "_s)));
    QVERIFY2(navigation.contains(u"Overview"_s), qPrintable(navigation.join(u", "_s)));
    QVERIFY(!navigation.contains(u"Kunden"_s));
    QVERIFY(menuTitles(dashboard.window).contains(u"&File"_s));
}

void TestTranslation::applicationIcon_hasEverySize()
{
    const QIcon icon = applicationIcon();
    QVERIFY(!icon.isNull());
    const QList<QSize> sizes = icon.availableSizes();
    for (const int size : {16, 22, 24, 32, 48, 64, 128, 256, 512})
        QVERIFY2(sizes.contains(QSize(size, size)), qPrintable(QString::number(size)));
}

QTEST_MAIN(TestTranslation)
#include "testtranslation.moc"
