#include "ui/dialogs/secretdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Meterline
{

SecretDialog::SecretDialog(const QString& title, const QString& explanation, const QString& secret, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(title);
    auto* layout = new QVBoxLayout(this);
    auto* text = new QLabel(explanation, this);
    text->setWordWrap(true);
    layout->addWidget(text);
    auto* row = new QHBoxLayout;
    m_secret = new QLineEdit(secret, this);
    m_secret->setObjectName(QStringLiteral("secretEdit"));
    m_secret->setReadOnly(true);
    m_secret->setMinimumWidth(m_secret->fontMetrics().horizontalAdvance(secret) + 4 * fontMetrics().averageCharWidth());
    row->addWidget(m_secret, 1);
    m_copy = new QPushButton(tr("&Copy"), this);
    m_copy->setObjectName(QStringLiteral("copyButton"));
    row->addWidget(m_copy);
    layout->addLayout(row);
    auto* warning =
        new QLabel(tr("<b>This is the only time it is shown.</b> Store it now; it cannot be read again."), this);
    warning->setWordWrap(true);
    layout->addWidget(warning);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_secret->text());
        m_copy->setText(tr("Copied"));
    });
    m_secret->selectAll();
}

QString SecretDialog::secret() const
{
    return m_secret->text();
}

} // namespace Meterline
