// TestMoney: fixed-point money (SPEC §2 "Money and credits are fixed-point, 6 decimal places") and the one
// half-even rounding function (SPEC §4).

#include <QTest>
#include <limits>

#include "core/money.h"

using namespace Meterline;
using namespace Qt::StringLiterals;

class TestMoney : public QObject
{
    Q_OBJECT

private slots:
    void parse_acceptsDecimals_data();
    void parse_acceptsDecimals();
    void parse_rejectsMalformed_data();
    void parse_rejectsMalformed();
    void toString_alwaysSixPlaces_data();
    void toString_alwaysSixPlaces();
    void parse_toStringRoundTrips();
    void addition_isExact();
    void arithmetic_andComparison();
    void divideRoundHalfEven_rows_data();
    void divideRoundHalfEven_rows();
    void divideRoundHalfEven_wideNumerator();
    void quantityToMicros_rows_data();
    void quantityToMicros_rows();
};

void TestMoney::parse_acceptsDecimals_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("micros");

    QTest::addRow("integer") << u"12"_s << qint64(12'000'000);
    QTest::addRow("one decimal") << u"12.5"_s << qint64(12'500'000);
    QTest::addRow("six decimals") << u"12.123456"_s << qint64(12'123'456);
    QTest::addRow("smallest unit") << u"0.000001"_s << qint64(1);
    QTest::addRow("negative") << u"-3.25"_s << qint64(-3'250'000);
    QTest::addRow("negative smallest") << u"-0.000001"_s << qint64(-1);
    QTest::addRow("explicit plus") << u"+1"_s << qint64(1'000'000);
    QTest::addRow("plus with decimals") << u"+3.25"_s << qint64(3'250'000);
    QTest::addRow("zero") << u"0"_s << qint64(0);
    QTest::addRow("zero six places") << u"0.000000"_s << qint64(0);
    QTest::addRow("trailing zeros") << u"1.500000"_s << qint64(1'500'000);
    QTest::addRow("at MaxMicros") << u"1000000000000"_s << Money::MaxMicros;
    QTest::addRow("at -MaxMicros") << u"-1000000000000"_s << -Money::MaxMicros;
    QTest::addRow("one micro below MaxMicros") << u"999999999999.999999"_s << Money::MaxMicros - 1;
}

void TestMoney::parse_acceptsDecimals()
{
    QFETCH(QString, text);
    QFETCH(qint64, micros);

    const auto parsed = Money::parse(text);
    QVERIFY2(parsed.has_value(), qPrintable(text));
    QCOMPARE(parsed->micros(), micros);
}

void TestMoney::parse_rejectsMalformed_data()
{
    QTest::addColumn<QString>("text");

    QTest::addRow("empty") << QString();
    QTest::addRow("seven places") << u"1.0000001"_s;
    QTest::addRow("seven places zero") << u"1.0000000"_s;
    QTest::addRow("exponent") << u"1e3"_s;
    QTest::addRow("exponent upper") << u"1E3"_s;
    QTest::addRow("letters") << u"abc"_s;
    QTest::addRow("decimal comma") << u"1,5"_s;
    QTest::addRow("leading space") << u" 1"_s;
    QTest::addRow("trailing space") << u"1 "_s;
    QTest::addRow("nan") << u"nan"_s;
    QTest::addRow("inf") << u"inf"_s;
    QTest::addRow("sign only") << u"-"_s;
    QTest::addRow("two signs") << u"--1"_s;
    QTest::addRow("two points") << u"1.2.3"_s;
    QTest::addRow("hex") << u"0x10"_s;
    QTest::addRow("one micro over MaxMicros") << u"1000000000000.000001"_s;
    QTest::addRow("one unit over MaxMicros") << u"1000000000001"_s;
    QTest::addRow("below -MaxMicros") << u"-1000000000000.000001"_s;
    QTest::addRow("beyond qint64") << u"99999999999999999999999999"_s;
}

void TestMoney::parse_rejectsMalformed()
{
    QFETCH(QString, text);

    const auto parsed = Money::parse(text);
    QVERIFY2(!parsed.has_value(),
             qPrintable(u"accepted '%1' as %2"_s.arg(text, parsed ? parsed->toString() : QString())));
}

void TestMoney::toString_alwaysSixPlaces_data()
{
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<QString>("text");

    QTest::addRow("zero") << qint64(0) << u"0.000000"_s;
    QTest::addRow("smallest") << qint64(1) << u"0.000001"_s;
    QTest::addRow("negative smallest") << qint64(-1) << u"-0.000001"_s;
    QTest::addRow("whole") << qint64(12'000'000) << u"12.000000"_s;
    QTest::addRow("half") << qint64(12'500'000) << u"12.500000"_s;
    QTest::addRow("negative") << qint64(-3'250'000) << u"-3.250000"_s;
    QTest::addRow("negative below one") << qint64(-250'000) << u"-0.250000"_s;
    QTest::addRow("max") << Money::MaxMicros << u"1000000000000.000000"_s;
}

void TestMoney::toString_alwaysSixPlaces()
{
    QFETCH(qint64, micros);
    QFETCH(QString, text);

    QCOMPARE(Money::fromMicros(micros).toString(), text);
}

void TestMoney::parse_toStringRoundTrips()
{
    const QList<qint64> values{0, 1, -1, 999'999, 1'000'001, -123'456'789, Money::MaxMicros, -Money::MaxMicros};
    for (const qint64 micros : values) {
        const auto text = Money::fromMicros(micros).toString();
        const auto back = Money::parse(text);
        QVERIFY2(back.has_value(), qPrintable(text));
        QCOMPARE(back->micros(), micros);
    }
}

void TestMoney::addition_isExact()
{
    // The classic binary floating point trap: 0.1 + 0.2 != 0.3 in double, equal in fixed point.
    const auto a = Money::parse(u"0.1");
    const auto b = Money::parse(u"0.2");
    const auto c = Money::parse(u"0.3");
    QVERIFY(a && b && c);
    QCOMPARE(*a + *b, *c);
    QCOMPARE((*a + *b).micros(), qint64(300'000));
    QCOMPARE((*a + *b).toString(), u"0.300000"_s);

    // Ten times 0.1 is exactly 1.
    Money sum;
    for (int i = 0; i < 10; ++i)
        sum += *a;
    QCOMPARE(sum.toString(), u"1.000000"_s);
    QCOMPARE(sum, Money::fromMicros(Money::Scale));
}

void TestMoney::arithmetic_andComparison()
{
    const auto ten = Money::fromMicros(10'000'000);
    const auto three = Money::fromMicros(3'000'000);
    QCOMPARE((ten - three).micros(), qint64(7'000'000));
    QCOMPARE((three - ten).micros(), qint64(-7'000'000));
    QCOMPARE((-three).micros(), qint64(-3'000'000));
    QVERIFY(three < ten);
    QVERIFY(ten > three);
    QVERIFY((three - ten).isNegative());
    QVERIFY(ten.isPositive());
    QVERIFY((ten - ten).isZero());
    Money m = ten;
    m -= three;
    QCOMPARE(m, Money::fromMicros(7'000'000));
    QVERIFY(Money().isZero());
}

void TestMoney::divideRoundHalfEven_rows_data()
{
    QTest::addColumn<qint64>("numerator");
    QTest::addColumn<qint64>("denominator");
    QTest::addColumn<qint64>("expected");

    QTest::addRow("5/2 tie to even down") << qint64(5) << qint64(2) << qint64(2);
    QTest::addRow("7/2 tie to even up") << qint64(7) << qint64(2) << qint64(4);
    QTest::addRow("1/2 tie to zero") << qint64(1) << qint64(2) << qint64(0);
    QTest::addRow("3/2 tie to two") << qint64(3) << qint64(2) << qint64(2);
    QTest::addRow("-5/2 tie to even") << qint64(-5) << qint64(2) << qint64(-2);
    QTest::addRow("-7/2 tie to even") << qint64(-7) << qint64(2) << qint64(-4);
    QTest::addRow("-1/2 tie to zero") << qint64(-1) << qint64(2) << qint64(0);
    QTest::addRow("1/3 below half") << qint64(1) << qint64(3) << qint64(0);
    QTest::addRow("2/3 above half") << qint64(2) << qint64(3) << qint64(1);
    QTest::addRow("-1/3") << qint64(-1) << qint64(3) << qint64(0);
    QTest::addRow("-2/3") << qint64(-2) << qint64(3) << qint64(-1);
    QTest::addRow("exact") << qint64(6) << qint64(3) << qint64(2);
    QTest::addRow("exact negative") << qint64(-6) << qint64(3) << qint64(-2);
    QTest::addRow("zero") << qint64(0) << qint64(7) << qint64(0);
    QTest::addRow("denominator one") << qint64(-42) << qint64(1) << qint64(-42);
    QTest::addRow("25/10 tie") << qint64(25) << qint64(10) << qint64(2);
    QTest::addRow("35/10 tie") << qint64(35) << qint64(10) << qint64(4);
    QTest::addRow("26/10 above") << qint64(26) << qint64(10) << qint64(3);
    QTest::addRow("2500001/1000000 just above tie") << qint64(2'500'001) << qint64(1'000'000) << qint64(3);
    QTest::addRow("2499999/1000000 just below tie") << qint64(2'499'999) << qint64(1'000'000) << qint64(2);
}

void TestMoney::divideRoundHalfEven_rows()
{
    QFETCH(qint64, numerator);
    QFETCH(qint64, denominator);
    QFETCH(qint64, expected);

    QCOMPARE(divideRoundHalfEven(numerator, denominator), expected);
}

void TestMoney::divideRoundHalfEven_wideNumerator()
{
    // Products of two money values exceed qint64; the function takes __int128 for that.
    const __int128 maxTimesScale = static_cast<__int128>(Money::MaxMicros) * Money::Scale;
    QCOMPARE(divideRoundHalfEven(maxTimesScale, Money::Scale), Money::MaxMicros);
    QCOMPARE(divideRoundHalfEven(-maxTimesScale, Money::Scale), -Money::MaxMicros);
    // MaxMicros * MaxMicros / MaxMicros.
    const __int128 square = static_cast<__int128>(Money::MaxMicros) * Money::MaxMicros;
    QCOMPARE(divideRoundHalfEven(square, Money::MaxMicros), Money::MaxMicros);
    // A tie far beyond 64 bits: (2k+1) * 10^18 / (2 * 10^18) with k even rounds to k.
    const __int128 big = static_cast<__int128>(Money::MaxMicros) * 2;
    QCOMPARE(divideRoundHalfEven(big * 4 + Money::MaxMicros, big), qint64(4)); // 4.5 -> 4
    QCOMPARE(divideRoundHalfEven(big * 5 + Money::MaxMicros, big), qint64(6)); // 5.5 -> 6
}

void TestMoney::quantityToMicros_rows_data()
{
    QTest::addColumn<double>("quantity");
    QTest::addColumn<qint64>("micros");

    QTest::addRow("zero") << 0.0 << qint64(0);
    QTest::addRow("one") << 1.0 << qint64(1'000'000);
    QTest::addRow("0.1") << 0.1 << qint64(100'000);
    QTest::addRow("0.2") << 0.2 << qint64(200'000);
    QTest::addRow("0.3") << 0.3 << qint64(300'000);
    QTest::addRow("-0.1") << -0.1 << qint64(-100'000);
    QTest::addRow("smallest unit") << 0.000001 << qint64(1);
    QTest::addRow("1500") << 1500.0 << qint64(1'500'000'000);
    // Decimal tie at the 7th place: half-even keeps the even 1.000000 (a half-up rounding gives 1.000001).
    QTest::addRow("1.0000005 tie to even") << 1.0000005 << qint64(1'000'000);
    QTest::addRow("1.0000015 tie to even") << 1.0000015 << qint64(1'000'002);
    // Exact binary ties (1/128 and 3/128 are exact doubles ending in ...5 at the 7th place).
    QTest::addRow("0.0078125 tie down") << 0.0078125 << qint64(7'812);
    QTest::addRow("0.0234375 tie up") << 0.0234375 << qint64(23'438);
    QTest::addRow("-0.0078125 tie") << -0.0078125 << qint64(-7'812);
    QTest::addRow("2.5e-7 rounds to 0") << 2.5e-7 << qint64(0);
    QTest::addRow("4e-7 rounds to 0") << 4e-7 << qint64(0);
    QTest::addRow("6e-7 rounds to 1") << 6e-7 << qint64(1);
    QTest::addRow("large with decimals") << 123456789.123456 << qint64(123'456'789'123'456);
    QTest::addRow("one billion") << 1e9 << qint64(1'000'000'000'000'000);
    QTest::addRow("at MaxMicros") << 1e12 << Money::MaxMicros;
    QTest::addRow("negative at -MaxMicros") << -1e12 << -Money::MaxMicros;
    QTest::addRow("clamped above") << 1e13 << Money::MaxMicros;
    QTest::addRow("clamped far above") << 1e300 << Money::MaxMicros;
    QTest::addRow("clamped below") << -1e13 << -Money::MaxMicros;
}

void TestMoney::quantityToMicros_rows()
{
    QFETCH(double, quantity);
    QFETCH(qint64, micros);

    QCOMPARE(quantityToMicros(quantity), micros);
}

QTEST_GUILESS_MAIN(TestMoney)
#include "testmoney.moc"
