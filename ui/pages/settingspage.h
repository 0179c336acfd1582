#pragma once

#include "ui/pages/page.h"
#include "ui/pages/pagecontext.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace Meterline
{

// The dashboard's preferences (how money reads, how often it syncs, when a customer counts as near a limit or
// low on credits) and the connection it uses. Changes apply at once.
class SettingsPage : public Page
{
    Q_OBJECT

public:
    explicit SettingsPage(const PageContext& context, QWidget* parent = nullptr);

    QString title() const override { return tr("Settings"); }
    void reload() override;

    void setConnectionText(const QString& text);

    QComboBox* moneyFormatCombo() const { return m_moneyFormat; }
    QSpinBox* refreshSpin() const { return m_refresh; }
    QLineEdit* lowBalanceEdit() const { return m_lowBalance; }
    QString problem() const;

signals:
    void connectRequested();

private:
    void applyLowBalance();

    PageContext m_context;
    QComboBox* m_moneyFormat = nullptr;
    QSpinBox* m_refresh = nullptr;
    QLineEdit* m_lowBalance = nullptr;
    QLabel* m_problem = nullptr;
    QLabel* m_connection = nullptr;
};

} // namespace Meterline
