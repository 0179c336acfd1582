#pragma once

#include <QLocale>
#include <QStringList>

class QCoreApplication;

namespace Meterline
{

// Installs the dashboard's translations for `locale` (by default the system's, which Qt takes from LC_ALL,
// LC_MESSAGES, LANG and LANGUAGE) into `app`: Qt's own texts (qtbase_<lang>.qm from Qt's translations folder:
// standard buttons, the command line's --help) and the dashboard's (meterline_<lang>.qm, embedded at
// :/i18n by meterline_resources). Replaces what an earlier call installed, so a second call switches the
// language (English, the source language, has no meterline_en.qm). Call it before any widget exists: texts are set when
// widgets are built. Returns the files loaded (empty when the locale has no translation).
QStringList installTranslations(QCoreApplication& app, const QLocale& locale = QLocale::system());

// Where the embedded dashboard translations live.
inline constexpr char16_t TranslationsResourcePath[] = u":/i18n";

} // namespace Meterline
