#include "ui/dialogs/aboutdialog.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace Meterline
{

QIcon applicationIcon()
{
    QIcon icon;
    for (const int size : {16, 22, 24, 32, 48, 64, 128, 256, 512}) {
        const QString file = QStringLiteral(":/icons/meterline-%1.png").arg(size);
        if (QFile::exists(file))
            icon.addFile(file, QSize(size, size));
    }
    return icon;
}

AboutDialog::AboutDialog(const QString& connection, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("About Meterline"));
    auto* layout = new QVBoxLayout(this);
    auto* head = new QHBoxLayout;
    auto* picture = new QLabel(this);
    picture->setObjectName(QStringLiteral("aboutIcon"));
    const QIcon icon = applicationIcon();
    if (!icon.isNull())
        picture->setPixmap(icon.pixmap(QSize(64, 64), devicePixelRatio()));
    head->addWidget(picture);
    auto* title = new QLabel(tr("Meterline %1").arg(QCoreApplication::applicationVersion()), this);
    QFont titleFont = title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    title->setFont(titleFont);
    head->addWidget(title, 1);
    layout->addLayout(head);
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
