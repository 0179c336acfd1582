#include <QLineEdit>
#include <QPushButton>
#include <QTest>

#include "sync/topupflow.h"
#include "tests/ui/uitestsupport.h"
#include "ui/dialogs/topupdialog.h"
#include "ui/pages/customeractions.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

constexpr int AnswerTimeoutMs = 20'000;

// Credits in the customer's ledger that carry this idempotency key.
int creditsWithKey(Service& service, const QString& customerId, const QString& key)
{
    auto page = service.transactions(customerId, {}, 1000);
    if (!page.ok())
        return -1;
    int n = 0;
    for (const LedgerTransaction& t : page->data)
        n += t.kind == TransactionKind::Credit && t.idempotencyKey == key;
    return n;
}

} // namespace

// The manual top-up at the widget level, against a real local store through the sync client: the form checks
// its input, the review shows the balance now and after, the answer shows the new balance from the ledger.
// (The time-out and retry-once path through the worker is tested in tests/sync.)
class TestTopUpDialog : public QObject
{
    Q_OBJECT

private slots:
    void fillConfirm_showsTheNewBalanceAndCreditsOnce();
    void badInput_staysOnTheFormWithAMessage_data();
    void badInput_staysOnTheFormWithAMessage();
    void refusal_showsTheReasonAndRetryKeepsTheKey();
};

void TestTopUpDialog::fillConfirm_showsTheNewBalanceAndCreditsOnce()
{
    Testing::Dashboard dashboard;
    QVERIFY(dashboard.open());
    auto before = dashboard.store->balance(u"cust_acme"_s);
    VERIFY_OK(before);

    TopUpDialog* dialog = dashboard.window.customerActions()->topUp(u"cust_acme"_s);
    QVERIFY(dialog);
    QCOMPARE(dialog->step(), TopUpDialog::Step::Form);
    QTest::keyClicks(dialog->amountEdit(), u"25.5"_s);
    QTest::keyClicks(dialog->reasonEdit(), u"wire INV-1042"_s);
    QTest::mouseClick(dialog->reviewButton(), Qt::LeftButton);
    QCOMPARE(dialog->step(), TopUpDialog::Step::Review);
    const Money amount = Money::fromMicros(25'500'000);
    QVERIFY2(dialog->reviewText().contains(u"Balance now: "_s + before->balance.toString()),
             qPrintable(dialog->reviewText()));
    QVERIFY2(dialog->reviewText().contains(u"Balance after: "_s + (before->balance + amount).toString()),
             qPrintable(dialog->reviewText()));

    QTest::mouseClick(dialog->confirmButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->step(), TopUpDialog::Step::Done, AnswerTimeoutMs);
    auto after = dashboard.store->balance(u"cust_acme"_s);
    VERIFY_OK(after);
    QCOMPARE(after->balance, before->balance + amount);
    QVERIFY2(dialog->resultText().contains(u"New balance: "_s + after->balance.toString()),
             qPrintable(dialog->resultText()));
    QCOMPARE(creditsWithKey(dashboard.store.service(), u"cust_acme"_s, dialog->flow()->idempotencyKey()), 1);
    dialog->close();
}

void TestTopUpDialog::badInput_staysOnTheFormWithAMessage_data()
{
    QTest::addColumn<QString>("amount");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("message");
    QTest::addRow("no amount") << QString() << u"r"_s << u"Enter the amount"_s;
    QTest::addRow("not a number") << u"ten"_s << u"r"_s << u"must be a number"_s;
    QTest::addRow("seven decimals") << u"1.0000001"_s << u"r"_s << u"at most 6 decimals"_s;
    QTest::addRow("zero") << u"0"_s << u"r"_s << u"greater than zero"_s;
    QTest::addRow("negative") << u"-5"_s << u"r"_s << u"greater than zero"_s;
    QTest::addRow("no reason") << u"5"_s << u"  "_s << u"Enter a reason"_s;
}

void TestTopUpDialog::badInput_staysOnTheFormWithAMessage()
{
    QFETCH(QString, amount);
    QFETCH(QString, reason);
    QFETCH(QString, message);
    Testing::Dashboard dashboard;
    QVERIFY(dashboard.open());
    TopUpDialog* dialog = dashboard.window.customerActions()->topUp(u"cust_acme"_s);
    QVERIFY(dialog);
    dialog->amountEdit()->setText(amount);
    dialog->reasonEdit()->setText(reason);
    QTest::mouseClick(dialog->reviewButton(), Qt::LeftButton);
    QCOMPARE(dialog->step(), TopUpDialog::Step::Form);
    QVERIFY2(dialog->errorText().contains(message), qPrintable(dialog->errorText()));
    dialog->close();
}

void TestTopUpDialog::refusal_showsTheReasonAndRetryKeepsTheKey()
{
    Testing::Dashboard dashboard;
    QVERIFY(dashboard.open());
    TopUpDialog* dialog = dashboard.window.customerActions()->topUp(u"cust_hooli"_s);
    QVERIFY(dialog);
    const QString key = dialog->flow()->idempotencyKey();
    const Status deleted = dashboard.store->deleteCustomer(u"cust_hooli"_s); // gone before the operator confirms
    VERIFY_OK(deleted);

    dialog->amountEdit()->setText(u"10"_s);
    dialog->reasonEdit()->setText(u"goodwill"_s);
    QTest::mouseClick(dialog->reviewButton(), Qt::LeftButton);
    QTest::mouseClick(dialog->confirmButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->step(), TopUpDialog::Step::Failed, AnswerTimeoutMs);
    QVERIFY2(dialog->resultText().contains(u"not confirmed"_s), qPrintable(dialog->resultText()));
    QVERIFY(dialog->amountEdit()->isReadOnly()); // the same top-up, or a new dialog

    QTest::mouseClick(dialog->retryButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->step(), TopUpDialog::Step::Failed, AnswerTimeoutMs);
    QCOMPARE(dialog->flow()->idempotencyKey(), key);
    dialog->close();
}

QTEST_MAIN(TestTopUpDialog)
#include "testtopupdialog.moc"
