#include "ui/dialogs/topupdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "sync/topupflow.h"
#include "ui/charts/chartpalette.h"

namespace Meterline
{

namespace
{

QLabel* wrappingLabel(const QString& objectName, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QWidget* pageWith(QWidget* parent, QWidget* body, QDialogButtonBox* buttons)
{
    auto* page = new QWidget(parent);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(body);
    layout->addStretch(1);
    layout->addWidget(buttons);
    return page;
}

} // namespace

TopUpDialog::TopUpDialog(Dashboard::TopUpFlow* flow,
                         const QString& customerName,
                         const Balance& current,
                         QWidget* parent)
    : QDialog(parent)
    , m_flow(flow)
    , m_customerName(customerName.isEmpty() ? flow->customerId() : customerName)
    , m_current(current)
{
    setWindowTitle(tr("Top Up %1").arg(m_customerName));
    connect(flow, &Dashboard::TopUpFlow::succeeded, this, &TopUpDialog::showSucceeded);
    connect(flow, &Dashboard::TopUpFlow::queued, this, &TopUpDialog::showQueued);
    connect(flow, &Dashboard::TopUpFlow::failed, this, &TopUpDialog::showFailed);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(formPage());
    m_pages->addWidget(reviewPage());
    m_pages->addWidget(sendingPage());
    m_pages->addWidget(donePage());
    m_pages->addWidget(queuedPage());
    m_pages->addWidget(failedPage());
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
    setMinimumWidth(fontMetrics().averageCharWidth() * 60);
    setStep(Step::Form);
}

QWidget* TopUpDialog::formPage()
{
    auto* body = new QWidget(this);
    auto* form = new QFormLayout(body);
    form->setContentsMargins(0, 0, 0, 0);
    auto* balance =
        new QLabel(tr("%1 (available %2)").arg(m_current.balance.toString(), m_current.available().toString()), body);
    balance->setObjectName(QStringLiteral("currentBalanceLabel"));
    m_amountEdit = new QLineEdit(body);
    m_amountEdit->setObjectName(QStringLiteral("amountEdit"));
    m_amountEdit->setPlaceholderText(tr("credits, e.g. 25 or 12.5"));
    m_reason = new QLineEdit(body);
    m_reason->setObjectName(QStringLiteral("reasonEdit"));
    m_reason->setPlaceholderText(tr("e.g. invoice INV-1042 paid"));
    m_formError = wrappingLabel(QStringLiteral("errorLabel"), body);
    QPalette errorPalette = m_formError->palette();
    errorPalette.setColor(QPalette::WindowText, ChartPalette::over());
    m_formError->setPalette(errorPalette);
    m_formError->hide();
    form->addRow(tr("Customer:"), new QLabel(tr("%1 (%2)").arg(m_customerName, m_flow->customerId()), body));
    form->addRow(tr("Balance now:"), balance);
    form->addRow(tr("&Amount:"), m_amountEdit);
    form->addRow(tr("&Reason:"), m_reason);
    form->addRow(m_formError);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_reviewButton = buttons->addButton(tr("&Review\u2026"), QDialogButtonBox::AcceptRole);
    m_reviewButton->setObjectName(QStringLiteral("reviewButton"));
    m_reviewButton->setDefault(true);
    connect(m_reviewButton, &QPushButton::clicked, this, &TopUpDialog::review);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    return pageWith(this, body, buttons);
}

QWidget* TopUpDialog::reviewPage()
{
    m_review = wrappingLabel(QStringLiteral("reviewLabel"), this);
    auto* buttons = new QDialogButtonBox(this);
    QPushButton* back = buttons->addButton(tr("&Back"), QDialogButtonBox::RejectRole);
    m_confirmButton = buttons->addButton(tr("&Credit"), QDialogButtonBox::AcceptRole);
    m_confirmButton->setObjectName(QStringLiteral("confirmButton"));
    m_confirmButton->setDefault(true);
    connect(back, &QPushButton::clicked, this, [this] { setStep(Step::Form); });
    connect(m_confirmButton, &QPushButton::clicked, this, &TopUpDialog::send);
    return pageWith(this, m_review, buttons);
}

QWidget* TopUpDialog::sendingPage()
{
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Sending the top-up\u2026"), body));
    auto* busy = new QProgressBar(body);
    busy->setRange(0, 0);
    layout->addWidget(busy);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    // Closing does not cancel: the answer still lands in the ledger; the balance shows it after the next sync.
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    return pageWith(this, body, buttons);
}

QWidget* TopUpDialog::donePage()
{
    m_result = wrappingLabel(QStringLiteral("resultLabel"), this);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
    return pageWith(this, m_result, buttons);
}

QWidget* TopUpDialog::queuedPage()
{
    m_queued = wrappingLabel(QStringLiteral("queuedLabel"), this);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
    return pageWith(this, m_queued, buttons);
}

QWidget* TopUpDialog::failedPage()
{
    m_failure = wrappingLabel(QStringLiteral("failureLabel"), this);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_retryButton = buttons->addButton(tr("&Retry"), QDialogButtonBox::AcceptRole);
    m_retryButton->setObjectName(QStringLiteral("retryButton"));
    m_retryButton->setDefault(true);
    connect(m_retryButton, &QPushButton::clicked, this, &TopUpDialog::send);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    return pageWith(this, m_failure, buttons);
}

void TopUpDialog::setStep(Step step)
{
    m_step = step;
    m_pages->setCurrentIndex(int(step));
    if (step == Step::Form)
        m_amountEdit->setFocus(Qt::OtherFocusReason);
}

QString TopUpDialog::errorText() const
{
    return m_formError->isHidden() ? QString() : m_formError->text();
}

QString TopUpDialog::reviewText() const
{
    return m_review->text();
}

QString TopUpDialog::resultText() const
{
    switch (m_step) {
    case Step::Failed:
        return m_failure->text();
    case Step::Queued:
        return m_queued->text();
    default:
        return m_result->text();
    }
}

void TopUpDialog::review()
{
    const auto amount = Money::parse(m_amountEdit->text().trimmed());
    QString problem;
    QWidget* field = m_amountEdit;
    if (m_amountEdit->text().trimmed().isEmpty())
        problem = tr("Enter the amount to credit.");
    else if (!amount)
        problem = tr("The amount must be a number with at most 6 decimals, e.g. 25 or 12.5.");
    else if (!amount->isPositive())
        problem = tr("The amount must be greater than zero.");
    else if (m_reason->text().trimmed().isEmpty()) {
        problem = tr("Enter a reason: it is kept in the ledger with the credit.");
        field = m_reason;
    }
    m_formError->setText(problem);
    m_formError->setVisible(!problem.isEmpty());
    if (!problem.isEmpty()) {
        field->setFocus(Qt::OtherFocusReason);
        return;
    }
    m_amount = *amount;
    m_reasonText = m_reason->text().trimmed();
    // What the balance will be if nothing else moves it meanwhile; the answer shows the real one.
    m_review->setText(tr("Credit %1 to %2?\n\nBalance now: %3\nBalance after: %4\n\nReason: %5")
                          .arg(m_amount.toString(),
                               m_customerName,
                               m_current.balance.toString(),
                               (m_current.balance + m_amount).toString(),
                               m_reasonText));
    setStep(Step::Review);
}

void TopUpDialog::send()
{
    // Fixed from the first send on: the same key must always carry the same amount.
    m_amountEdit->setReadOnly(true);
    m_reason->setReadOnly(true);
    setStep(Step::Sending);
    // The flow sends with its one key; it refuses (failed) only what core would refuse too.
    m_flow->confirm(m_amount, m_reasonText);
}

void TopUpDialog::showSucceeded(const Balance& balance, bool duplicate)
{
    const QString text = duplicate
                             ? tr("This top-up had already been credited (an earlier attempt reached the server).")
                             : tr("Credited %1 to %2.").arg(m_amount.toString(), m_customerName);
    m_result->setText(tr("%1\n\nNew balance: %2\nAvailable: %3")
                          .arg(text, balance.balance.toString(), balance.available().toString()));
    setStep(Step::Done);
}

void TopUpDialog::showQueued()
{
    m_queued->setText(tr("The server cannot be reached. The top-up of %1 waits in the local queue and is sent, "
                         "once, when the server is back.")
                          .arg(m_amount.toString()));
    setStep(Step::Queued);
}

void TopUpDialog::showFailed(const QString& message)
{
    m_failure->setText(tr("The top-up was not confirmed: %1\n\nRetry sends the same top-up again; it is credited at "
                          "most once.")
                           .arg(message));
    setStep(Step::Failed);
}

} // namespace Meterline
