// TestInvoice: the invoice CSV of SPEC §4 (columns, RFC 4180 quoting, half-even amounts) and the invoice lines
// the Service builds for a period (docs/rules.md "Usage, summary, invoice").

#include <QBuffer>
#include <QTest>

#include "core/invoicecsv.h"
#include "core/periods.h"
#include "core/service.h"
#include "core/types.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

namespace
{

Money money(const QString& text)
{
    const auto m = Money::parse(text);
    if (!m)
        QTest::qFail(qPrintable(u"bad money literal "_s + text), __FILE__, __LINE__);
    return m.value_or(Money());
}

Price price(const QString& meterId, const QString& unitPrice, qint64 perUnits, double includedUnits)
{
    Price p;
    p.meterId = meterId;
    p.unitPrice = money(unitPrice);
    p.perUnits = perUnits;
    p.includedUnits = includedUnits;
    return p;
}

EventInput makeEvent(const QString& customerId, const QString& eventType, double value, const QDateTime& timestamp)
{
    EventInput in;
    in.customerId = customerId;
    in.eventType = eventType;
    in.value = value;
    in.timestamp = timestamp;
    return in;
}

// February 2026 seen from 2026-03-15 12:00Z (the TestStore's default now).
const QDateTime FebStart = utc(2026, 2, 1);
const QDateTime MarStart = utc(2026, 3, 1);

// Meters calls (count of llm.*), images (sum of image.gen), tokens (sum of llm.tokens), unpriced (sum of all).
// Plan pro (EUR): calls 0.01/1, images 0.5/1 with 10 included, tokens 2.00/1000 with 1000 included.
// Plan free (USD): tokens 1.00/3.
// Customers cust_b (pro), cust_a (pro, "Acme, Inc."), cust_c (free), cust_d (no plan), cust_e (pro, deleted).
void setUpInvoiceData(TestStore& store)
{
    const QList<std::tuple<QString, QString, Aggregation, QStringList>> meters{
        {u"calls"_s, u"LLM calls"_s, Aggregation::Count, {u"llm.*"_s}},
        {u"images"_s, u"Images"_s, Aggregation::Sum, {u"image.gen"_s}},
        {u"tokens"_s, u"Tokens"_s, Aggregation::Sum, {u"llm.tokens"_s}},
        {u"unpriced"_s, u"Unpriced"_s, Aggregation::Sum, {}},
    };
    for (const auto& [id, name, agg, types] : meters) {
        Meter m;
        m.id = id;
        m.name = name;
        m.aggregation = agg;
        m.eventTypes = types;
        auto r = store->createMeter(m);
        VERIFY_OK(r);
    }

    Plan pro;
    pro.id = u"pro"_s;
    pro.name = u"Pro"_s;
    pro.currency = u"EUR"_s;
    pro.prices = {price(u"tokens"_s, u"2"_s, 1000, 1000),
                  price(u"calls"_s, u"0.01"_s, 1, 0),
                  price(u"images"_s, u"0.5"_s, 1, 10)};
    auto p1 = store->createPlan(pro);
    VERIFY_OK(p1);
    Plan free;
    free.id = u"free"_s;
    free.name = u"Free"_s;
    free.prices = {price(u"tokens"_s, u"1"_s, 3, 0)};
    auto p2 = store->createPlan(free);
    VERIFY_OK(p2);

    const QList<std::tuple<QString, QString, QString, QString>> customers{
        {u"cust_b"_s, u"Beta"_s, u"pro"_s, QString()},
        {u"cust_a"_s, u"Acme, Inc."_s, u"pro"_s, u"cus_A1"_s},
        {u"cust_c"_s, u"Gamma \"G\""_s, u"free"_s, u"cus_C"_s},
        {u"cust_d"_s, u"Delta"_s, QString(), QString()},
        {u"cust_e"_s, u"Epsilon"_s, u"pro"_s, QString()},
    };
    for (const auto& [id, name, plan, external] : customers) {
        Customer c;
        c.id = id;
        c.name = name;
        c.planId = plan;
        c.externalId = external;
        auto r = store->createCustomer(c);
        VERIFY_OK(r);
    }

    const QList<EventInput> events{
        // cust_a tokens in February: 1000 at the first instant, 500, 1000 at the last millisecond -> 2500
        makeEvent(u"cust_a"_s, u"llm.tokens"_s, 1000, FebStart),
        makeEvent(u"cust_a"_s, u"llm.tokens"_s, 500, utc(2026, 2, 14, 9, 30)),
        makeEvent(u"cust_a"_s, u"llm.tokens"_s, 1000, MarStart.addMSecs(-1)),
        // outside February: one millisecond before, and exactly at period_end
        makeEvent(u"cust_a"_s, u"llm.tokens"_s, 100000, FebStart.addMSecs(-1)),
        makeEvent(u"cust_a"_s, u"llm.tokens"_s, 100000, MarStart),
        makeEvent(u"cust_a"_s, u"llm.completion"_s, 1, MarStart),
        // cust_b: 4 images, under the 10 included
        makeEvent(u"cust_b"_s, u"image.gen"_s, 4, utc(2026, 2, 10)),
        // cust_c on free: 1 token
        makeEvent(u"cust_c"_s, u"llm.tokens"_s, 1, utc(2026, 2, 20)),
        // cust_d has no plan; cust_e will be deleted
        makeEvent(u"cust_d"_s, u"llm.tokens"_s, 5000, utc(2026, 2, 20)),
        makeEvent(u"cust_e"_s, u"llm.tokens"_s, 5000, utc(2026, 2, 20)),
    };
    for (const auto& in : events) {
        auto r = store->record(in);
        VERIFY_OK(r);
    }
    auto deleted = store->deleteCustomer(u"cust_e"_s);
    VERIFY_OK(deleted);
}

struct Expected
{
    QString customerId;
    QString meterId;
    double quantity;
    double included;
    double billable;
    QString unitPrice;
    qint64 perUnits;
    QString amount;
};

} // namespace

class TestInvoice : public QObject
{
    Q_OBJECT

private slots:
    void header_isSpecColumnList();
    void field_quotesPerRfc4180_data();
    void field_quotesPerRfc4180();
    void quantity_shortestDecimal_data();
    void quantity_shortestDecimal();
    void amount_roundsHalfEven_data();
    void amount_roundsHalfEven();
    void row_formatsAndQuotes();
    void invoiceLines_monthRows();
    void invoiceLines_noCustomersNoRows();
    void writeInvoiceCsv_equalsHeaderAndRows();
    void writeInvoiceCsv_emptyIsHeaderOnly();
};

void TestInvoice::header_isSpecColumnList()
{
    QCOMPARE(InvoiceCsv::header(),
             QByteArray("period_start,period_end,customer_id,customer_name,external_id,plan_id,meter_id,meter_name,"
                        "quantity,included_units,billable_units,unit_price,per_units,amount,currency\r\n"));
}

void TestInvoice::field_quotesPerRfc4180_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::addRow("plain") << u"Acme"_s << u"Acme"_s;
    QTest::addRow("empty") << QString() << QString();
    QTest::addRow("inner space") << u"Acme Corp"_s << u"Acme Corp"_s;
    QTest::addRow("comma") << u"Acme, Inc."_s << u"\"Acme, Inc.\""_s;
    QTest::addRow("quote doubled") << u"say \"hi\""_s << u"\"say \"\"hi\"\"\""_s;
    QTest::addRow("only a quote") << u"\""_s << u"\"\"\"\""_s;
    QTest::addRow("newline") << u"line1\nline2"_s << u"\"line1\nline2\""_s;
    QTest::addRow("carriage return") << u"a\rb"_s << u"\"a\rb\""_s;
    QTest::addRow("crlf") << u"a\r\nb"_s << u"\"a\r\nb\""_s;
    QTest::addRow("everything") << u"a,\"b\"\nc"_s << u"\"a,\"\"b\"\"\nc\""_s;
    QTest::addRow("unicode unquoted") << u"Müller GmbH"_s << u"Müller GmbH"_s;
}

void TestInvoice::field_quotesPerRfc4180()
{
    QFETCH(QString, value);
    QFETCH(QString, expected);
    QCOMPARE(InvoiceCsv::field(value), expected);
}

void TestInvoice::quantity_shortestDecimal_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("expected");
    QTest::addRow("zero") << 0.0 << u"0"_s;
    QTest::addRow("integer") << 1500.0 << u"1500"_s;
    QTest::addRow("quarter") << 0.25 << u"0.25"_s;
    QTest::addRow("tenth") << 0.1 << u"0.1"_s;
    QTest::addRow("mixed") << 123456.789 << u"123456.789"_s;
    // Token counts run into millions: plain decimal text, no exponent.
    QTest::addRow("ten million") << 1e7 << u"10000000"_s;
    QTest::addRow("25 million") << 2.5e7 << u"25000000"_s;
}

void TestInvoice::quantity_shortestDecimal()
{
    QFETCH(double, value);
    QFETCH(QString, expected);
    QCOMPARE(InvoiceCsv::quantity(value), expected);
}

void TestInvoice::amount_roundsHalfEven_data()
{
    QTest::addColumn<double>("billable");
    QTest::addColumn<QString>("unitPrice");
    QTest::addColumn<qint64>("perUnits");
    QTest::addColumn<QString>("expected");

    // amount = billable / perUnits x unitPrice, half-even at 6 places (SPEC §4).
    QTest::addRow("0.0000025 -> 0.000002") << 1.0 << u"0.000005"_s << qint64(2) << u"0.000002"_s;
    QTest::addRow("0.0000035 -> 0.000004") << 1.0 << u"0.000007"_s << qint64(2) << u"0.000004"_s;
    QTest::addRow("half unit 0.0000025") << 0.5 << u"0.000005"_s << qint64(1) << u"0.000002"_s;
    QTest::addRow("half unit 0.0000035") << 0.5 << u"0.000007"_s << qint64(1) << u"0.000004"_s;
    QTest::addRow("0.0000045 -> 0.000004") << 1.0 << u"0.000009"_s << qint64(2) << u"0.000004"_s;
    QTest::addRow("1500 per 1000 at 2") << 1500.0 << u"2"_s << qint64(1000) << u"3.000000"_s;
    QTest::addRow("500 per 1000 at 2") << 500.0 << u"2"_s << qint64(1000) << u"1.000000"_s;
    QTest::addRow("1 per 3 at 1") << 1.0 << u"1"_s << qint64(3) << u"0.333333"_s;
    QTest::addRow("2 per 3 at 1") << 2.0 << u"1"_s << qint64(3) << u"0.666667"_s;
    QTest::addRow("zero billable") << 0.0 << u"2"_s << qint64(1000) << u"0.000000"_s;
    QTest::addRow("zero price") << 1234.0 << u"0"_s << qint64(1) << u"0.000000"_s;
    QTest::addRow("0.1 x 0.1") << 0.1 << u"0.1"_s << qint64(1) << u"0.010000"_s;
    QTest::addRow("1234567 per 1000 at 0.002") << 1234567.0 << u"0.002"_s << qint64(1000) << u"2.469134"_s;
    QTest::addRow("1234567 per 1000 at 2.5") << 1234567.0 << u"2.5"_s << qint64(1000) << u"3086.417500"_s;
    QTest::addRow("per million tokens") << 2500000.0 << u"15"_s << qint64(1000000) << u"37.500000"_s;
    QTest::addRow("large, beyond 64-bit intermediates") << 1e9 << u"1000"_s << qint64(1) << u"1000000000000.000000"_s;
    // Past what Money holds (10^12 units) the amount stops at its largest, never a wrapped-around figure.
    QTest::addRow("just past the largest amount") << 1e9 << u"1000.000001"_s << qint64(1) << u"1000000000000.000000"_s;
    QTest::addRow("far past the largest amount")
        << 1e12 << u"1000000000000"_s << qint64(1) << u"1000000000000.000000"_s;
    QTest::addRow("far past, negative price") << 1e12 << u"-1000000000000"_s << qint64(1) << u"-1000000000000.000000"_s;
}

void TestInvoice::amount_roundsHalfEven()
{
    QFETCH(double, billable);
    QFETCH(QString, unitPrice);
    QFETCH(qint64, perUnits);
    QFETCH(QString, expected);
    QCOMPARE(InvoiceCsv::amount(billable, money(unitPrice), perUnits).toString(), expected);
}

void TestInvoice::row_formatsAndQuotes()
{
    InvoiceLine line;
    line.periodStart = utc(2026, 3, 1);
    line.periodEnd = utc(2026, 4, 1);
    line.customerId = u"cust_a"_s;
    line.customerName = u"Acme, Inc."_s;
    line.externalId = u"cus_123"_s;
    line.planId = u"pro"_s;
    line.meterId = u"tokens"_s;
    line.meterName = u"Tokens \"GPT\""_s;
    line.quantity = 1500;
    line.includedUnits = 1000;
    line.billableUnits = 500;
    line.unitPrice = money(u"2"_s);
    line.perUnits = 1000;
    line.amount = money(u"1"_s);
    line.currency = u"USD"_s;

    QCOMPARE(InvoiceCsv::row(line),
             QByteArray("2026-03-01T00:00:00Z,2026-04-01T00:00:00Z,cust_a,\"Acme, Inc.\",cus_123,pro,tokens,"
                        "\"Tokens \"\"GPT\"\"\",1500,1000,500,2.000000,1000,1.000000,USD\r\n"));

    // Empty optional fields stay empty; UTF-8 text is written as UTF-8.
    line.externalId.clear();
    line.customerName = u"Müller"_s;
    line.meterName = u"Tokens"_s;
    line.quantity = 0.25;
    line.includedUnits = 0;
    line.billableUnits = 0.25;
    line.perUnits = 1;
    line.amount = money(u"0.5"_s);
    QCOMPARE(InvoiceCsv::row(line),
             QByteArray("2026-03-01T00:00:00Z,2026-04-01T00:00:00Z,cust_a,M\xc3\xbcller,,pro,tokens,Tokens,0.25,0,0.25,"
                        "2.000000,1,0.500000,USD\r\n"));
}

void TestInvoice::invoiceLines_monthRows()
{
    TestStore store;
    CHECKED(setUpInvoiceData(store));

    auto range = store->resolvePeriod(NamedPeriod::PreviousMonth);
    VERIFY_OK(range);
    QCOMPARE(range->from, FebStart);
    QCOMPARE(range->to, MarStart);

    auto lines = store->invoiceLines(*range);
    VERIFY_OK(lines);

    const QList<Expected> expected{
        {u"cust_a"_s, u"calls"_s, 3, 0, 3, u"0.010000"_s, 1, u"0.030000"_s},
        {u"cust_a"_s, u"images"_s, 0, 10, 0, u"0.500000"_s, 1, u"0.000000"_s},
        {u"cust_a"_s, u"tokens"_s, 2500, 1000, 1500, u"2.000000"_s, 1000, u"3.000000"_s},
        {u"cust_b"_s, u"calls"_s, 0, 0, 0, u"0.010000"_s, 1, u"0.000000"_s},
        {u"cust_b"_s, u"images"_s, 4, 10, 0, u"0.500000"_s, 1, u"0.000000"_s}, // billable never negative
        {u"cust_b"_s, u"tokens"_s, 0, 1000, 0, u"2.000000"_s, 1000, u"0.000000"_s},
        {u"cust_c"_s, u"tokens"_s, 1, 0, 1, u"1.000000"_s, 3, u"0.333333"_s},
    };
    QStringList got;
    for (const auto& l : *lines)
        got << l.customerId + u'/' + l.meterId;
    QStringList want;
    for (const auto& e : expected)
        want << e.customerId + u'/' + e.meterId;
    // Ordered by customer id, then meter id; no plan (cust_d), deleted (cust_e) and unpriced meters have no rows.
    QCOMPARE(got, want);

    for (int i = 0; i < expected.size(); ++i) {
        const auto& l = lines->at(i);
        const auto& e = expected.at(i);
        const QByteArray where = (e.customerId + u'/' + e.meterId).toUtf8();
        QVERIFY2(l.periodStart == FebStart, where);
        QVERIFY2(l.periodEnd == MarStart, where);
        QVERIFY2(l.quantity == e.quantity, where + " quantity " + QByteArray::number(l.quantity));
        QVERIFY2(l.includedUnits == e.included, where + " included " + QByteArray::number(l.includedUnits));
        QVERIFY2(l.billableUnits == e.billable, where + " billable " + QByteArray::number(l.billableUnits));
        QVERIFY2(l.unitPrice.toString() == e.unitPrice, where + " unitPrice " + l.unitPrice.toString().toUtf8());
        QVERIFY2(l.perUnits == e.perUnits, where + " perUnits " + QByteArray::number(l.perUnits));
        QVERIFY2(l.amount.toString() == e.amount, where + " amount " + l.amount.toString().toUtf8());
    }

    const auto& a = lines->at(2);
    QCOMPARE(a.customerName, u"Acme, Inc."_s);
    QCOMPARE(a.externalId, u"cus_A1"_s);
    QCOMPARE(a.planId, u"pro"_s);
    QCOMPARE(a.meterName, u"Tokens"_s);
    QCOMPARE(a.currency, u"EUR"_s);
    const auto& b = lines->at(3);
    QCOMPARE(b.customerName, u"Beta"_s);
    QVERIFY(b.externalId.isEmpty());
    QCOMPARE(b.meterName, u"LLM calls"_s);
    const auto& c = lines->at(6);
    QCOMPARE(c.customerName, u"Gamma \"G\""_s);
    QCOMPARE(c.planId, u"free"_s);
    QCOMPARE(c.currency, u"USD"_s);
}

void TestInvoice::invoiceLines_noCustomersNoRows()
{
    TestStore store;
    auto lines = store->invoiceLines(TimeRange{FebStart, MarStart});
    VERIFY_OK(lines);
    QVERIFY(lines->isEmpty());
}

void TestInvoice::writeInvoiceCsv_equalsHeaderAndRows()
{
    TestStore store;
    CHECKED(setUpInvoiceData(store));
    const TimeRange range{FebStart, MarStart};

    auto lines = store->invoiceLines(range);
    VERIFY_OK(lines);
    QCOMPARE(lines->size(), 7);
    QByteArray expected = InvoiceCsv::header();
    for (const auto& l : *lines)
        expected += InvoiceCsv::row(l);

    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    auto written = store->writeInvoiceCsv(range, buffer);
    VERIFY_OK(written);
    buffer.close();
    QCOMPARE(buffer.data(), expected);
    QCOMPARE(buffer.data().count("\r\n"), qsizetype(8));
    QVERIFY(buffer.data().contains(
        "2026-02-01T00:00:00Z,2026-03-01T00:00:00Z,cust_a,\"Acme, Inc.\",cus_A1,pro,tokens,Tokens,2500,1000,1500,"
        "2.000000,1000,3.000000,EUR\r\n"));
    QVERIFY(
        buffer.data().contains("cust_c,\"Gamma \"\"G\"\"\",cus_C,free,tokens,Tokens,1,0,1,1.000000,3,0.333333,USD"));
}

void TestInvoice::writeInvoiceCsv_emptyIsHeaderOnly()
{
    TestStore store;
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    auto written = store->writeInvoiceCsv(TimeRange{FebStart, MarStart}, buffer);
    VERIFY_OK(written);
    QCOMPARE(buffer.data(), InvoiceCsv::header());
}

QTEST_GUILESS_MAIN(TestInvoice)
#include "testinvoice.moc"
