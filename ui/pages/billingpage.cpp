#include "ui/pages/billingpage.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTimeZone>
#include <QVBoxLayout>

#include "core/periods.h"
#include "models/invoicelinesmodel.h"
#include "sync/syncclient.h"
#include "ui/dashboardsettings.h"
#include "ui/delegates/moneydelegate.h"
#include "ui/pages/tablepanel.h"

namespace Meterline
{

namespace
{

enum PeriodChoice
{
    ThisMonth,
    PreviousMonth,
    Custom
};

constexpr int ProgressSteps = 1000;

} // namespace

BillingPage::BillingPage(const PageContext& context, QWidget* parent)
    : Page(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("billingPage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makeTitle(tr("Billing"), this));

    auto* controls = new QHBoxLayout;
    m_period = new QComboBox(this);
    m_period->setObjectName(QStringLiteral("periodCombo"));
    m_period->addItem(tr("This month"), ThisMonth);
    m_period->addItem(tr("Previous month"), PreviousMonth);
    m_period->addItem(tr("Custom days"), Custom);
    m_period->setCurrentIndex(PreviousMonth); // what month-end billing exports
    m_from = new QDateEdit(this);
    m_to = new QDateEdit(this);
    const QDate today = QDateTime::currentDateTimeUtc().date();
    m_from->setDate(QDate(today.year(), today.month(), 1));
    m_to->setDate(today);
    for (QDateEdit* edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setEnabled(false);
    }
    auto* preview = new QPushButton(tr("&Preview"), this);
    preview->setObjectName(QStringLiteral("previewButton"));
    auto* exportInvoice = new QPushButton(tr("Export &Invoice CSV\u2026"), this);
    exportInvoice->setObjectName(QStringLiteral("exportInvoiceButton"));
    exportInvoice->setToolTip(tr("Ctrl+E"));
    auto* exportUsageButton = new QPushButton(tr("Export &Usage CSV\u2026"), this);
    exportUsageButton->setObjectName(QStringLiteral("exportUsageButton"));
    controls->addWidget(new QLabel(tr("Period:"), this));
    controls->addWidget(m_period);
    controls->addWidget(m_from);
    controls->addWidget(new QLabel(tr("to"), this));
    controls->addWidget(m_to);
    controls->addWidget(preview);
    controls->addStretch(1);
    controls->addWidget(exportInvoice);
    controls->addWidget(exportUsageButton);
    layout->addLayout(controls);

    m_range = new QLabel(this);
    m_range->setObjectName(QStringLiteral("rangeLabel"));
    layout->addWidget(m_range);

    m_lines = new InvoiceLinesModel(this);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_lines);
    proxy->setSortRole(RawRole);
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("invoiceLinesTable"));
    m_view->setModel(proxy);
    setUpTable(m_view);
    m_view->setSortingEnabled(true);
    fitColumnsOnce(m_view);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // core's order until a header is clicked
    auto* money = new MoneyDelegate(context.settings, RawRole, m_view);
    m_view->setItemDelegateForColumn(InvoiceLinesModel::UnitPriceColumn, money);
    m_view->setItemDelegateForColumn(InvoiceLinesModel::AmountColumn, money);
    layout->addWidget(m_view, 1);
    m_totals = new QLabel(this);
    m_totals->setObjectName(QStringLiteral("totalsLabel"));
    m_totals->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    layout->addWidget(m_totals);
    m_exportStatus = new QLabel(this);
    m_exportStatus->setObjectName(QStringLiteral("exportStatusLabel"));
    m_exportStatus->setWordWrap(true);
    m_exportStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_exportStatus);

    connect(m_period, &QComboBox::currentIndexChanged, this, [this] {
        const bool custom = m_period->currentData().toInt() == Custom;
        m_from->setEnabled(custom);
        m_to->setEnabled(custom);
        reload();
    });
    connect(preview, &QPushButton::clicked, this, &BillingPage::reload);
    connect(exportInvoice, &QPushButton::clicked, this, &BillingPage::exportInvoices);
    connect(exportUsageButton, &QPushButton::clicked, this, &BillingPage::exportUsage);
    connect(context.client,
            &Dashboard::SyncClient::invoiceLinesReady,
            this,
            [this](quint64 id, const QList<InvoiceLine>& lines) {
                if (id != m_linesRequest)
                    return;
                m_lines->setRows(lines);
                const QLocale locale;
                QStringList totals;
                const QMap<QString, Money> sums = m_lines->totals();
                for (auto it = sums.cbegin(); it != sums.cend(); ++it)
                    totals << tr("%1 %2").arg(formatMoney(it.value(), m_context.settings->moneyFormat(), locale),
                                              it.key());
                m_totals->setText(lines.isEmpty() ? tr("No invoice lines: no customer with a priced plan.")
                                                  : tr("%n line(s) \u00b7 total %1", nullptr, int(lines.size()))
                                                        .arg(totals.join(QStringLiteral(", "))));
                emit linesShown();
            });
    connect(context.client, &Dashboard::SyncClient::queryFailed, this, [this](quint64 id, const QString& message) {
        if (id == m_linesRequest)
            m_totals->setText(tr("Could not compute the invoice lines: %1").arg(message));
    });
    connect(context.client, &Dashboard::SyncClient::exportProgress, this, &BillingPage::onProgress);
    connect(context.client, &Dashboard::SyncClient::exportFinished, this, &BillingPage::onFinished);
}

TimeRange BillingPage::period() const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    switch (m_period->currentData().toInt()) {
    case ThisMonth:
        return Periods::namedRange(NamedPeriod::CurrentMonth, now);
    case PreviousMonth:
        return Periods::namedRange(NamedPeriod::PreviousMonth, now);
    default:
        return {QDateTime(m_from->date(), QTime(0, 0), QTimeZone::utc()),
                QDateTime(m_to->date().addDays(1), QTime(0, 0), QTimeZone::utc())};
    }
}

void BillingPage::setCustomPeriod(const QDate& firstDay, const QDate& lastDay)
{
    m_from->setDate(firstDay);
    m_to->setDate(lastDay);
    m_period->setCurrentIndex(Custom);
    reload();
}

void BillingPage::reload()
{
    const TimeRange range = period();
    const QLocale locale;
    if (!range.from.isValid() || range.to <= range.from) {
        m_range->setText(tr("The period is empty: pick an end day on or after the first day."));
        return;
    }
    m_range->setText(tr("From %1 to %2 (UTC, the end excluded)")
                         .arg(locale.toString(range.from, QStringLiteral("yyyy-MM-dd HH:mm")),
                              locale.toString(range.to, QStringLiteral("yyyy-MM-dd HH:mm"))));
    m_linesRequest = m_context.client->queryInvoiceLines(range);
}

QString BillingPage::suggestedName(const QString& kind) const
{
    const TimeRange range = period();
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return QDir(folder.isEmpty() ? QDir::homePath() : folder)
        .filePath(QStringLiteral("%1-%2.csv").arg(kind, range.from.toString(QStringLiteral("yyyy-MM-dd"))));
}

void BillingPage::exportInvoices()
{
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Export Invoice CSV"), suggestedName(QStringLiteral("invoices")), tr("CSV files (*.csv)"));
    if (!file.isEmpty())
        exportInvoicesTo(file);
}

void BillingPage::exportUsage()
{
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Export Usage CSV"), suggestedName(QStringLiteral("usage")), tr("CSV files (*.csv)"));
    if (!file.isEmpty())
        exportUsageTo(file);
}

quint64 BillingPage::exportInvoicesTo(const QString& filePath)
{
    return startExport(m_context.client->exportInvoiceCsv(period(), filePath), tr("invoice CSV"), filePath);
}

quint64 BillingPage::exportUsageTo(const QString& filePath)
{
    return startExport(m_context.client->exportUsageCsv(period(), {}, filePath), tr("usage CSV"), filePath);
}

quint64 BillingPage::startExport(quint64 exportId, const QString& what, const QString& filePath)
{
    if (m_export != 0)
        m_context.client->cancelExport(m_export); // one export at a time: the newest wins
    m_export = exportId;
    m_exportWhat = what;
    m_exportFile = filePath;
    if (!m_progress) {
        m_progress = new QProgressDialog(this);
        m_progress->setObjectName(QStringLiteral("exportProgress"));
        m_progress->setWindowModality(Qt::WindowModal);
        m_progress->setMinimumDuration(500); // short exports finish without a flash
        m_progress->setAutoClose(false);
        m_progress->setAutoReset(false);
        connect(m_progress, &QProgressDialog::canceled, this, [this] {
            if (m_export != 0)
                m_context.client->cancelExport(m_export);
        });
    }
    m_progress->setWindowTitle(tr("Exporting"));
    m_progress->setLabelText(tr("Writing the %1 to %2\u2026").arg(what, QDir::toNativeSeparators(filePath)));
    m_progress->setRange(0, 0);
    m_progress->setValue(0);
    return exportId;
}

void BillingPage::onProgress(quint64 exportId, qint64 done, qint64 total)
{
    if (exportId != m_export || !m_progress)
        return;
    if (total > 0) {
        m_progress->setRange(0, ProgressSteps);
        m_progress->setValue(int(qBound(qint64(0), done * ProgressSteps / total, qint64(ProgressSteps))));
    }
}

void BillingPage::onFinished(quint64 exportId, bool ok, const QString& message)
{
    if (exportId != m_export)
        return;
    m_export = 0;
    if (m_progress) {
        m_progress->reset();
        m_progress->hide();
    }
    const QString file = QDir::toNativeSeparators(m_exportFile);
    const QString text = ok ? tr("The %1 is in %2.").arg(m_exportWhat, file)
                            : tr("The %1 was not written: %2").arg(m_exportWhat, message);
    m_exportStatus->setText(text);
    if (!ok) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Export Failed"), text, QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("exportFailedBox"));
        openDialog(box);
    }
    emit exportDone(ok, ok ? text : message);
}

} // namespace Meterline
