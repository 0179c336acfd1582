#pragma once

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace Meterline
{

// Shows a secret that exists only now (a new API key, a webhook signing secret): selectable, with a Copy
// button and a warning that it cannot be shown again.
class SecretDialog : public QDialog
{
    Q_OBJECT

public:
    SecretDialog(const QString& title, const QString& explanation, const QString& secret, QWidget* parent = nullptr);

    QString secret() const;
    QPushButton* copyButton() const { return m_copy; }

private:
    QLineEdit* m_secret = nullptr;
    QPushButton* m_copy = nullptr;
};

} // namespace Meterline
