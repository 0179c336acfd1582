#pragma once

#include "core/types.h"
#include "ui/dialogs/formdialog.h"

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace Meterline
{

// A new API key: a name, a scope (ingest, read, admin) and an optional rate limit.
class ApiKeyEditor : public FormDialog
{
    Q_OBJECT

public:
    explicit ApiKeyEditor(QWidget* parent = nullptr);

    QString name() const;
    KeyScope scope() const;
    int rateLimit() const; // 0: none

    QLineEdit* nameEdit() const { return m_name; }
    QComboBox* scopeCombo() const { return m_scope; }

protected:
    Problem validate() const override;

private:
    QLineEdit* m_name = nullptr;
    QComboBox* m_scope = nullptr;
    QSpinBox* m_rateLimit = nullptr;
};

} // namespace Meterline
