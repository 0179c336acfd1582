#include "ui/dialogs/planeditor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Meterline
{

namespace
{

QComboBox* comboFor(const QList<Choice>& choices, QWidget* parent)
{
    auto* combo = new QComboBox(parent);
    fillChoices(combo, choices);
    return combo;
}

void setText(QTableWidget* table, int row, int column, const QString& text)
{
    table->setItem(row, column, new QTableWidgetItem(text));
}

} // namespace

PlanEditor::PlanEditor(const QList<Choice>& meters, QWidget* parent)
    : FormDialog(parent)
    , m_meters(meters)
{
    setWindowTitle(tr("New Plan"));
    m_id = new QLineEdit(this);
    m_id->setObjectName(QStringLiteral("idEdit"));
    m_id->setPlaceholderText(tr("e.g. pro"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_currency = new QLineEdit(QStringLiteral("USD"), this);
    m_currency->setObjectName(QStringLiteral("currencyEdit"));
    m_currency->setMaxLength(3);
    m_prices = makeTable({tr("Meter"), tr("Unit price"), tr("Per units"), tr("Included units"), tr("Credits per unit")},
                         QStringLiteral("pricesTable"));
    m_limits = makeTable({tr("Meter"), tr("Period"), tr("Cap"), tr("Mode")}, QStringLiteral("limitsTable"));
    form()->addRow(tr("&Id:"), m_id);
    form()->addRow(tr("&Name:"), m_name);
    form()->addRow(tr("&Currency:"), m_currency);
    form()->addRow(tr("Prices:"), tableWithButtons(m_prices, [this] { addPriceRow(); }));
    form()->addRow(tr("Limits:"), tableWithButtons(m_limits, [this] { addLimitRow(); }));
    const int em = fontMetrics().averageCharWidth();
    resize(em * 100, sizeHint().height());
}

QTableWidget* PlanEditor::makeTable(const QStringList& headers, const QString& objectName)
{
    auto* table = new QTableWidget(0, int(headers.size()), this);
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table->verticalHeader()->hide();
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setMinimumHeight(fontMetrics().height() * 7);
    return table;
}

QWidget* PlanEditor::tableWithButtons(QTableWidget* table, const std::function<void()>& add)
{
    auto* box = new QWidget(this);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(table);
    auto* row = new QHBoxLayout;
    auto* addButton = new QPushButton(tr("Add"), box);
    auto* removeButton = new QPushButton(tr("Remove"), box);
    row->addWidget(addButton);
    row->addWidget(removeButton);
    row->addStretch(1);
    layout->addLayout(row);
    connect(addButton, &QPushButton::clicked, this, add);
    connect(removeButton, &QPushButton::clicked, table, [table] {
        if (table->currentRow() >= 0)
            table->removeRow(table->currentRow());
    });
    return box;
}

int PlanEditor::addPriceRow()
{
    const int row = m_prices->rowCount();
    m_prices->insertRow(row);
    m_prices->setCellWidget(row, PriceMeter, comboFor(m_meters, m_prices));
    setText(m_prices, row, PriceUnitPrice, QStringLiteral("0"));
    setText(m_prices, row, PricePerUnits, QStringLiteral("1"));
    setText(m_prices, row, PriceIncluded, QStringLiteral("0"));
    setText(m_prices, row, PriceCredits, QStringLiteral("0"));
    return row;
}

int PlanEditor::addLimitRow()
{
    const int row = m_limits->rowCount();
    m_limits->insertRow(row);
    m_limits->setCellWidget(row, LimitMeter, comboFor(m_meters, m_limits));
    auto* period = comboFor(periodChoices(), m_limits);
    selectChoice(period, toString(Period::Month));
    m_limits->setCellWidget(row, LimitPeriod, period);
    setText(m_limits, row, LimitValue, QString());
    m_limits->setCellWidget(row, LimitModeColumn, comboFor(limitModeChoices(), m_limits));
    return row;
}

void PlanEditor::setPlan(const Plan& plan)
{
    setWindowTitle(tr("Edit Plan %1").arg(plan.id));
    m_id->setText(plan.id);
    m_id->setReadOnly(true);
    m_name->setText(plan.name);
    m_currency->setText(plan.currency);
    m_prices->setRowCount(0);
    for (const Price& price : plan.prices) {
        const int row = addPriceRow();
        selectChoice(qobject_cast<QComboBox*>(m_prices->cellWidget(row, PriceMeter)), price.meterId);
        setText(m_prices, row, PriceUnitPrice, price.unitPrice.toString());
        setText(m_prices, row, PricePerUnits, QString::number(price.perUnits));
        setText(m_prices, row, PriceIncluded, QLocale::c().toString(price.includedUnits, 'g', 15));
        setText(m_prices, row, PriceCredits, price.creditsPerUnit.toString());
    }
    m_limits->setRowCount(0);
    for (const Limit& limit : plan.limits) {
        const int row = addLimitRow();
        selectChoice(qobject_cast<QComboBox*>(m_limits->cellWidget(row, LimitMeter)), limit.meterId);
        selectChoice(qobject_cast<QComboBox*>(m_limits->cellWidget(row, LimitPeriod)), toString(limit.period));
        setText(m_limits, row, LimitValue, QLocale::c().toString(limit.value, 'g', 15));
        selectChoice(qobject_cast<QComboBox*>(m_limits->cellWidget(row, LimitModeColumn)), toString(limit.mode));
    }
}

QString PlanEditor::cellText(const QTableWidget* table, int row, int column) const
{
    const QTableWidgetItem* item = table->item(row, column);
    return item ? item->text().trimmed() : QString();
}

QString PlanEditor::comboCell(const QTableWidget* table, int row, int column) const
{
    const auto* combo = qobject_cast<const QComboBox*>(table->cellWidget(row, column));
    return combo ? choiceId(combo) : QString();
}

FormDialog::Problem PlanEditor::validate() const
{
    if (const Problem problem = checkId(m_id, tr("Enter the plan's id.")); !problem.message.isEmpty())
        return problem;
    if (m_name->text().trimmed().isEmpty())
        return {tr("Enter the plan's name."), m_name};
    if (m_currency->text().trimmed().size() != 3)
        return {tr("The currency is a three-letter code, e.g. USD."), m_currency};
    QStringList pricedMeters;
    for (int row = 0; row < m_prices->rowCount(); ++row) {
        const QString meter = comboCell(m_prices, row, PriceMeter);
        const int line = row + 1;
        if (meter.isEmpty())
            return {tr("Price %1: choose a meter.").arg(line), m_prices};
        if (pricedMeters.contains(meter))
            return {tr("Price %1: the meter %2 already has a price.").arg(line).arg(meter), m_prices};
        pricedMeters << meter;
        const auto unitPrice = Money::parse(cellText(m_prices, row, PriceUnitPrice));
        if (!unitPrice || unitPrice->isNegative())
            return {tr("Price %1: the unit price must be an amount of at most 6 decimals, e.g. 0.000002.").arg(line),
                    m_prices};
        bool perUnitsOk = false;
        const qint64 perUnits = cellText(m_prices, row, PricePerUnits).toLongLong(&perUnitsOk);
        if (!perUnitsOk || perUnits < 1)
            return {tr("Price %1: \"per units\" must be a whole number of at least 1.").arg(line), m_prices};
        const auto included = parseQuantity(cellText(m_prices, row, PriceIncluded));
        if (!included || *included < 0)
            return {tr("Price %1: the included units must be a number of at least 0.").arg(line), m_prices};
        const auto credits = Money::parse(cellText(m_prices, row, PriceCredits));
        if (!credits || credits->isNegative())
            return {tr("Price %1: the credits per unit must be an amount of at least 0.").arg(line), m_prices};
    }
    QStringList limitKeys;
    for (int row = 0; row < m_limits->rowCount(); ++row) {
        const int line = row + 1;
        const QString meter = comboCell(m_limits, row, LimitMeter);
        if (meter.isEmpty())
            return {tr("Limit %1: choose a meter.").arg(line), m_limits};
        const QString key = meter + u'/' + comboCell(m_limits, row, LimitPeriod);
        if (limitKeys.contains(key))
            return {tr("Limit %1: the plan already caps this meter over this period.").arg(line), m_limits};
        limitKeys << key;
        const auto value = parseQuantity(cellText(m_limits, row, LimitValue));
        if (!value || *value <= 0)
            return {tr("Limit %1: the cap must be a number greater than zero.").arg(line), m_limits};
    }
    return {};
}

Plan PlanEditor::plan() const
{
    Plan plan;
    plan.id = m_id->text().trimmed();
    plan.name = m_name->text().trimmed();
    plan.currency = m_currency->text().trimmed().toUpper();
    for (int row = 0; row < m_prices->rowCount(); ++row) {
        Price price;
        price.meterId = comboCell(m_prices, row, PriceMeter);
        price.unitPrice = Money::parse(cellText(m_prices, row, PriceUnitPrice)).value_or(Money());
        price.perUnits = qMax<qint64>(1, cellText(m_prices, row, PricePerUnits).toLongLong());
        price.includedUnits = parseQuantity(cellText(m_prices, row, PriceIncluded)).value_or(0);
        price.creditsPerUnit = Money::parse(cellText(m_prices, row, PriceCredits)).value_or(Money());
        plan.prices << price;
    }
    for (int row = 0; row < m_limits->rowCount(); ++row) {
        Limit limit;
        limit.scope = LimitScope::Plan;
        limit.planId = plan.id;
        limit.meterId = comboCell(m_limits, row, LimitMeter);
        limit.period = parsePeriod(comboCell(m_limits, row, LimitPeriod)).value_or(Period::Month);
        limit.value = parseQuantity(cellText(m_limits, row, LimitValue)).value_or(0);
        limit.mode = parseLimitMode(comboCell(m_limits, row, LimitModeColumn)).value_or(LimitMode::Hard);
        plan.limits << limit;
    }
    return plan;
}

} // namespace Meterline
