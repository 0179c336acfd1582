#pragma once

#include "core/types.h"
#include "ui/dialogs/formdialog.h"

class QLineEdit;

namespace Meterline
{

// Sets a customer's reserve: the part of the balance kept back from `available`.
class ReserveDialog : public FormDialog
{
    Q_OBJECT

public:
    ReserveDialog(const QString& customerName, const Balance& current, QWidget* parent = nullptr);

    Money reserve() const;
    QLineEdit* reserveEdit() const { return m_reserve; }

protected:
    Problem validate() const override;

private:
    QLineEdit* m_reserve = nullptr;
};

} // namespace Meterline
