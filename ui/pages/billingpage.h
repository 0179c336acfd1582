#pragma once

#include "core/types.h"
#include "ui/pages/page.h"
#include "ui/pages/pagecontext.h"

class QComboBox;
class QDateEdit;
class QLabel;
class QProgressDialog;
class QTableView;

namespace Meterline
{

class InvoiceLinesModel;

// Month-end billing: pick a period, preview the invoice lines as core computes them (SPEC §4), export the
// invoice CSV or the usage CSV to a file, with progress and cancel.
class BillingPage : public Page
{
    Q_OBJECT

public:
    explicit BillingPage(const PageContext& context, QWidget* parent = nullptr);

    QString title() const override { return tr("Billing"); }
    void reload() override;

    // The chosen period: this month, the previous month or custom UTC days (last day included).
    TimeRange period() const;
    void setCustomPeriod(const QDate& firstDay, const QDate& lastDay);

    // Ask for a file and export; the *To variants take the file (tests, scripts).
    void exportInvoices();
    void exportUsage();
    quint64 exportInvoicesTo(const QString& filePath);
    quint64 exportUsageTo(const QString& filePath);

    InvoiceLinesModel* lines() const { return m_lines; }
    QTableView* view() const { return m_view; }
    QLabel* totalsLabel() const { return m_totals; }
    QLabel* exportStatusLabel() const { return m_exportStatus; }
    QProgressDialog* progressDialog() const { return m_progress; }

signals:
    void linesShown();
    void exportDone(bool ok, const QString& message);

private:
    quint64 startExport(quint64 exportId, const QString& what, const QString& filePath);
    void onProgress(quint64 exportId, qint64 done, qint64 total);
    void onFinished(quint64 exportId, bool ok, const QString& message);
    QString suggestedName(const QString& kind) const;

    PageContext m_context;
    InvoiceLinesModel* m_lines = nullptr;
    QComboBox* m_period = nullptr;
    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
    QLabel* m_range = nullptr;
    QLabel* m_totals = nullptr;
    QLabel* m_exportStatus = nullptr;
    QTableView* m_view = nullptr;
    QProgressDialog* m_progress = nullptr;
    quint64 m_linesRequest = 0;
    quint64 m_export = 0;
    QString m_exportWhat;
    QString m_exportFile;
};

} // namespace Meterline
