#pragma once

#include <QDialog>
#include <QIcon>

namespace Meterline
{

// The application icon (the gauge of resources/icons) at every embedded size, :/icons/meterline-<N>.png; the
// window icon of the dashboard. Null when meterline_resources is not linked.
QIcon applicationIcon();

// The icon, name, version, what the console is connected to, and the Qt it runs on.
class AboutDialog : public QDialog
{
    Q_OBJECT

public:
    AboutDialog(const QString& connection, QWidget* parent = nullptr);
};

} // namespace Meterline
