#include "ui/dialogs/reservedialog.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>

namespace Meterline
{

ReserveDialog::ReserveDialog(const QString& customerName, const Balance& current, QWidget* parent)
    : FormDialog(parent)
{
    setWindowTitle(tr("Set Reserve of %1").arg(customerName));
    m_reserve = new QLineEdit(current.reserve.toString(), this);
    m_reserve->setObjectName(QStringLiteral("reserveEdit"));
    m_reserve->selectAll();
    form()->addRow(tr("Balance:"), new QLabel(current.balance.toString(), this));
    form()->addRow(tr("&Reserve:"), m_reserve);
    auto* note = new QLabel(tr("The reserve is kept back: checks see only the balance minus the reserve and open "
                               "holds. Usage may still consume it."),
                            this);
    note->setWordWrap(true);
    form()->addRow(note);
}

FormDialog::Problem ReserveDialog::validate() const
{
    const auto reserve = Money::parse(m_reserve->text().trimmed());
    if (!reserve)
        return {tr("The reserve must be an amount with at most 6 decimals, e.g. 5 or 2.5."), m_reserve};
    if (reserve->isNegative())
        return {tr("The reserve cannot be negative."), m_reserve};
    return {};
}

Money ReserveDialog::reserve() const
{
    return Money::parse(m_reserve->text().trimmed()).value_or(Money());
}

} // namespace Meterline
