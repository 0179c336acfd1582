#include "ui/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>
#include <memory>

using namespace Qt::StringLiterals;

namespace Meterline
{

namespace
{

// The object names of the translators this file installs, so a later call finds and replaces them.
constexpr auto QtTranslatorName = "meterlineQtTranslator"_L1;
constexpr auto AppTranslatorName = "meterlineAppTranslator"_L1;

void removeInstalled(QCoreApplication& app)
{
    const QList<QTranslator*> translators = app.findChildren<QTranslator*>(Qt::FindDirectChildrenOnly);
    for (QTranslator* translator : translators) {
        if (translator->objectName() == QtTranslatorName || translator->objectName() == AppTranslatorName) {
            QCoreApplication::removeTranslator(translator);
            delete translator;
        }
    }
}

// Loads `<name>_<lang>.qm` for the locale's UI languages from `folder` and installs it; the file loaded, or
// an empty string.
QString install(QCoreApplication& app,
                const QLocale& locale,
                const QString& name,
                const QString& folder,
                QLatin1StringView objectName)
{
    auto translator = std::make_unique<QTranslator>(&app);
    translator->setObjectName(objectName);
    if (!translator->load(locale, name, u"_"_s, folder) || !QCoreApplication::installTranslator(translator.get()))
        return {};
    const QString file = translator->filePath();
    translator.release(); // owned by app
    return file;
}

} // namespace

QStringList installTranslations(QCoreApplication& app, const QLocale& locale)
{
    removeInstalled(app);
    QStringList loaded;
    const QString qt =
        install(app, locale, u"qtbase"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath), QtTranslatorName);
    if (!qt.isEmpty())
        loaded << qt;
    const QString own =
        install(app, locale, u"meterline"_s, QString::fromUtf16(TranslationsResourcePath), AppTranslatorName);
    if (!own.isEmpty())
        loaded << own;
    return loaded;
}

} // namespace Meterline
