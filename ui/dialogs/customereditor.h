#pragma once

#include "core/types.h"
#include "ui/dialogs/formdialog.h"

class QComboBox;
class QLineEdit;
class QPlainTextEdit;

namespace Meterline
{

// Creates a customer, or edits one (the id is then fixed). The caller sends customer() or patch() through
// the sync client.
class CustomerEditor : public FormDialog
{
    Q_OBJECT

public:
    explicit CustomerEditor(const QList<Choice>& plans, QWidget* parent = nullptr);

    void setCustomer(const Customer& customer); // edit mode
    bool isEditing() const { return m_editing; }

    Customer customer() const;
    CustomerPatch patch() const; // every field, for PATCH

    QLineEdit* idEdit() const { return m_id; }
    QLineEdit* nameEdit() const { return m_name; }
    QComboBox* planCombo() const { return m_plan; }
    QPlainTextEdit* metadataEdit() const { return m_metadata; }

protected:
    Problem validate() const override;

private:
    QLineEdit* m_id = nullptr;
    QLineEdit* m_name = nullptr;
    QComboBox* m_plan = nullptr;
    QLineEdit* m_externalId = nullptr;
    QPlainTextEdit* m_metadata = nullptr;
    bool m_editing = false;
};

} // namespace Meterline
