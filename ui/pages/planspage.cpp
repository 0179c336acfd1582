#include "ui/pages/planspage.h"

#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "models/limitsmodel.h"
#include "models/metersmodel.h"
#include "models/plansmodel.h"
#include "sync/syncclient.h"
#include "ui/dialogs/limiteditor.h"
#include "ui/dialogs/metereditor.h"
#include "ui/dialogs/planeditor.h"
#include "ui/pages/actionrunner.h"
#include "ui/pages/customeractions.h"
#include "ui/pages/tablepanel.h"

namespace Meterline
{

PlansPage::PlansPage(const PageContext& context, CustomerActions& actions, QWidget* parent)
    : Page(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("plansPage"));
    m_plans = new TablePanel(QStringLiteral("plansTable"), tr("Plans"), context.models.plans, this);
    connect(m_plans->addButton(tr("&New\u2026")), &QPushButton::clicked, this, &PlansPage::newPlan);
    connect(m_plans->addButton(tr("&Edit\u2026"), true), &QPushButton::clicked, this, [this] {
        editPlan(m_plans->selectedId());
    });
    connect(m_plans, &TablePanel::activated, this, &PlansPage::editPlan);

    m_limits = new TablePanel(QStringLiteral("limitsTable"), tr("Limits"), context.models.limits, this);
    connect(
        m_limits->addButton(tr("New &Limit\u2026")), &QPushButton::clicked, this, [&actions] { actions.newLimit({}); });
    connect(m_limits->addButton(tr("Edit L&imit\u2026"), true), &QPushButton::clicked, this, [this] {
        editLimit(m_limits->selectedId());
    });
    connect(m_limits->addButton(tr("&Delete Limit\u2026"), true), &QPushButton::clicked, this, [this] {
        deleteLimit(m_limits->selectedId());
    });
    connect(m_limits, &TablePanel::activated, this, &PlansPage::editLimit);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_plans);
    splitter->addWidget(m_limits);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
}

void PlansPage::newPlan()
{
    auto* dialog = openDialog(new PlanEditor(meterChoices(m_context), this));
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const Plan plan = dialog->plan();
        m_context.actions->track(m_context.client->createPlan(plan),
                                 tr("Create plan %1").arg(plan.id),
                                 ActionRunner::refreshing(m_context.client));
    });
}

void PlansPage::editPlan(const QString& planId)
{
    const Plan* plan = m_context.models.plans->find(planId);
    if (!plan)
        return;
    auto* dialog = new PlanEditor(meterChoices(m_context), this);
    dialog->setPlan(*plan);
    openDialog(dialog);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const Plan edited = dialog->plan();
        m_context.actions->track(m_context.client->replacePlan(edited),
                                 tr("Save plan %1").arg(edited.id),
                                 ActionRunner::refreshing(m_context.client));
    });
}

void PlansPage::editLimit(const QString& limitId)
{
    const Limit* limit = m_context.models.limits->find(limitId);
    if (!limit)
        return;
    if (limit->scope == LimitScope::Plan) {
        // A plan's limits are part of the plan: edited with it (PUT replaces them whole).
        editPlan(limit->planId);
        return;
    }
    auto* dialog = new LimitEditor(planChoices(m_context), customerChoices(m_context), meterChoices(m_context), this);
    dialog->setLimit(*limit);
    openDialog(dialog);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const Limit edited = dialog->limit();
        m_context.actions->track(m_context.client->replaceLimit(edited),
                                 tr("Save limit %1").arg(edited.id),
                                 ActionRunner::refreshing(m_context.client));
    });
}

void PlansPage::deleteLimit(const QString& limitId)
{
    const Limit* limit = m_context.models.limits->find(limitId);
    if (!limit)
        return;
    confirm(this,
            tr("Delete Limit"),
            tr("Delete the limit %1? Customers it capped are no longer capped by it.").arg(limitId),
            [this, limitId] {
                m_context.actions->track(m_context.client->deleteLimit(limitId),
                                         tr("Delete limit %1").arg(limitId),
                                         ActionRunner::refreshing(m_context.client));
            });
}

MetersPage::MetersPage(const PageContext& context, QWidget* parent)
    : Page(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("metersPage"));
    m_table = new TablePanel(QStringLiteral("metersTable"), tr("Meters"), context.models.meters, this);
    connect(m_table->addButton(tr("&New\u2026")), &QPushButton::clicked, this, &MetersPage::newMeter);
    connect(m_table->addButton(tr("&Edit\u2026"), true), &QPushButton::clicked, this, [this] {
        editMeter(m_table->selectedId());
    });
    connect(m_table, &TablePanel::activated, this, &MetersPage::editMeter);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table);
}

void MetersPage::newMeter()
{
    auto* dialog = openDialog(new MeterEditor(this));
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const Meter meter = dialog->meter();
        m_context.actions->track(m_context.client->createMeter(meter),
                                 tr("Create meter %1").arg(meter.id),
                                 ActionRunner::refreshing(m_context.client));
    });
}

void MetersPage::editMeter(const QString& meterId)
{
    const Meter* meter = m_context.models.meters->find(meterId);
    if (!meter)
        return;
    auto* dialog = new MeterEditor(this);
    dialog->setMeter(*meter);
    openDialog(dialog);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const Meter edited = dialog->meter();
        // Changing a meter re-aggregates its past events in core: say so before it runs.
        m_context.actions->track(m_context.client->replaceMeter(edited),
                                 tr("Save meter %1 (past events are counted again)").arg(edited.id),
                                 ActionRunner::refreshing(m_context.client));
    });
}

} // namespace Meterline
