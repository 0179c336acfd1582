#include "ui/pages/page.h"

#include <QAbstractButton>
#include <QMessageBox>

#include "ui/pages/tablepanel.h"

namespace Meterline
{

void Page::focusFind()
{
    if (auto* panel = findChild<TablePanel*>())
        panel->focusFilter();
}

QMessageBox* confirm(QWidget* parent, const QString& title, const QString& text, std::function<void()> onYes)
{
    auto* box = new QMessageBox(QMessageBox::Question, title, text, QMessageBox::Yes | QMessageBox::Cancel, parent);
    box->setObjectName(QStringLiteral("confirmBox"));
    box->setDefaultButton(QMessageBox::Cancel);
    QObject::connect(
        box, &QMessageBox::buttonClicked, parent, [box, onYes = std::move(onYes)](QAbstractButton* button) {
            if (box->standardButton(button) == QMessageBox::Yes)
                onYes();
        });
    return openDialog(box);
}

} // namespace Meterline
