#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include "ui/charts/rankingchart.h"
#include "ui/charts/usagechart.h"
#include "ui/dashboardsettings.h"
#include "ui/delegates/progressdelegate.h"

using namespace Meterline;
using namespace Qt::StringLiterals;

// The small pieces under the pages: money display, the UI settings, limit levels and the charts' data.
class TestViewHelpers : public QObject
{
    Q_OBJECT

private slots:
    void formatMoney_data();
    void formatMoney();
    void settings_roundTripAndFallBackToDefaults();
    void recentConnections_newestFirstWithoutRepeats();
    void progressLevel_data();
    void progressLevel();
    void usageChart_hoverNamesTheBucketAndValue();
    void usageChart_emptySeriesShowsAPlaceholder();
    void rankingChart_largestFirstAndCapped();
};

void TestViewHelpers::formatMoney_data()
{
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<QString>("exact");
    QTest::addColumn<QString>("locale"); // en_US
    QTest::addRow("whole") << qint64(12'500'000) << u"12.500000"_s << u"12.50"_s;
    QTest::addRow("grouped") << qint64(1'234'567'890'000) << u"1234567.890000"_s << u"1,234,567.89"_s;
    QTest::addRow("half to even, down") << qint64(1'005'000) << u"1.005000"_s << u"1.00"_s;
    QTest::addRow("half to even, up") << qint64(1'015'000) << u"1.015000"_s << u"1.02"_s;
    QTest::addRow("just above half") << qint64(1'005'001) << u"1.005001"_s << u"1.01"_s;
    QTest::addRow("negative") << qint64(-2'500'000) << u"-2.500000"_s << u"-2.50"_s;
    QTest::addRow("zero") << qint64(0) << u"0.000000"_s << u"0.00"_s;
}

void TestViewHelpers::formatMoney()
{
    QFETCH(qint64, micros);
    QFETCH(QString, exact);
    QFETCH(QString, locale);
    const QLocale english(QLocale::English, QLocale::UnitedStates);
    QCOMPARE(Meterline::formatMoney(Money::fromMicros(micros), MoneyFormat::Exact, english), exact);
    QCOMPARE(Meterline::formatMoney(Money::fromMicros(micros), MoneyFormat::Locale, english), locale);
    const QLocale german(QLocale::German, QLocale::Germany);
    if (micros == 1'234'567'890'000)
        QCOMPARE(Meterline::formatMoney(Money::fromMicros(micros), MoneyFormat::Locale, german), u"1.234.567,89"_s);
}

void TestViewHelpers::settings_roundTripAndFallBackToDefaults()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"settings.ini"_s);
    {
        QSettings store(file, QSettings::IniFormat);
        DashboardSettings settings(store);
        QVERIFY(settings.moneyFormat() == MoneyFormat::Exact);
        QCOMPARE(settings.refreshSeconds(), DashboardSettings::DefaultRefreshSeconds);
        settings.setMoneyFormat(MoneyFormat::Locale);
        settings.setRefreshSeconds(45);
        settings.setLowBalance(Money::fromMicros(2'500'001));
    }
    {
        QSettings store(file, QSettings::IniFormat);
        DashboardSettings settings(store);
        QVERIFY(settings.moneyFormat() == MoneyFormat::Locale);
        QCOMPARE(settings.refreshSeconds(), 45);
        QCOMPARE(settings.lowBalance().micros(), 2'500'001); // a decimal string, exact
        // Hand-edited nonsense reads as the defaults.
        store.setValue(QString::fromLatin1(DashboardSettings::LowBalanceKey), u"-3"_s);
        store.setValue(QString::fromLatin1(DashboardSettings::RefreshSecondsKey), 0);
        QCOMPARE(settings.lowBalance().micros(), 10 * Money::Scale);
        QCOMPARE(settings.refreshSeconds(), DashboardSettings::DefaultRefreshSeconds);
        settings.restoreDefaults();
        QVERIFY(settings.moneyFormat() == MoneyFormat::Exact);
    }
}

void TestViewHelpers::recentConnections_newestFirstWithoutRepeats()
{
    QTemporaryDir dir;
    QSettings store(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
    DashboardSettings settings(store);
    for (int i = 0; i < DashboardSettings::MaxRecentConnections + 3; ++i)
        settings.addRecentConnection(u"/data/%1.db"_s.arg(i));
    settings.addRecentConnection(u"/data/5.db"_s);
    const QStringList recent = settings.recentConnections();
    QCOMPARE(recent.size(), DashboardSettings::MaxRecentConnections);
    QCOMPARE(recent.constFirst(), u"/data/5.db"_s);
    QCOMPARE(recent.count(u"/data/5.db"_s), 1);
    QVERIFY(!recent.contains(u"/data/0.db"_s)); // the oldest fell off
}

void TestViewHelpers::progressLevel_data()
{
    QTest::addColumn<double>("fraction");
    QTest::addColumn<int>("level");
    QTest::addRow("nothing used") << 0.0 << int(LimitLevel::Normal);
    QTest::addRow("just below 80 percent") << 0.7999 << int(LimitLevel::Normal);
    QTest::addRow("at 80 percent") << 0.8 << int(LimitLevel::Near);
    QTest::addRow("just below the cap") << 0.9999 << int(LimitLevel::Near);
    QTest::addRow("at the cap") << 1.0 << int(LimitLevel::Over);
    QTest::addRow("over") << 1.7 << int(LimitLevel::Over);
}

void TestViewHelpers::progressLevel()
{
    QFETCH(double, fraction);
    QFETCH(int, level);
    QCOMPARE(int(limitLevel(fraction)), level);
}

void TestViewHelpers::usageChart_hoverNamesTheBucketAndValue()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QList<UsageBucket> buckets;
    const QDateTime start(QDate(2026, 11, 1), QTime(0, 0), QTimeZone::utc());
    for (int day = 0; day < 5; ++day)
        buckets << UsageBucket{start.addDays(day), start.addDays(day + 1), 1000.0 * day + 12345};
    UsageChart chart;
    chart.resize(800, 400);
    chart.setUsage(u"LLM tokens"_s, u"tokens"_s, Window::Day, buckets);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QCOMPARE(chart.buckets().size(), 5);
    QCOMPARE(chart.hoverText(0), u"Sun 1 Nov 2026: 12,345 tokens"_s);
    QCOMPARE(chart.hoverText(5), QString());
    // The middle of the plot is the middle bucket.
    const QRectF plot = chart.chart()->plotArea();
    const QPoint middle = chart.mapFromScene(chart.chart()->mapToScene(plot.center()));
    QCOMPARE(chart.bucketAt(middle), 2);
    QCOMPARE(chart.bucketAt(QPoint(1, 1)), -1); // outside the plot
    // The axis shows the UTC day whatever the local zone.
    QCOMPARE(QDateTime::fromMSecsSinceEpoch(axisMsForUtc(start)).date(), QDate(2026, 11, 1));
    QCOMPARE(QDateTime::fromMSecsSinceEpoch(axisMsForUtc(start)).time(), QTime(0, 0));
}

void TestViewHelpers::usageChart_emptySeriesShowsAPlaceholder()
{
    UsageChart chart;
    chart.setUsage(u"LLM tokens"_s, u"tokens"_s, Window::Day, {});
    QVERIFY(chart.buckets().isEmpty());
    QCOMPARE(chart.chart()->title(), u"No usage of LLM tokens in this range"_s);
    QVERIFY(chart.chart()->series().isEmpty());
}

void TestViewHelpers::rankingChart_largestFirstAndCapped()
{
    RankingChart chart;
    QList<RankingChart::Bar> bars;
    for (int i = 0; i < 15; ++i)
        bars << RankingChart::Bar{u"c%1"_s.arg(i), double((i * 7) % 15), RankingChart::Level::Normal, {}};
    chart.setBars(u"Top"_s, u"tokens"_s, bars, u"none"_s, 10);
    QCOMPARE(chart.bars().size(), 10);
    QCOMPARE(chart.bars().constFirst().value, 14.0);
    QCOMPARE(chart.bars().constLast().value, 5.0);
    chart.setBars(u"Top"_s, u"tokens"_s, {}, u"Nothing yet"_s);
    QCOMPARE(chart.chart()->title(), u"Nothing yet"_s);
}

QTEST_MAIN(TestViewHelpers)
#include "testviewhelpers.moc"
