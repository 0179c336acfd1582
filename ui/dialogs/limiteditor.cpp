#include "ui/dialogs/limiteditor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QLocale>

namespace Meterline
{

LimitEditor::LimitEditor(const QList<Choice>& plans,
                         const QList<Choice>& customers,
                         const QList<Choice>& meters,
                         QWidget* parent)
    : FormDialog(parent)
    , m_plans(plans)
    , m_customers(customers)
{
    setWindowTitle(tr("New Limit"));
    m_scope = new QComboBox(this);
    m_scope->setObjectName(QStringLiteral("scopeCombo"));
    fillChoices(m_scope,
                {{toString(LimitScope::Plan), tr("Every customer on a plan")},
                 {toString(LimitScope::Customer), tr("One customer (overrides the plan)")}});
    m_owner = new QComboBox(this);
    m_owner->setObjectName(QStringLiteral("ownerCombo"));
    m_meter = new QComboBox(this);
    m_meter->setObjectName(QStringLiteral("meterCombo"));
    fillChoices(m_meter, meters);
    m_period = new QComboBox(this);
    m_period->setObjectName(QStringLiteral("periodCombo"));
    fillChoices(m_period, periodChoices());
    selectChoice(m_period, toString(Period::Month));
    m_value = new QLineEdit(this);
    m_value->setObjectName(QStringLiteral("valueEdit"));
    m_value->setPlaceholderText(tr("the cap, e.g. 1000000"));
    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("modeCombo"));
    fillChoices(m_mode, limitModeChoices());
    form()->addRow(tr("&Applies to:"), m_scope);
    form()->addRow(tr("&Plan or customer:"), m_owner);
    form()->addRow(tr("&Meter:"), m_meter);
    form()->addRow(tr("P&eriod:"), m_period);
    form()->addRow(tr("&Cap:"), m_value);
    form()->addRow(tr("M&ode:"), m_mode);
    connect(m_scope, &QComboBox::currentIndexChanged, this, &LimitEditor::fillOwners);
    fillOwners();
}

void LimitEditor::fillOwners()
{
    const bool plan = choiceId(m_scope) == toString(LimitScope::Plan);
    fillChoices(m_owner, plan ? m_plans : m_customers);
}

void LimitEditor::setLimit(const Limit& limit)
{
    setWindowTitle(tr("Edit Limit %1").arg(limit.id));
    m_id = limit.id;
    selectChoice(m_scope, toString(limit.scope));
    selectChoice(m_owner, limit.scope == LimitScope::Plan ? limit.planId : limit.customerId);
    selectChoice(m_meter, limit.meterId);
    selectChoice(m_period, toString(limit.period));
    m_value->setText(QLocale().toString(limit.value, 'g', 15));
    selectChoice(m_mode, toString(limit.mode));
    for (QComboBox* fixed : {m_scope, m_owner, m_meter, m_period})
        fixed->setEnabled(false);
}

FormDialog::Problem LimitEditor::validate() const
{
    if (choiceId(m_owner).isEmpty())
        return {choiceId(m_scope) == toString(LimitScope::Plan) ? tr("Choose the plan the limit applies to.")
                                                                : tr("Choose the customer the limit applies to."),
                m_owner};
    if (choiceId(m_meter).isEmpty())
        return {tr("Choose the meter the limit caps."), m_meter};
    const auto value = parseQuantity(m_value->text());
    if (!value)
        return {tr("The cap must be a number, e.g. 1000000."), m_value};
    if (*value <= 0)
        return {tr("The cap must be greater than zero."), m_value};
    return {};
}

Limit LimitEditor::limit() const
{
    Limit limit;
    limit.id = m_id;
    limit.scope = parseLimitScope(choiceId(m_scope)).value_or(LimitScope::Customer);
    (limit.scope == LimitScope::Plan ? limit.planId : limit.customerId) = choiceId(m_owner);
    limit.meterId = choiceId(m_meter);
    limit.period = parsePeriod(choiceId(m_period)).value_or(Period::Month);
    limit.value = parseQuantity(m_value->text()).value_or(0);
    limit.mode = parseLimitMode(choiceId(m_mode)).value_or(LimitMode::Hard);
    return limit;
}

} // namespace Meterline
