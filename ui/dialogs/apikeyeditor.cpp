#include "ui/dialogs/apikeyeditor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>

namespace Meterline
{

ApiKeyEditor::ApiKeyEditor(QWidget* parent)
    : FormDialog(parent)
{
    setWindowTitle(tr("New API Key"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_name->setPlaceholderText(tr("who uses it, e.g. backend"));
    m_scope = new QComboBox(this);
    m_scope->setObjectName(QStringLiteral("scopeCombo"));
    fillChoices(m_scope,
                {{toString(KeyScope::Ingest), tr("ingest: check, record, reservations")},
                 {toString(KeyScope::Read), tr("read: every read and export")},
                 {toString(KeyScope::Admin), tr("admin: everything")}});
    m_rateLimit = new QSpinBox(this);
    m_rateLimit->setObjectName(QStringLiteral("rateLimitSpin"));
    m_rateLimit->setRange(0, 1'000'000);
    m_rateLimit->setSpecialValueText(tr("no limit"));
    m_rateLimit->setSuffix(tr(" requests/s"));
    form()->addRow(tr("&Name:"), m_name);
    form()->addRow(tr("&Scope:"), m_scope);
    form()->addRow(tr("&Rate limit:"), m_rateLimit);
}

FormDialog::Problem ApiKeyEditor::validate() const
{
    if (name().isEmpty())
        return {tr("Enter a name for the key, e.g. the service that uses it."), m_name};
    if (name().size() > 256)
        return {tr("The name is too long (at most 256 characters)."), m_name};
    return {};
}

QString ApiKeyEditor::name() const
{
    return m_name->text().trimmed();
}

KeyScope ApiKeyEditor::scope() const
{
    return parseKeyScope(choiceId(m_scope)).value_or(KeyScope::Read);
}

int ApiKeyEditor::rateLimit() const
{
    return m_rateLimit->value();
}

} // namespace Meterline
