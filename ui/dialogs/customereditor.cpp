#include "ui/dialogs/customereditor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPlainTextEdit>

namespace Meterline
{

CustomerEditor::CustomerEditor(const QList<Choice>& plans, QWidget* parent)
    : FormDialog(parent)
{
    setWindowTitle(tr("New Customer"));
    m_id = new QLineEdit(this);
    m_id->setObjectName(QStringLiteral("idEdit"));
    m_id->setPlaceholderText(tr("e.g. cust_acme"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_plan = new QComboBox(this);
    m_plan->setObjectName(QStringLiteral("planCombo"));
    fillChoices(m_plan, plans, tr("(no plan)"));
    m_externalId = new QLineEdit(this);
    m_externalId->setObjectName(QStringLiteral("externalIdEdit"));
    m_externalId->setPlaceholderText(tr("the id in your billing system, e.g. cus_…"));
    m_metadata = new QPlainTextEdit(this);
    m_metadata->setObjectName(QStringLiteral("metadataEdit"));
    m_metadata->setPlaceholderText(tr("one key=value per line"));
    m_metadata->setTabChangesFocus(true);
    form()->addRow(tr("&Id:"), m_id);
    form()->addRow(tr("&Name:"), m_name);
    form()->addRow(tr("&Plan:"), m_plan);
    form()->addRow(tr("&External id:"), m_externalId);
    form()->addRow(tr("&Metadata:"), m_metadata);
}

void CustomerEditor::setCustomer(const Customer& customer)
{
    m_editing = true;
    setWindowTitle(tr("Edit Customer %1").arg(customer.id));
    m_id->setText(customer.id);
    m_id->setReadOnly(true);
    m_name->setText(customer.name);
    selectChoice(m_plan, customer.planId);
    m_externalId->setText(customer.externalId);
    m_metadata->setPlainText(keyValueLines(customer.metadata));
}

FormDialog::Problem CustomerEditor::validate() const
{
    if (const Problem problem = checkId(m_id, tr("Enter the customer's id.")); !problem.message.isEmpty())
        return problem;
    if (m_name->text().trimmed().isEmpty())
        return {tr("Enter the customer's name."), m_name};
    Metadata metadata;
    int badLine = 0;
    if (!parseKeyValueLines(m_metadata->toPlainText(), &metadata, &badLine))
        return {tr("Metadata line %1 is not key=value.").arg(badLine), m_metadata};
    return {};
}

Customer CustomerEditor::customer() const
{
    Customer customer;
    customer.id = m_id->text().trimmed();
    customer.name = m_name->text().trimmed();
    customer.planId = choiceId(m_plan);
    customer.externalId = m_externalId->text().trimmed();
    int badLine = 0;
    parseKeyValueLines(m_metadata->toPlainText(), &customer.metadata, &badLine);
    return customer;
}

CustomerPatch CustomerEditor::patch() const
{
    const Customer value = customer();
    CustomerPatch patch;
    patch.name = value.name;
    patch.planId = value.planId;
    patch.externalId = value.externalId;
    patch.metadata = value.metadata;
    return patch;
}

} // namespace Meterline
