#pragma once

#include "core/types.h"
#include "ui/dialogs/formdialog.h"

class QCheckBox;
class QLineEdit;

namespace Meterline
{

// A new webhook endpoint: an http(s) URL, the event types it receives (SPEC §5) and the balance.low
// threshold.
class WebhookEditor : public FormDialog
{
    Q_OBJECT

public:
    explicit WebhookEditor(QWidget* parent = nullptr);

    WebhookEndpoint endpoint() const;
    QLineEdit* urlEdit() const { return m_url; }
    QLineEdit* thresholdEdit() const { return m_threshold; }
    QList<QCheckBox*> eventBoxes() const { return m_events; }

protected:
    Problem validate() const override;

private:
    QLineEdit* m_url = nullptr;
    QList<QCheckBox*> m_events;
    QLineEdit* m_threshold = nullptr;
};

} // namespace Meterline
