#pragma once

#include "ui/pages/page.h"
#include "ui/pages/pagecontext.h"

namespace Meterline
{

class TablePanel;
class WebhookDeliveriesModel;

// Webhook endpoints and the delivery log of the selected one: add (the signing secret is shown once), remove,
// send a test event, retry a delivery now.
class WebhooksPage : public Page
{
    Q_OBJECT

public:
    explicit WebhooksPage(const PageContext& context, QWidget* parent = nullptr);

    QString title() const override { return tr("Webhooks"); }
    void reload() override;

    TablePanel* endpointsTable() const { return m_endpoints; }
    TablePanel* deliveriesTable() const { return m_deliveries; }
    WebhookDeliveriesModel* deliveries() const { return m_deliveriesModel; }

    void addEndpoint();
    void removeEndpoint(const QString& webhookId);
    void sendTest(const QString& webhookId);
    void retryDelivery(const QString& webhookId, const QString& deliveryId);

signals:
    void deliveriesShown();

private:
    PageContext m_context;
    TablePanel* m_endpoints = nullptr;
    TablePanel* m_deliveries = nullptr;
    WebhookDeliveriesModel* m_deliveriesModel = nullptr;
    quint64 m_deliveriesRequest = 0;
};

} // namespace Meterline
