#pragma once

#include <QDateTime>
#include <QWidget>

#include "core/types.h"

class QComboBox;
class QDateEdit;
class QLabel;

namespace Meterline
{

class MetersModel;
class UsageChart;

namespace Dashboard
{
class SyncClient;
}

// A usage chart with its controls: the meter, the bucket (hour, day, month) and the date range (UTC days,
// `to` inclusive on screen, half-open in the query). It asks the sync client for the series and draws the
// answer; an optional customer narrows it to one customer.
class UsagePanel : public QWidget
{
    Q_OBJECT

public:
    UsagePanel(Dashboard::SyncClient& client, MetersModel& meters, QWidget* parent = nullptr);

    void setCustomer(const QString& customerId); // empty: all customers
    void setRange(const QDate& firstDay, const QDate& lastDay, Window bucket);
    void setMeter(const QString& meterId);
    QString meterId() const;
    UsageChart* chart() const { return m_chart; }
    // Asks for the series now (the answer replaces the chart).
    void reload();

signals:
    void loaded();

private:
    void fillMeters();
    QString meterName(const QString& meterId) const;

    Dashboard::SyncClient& m_client;
    MetersModel& m_meters;
    QString m_customerId;
    QString m_wantedMeter = QStringLiteral("llm-tokens");
    quint64 m_request = 0;
    QComboBox* m_meter = nullptr;
    QComboBox* m_bucket = nullptr;
    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
    UsageChart* m_chart = nullptr;
};

// What a meter counts, for axis titles: "events" for count meters, "distinct values" for unique_count,
// otherwise "units" (the meter's name says which).
QString unitOf(const Meter& meter);

} // namespace Meterline
