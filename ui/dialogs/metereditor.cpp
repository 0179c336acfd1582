#include "ui/dialogs/metereditor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPlainTextEdit>

#include "core/validation.h"

namespace Meterline
{

namespace
{

QStringList splitList(const QString& text)
{
    QStringList items;
    for (const QString& item : text.split(u',', Qt::SkipEmptyParts)) {
        if (!item.trimmed().isEmpty())
            items << item.trimmed();
    }
    return items;
}

} // namespace

MeterEditor::MeterEditor(QWidget* parent)
    : FormDialog(parent)
{
    setWindowTitle(tr("New Meter"));
    m_id = new QLineEdit(this);
    m_id->setObjectName(QStringLiteral("idEdit"));
    m_id->setPlaceholderText(tr("e.g. llm-tokens"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_aggregation = new QComboBox(this);
    m_aggregation->setObjectName(QStringLiteral("aggregationCombo"));
    fillChoices(m_aggregation, aggregationChoices());
    m_eventTypes = new QLineEdit(this);
    m_eventTypes->setObjectName(QStringLiteral("eventTypesEdit"));
    m_eventTypes->setPlaceholderText(tr("comma-separated, e.g. llm.completion, llm.*  (empty: every type)"));
    m_dimension = new QLineEdit(this);
    m_dimension->setObjectName(QStringLiteral("dimensionEdit"));
    m_dimension->setPlaceholderText(tr("the dimension whose distinct values are counted, e.g. user"));
    m_filters = new QPlainTextEdit(this);
    m_filters->setObjectName(QStringLiteral("filtersEdit"));
    m_filters->setPlaceholderText(tr("one key=value1,value2 per line (only matching events count)"));
    m_filters->setTabChangesFocus(true);
    form()->addRow(tr("&Id:"), m_id);
    form()->addRow(tr("&Name:"), m_name);
    form()->addRow(tr("&Aggregation:"), m_aggregation);
    form()->addRow(tr("&Event types:"), m_eventTypes);
    form()->addRow(tr("Counted &dimension:"), m_dimension);
    form()->addRow(tr("Dimension &filters:"), m_filters);

    const auto updateDimension = [this] {
        m_dimension->setEnabled(choiceId(m_aggregation) == toString(Aggregation::UniqueCount));
    };
    connect(m_aggregation, &QComboBox::currentIndexChanged, this, updateDimension);
    updateDimension();
}

void MeterEditor::setMeter(const Meter& meter)
{
    setWindowTitle(tr("Edit Meter %1").arg(meter.id));
    m_id->setText(meter.id);
    m_id->setReadOnly(true);
    m_name->setText(meter.name);
    selectChoice(m_aggregation, toString(meter.aggregation));
    m_eventTypes->setText(meter.eventTypes.join(QStringLiteral(", ")));
    m_dimension->setText(meter.dimension);
    QMap<QString, QString> filters;
    for (auto it = meter.dimensionFilters.cbegin(); it != meter.dimensionFilters.cend(); ++it)
        filters.insert(it.key(), it.value().join(u','));
    m_filters->setPlainText(keyValueLines(filters));
}

FormDialog::Problem MeterEditor::validate() const
{
    if (const Problem problem = checkId(m_id, tr("Enter the meter's id.")); !problem.message.isEmpty())
        return problem;
    if (m_name->text().trimmed().isEmpty())
        return {tr("Enter the meter's name."), m_name};
    for (const QString& type : splitList(m_eventTypes->text())) {
        const QString stem = type.endsWith(u'*') ? type.chopped(1) : type;
        if (!stem.isEmpty() && !Validation::isValidId(stem))
            return {tr("The event type \"%1\" may use only letters, digits and . _ : - (and a final *).").arg(type),
                    m_eventTypes};
    }
    if (m_dimension->isEnabled() && m_dimension->text().trimmed().isEmpty())
        return {tr("A distinct-values meter needs the dimension it counts."), m_dimension};
    QMap<QString, QString> filters;
    int badLine = 0;
    if (!parseKeyValueLines(m_filters->toPlainText(), &filters, &badLine))
        return {tr("Filter line %1 is not key=value1,value2.").arg(badLine), m_filters};
    for (auto it = filters.cbegin(); it != filters.cend(); ++it) {
        if (splitList(it.value()).isEmpty())
            return {tr("The filter on \"%1\" lists no value.").arg(it.key()), m_filters};
    }
    return {};
}

Meter MeterEditor::meter() const
{
    Meter meter;
    meter.id = m_id->text().trimmed();
    meter.name = m_name->text().trimmed();
    meter.aggregation = parseAggregation(choiceId(m_aggregation)).value_or(Aggregation::Sum);
    meter.eventTypes = splitList(m_eventTypes->text());
    if (m_dimension->isEnabled())
        meter.dimension = m_dimension->text().trimmed();
    QMap<QString, QString> filters;
    int badLine = 0;
    parseKeyValueLines(m_filters->toPlainText(), &filters, &badLine);
    for (auto it = filters.cbegin(); it != filters.cend(); ++it)
        meter.dimensionFilters.insert(it.key(), splitList(it.value()));
    return meter;
}

} // namespace Meterline
