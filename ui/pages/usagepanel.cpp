#include "ui/pages/usagepanel.h"

#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimeZone>
#include <QVBoxLayout>

#include "models/metersmodel.h"
#include "sync/syncclient.h"
#include "ui/charts/usagechart.h"

namespace Meterline
{

QString unitOf(const Meter& meter)
{
    switch (meter.aggregation) {
    case Aggregation::Count:
        return UsagePanel::tr("events");
    case Aggregation::UniqueCount:
        return UsagePanel::tr("distinct %1").arg(meter.dimension);
    case Aggregation::Sum:
    case Aggregation::Max:
        break;
    }
    return meter.name.isEmpty() ? meter.id : meter.name;
}

UsagePanel::UsagePanel(Dashboard::SyncClient& client, MetersModel& meters, QWidget* parent)
    : QWidget(parent)
    , m_client(client)
    , m_meters(meters)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* controls = new QVBoxLayout;
    m_meter = new QComboBox(this);
    m_meter->setObjectName(QStringLiteral("meterCombo"));
    m_meter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_meter->setMinimumContentsLength(16);
    m_bucket = new QComboBox(this);
    m_bucket->setObjectName(QStringLiteral("bucketCombo"));
    m_bucket->addItem(tr("per hour"), int(Window::Hour));
    m_bucket->addItem(tr("per day"), int(Window::Day));
    m_bucket->addItem(tr("per month"), int(Window::Month));
    m_bucket->setCurrentIndex(1);
    m_from = new QDateEdit(this);
    m_from->setObjectName(QStringLiteral("fromDate"));
    m_to = new QDateEdit(this);
    m_to->setObjectName(QStringLiteral("toDate"));
    for (QDateEdit* edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setTimeSpec(Qt::UTC);
    }
    const QDate today = QDateTime::currentDateTimeUtc().date();
    m_from->setDate(today.addDays(-29));
    m_to->setDate(today);
    // Two short rows rather than one long one: the panel fits a narrow detail pane too.
    auto* what = new QHBoxLayout;
    what->addWidget(new QLabel(tr("Meter:"), this));
    what->addWidget(m_meter);
    what->addWidget(m_bucket);
    what->addStretch(1);
    auto* when = new QHBoxLayout;
    when->addWidget(new QLabel(tr("From:"), this));
    when->addWidget(m_from);
    when->addWidget(new QLabel(tr("to:"), this));
    when->addWidget(m_to);
    when->addWidget(new QLabel(tr("(UTC)"), this));
    when->addStretch(1);
    controls->addLayout(what);
    controls->addLayout(when);
    layout->addLayout(controls);
    m_chart = new UsageChart(this);
    layout->addWidget(m_chart, 1);

    fillMeters();
    connect(&m_meters, &QAbstractItemModel::modelReset, this, &UsagePanel::fillMeters);
    connect(&m_meters, &QAbstractItemModel::rowsInserted, this, &UsagePanel::fillMeters);
    connect(&m_meters, &QAbstractItemModel::rowsRemoved, this, &UsagePanel::fillMeters);
    connect(m_meter, &QComboBox::activated, this, [this] {
        m_wantedMeter = meterId();
        reload();
    });
    connect(m_bucket, &QComboBox::activated, this, &UsagePanel::reload);
    connect(m_from, &QDateEdit::dateChanged, this, &UsagePanel::reload);
    connect(m_to, &QDateEdit::dateChanged, this, &UsagePanel::reload);

    connect(&m_client, &Dashboard::SyncClient::usageSeriesReady, this, [this](quint64 id, const UsageResult& usage) {
        if (id != m_request)
            return;
        const auto* meter = m_meters.find(usage.meterId);
        m_chart->setUsage(meterName(usage.meterId),
                          meter ? unitOf(*meter) : usage.meterId,
                          Window(m_bucket->currentData().toInt()),
                          usage.series);
        emit loaded();
    });
    connect(&m_client, &Dashboard::SyncClient::queryFailed, this, [this](quint64 id, const QString& message) {
        if (id == m_request)
            m_chart->setPlaceholder(tr("Could not load the usage: %1").arg(message));
    });
}

void UsagePanel::fillMeters()
{
    const QSignalBlocker blocker(m_meter);
    m_meter->clear();
    for (const Meter& meter : m_meters.rows())
        m_meter->addItem(meter.name.isEmpty() ? meter.id : meter.name, meter.id);
    const int wanted = m_meter->findData(m_wantedMeter);
    m_meter->setCurrentIndex(wanted >= 0 ? wanted : 0);
}

QString UsagePanel::meterName(const QString& meterId) const
{
    const auto* meter = m_meters.find(meterId);
    return meter && !meter->name.isEmpty() ? meter->name : meterId;
}

QString UsagePanel::meterId() const
{
    return m_meter->currentData().toString();
}

void UsagePanel::setCustomer(const QString& customerId)
{
    m_customerId = customerId;
}

void UsagePanel::setMeter(const QString& meterId)
{
    m_wantedMeter = meterId;
    fillMeters();
}

void UsagePanel::setRange(const QDate& firstDay, const QDate& lastDay, Window bucket)
{
    const QSignalBlocker fromBlocker(m_from);
    const QSignalBlocker toBlocker(m_to);
    m_from->setDate(firstDay);
    m_to->setDate(lastDay);
    m_bucket->setCurrentIndex(m_bucket->findData(int(bucket)));
}

void UsagePanel::reload()
{
    if (meterId().isEmpty()) {
        m_chart->setPlaceholder(tr("No meter defined yet"));
        return;
    }
    if (m_to->date() < m_from->date()) {
        m_chart->setPlaceholder(tr("The range ends before it starts: pick a later end date."));
        return;
    }
    Dashboard::SeriesRequest request;
    request.meterId = meterId();
    request.customerId = m_customerId;
    request.bucket = Window(m_bucket->currentData().toInt());
    request.from = QDateTime(m_from->date(), QTime(0, 0), QTimeZone::utc());
    request.to = QDateTime(m_to->date().addDays(1), QTime(0, 0), QTimeZone::utc()); // the last day included
    m_request = m_client.queryUsageSeries(request);
}

} // namespace Meterline
