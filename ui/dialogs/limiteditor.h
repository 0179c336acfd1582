#pragma once

#include "core/types.h"
#include "ui/dialogs/formdialog.h"

class QComboBox;
class QLineEdit;

namespace Meterline
{

// Creates or edits a limit of a plan or of one customer (a customer limit overrides the plan's on the same
// meter and period).
class LimitEditor : public FormDialog
{
    Q_OBJECT

public:
    LimitEditor(const QList<Choice>& plans,
                const QList<Choice>& customers,
                const QList<Choice>& meters,
                QWidget* parent = nullptr);

    void setLimit(const Limit& limit); // edit mode: scope, owner, meter and period are fixed
    Limit limit() const;

    QComboBox* scopeCombo() const { return m_scope; }
    QComboBox* ownerCombo() const { return m_owner; }
    QComboBox* meterCombo() const { return m_meter; }
    QComboBox* periodCombo() const { return m_period; }
    QLineEdit* valueEdit() const { return m_value; }
    QComboBox* modeCombo() const { return m_mode; }

protected:
    Problem validate() const override;

private:
    void fillOwners();

    QList<Choice> m_plans;
    QList<Choice> m_customers;
    QString m_id;
    QComboBox* m_scope = nullptr;
    QComboBox* m_owner = nullptr;
    QComboBox* m_meter = nullptr;
    QComboBox* m_period = nullptr;
    QLineEdit* m_value = nullptr;
    QComboBox* m_mode = nullptr;
};

} // namespace Meterline
