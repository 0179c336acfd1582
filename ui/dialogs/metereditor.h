#pragma once

#include "core/types.h"
#include "ui/dialogs/formdialog.h"

class QComboBox;
class QLineEdit;
class QPlainTextEdit;

namespace Meterline
{

// Creates or edits a meter: aggregation, event types (a trailing * matches by prefix), the counted
// dimension of unique_count, and dimension filters.
class MeterEditor : public FormDialog
{
    Q_OBJECT

public:
    explicit MeterEditor(QWidget* parent = nullptr);

    void setMeter(const Meter& meter); // edit mode: the id is fixed
    Meter meter() const;

    QLineEdit* idEdit() const { return m_id; }
    QLineEdit* nameEdit() const { return m_name; }
    QComboBox* aggregationCombo() const { return m_aggregation; }
    QLineEdit* eventTypesEdit() const { return m_eventTypes; }
    QLineEdit* dimensionEdit() const { return m_dimension; }
    QPlainTextEdit* filtersEdit() const { return m_filters; }

protected:
    Problem validate() const override;

private:
    QLineEdit* m_id = nullptr;
    QLineEdit* m_name = nullptr;
    QComboBox* m_aggregation = nullptr;
    QLineEdit* m_eventTypes = nullptr;
    QLineEdit* m_dimension = nullptr;
    QPlainTextEdit* m_filters = nullptr;
};

} // namespace Meterline
