#include "ui/dialogs/webhookeditor.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QUrl>
#include <QVBoxLayout>

namespace Meterline
{

WebhookEditor::WebhookEditor(QWidget* parent)
    : FormDialog(parent)
{
    setWindowTitle(tr("New Webhook"));
    m_url = new QLineEdit(this);
    m_url->setObjectName(QStringLiteral("urlEdit"));
    m_url->setPlaceholderText(tr("https://example.com/hooks/meterline"));
    auto* events = new QWidget(this);
    auto* eventsLayout = new QVBoxLayout(events);
    eventsLayout->setContentsMargins(0, 0, 0, 0);
    const QStringList types = {QStringLiteral("limit.threshold"),
                               QStringLiteral("limit.exceeded"),
                               QStringLiteral("balance.low"),
                               QStringLiteral("balance.depleted")};
    for (const QString& type : types) {
        auto* box = new QCheckBox(type, events);
        box->setChecked(true);
        m_events << box;
        eventsLayout->addWidget(box);
    }
    m_threshold = new QLineEdit(this);
    m_threshold->setObjectName(QStringLiteral("thresholdEdit"));
    m_threshold->setPlaceholderText(tr("optional: available below this sends balance.low"));
    form()->addRow(tr("&URL:"), m_url);
    form()->addRow(tr("Events:"), events);
    form()->addRow(tr("Low balance &below:"), m_threshold);
}

FormDialog::Problem WebhookEditor::validate() const
{
    const QUrl url(m_url->text().trimmed(), QUrl::StrictMode);
    if (m_url->text().trimmed().isEmpty())
        return {tr("Enter the URL that receives the webhooks."), m_url};
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"https" && url.scheme() != u"http"))
        return {tr("The URL must start with https:// or http:// and name a host."), m_url};
    if (endpoint().events.isEmpty())
        return {tr("Choose at least one event type."), m_events.constFirst()};
    if (!m_threshold->text().trimmed().isEmpty()) {
        const auto threshold = Money::parse(m_threshold->text().trimmed());
        if (!threshold || threshold->isNegative())
            return {tr("The low-balance threshold must be an amount of at least 0, e.g. 10."), m_threshold};
    }
    return {};
}

WebhookEndpoint WebhookEditor::endpoint() const
{
    WebhookEndpoint endpoint;
    endpoint.url = m_url->text().trimmed();
    for (const QCheckBox* box : m_events) {
        if (box->isChecked())
            endpoint.events << box->text();
    }
    if (!m_threshold->text().trimmed().isEmpty())
        endpoint.balanceLowThreshold = Money::parse(m_threshold->text().trimmed());
    return endpoint;
}

} // namespace Meterline
