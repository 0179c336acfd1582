#pragma once

#include <QWidget>
#include <functional>

class QMessageBox;

namespace Meterline
{

class TablePanel;

// One page of the main window. Pages show what the sync client delivers and send operator actions through
// it; they hold no rules.
class Page : public QWidget
{
    Q_OBJECT

public:
    using QWidget::QWidget;

    virtual QString title() const = 0;
    // Ctrl+F: the page's main filter (its first table panel by default).
    virtual void focusFind();
    // The page became visible, or the data moved (after a sync): re-ask the queries it shows.
    virtual void reload() {}
};

// Shows a dialog window-modal without a nested event loop (STYLE §6); it deletes itself when closed.
template <typename Dialog> Dialog* openDialog(Dialog* dialog)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->show();
    return dialog;
}

// Asks a yes/no question without blocking; onYes runs only on Yes. Returns the box (tests answer it).
QMessageBox* confirm(QWidget* parent, const QString& title, const QString& text, std::function<void()> onYes);

} // namespace Meterline
