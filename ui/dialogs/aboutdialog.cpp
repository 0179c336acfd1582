#include "ui/dialogs/aboutdialog.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QLabel>
#include <QVBoxLayout>

namespace Meterline
{

AboutDialog::AboutDialog(const QString& connection, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("About Meterline"));
    auto* layout = new QVBoxLayout(this);
    auto* title = new QLabel(tr("Meterline %1").arg(QCoreApplication::applicationVersion()), this);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    title->setFont(titleFont);
    layout->addWidget(title);
    auto* text = new QLabel(tr("Usage metering, limits and prepaid credits for AI products.\n"
                               "Check \u00b7 Call \u00b7 Record \u00b7 Bill.\n\n"
                               "Connected to: %1\nQt %2")
                                .arg(connection, QString::fromLatin1(qVersion())),
                            this);
    text->setObjectName(QStringLiteral("aboutText"));
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
}

} // namespace Meterline
