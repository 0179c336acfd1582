#pragma once

#include "ui/pages/page.h"
#include "ui/pages/pagecontext.h"

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QTableView;

namespace Meterline
{

struct EventFilter;

// Recorded events, newest first, filtered by customer, type, time range and dimensions. Pages of events
// arrive as the table scrolls, so any number of stored events stays smooth.
class EventsPage : public Page
{
    Q_OBJECT

public:
    explicit EventsPage(const PageContext& context, QWidget* parent = nullptr);

    QString title() const override { return tr("Events"); }
    void focusFind() override;
    void reload() override;

    // Applies the filter fields; a field that cannot be read gets a message and nothing is asked.
    bool applyFilter();
    QString problem() const;

    QTableView* view() const { return m_view; }
    QComboBox* customerCombo() const { return m_customer; }
    QLineEdit* typeEdit() const { return m_type; }
    QLineEdit* dimensionsEdit() const { return m_dimensions; }
    QCheckBox* fromCheck() const { return m_useFrom; }
    QDateTimeEdit* fromEdit() const { return m_from; }
    QCheckBox* toCheck() const { return m_useTo; }
    QDateTimeEdit* toEdit() const { return m_to; }

private:
    void fillCustomers();
    void updateCount();

    PageContext m_context;
    bool m_started = false;
    QComboBox* m_customer = nullptr;
    QLineEdit* m_type = nullptr;
    QCheckBox* m_useFrom = nullptr;
    QDateTimeEdit* m_from = nullptr;
    QCheckBox* m_useTo = nullptr;
    QDateTimeEdit* m_to = nullptr;
    QLineEdit* m_dimensions = nullptr;
    QLabel* m_status = nullptr;
    QTableView* m_view = nullptr;
};

} // namespace Meterline
