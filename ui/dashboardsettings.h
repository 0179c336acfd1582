#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include "core/money.h"

class QSettings;

namespace Meterline
{

// How amounts are shown: exactly as stored ("12.500000") or in the user's locale with two decimals ("12.50").
enum class MoneyFormat
{
    Exact,
    Locale
};

// The dashboard's UI preferences, kept with QSettings (only UI state: the data live in the store). Every
// QSettings key of the dashboard is named here, so they cannot drift apart.
class DashboardSettings : public QObject
{
    Q_OBJECT

public:
    // The keys (STYLE §3: one header).
    static constexpr const char* GeometryKey = "window/geometry";
    static constexpr const char* StateKey = "window/state";
    static constexpr const char* PageKey = "window/page";
    static constexpr const char* ColumnsGroup = "columns"; // columns/<view objectName>
    static constexpr const char* MoneyFormatKey = "display/moneyFormat";
    static constexpr const char* RefreshSecondsKey = "sync/refreshSeconds";
    static constexpr const char* LowBalanceKey = "display/lowBalance";
    static constexpr const char* RecentConnectionsKey = "connections/recent";

    static constexpr int DefaultRefreshSeconds = 30;
    static constexpr int MaxRecentConnections = 8;

    // A key above as QSettings takes it.
    static QString key(const char* name);

    // Reads and writes through `settings`, which must outlive this object (a test passes its own file).
    explicit DashboardSettings(QSettings& settings, QObject* parent = nullptr);

    QSettings& store() const { return m_settings; }

    MoneyFormat moneyFormat() const;
    void setMoneyFormat(MoneyFormat format);
    int refreshSeconds() const;
    void setRefreshSeconds(int seconds);
    Money lowBalance() const;
    void setLowBalance(Money amount);
    // Most recent first, without repeats, at most MaxRecentConnections. An entry is a connection's display
    // text (a file path, a postgresql:// URL without password, or a server URL); keys are never stored.
    QStringList recentConnections() const;
    void addRecentConnection(const QString& entry);

    void restoreDefaults();

signals:
    void changed();

private:
    QSettings& m_settings;
};

// An amount as the settings ask: exact ("1234.500000") or locale-grouped with two decimals, rounded half-even
// ("1,234.50").
QString formatMoney(Money amount, MoneyFormat format, const QLocale& locale);

} // namespace Meterline
