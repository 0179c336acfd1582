#include "ui/pages/webhookspage.h"

#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "models/webhookdeliveriesmodel.h"
#include "models/webhooksmodel.h"
#include "sync/syncclient.h"
#include "ui/dialogs/secretdialog.h"
#include "ui/dialogs/webhookeditor.h"
#include "ui/pages/actionrunner.h"
#include "ui/pages/tablepanel.h"

namespace Meterline
{

WebhooksPage::WebhooksPage(const PageContext& context, QWidget* parent)
    : Page(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("webhooksPage"));
    m_endpoints = new TablePanel(QStringLiteral("webhooksTable"), tr("Webhooks"), context.models.webhooks, this);
    connect(m_endpoints->addButton(tr("&Add\u2026")), &QPushButton::clicked, this, &WebhooksPage::addEndpoint);
    connect(m_endpoints->addButton(tr("Send &Test"), true), &QPushButton::clicked, this, [this] {
        sendTest(m_endpoints->selectedId());
    });
    connect(m_endpoints->addButton(tr("&Remove\u2026"), true), &QPushButton::clicked, this, [this] {
        removeEndpoint(m_endpoints->selectedId());
    });

    m_endpoints->setEmptyText(tr("No webhook yet. Add an endpoint to hear about limits and low balances."));
    m_deliveriesModel = new WebhookDeliveriesModel(this);
    m_deliveries = new TablePanel(QStringLiteral("deliveriesTable"), tr("Deliveries"), m_deliveriesModel, this);
    m_deliveries->view()->sortByColumn(WebhookDeliveriesModel::CreatedColumn, Qt::DescendingOrder);
    m_deliveries->setEmptyText(tr("Select a webhook to see its deliveries."));
    connect(m_deliveries->addButton(tr("Retry &Now"), true), &QPushButton::clicked, this, [this] {
        retryDelivery(m_endpoints->selectedId(), m_deliveries->selectedId());
    });

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_endpoints);
    splitter->addWidget(m_deliveries);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_endpoints, &TablePanel::selectionChanged, this, &WebhooksPage::reload);
    connect(context.client,
            &Dashboard::SyncClient::deliveriesReady,
            this,
            [this](quint64 id, const QList<WebhookDelivery>& deliveries) {
                if (id != m_deliveriesRequest)
                    return;
                m_deliveriesModel->setRows(deliveries);
                emit deliveriesShown();
            });
    connect(context.client, &Dashboard::SyncClient::queryFailed, this, [this](quint64 id, const QString& message) {
        if (id == m_deliveriesRequest)
            m_deliveries->titleLabel()->setText(tr("Deliveries (could not load: %1)").arg(message));
    });
}

void WebhooksPage::reload()
{
    const QString webhookId = m_endpoints->selectedId();
    m_deliveries->titleLabel()->setText(webhookId.isEmpty() ? tr("Deliveries") : tr("Deliveries of %1").arg(webhookId));
    if (webhookId.isEmpty()) {
        m_deliveriesModel->setRows({});
        m_deliveriesRequest = 0;
        return;
    }
    m_deliveriesRequest = m_context.client->queryDeliveries(webhookId);
}

void WebhooksPage::addEndpoint()
{
    auto* dialog = openDialog(new WebhookEditor(this));
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const WebhookEndpoint endpoint = dialog->endpoint();
        m_context.actions->track(m_context.client->createWebhook(endpoint),
                                 tr("Add webhook %1").arg(endpoint.url),
                                 [this, url = endpoint.url](const Dashboard::ActionResult& result) {
                                     openDialog(
                                         new SecretDialog(tr("Webhook Added"),
                                                          tr("The signing secret of %1. Your endpoint verifies the "
                                                             "webhook-signature header with it (Standard Webhooks).")
                                                              .arg(url),
                                                          result.value<WebhookEndpoint>().secret,
                                                          this));
                                     m_context.client->refresh();
                                 });
    });
}

void WebhooksPage::removeEndpoint(const QString& webhookId)
{
    const WebhookEndpoint* endpoint = m_context.models.webhooks->find(webhookId);
    if (!endpoint)
        return;
    confirm(this,
            tr("Remove Webhook"),
            tr("Remove the webhook %1 (%2)? Pending deliveries to it are dropped.").arg(endpoint->id, endpoint->url),
            [this, webhookId] {
                m_context.actions->track(m_context.client->deleteWebhook(webhookId),
                                         tr("Remove webhook %1").arg(webhookId),
                                         ActionRunner::refreshing(m_context.client));
            });
}

void WebhooksPage::sendTest(const QString& webhookId)
{
    if (webhookId.isEmpty())
        return;
    m_context.actions->track(m_context.client->testWebhook(webhookId),
                             tr("Send a test to webhook %1").arg(webhookId),
                             [this](const Dashboard::ActionResult&) { reload(); });
}

void WebhooksPage::retryDelivery(const QString& webhookId, const QString& deliveryId)
{
    if (webhookId.isEmpty() || deliveryId.isEmpty())
        return;
    m_context.actions->track(m_context.client->retryDelivery(webhookId, deliveryId),
                             tr("Retry delivery %1").arg(deliveryId),
                             [this](const Dashboard::ActionResult&) { reload(); });
}

} // namespace Meterline
