// The product brief's flow end to end through the facade: check → call → record, until the cap denies, then
// read the meter and bill it.

#include <QBuffer>
#include <QTest>

#include "core/invoicecsv.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;

class TestSeedFlow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void checkCallRecordBill()
    {
        TestStore store(utc(2026, 4, 10, 9, 30));
        Meter tokens;
        tokens.id = QStringLiteral("llm-tokens");
        tokens.name = QStringLiteral("LLM tokens");
        tokens.eventTypes = {QStringLiteral("llm.*")};
        QVERIFY(store->createMeter(tokens).ok());

        Plan pro;
        pro.id = QStringLiteral("pro");
        pro.name = QStringLiteral("Pro");
        Limit monthly;
        monthly.meterId = tokens.id;
        monthly.period = Period::Month;
        monthly.value = 10000;
        pro.limits << monthly;
        Price perToken;
        perToken.meterId = tokens.id;
        perToken.unitPrice = *Money::parse(u"0.002");
        perToken.perUnits = 1000;
        perToken.includedUnits = 2000;
        pro.prices << perToken;
        QVERIFY(store->createPlan(pro).ok());

        Customer acme;
        acme.id = QStringLiteral("cust_acme");
        acme.name = QStringLiteral("Acme, Inc.");
        acme.planId = pro.id;
        acme.externalId = QStringLiteral("cus_abc123");
        QVERIFY(store->createCustomer(acme).ok());

        // Four requests of 2,500 tokens reach the cap exactly; the fifth check is denied.
        for (int request = 0; request < 4; ++request) {
            auto check = store->check({acme.id, tokens.id, {}, 300});
            QVERIFY(check.ok());
            QVERIFY2(check->allowed, qPrintable(QStringLiteral("request %1").arg(request)));
            EventInput completion;
            completion.customerId = acme.id;
            completion.eventType = QStringLiteral("llm.completion");
            completion.value = 2500;
            completion.dimensions = {{QStringLiteral("model"), QStringLiteral("gpt-4o")}};
            QVERIFY(store->record(completion).ok());
            store.advance(60 * 1000);
        }
        auto denied = store->check({acme.id, tokens.id, {}, 300});
        QVERIFY(denied.ok());
        QVERIFY(!denied->allowed);
        QCOMPARE(denied->reason, QStringLiteral("limit_exceeded"));
        QCOMPARE(denied->used, 10000.0);
        QCOMPARE(*denied->remaining, 0.0);
        QCOMPARE(*denied->resetsAt, utc(2026, 5, 1));

        UsageQuery query;
        query.meterId = tokens.id;
        query.customerId = acme.id;
        query.period = NamedPeriod::CurrentMonth;
        auto usage = store->usage(query);
        QVERIFY(usage.ok());
        QCOMPARE(usage->value, 10000.0);

        // Next month the invoice bills (10,000 − 2,000 included) / 1,000 × 0.002 = 0.016.
        store.setNow(utc(2026, 5, 2));
        auto range = store->resolvePeriod(NamedPeriod::PreviousMonth);
        QVERIFY(range.ok());
        QBuffer csv;
        QVERIFY(csv.open(QIODevice::WriteOnly));
        QVERIFY(store->writeInvoiceCsv(*range, csv).ok());
        const QByteArray expected =
            InvoiceCsv::header()
            + "2026-04-01T00:00:00Z,2026-05-01T00:00:00Z,cust_acme,\"Acme, Inc.\",cus_abc123,pro,llm-tokens,"
              "LLM tokens,10000,2000,8000,0.002000,1000,0.016000,USD\r\n";
        QCOMPARE(csv.data(), expected);

        // And the new month starts fresh.
        auto fresh = store->check({acme.id, tokens.id, {}, 300});
        QVERIFY(fresh.ok());
        QVERIFY(fresh->allowed);
        QCOMPARE(fresh->used, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestSeedFlow)
#include "testseedflow.moc"
