#pragma once

#include <QStyledItemDelegate>

#include "ui/dashboardsettings.h"

namespace Meterline
{

// Shows an amount from the model's raw role (qlonglong micros) right-aligned, in the format the settings ask
// for. A cell without a raw value falls back to its display text.
class MoneyDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit MoneyDelegate(const DashboardSettings* settings, int microsRole = Qt::UserRole, QObject* parent = nullptr);

    QString displayText(const QVariant& value, const QLocale& locale) const override;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;

private:
    const DashboardSettings* m_settings;
    int m_microsRole;
};

} // namespace Meterline
