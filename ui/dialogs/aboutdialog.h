#pragma once

#include <QDialog>

namespace Meterline
{

// Name, version, what the console is connected to, and the Qt it runs on.
class AboutDialog : public QDialog
{
    Q_OBJECT

public:
    AboutDialog(const QString& connection, QWidget* parent = nullptr);
};

} // namespace Meterline
