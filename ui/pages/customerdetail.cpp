#include "ui/pages/customerdetail.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "models/customersmodel.h"
#include "models/displayformat.h"
#include "models/eventsmodel.h"
#include "models/ledgermodel.h"
#include "models/limitstatusmodel.h"
#include "models/metersmodel.h"
#include "sync/syncclient.h"
#include "ui/charts/rankingchart.h"
#include "ui/dashboardsettings.h"
#include "ui/delegates/moneydelegate.h"
#include "ui/delegates/progressdelegate.h"
#include "ui/pages/customeractions.h"
#include "ui/pages/tablepanel.h"
#include "ui/pages/usagepanel.h"

namespace Meterline
{

namespace
{

constexpr int RecentEventsPage = 50;

QTableView* tableFor(QAbstractItemModel* model, const QString& objectName, QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setObjectName(objectName);
    view->setModel(model);
    setUpTable(view);
    fitColumnsOnce(view);
    return view;
}

} // namespace

CustomerDetail::CustomerDetail(const PageContext& context, CustomerActions& actions, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_actions(actions)
{
    setObjectName(QStringLiteral("customerDetail"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("customerHeader"));
    m_header->setTextFormat(Qt::RichText);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_header);

    auto* buttons = new QHBoxLayout;
    const auto addButton = [this, buttons](const QString& text, auto action) {
        auto* button = new QPushButton(text, this);
        connect(button, &QPushButton::clicked, this, [this, action] {
            if (!m_customerId.isEmpty())
                (m_actions.*action)(m_customerId);
        });
        buttons->addWidget(button);
        m_buttons << button;
    };
    addButton(tr("&Edit\u2026"), &CustomerActions::edit);
    addButton(tr("&Top Up\u2026"), &CustomerActions::topUp);
    addButton(tr("Set &Reserve\u2026"), &CustomerActions::setReserve);
    addButton(tr("New &Limit\u2026"), &CustomerActions::newLimit);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("customerTabs"));
    m_tabs->setDocumentMode(true);

    m_usage = new UsagePanel(*context.client, *context.models.meters, m_tabs);
    m_tabs->addTab(m_usage, tr("Usage"));

    m_limitStatus = new LimitStatusModel(this);
    auto* limitsView = tableFor(m_limitStatus, QStringLiteral("customerLimitsView"), m_tabs);
    auto* progress = new ProgressDelegate(ProgressRole, limitsView);
    limitsView->setItemDelegateForColumn(LimitStatusModel::ProgressColumn, progress);
    m_consumption = new RankingChart(m_tabs);
    m_consumption->setObjectName(QStringLiteral("limitConsumptionChart"));
    auto* limits = new QSplitter(Qt::Vertical, m_tabs);
    limits->addWidget(limitsView);
    limits->addWidget(m_consumption);
    m_tabs->addTab(limits, tr("Limits"));

    m_ledgerView = tableFor(context.models.ledger, QStringLiteral("customerLedgerView"), m_tabs);
    auto* money = new MoneyDelegate(context.settings, RawRole, m_ledgerView);
    for (int column :
         {int(LedgerModel::AmountColumn), int(LedgerModel::BalanceAfterColumn), int(LedgerModel::UnpaidColumn)})
        m_ledgerView->setItemDelegateForColumn(column, money);
    m_tabs->addTab(m_ledgerView, tr("Balance && Ledger"));

    m_events = new EventsModel(this);
    auto* eventsView = tableFor(m_events, QStringLiteral("customerEventsView"), m_tabs);
    eventsView->hideColumn(EventsModel::CustomerColumn);
    m_tabs->addTab(eventsView, tr("Recent Events"));
    layout->addWidget(m_tabs, 1);

    // This model is not the Events page's: its pages are asked and routed here.
    connect(m_events, &EventsModel::pageRequested, this, [this](const EventFilter& filter, const QString& cursor) {
        m_eventsRequest = m_context.client->queryEvents(filter, cursor);
    });
    connect(context.client, &Dashboard::SyncClient::eventsReady, this, [this](quint64 id, const EventPage& page) {
        if (id == m_eventsRequest)
            m_events->appendPage(page.data, page.nextCursor);
    });
    connect(
        context.client, &Dashboard::SyncClient::limitStatusReady, this, [this](quint64 id, const CheckResult& check) {
            if (id == m_limitsRequest)
                showLimits(check);
        });
    connect(context.client, &Dashboard::SyncClient::queryFailed, this, [this](quint64 id, const QString& message) {
        if (id == m_eventsRequest)
            m_events->pageFailed();
        if (id == m_limitsRequest)
            m_consumption->setBars({}, {}, {}, tr("Could not load the limits: %1").arg(message));
    });
    connect(context.models.customers, &QAbstractItemModel::dataChanged, this, &CustomerDetail::updateHeader);
    connect(context.models.customers, &QAbstractItemModel::modelReset, this, &CustomerDetail::updateHeader);
    showCustomer({});
}

void CustomerDetail::showCustomer(const QString& customerId)
{
    const bool changed = customerId != m_customerId;
    m_customerId = customerId;
    for (QPushButton* button : std::as_const(m_buttons))
        button->setEnabled(!customerId.isEmpty());
    m_tabs->setEnabled(!customerId.isEmpty());
    updateHeader();
    if (changed)
        reload();
}

void CustomerDetail::reload()
{
    m_usage->setCustomer(m_customerId);
    if (m_customerId.isEmpty()) {
        m_limitStatus->setRows({});
        m_context.models.ledger->setCustomer({});
        return;
    }
    m_usage->reload();
    m_limitsRequest = m_context.client->queryLimitStatus(m_customerId);
    m_context.models.ledger->setCustomer(m_customerId);
    EventFilter filter;
    filter.customerId = m_customerId;
    filter.pageSize = RecentEventsPage;
    m_events->setFilter(filter);
}

void CustomerDetail::updateHeader()
{
    const CustomerRow* row = m_customerId.isEmpty() ? nullptr : m_context.models.customers->find(m_customerId);
    if (!row) {
        m_header->setText(m_customerId.isEmpty() ? tr("Select a customer to see its usage, limits and ledger.")
                                                 : tr("%1 is no longer listed.").arg(m_customerId));
        return;
    }
    const QLocale locale;
    const MoneyFormat format = m_context.settings->moneyFormat();
    const Customer& customer = row->customer;
    QString text = tr("<b>%1</b> (%2)").arg(customer.name.toHtmlEscaped(), customer.id.toHtmlEscaped());
    text += QStringLiteral("<br>")
            + tr("Plan: %1").arg(row->planName.isEmpty() ? tr("none") : row->planName.toHtmlEscaped());
    if (!customer.externalId.isEmpty())
        text += QStringLiteral(" \u00b7 ") + tr("External id: %1").arg(customer.externalId.toHtmlEscaped());
    if (row->hasBalance)
        text += QStringLiteral("<br>")
                + tr("Balance %1 \u00b7 reserve %2 \u00b7 held %3 \u00b7 available <b>%4</b>")
                      .arg(formatMoney(row->balance.balance, format, locale),
                           formatMoney(row->balance.reserve, format, locale),
                           formatMoney(row->balance.held, format, locale),
                           formatMoney(row->balance.available(), format, locale));
    else
        text += QStringLiteral("<br>") + tr("No prepaid credits");
    m_header->setText(text);
}

void CustomerDetail::showLimits(const CheckResult& check)
{
    m_limitStatus->setRows(check.limits);
    QList<RankingChart::Bar> bars;
    for (const LimitStatus& limit : check.limits) {
        if (limit.limit <= 0)
            continue;
        const double fraction = limit.used / limit.limit;
        bars << RankingChart::Bar{tr("%1 / %2").arg(limit.meterId, toString(limit.period)),
                                  100.0 * fraction,
                                  RankingChart::Level(limitLevel(fraction)), // the same order
                                  DisplayFormat::percent(limit.used / limit.limit)};
    }
    m_consumption->setBars(
        tr("Limit consumption"), tr("% of the limit used"), bars, tr("No limit applies to this customer"), 10, 100);
    emit limitsShown();
}

} // namespace Meterline
