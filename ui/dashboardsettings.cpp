#include "ui/dashboardsettings.h"

#include <QLocale>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace Meterline
{

namespace
{

const Money DefaultLowBalance = Money::fromMicros(10 * Money::Scale);

} // namespace

QString DashboardSettings::key(const char* name)
{
    return QString::fromLatin1(name);
}

DashboardSettings::DashboardSettings(QSettings& settings, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
{
}

MoneyFormat DashboardSettings::moneyFormat() const
{
    return m_settings.value(key(MoneyFormatKey)).toString() == u"locale"_s ? MoneyFormat::Locale : MoneyFormat::Exact;
}

void DashboardSettings::setMoneyFormat(MoneyFormat format)
{
    m_settings.setValue(key(MoneyFormatKey), format == MoneyFormat::Locale ? u"locale"_s : u"exact"_s);
    emit changed();
}

int DashboardSettings::refreshSeconds() const
{
    const int seconds = m_settings.value(key(RefreshSecondsKey), DefaultRefreshSeconds).toInt();
    return seconds > 0 ? seconds : DefaultRefreshSeconds;
}

void DashboardSettings::setRefreshSeconds(int seconds)
{
    m_settings.setValue(key(RefreshSecondsKey), seconds);
    emit changed();
}

Money DashboardSettings::lowBalance() const
{
    const auto parsed = Money::parse(m_settings.value(key(LowBalanceKey)).toString());
    return parsed && !parsed->isNegative() ? *parsed : DefaultLowBalance;
}

void DashboardSettings::setLowBalance(Money amount)
{
    m_settings.setValue(key(LowBalanceKey), amount.toString()); // a decimal string: never a double
    emit changed();
}

QStringList DashboardSettings::recentConnections() const
{
    return m_settings.value(key(RecentConnectionsKey)).toStringList();
}

void DashboardSettings::addRecentConnection(const QString& entry)
{
    if (entry.isEmpty())
        return;
    QStringList recent = recentConnections();
    recent.removeAll(entry);
    recent.prepend(entry);
    while (recent.size() > MaxRecentConnections)
        recent.removeLast();
    m_settings.setValue(key(RecentConnectionsKey), recent);
    emit changed();
}

void DashboardSettings::restoreDefaults()
{
    for (const char* name : {MoneyFormatKey, RefreshSecondsKey, LowBalanceKey})
        m_settings.remove(key(name));
    emit changed();
}

QString formatMoney(Money amount, MoneyFormat format, const QLocale& locale)
{
    if (format == MoneyFormat::Exact)
        return amount.toString();
    // Cents, rounded half-even in integers, then grouped by the locale.
    const qint64 cents = divideRoundHalfEven(amount.micros(), Money::Scale / 100);
    const qint64 whole = (cents < 0 ? -cents : cents) / 100;
    const qint64 fraction = (cents < 0 ? -cents : cents) % 100;
    return u"%1%2%3%4"_s.arg(cents < 0 ? locale.negativeSign() : QString(),
                             locale.toString(whole),
                             locale.decimalPoint(),
                             u"%1"_s.arg(fraction, 2, 10, QChar(u'0')));
}

} // namespace Meterline
