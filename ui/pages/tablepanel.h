#pragma once

#include <QWidget>

class QAbstractItemModel;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QSortFilterProxyModel;
class QTableView;

namespace Meterline
{

// A titled table with its buttons and a filter box: the shape of most pages. The model sits behind a
// QSortFilterProxyModel that sorts by RawRole and filters every column, case-insensitively. Column widths and
// order are saved per table (by objectName) in the settings.
class TablePanel : public QWidget
{
    Q_OBJECT

public:
    TablePanel(const QString& objectName, const QString& title, QAbstractItemModel* model, QWidget* parent = nullptr);

    QTableView* view() const { return m_view; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QLineEdit* filterEdit() const { return m_filter; }
    QLabel* titleLabel() const { return m_title; }

    // A button on the title row; `needsSelection` disables it while no row is selected.
    QPushButton* addButton(const QString& text, bool needsSelection = false);
    // The id (IdRole) and the whole row (RowRole) of the current row; empty when none.
    QString selectedId() const;
    QVariant selectedRow() const;
    // Selects the row with this id, if shown.
    bool selectId(const QString& id);
    void focusFilter();
    // What the table says while it has no rows ("No API key yet…").
    void setEmptyText(const QString& text);

    void saveColumns(QSettings& settings) const;
    void restoreColumns(QSettings& settings);

signals:
    void selectionChanged(const QString& id);
    void activated(const QString& id); // double click or Enter

private:
    void updateButtons();

    QLabel* m_title = nullptr;
    QHBoxLayout* m_buttons = nullptr;
    QLineEdit* m_filter = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_empty = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QList<QPushButton*> m_selectionButtons;
};

// A bold, larger label for page and section titles (scaled from the widget font: right at any DPI).
QLabel* makeTitle(const QString& text, QWidget* parent);
// A table view as the dashboard uses them: rows selected whole, no grid, row height from the font.
void setUpTable(QTableView* view);
// The view, or a sentence in its place while its model has no rows ("No customer is near a limit").
// `label`, when given, receives the sentence's label (to change the text later).
QWidget* withEmptyText(QTableView* view, const QString& text, QWidget* parent, QLabel** label = nullptr);
// Sizes the columns to their contents (at most ~40 characters each) when the first rows arrive, unless saved
// column widths were restored before.
void fitColumnsOnce(QTableView* view);

} // namespace Meterline
