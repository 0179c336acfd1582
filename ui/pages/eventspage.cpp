#include "ui/pages/eventspage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTableView>
#include <QTimeZone>
#include <QVBoxLayout>

#include "models/customersmodel.h"
#include "models/eventsmodel.h"
#include "sync/syncclient.h"
#include "ui/dialogs/formdialog.h"
#include "ui/pages/tablepanel.h"

namespace Meterline
{

EventsPage::EventsPage(const PageContext& context, QWidget* parent)
    : Page(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("eventsPage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makeTitle(tr("Events"), this));

    auto* filters = new QGridLayout;
    m_customer = new QComboBox(this);
    m_customer->setObjectName(QStringLiteral("customerCombo"));
    m_customer->setEditable(true); // type an id, or pick one
    m_customer->setInsertPolicy(QComboBox::NoInsert);
    m_customer->setMinimumContentsLength(18);
    m_type = new QLineEdit(this);
    m_type->setObjectName(QStringLiteral("typeEdit"));
    m_type->setPlaceholderText(tr("any type, e.g. llm.completion"));
    m_dimensions = new QLineEdit(this);
    m_dimensions->setObjectName(QStringLiteral("dimensionsEdit"));
    m_dimensions->setPlaceholderText(tr("model=gpt-4o, provider=openai"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_useFrom = new QCheckBox(tr("From:"), this);
    m_from = new QDateTimeEdit(now.addDays(-7), this);
    m_useTo = new QCheckBox(tr("Before:"), this);
    m_to = new QDateTimeEdit(now.addSecs(3600), this);
    for (QDateTimeEdit* edit : {m_from, m_to}) {
        edit->setTimeSpec(Qt::UTC);
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
        edit->setEnabled(false);
    }
    connect(m_useFrom, &QCheckBox::toggled, m_from, &QWidget::setEnabled);
    connect(m_useTo, &QCheckBox::toggled, m_to, &QWidget::setEnabled);
    auto* apply = new QPushButton(tr("&Apply"), this);
    apply->setObjectName(QStringLiteral("applyButton"));
    apply->setDefault(true);

    filters->addWidget(new QLabel(tr("Customer:"), this), 0, 0);
    filters->addWidget(m_customer, 0, 1);
    filters->addWidget(new QLabel(tr("Type:"), this), 0, 2);
    filters->addWidget(m_type, 0, 3);
    filters->addWidget(new QLabel(tr("Dimensions:"), this), 0, 4);
    filters->addWidget(m_dimensions, 0, 5);
    filters->addWidget(m_useFrom, 1, 0);
    filters->addWidget(m_from, 1, 1);
    filters->addWidget(m_useTo, 1, 2);
    filters->addWidget(m_to, 1, 3);
    filters->addWidget(apply, 1, 5, Qt::AlignRight);
    filters->setColumnStretch(1, 1);
    filters->setColumnStretch(3, 1);
    filters->setColumnStretch(5, 2);
    layout->addLayout(filters);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("eventsStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    // Straight on the paged model: it is in newest-first order and pages in on scroll (no proxy sort, which
    // would only sort what is loaded).
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("eventsTable"));
    m_view->setModel(context.models.events);
    setUpTable(m_view);
    fitColumnsOnce(m_view);
    layout->addWidget(m_view, 1);

    connect(apply, &QPushButton::clicked, this, &EventsPage::applyFilter);
    for (QLineEdit* edit : {m_type, m_dimensions})
        connect(edit, &QLineEdit::returnPressed, this, &EventsPage::applyFilter);
    connect(m_customer->lineEdit(), &QLineEdit::returnPressed, this, &EventsPage::applyFilter);
    connect(context.models.events, &QAbstractItemModel::rowsInserted, this, &EventsPage::updateCount);
    connect(context.models.events, &QAbstractItemModel::modelReset, this, &EventsPage::updateCount);
    // An empty last page inserts no rows: the answer itself also updates the count.
    connect(context.client, &Dashboard::SyncClient::eventsReady, this, &EventsPage::updateCount);
    connect(context.client, &Dashboard::SyncClient::queryFailed, this, [this](quint64, const QString& message) {
        if (m_context.models.events->rowCount() == 0 && !m_context.models.events->isPending() && m_started)
            m_status->setText(tr("Could not load the events: %1").arg(message));
    });
    connect(context.models.customers, &QAbstractItemModel::modelReset, this, &EventsPage::fillCustomers);
    connect(context.models.customers, &QAbstractItemModel::rowsInserted, this, &EventsPage::fillCustomers);
    fillCustomers();
}

void EventsPage::fillCustomers()
{
    const QString current = m_customer->currentText();
    fillChoices(m_customer, customerChoices(m_context), tr("(any customer)"));
    if (!current.isEmpty() && m_customer->findText(current) >= 0)
        m_customer->setCurrentIndex(m_customer->findText(current));
}

void EventsPage::focusFind()
{
    m_customer->setFocus(Qt::ShortcutFocusReason);
    m_customer->lineEdit()->selectAll();
}

void EventsPage::reload()
{
    if (!m_started)
        applyFilter(); // the first visit loads the newest events; later ones keep the operator's filter
}

QString EventsPage::problem() const
{
    return m_status->property("problem").toString();
}

bool EventsPage::applyFilter()
{
    EventFilter filter;
    // A picked entry carries its id; typed text is taken as an id.
    const int picked = m_customer->findText(m_customer->currentText());
    filter.customerId = picked >= 0 ? m_customer->itemData(picked).toString() : m_customer->currentText().trimmed();
    filter.eventType = m_type->text().trimmed();
    if (m_useFrom->isChecked())
        filter.from = m_from->dateTime().toUTC();
    if (m_useTo->isChecked())
        filter.to = m_to->dateTime().toUTC();
    QString problem;
    QMap<QString, QString> dimensions;
    int badLine = 0;
    QString lines = m_dimensions->text();
    lines.replace(u',', u'\n');
    if (!parseKeyValueLines(lines, &dimensions, &badLine))
        problem = tr("Dimension %1 is not key=value (write them as model=gpt-4o, provider=openai).").arg(badLine);
    else if (filter.from.isValid() && filter.to.isValid() && filter.to <= filter.from)
        problem = tr("The range is empty: \"Before\" must be later than \"From\".");
    m_status->setProperty("problem", problem);
    if (!problem.isEmpty()) {
        m_status->setText(problem);
        return false;
    }
    filter.dimensions = dimensions;
    m_started = true;
    m_context.models.events->setFilter(filter);
    return true;
}

void EventsPage::updateCount()
{
    if (!m_started)
        return;
    const QLocale locale;
    const EventsModel* events = m_context.models.events;
    const int loaded = events->rowCount();
    if (events->isPending() && loaded == 0)
        m_status->setText(tr("Loading events\u2026"));
    else if (loaded == 0)
        m_status->setText(tr("No event matches this filter."));
    else if (events->hasMore())
        m_status->setText(tr("%1 newest events shown; scroll down for older ones.").arg(locale.toString(loaded)));
    else
        m_status->setText(tr("All %1 matching events shown.").arg(locale.toString(loaded)));
}

} // namespace Meterline
