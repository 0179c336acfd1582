#include "ui/pages/overviewpage.h"

#include <QFrame>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

#include "core/periods.h"
#include "models/balancesmodel.h"
#include "models/customersmodel.h"
#include "models/displayformat.h"
#include "models/metersmodel.h"
#include "sync/syncclient.h"
#include "ui/charts/rankingchart.h"
#include "ui/dashboardsettings.h"
#include "ui/delegates/moneydelegate.h"
#include "ui/delegates/progressdelegate.h"
#include "ui/pages/tablepanel.h"
#include "ui/pages/usagepanel.h"

namespace Meterline
{

namespace
{

// Prepaid customers whose available credits are at or below the threshold (RawRole micros of a money column).
class LowBalanceFilter : public QSortFilterProxyModel
{
public:
    LowBalanceFilter(const DashboardSettings& settings, QObject* parent)
        : QSortFilterProxyModel(parent)
        , m_settings(settings)
    {
        connect(&settings, &DashboardSettings::changed, this, &LowBalanceFilter::invalidate);
    }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override
    {
        const QModelIndex available = sourceModel()->index(sourceRow, BalancesModel::AvailableColumn, sourceParent);
        return available.data(RawRole).toLongLong() <= m_settings.lowBalance().micros();
    }

private:
    const DashboardSettings& m_settings;
};

QWidget* section(const QString& title, QWidget* body, QWidget* parent)
{
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(makeTitle(title, box));
    layout->addWidget(body, 1);
    return box;
}

} // namespace

OverviewPage::OverviewPage(const PageContext& context, QWidget* parent)
    : Page(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("overviewPage"));
    auto* layout = new QVBoxLayout(this);

    // Figure cards.
    auto* cards = new QFrame(this);
    auto* grid = new QGridLayout(cards);
    grid->setContentsMargins(0, 0, 0, 0);
    addFigure(grid, 0, QStringLiteral("customers"), tr("Customers"));
    addFigure(grid, 1, QStringLiteral("nearLimit"), tr("Near a limit"));
    addFigure(grid, 2, QStringLiteral("overLimit"), tr("Over a limit"));
    addFigure(grid, 3, QStringLiteral("lowBalances"), tr("Low balances"));
    addFigure(grid, 4, QStringLiteral("available"), tr("Credits available"));
    m_meterTable = new QTableWidget(0, 3, this);
    m_meterTable->setObjectName(QStringLiteral("meterFiguresTable"));
    m_meterTable->setHorizontalHeaderLabels({tr("Meter"), tr("Today"), tr("This month")});
    setUpTable(m_meterTable);
    m_meterTable->setSortingEnabled(false);
    m_meterTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_meterTable->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_meterTable->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    grid->addWidget(m_meterTable, 0, 5, 2, 1);
    grid->setColumnStretch(5, 3);
    layout->addWidget(cards);

    // Who needs attention: customers near or over a limit, low balances.
    m_limitsProxy = new QSortFilterProxyModel(this);
    m_limitsProxy->setSourceModel(context.models.customers);
    m_limitsProxy->setFilterKeyColumn(CustomersModel::HealthColumn);
    m_limitsProxy->setFilterRole(RawRole);
    m_limitsProxy->setFilterRegularExpression(
        QStringLiteral("^(%1|%2)$").arg(int(LimitHealth::Near)).arg(int(LimitHealth::Over)));
    m_limitsProxy->setSortRole(ProgressRole);
    m_limitsView = new QTableView(this);
    m_limitsView->setObjectName(QStringLiteral("attentionLimitsView"));
    m_limitsView->setModel(m_limitsProxy);
    setUpTable(m_limitsView);
    m_limitsView->sortByColumn(CustomersModel::HealthColumn, Qt::DescendingOrder);
    m_limitsView->setSortingEnabled(true);
    fitColumnsOnce(m_limitsView);
    for (int column : {int(CustomersModel::ExternalIdColumn),
                       int(CustomersModel::CreatedColumn),
                       int(CustomersModel::PlanColumn),
                       int(CustomersModel::UsageColumn)})
        m_limitsView->hideColumn(column);
    m_limitsView->setItemDelegateForColumn(CustomersModel::HealthColumn,
                                           new ProgressDelegate(ProgressRole, m_limitsView));
    m_limitsView->setItemDelegateForColumn(CustomersModel::BalanceColumn,
                                           new MoneyDelegate(context.settings, RawRole, m_limitsView));

    m_lowProxy = new LowBalanceFilter(*context.settings, this);
    m_lowProxy->setSourceModel(context.models.balances);
    m_lowProxy->setSortRole(RawRole);
    m_lowView = new QTableView(this);
    m_lowView->setObjectName(QStringLiteral("lowBalancesView"));
    m_lowView->setModel(m_lowProxy);
    setUpTable(m_lowView);
    m_lowView->sortByColumn(BalancesModel::AvailableColumn, Qt::AscendingOrder);
    m_lowView->setSortingEnabled(true);
    fitColumnsOnce(m_lowView);
    m_lowView->hideColumn(BalancesModel::HeldColumn);
    auto* money = new MoneyDelegate(context.settings, RawRole, m_lowView);
    for (int column :
         {int(BalancesModel::BalanceColumn), int(BalancesModel::ReserveColumn), int(BalancesModel::AvailableColumn)})
        m_lowView->setItemDelegateForColumn(column, money);

    auto* attention = new QSplitter(Qt::Horizontal, this);
    attention->addWidget(section(tr("Over or near a limit"),
                                 withEmptyText(m_limitsView, tr("No customer is near a limit."), attention),
                                 attention));
    attention->addWidget(
        section(tr("Low balances"), withEmptyText(m_lowView, tr("No prepaid balance is low."), attention), attention));

    // Charts: the last 30 days of the chosen meter, this month's top customers of the same meter.
    m_usage = new UsagePanel(*context.client, *context.models.meters, this);
    m_top = new RankingChart(this);
    m_top->setObjectName(QStringLiteral("topCustomersChart"));
    auto* charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(section(tr("Usage, last 30 days"), m_usage, charts));
    charts->addWidget(section(tr("Top customers this month"), m_top, charts));
    charts->setStretchFactor(0, 1);
    charts->setStretchFactor(1, 1);

    auto* body = new QSplitter(Qt::Vertical, this);
    body->addWidget(attention);
    body->addWidget(charts);
    body->setStretchFactor(0, 2);
    body->setStretchFactor(1, 3);
    layout->addWidget(body, 1);

    connect(context.client,
            &Dashboard::SyncClient::overviewReady,
            this,
            [this](quint64 id, const Dashboard::OverviewFigures& figures) {
                if (id == 0 || id == m_overviewRequest)
                    showFigures(figures);
            });
    connect(context.client,
            &Dashboard::SyncClient::topCustomersReady,
            this,
            [this](quint64 id, const QList<SummaryRow>& rows) {
                if (id == m_topRequest)
                    showTopCustomers(rows);
            });
    connect(context.client, &Dashboard::SyncClient::queryFailed, this, [this](quint64 id, const QString& message) {
        if (id == m_topRequest)
            m_top->setBars({}, {}, {}, tr("Could not load the top customers: %1").arg(message));
    });
    connect(m_usage, &UsagePanel::loaded, this, [this] {
        if (m_usage->meterId() != m_topMeter)
            reload();
    });
    // Money format or low-balance threshold changed: repaint and refilter.
    connect(context.settings, &DashboardSettings::changed, this, [this] {
        m_limitsView->viewport()->update();
        m_lowView->viewport()->update();
    });
}

QLabel* OverviewPage::addFigure(QGridLayout* grid, int column, const QString& key, const QString& caption)
{
    auto* value = new QLabel(QStringLiteral("\u2014"), this);
    value->setObjectName(key + QStringLiteral("Figure"));
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 2.0);
    big.setBold(true);
    value->setFont(big);
    value->setAlignment(Qt::AlignHCenter | Qt::AlignBottom);
    auto* label = new QLabel(caption, this);
    label->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    grid->addWidget(value, 0, column);
    grid->addWidget(label, 1, column);
    grid->setColumnStretch(column, 1);
    m_figures.insert(key, value);
    return value;
}

QString OverviewPage::figureText(const QString& key) const
{
    const QLabel* label = m_figures.value(key);
    return label ? label->text() : QString();
}

void OverviewPage::reload()
{
    m_overviewRequest = m_context.client->queryOverview();
    m_usage->reload();
    m_topMeter = m_usage->meterId();
    if (!m_topMeter.isEmpty()) {
        const TimeRange month = Periods::namedRange(NamedPeriod::CurrentMonth, QDateTime::currentDateTimeUtc());
        m_topRequest = m_context.client->queryTopCustomers(m_topMeter, month, 10);
    }
}

void OverviewPage::showFigures(const Dashboard::OverviewFigures& figures)
{
    const QLocale locale;
    m_figures.value(QStringLiteral("customers"))->setText(locale.toString(figures.customers));
    m_figures.value(QStringLiteral("nearLimit"))->setText(locale.toString(figures.customersNearLimit));
    m_figures.value(QStringLiteral("overLimit"))->setText(locale.toString(figures.customersOverLimit));
    m_figures.value(QStringLiteral("lowBalances"))->setText(locale.toString(figures.lowBalances));
    m_figures.value(QStringLiteral("available"))
        ->setText(formatMoney(figures.totalAvailable, m_context.settings->moneyFormat(), locale));

    QStringList meters = figures.usageThisMonth.keys();
    for (const QString& meter : figures.usageToday.keys()) {
        if (!meters.contains(meter))
            meters << meter;
    }
    m_meterTable->setRowCount(int(meters.size()));
    for (int row = 0; row < meters.size(); ++row) {
        const Meter* meter = m_context.models.meters->find(meters.at(row));
        const QString name = meter && !meter->name.isEmpty() ? meter->name : meters.at(row);
        m_meterTable->setItem(row, 0, new QTableWidgetItem(name));
        for (int column : {1, 2}) {
            const auto& values = column == 1 ? figures.usageToday : figures.usageThisMonth;
            auto* item = new QTableWidgetItem(DisplayFormat::quantity(values.value(meters.at(row)), locale));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_meterTable->setItem(row, column, item);
        }
    }
    // As tall as its rows: the figures row stays compact.
    int height = m_meterTable->horizontalHeader()->height() + 2 * m_meterTable->frameWidth();
    for (int row = 0; row < m_meterTable->rowCount(); ++row)
        height += m_meterTable->rowHeight(row);
    m_meterTable->setFixedHeight(height);
    emit figuresShown();
}

void OverviewPage::showTopCustomers(const QList<SummaryRow>& rows)
{
    QList<RankingChart::Bar> bars;
    for (const SummaryRow& row : rows) {
        const CustomerRow* customer = m_context.models.customers->find(row.customerId);
        bars << RankingChart::Bar{
            customer ? customer->customer.name : row.customerId, row.value, RankingChart::Level::Normal, {}};
    }
    const Meter* meter = m_context.models.meters->find(m_topMeter);
    const QString meterName = meter && !meter->name.isEmpty() ? meter->name : m_topMeter;
    m_top->setBars(tr("%1 this month").arg(meterName),
                   meter ? unitOf(*meter) : m_topMeter,
                   bars,
                   tr("No usage of %1 this month yet").arg(meterName));
    emit topCustomersShown();
}

} // namespace Meterline
