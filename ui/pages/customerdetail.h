#pragma once

#include <QWidget>

#include "core/types.h"
#include "ui/pages/pagecontext.h"

class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;

namespace Meterline
{

class CustomerActions;
class EventsModel;
class LimitStatusModel;
class RankingChart;
class UsagePanel;

// One customer in depth: usage per meter over time, the applying limits with their consumption, the balance
// and its ledger, and the latest events.
class CustomerDetail : public QWidget
{
    Q_OBJECT

public:
    CustomerDetail(const PageContext& context, CustomerActions& actions, QWidget* parent = nullptr);

    void showCustomer(const QString& customerId); // empty: nothing selected
    QString customerId() const { return m_customerId; }
    void reload();

    QLabel* headerLabel() const { return m_header; }
    QTabWidget* tabs() const { return m_tabs; }
    UsagePanel* usagePanel() const { return m_usage; }
    LimitStatusModel* limitStatus() const { return m_limitStatus; }
    RankingChart* consumptionChart() const { return m_consumption; }
    QTableView* ledgerView() const { return m_ledgerView; }
    EventsModel* recentEvents() const { return m_events; }

signals:
    void limitsShown();

private:
    void updateHeader();
    void showLimits(const CheckResult& check);

    PageContext m_context;
    CustomerActions& m_actions;
    QString m_customerId;
    quint64 m_limitsRequest = 0;
    quint64 m_eventsRequest = 0;
    QLabel* m_header = nullptr;
    QList<QPushButton*> m_buttons;
    QTabWidget* m_tabs = nullptr;
    UsagePanel* m_usage = nullptr;
    LimitStatusModel* m_limitStatus = nullptr;
    RankingChart* m_consumption = nullptr;
    QTableView* m_ledgerView = nullptr;
    EventsModel* m_events = nullptr;
};

} // namespace Meterline
