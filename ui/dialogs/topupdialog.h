#pragma once

#include <QDialog>

#include "core/types.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;

namespace Meterline
{

namespace Dashboard
{
class TopUpFlow;
}

// A manual credit top-up in four steps: the amount and a reason; a review that shows the balance now and
// after; sending; the answer with the new balance (or the failure, with Retry). The TopUpFlow behind it holds
// one idempotency key for the dialog's whole life, so Retry after a time-out never credits twice; once sent,
// the amount and reason are fixed for the same reason. The dialog only shows the flow's states.
class TopUpDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Step
    {
        Form,
        Review,
        Sending,
        Done,
        Queued,
        Failed
    };

    // The flow (made for this dialog, for one customer) must outlive the dialog or be its child.
    TopUpDialog(Dashboard::TopUpFlow* flow,
                const QString& customerName,
                const Balance& current,
                QWidget* parent = nullptr);

    Dashboard::TopUpFlow* flow() const { return m_flow; }
    Step step() const { return m_step; }
    QString errorText() const;
    QString reviewText() const;
    QString resultText() const;

    QLineEdit* amountEdit() const { return m_amountEdit; }
    QLineEdit* reasonEdit() const { return m_reason; }
    QPushButton* reviewButton() const { return m_reviewButton; }
    QPushButton* confirmButton() const { return m_confirmButton; }
    QPushButton* retryButton() const { return m_retryButton; }

private:
    void showSucceeded(const Meterline::Balance& balance, bool duplicate);
    void showQueued();
    void showFailed(const QString& message);
    void review();
    void send();
    void setStep(Step step);
    QWidget* formPage();
    QWidget* reviewPage();
    QWidget* sendingPage();
    QWidget* donePage();
    QWidget* queuedPage();
    QWidget* failedPage();

    Dashboard::TopUpFlow* m_flow;
    QString m_customerName;
    Balance m_current;
    Money m_amount;
    QString m_reasonText;
    Step m_step = Step::Form;

    QStackedWidget* m_pages = nullptr;
    QLineEdit* m_amountEdit = nullptr;
    QLineEdit* m_reason = nullptr;
    QLabel* m_formError = nullptr;
    QLabel* m_review = nullptr;
    QLabel* m_result = nullptr;
    QLabel* m_queued = nullptr;
    QLabel* m_failure = nullptr;
    QPushButton* m_reviewButton = nullptr;
    QPushButton* m_confirmButton = nullptr;
    QPushButton* m_retryButton = nullptr;
};

} // namespace Meterline
