#include "ui/pages/tablepanel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "models/modelroles.h"
#include "ui/dashboardsettings.h"

namespace Meterline
{

QLabel* makeTitle(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.25);
    font.setBold(true);
    label->setFont(font);
    return label;
}

void setUpTable(QTableView* view)
{
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setShowGrid(false);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    // Rows as tall as the font needs (high DPI, large fonts), no taller.
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + view->fontMetrics().height() / 2);
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setSectionsMovable(true);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setDefaultSectionSize(view->fontMetrics().averageCharWidth() * 16);
}

namespace
{

const char* const FittedProperty = "meterlineColumnsFitted";

} // namespace

void fitColumnsOnce(QTableView* view)
{
    QAbstractItemModel* model = view->model();
    if (!model)
        return;
    auto fit = [view] {
        if (view->property(FittedProperty).toBool() || view->model()->rowCount() == 0)
            return;
        view->setProperty(FittedProperty, true);
        view->resizeColumnsToContents();
        const int widest = view->fontMetrics().averageCharWidth() * 40;
        QHeaderView* header = view->horizontalHeader();
        for (int column = 0; column < header->count(); ++column)
            header->resizeSection(
                column, qMin(header->sectionSize(column) + view->fontMetrics().averageCharWidth() * 2, widest));
    };
    QObject::connect(model, &QAbstractItemModel::modelReset, view, fit);
    QObject::connect(model, &QAbstractItemModel::rowsInserted, view, fit);
    fit();
}

QWidget* withEmptyText(QTableView* view, const QString& text, QWidget* parent, QLabel** labelOut)
{
    auto* stack = new QStackedWidget(parent);
    auto* label = new QLabel(text, stack);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setAutoFillBackground(true);
    label->setBackgroundRole(QPalette::Base);
    label->setFrameShape(QFrame::StyledPanel);
    stack->addWidget(view);
    stack->addWidget(label);
    if (labelOut)
        *labelOut = label;
    auto update = [stack, view] { stack->setCurrentIndex(view->model()->rowCount() == 0 ? 1 : 0); };
    QObject::connect(view->model(), &QAbstractItemModel::modelReset, stack, update);
    QObject::connect(view->model(), &QAbstractItemModel::layoutChanged, stack, update);
    QObject::connect(view->model(), &QAbstractItemModel::rowsInserted, stack, update);
    QObject::connect(view->model(), &QAbstractItemModel::rowsRemoved, stack, update);
    update();
    return stack;
}

TablePanel::TablePanel(const QString& objectName, const QString& title, QAbstractItemModel* model, QWidget* parent)
    : QWidget(parent)
{
    setObjectName(objectName + QStringLiteral("Panel"));
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(RawRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setDynamicSortFilter(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* header = new QHBoxLayout;
    m_title = makeTitle(title, this);
    header->addWidget(m_title);
    m_buttons = new QHBoxLayout;
    header->addLayout(m_buttons);
    header->addStretch(1);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(objectName + QStringLiteral("Filter"));
    m_filter->setPlaceholderText(tr("Filter (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(fontMetrics().averageCharWidth() * 20);
    header->addWidget(m_filter);
    layout->addLayout(header);

    m_view = new QTableView(this);
    m_view->setObjectName(objectName);
    m_view->setModel(m_proxy);
    setUpTable(m_view);
    m_view->setSortingEnabled(true);
    fitColumnsOnce(m_view);
    layout->addWidget(withEmptyText(m_view, tr("Nothing here yet."), this, &m_empty), 1);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, [this](const QString& text) {
        m_proxy->setFilterFixedString(text.trimmed());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        updateButtons();
        emit selectionChanged(selectedId());
    });
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &TablePanel::updateButtons);
    connect(m_view, &QTableView::activated, this, [this] { emit activated(selectedId()); });
}

QPushButton* TablePanel::addButton(const QString& text, bool needsSelection)
{
    auto* button = new QPushButton(text, this);
    m_buttons->addWidget(button);
    if (needsSelection) {
        m_selectionButtons << button;
        button->setEnabled(!selectedId().isEmpty());
    }
    return button;
}

void TablePanel::updateButtons()
{
    const bool selected = !selectedId().isEmpty();
    for (QPushButton* button : std::as_const(m_selectionButtons))
        button->setEnabled(selected);
}

QString TablePanel::selectedId() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return current.isValid() ? current.data(IdRole).toString() : QString();
}

QVariant TablePanel::selectedRow() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return current.isValid() ? current.data(RowRole) : QVariant();
}

bool TablePanel::selectId(const QString& id)
{
    const QModelIndexList found = m_proxy->match(m_proxy->index(0, 0), IdRole, id, 1, Qt::MatchExactly);
    if (found.isEmpty())
        return false;
    m_view->selectRow(found.constFirst().row());
    m_view->setCurrentIndex(found.constFirst());
    return true;
}

void TablePanel::setEmptyText(const QString& text)
{
    m_empty->setText(text);
}

void TablePanel::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void TablePanel::saveColumns(QSettings& settings) const
{
    settings.setValue(DashboardSettings::key(DashboardSettings::ColumnsGroup) + u'/' + m_view->objectName(),
                      m_view->horizontalHeader()->saveState());
}

void TablePanel::restoreColumns(QSettings& settings)
{
    const QByteArray state =
        settings.value(DashboardSettings::key(DashboardSettings::ColumnsGroup) + u'/' + m_view->objectName())
            .toByteArray();
    if (!state.isEmpty() && m_view->horizontalHeader()->restoreState(state))
        m_view->setProperty(FittedProperty, true); // the operator's widths win
}

} // namespace Meterline
