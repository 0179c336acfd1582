#pragma once

#include "sync/synctypes.h"
#include "ui/pages/page.h"
#include "ui/pages/pagecontext.h"

class QGridLayout;
class QLabel;
class QSortFilterProxyModel;
class QTableView;
class QTableWidget;

namespace Meterline
{

class RankingChart;
class UsagePanel;

// The morning view: today's and this month's figures, who is over or near a limit, who runs low on credits,
// the last 30 days of usage and this month's top customers.
class OverviewPage : public Page
{
    Q_OBJECT

public:
    explicit OverviewPage(const PageContext& context, QWidget* parent = nullptr);

    QString title() const override { return tr("Overview"); }
    void reload() override;

    // The figure cards by key ("customers", "nearLimit", "overLimit", "lowBalances", "available").
    QString figureText(const QString& key) const;
    QTableView* limitsView() const { return m_limitsView; }
    QTableView* lowBalancesView() const { return m_lowView; }
    QTableWidget* meterTable() const { return m_meterTable; }
    UsagePanel* usagePanel() const { return m_usage; }
    RankingChart* topCustomersChart() const { return m_top; }

signals:
    void figuresShown();
    void topCustomersShown();

private:
    void showFigures(const Dashboard::OverviewFigures& figures);
    void showTopCustomers(const QList<SummaryRow>& rows);
    QLabel* addFigure(QGridLayout* grid, int column, const QString& key, const QString& caption);

    PageContext m_context;
    QHash<QString, QLabel*> m_figures;
    QTableWidget* m_meterTable = nullptr;
    QSortFilterProxyModel* m_limitsProxy = nullptr;
    QTableView* m_limitsView = nullptr;
    QSortFilterProxyModel* m_lowProxy = nullptr;
    QTableView* m_lowView = nullptr;
    UsagePanel* m_usage = nullptr;
    RankingChart* m_top = nullptr;
    quint64 m_overviewRequest = 0;
    quint64 m_topRequest = 0;
    QString m_topMeter;
};

} // namespace Meterline
