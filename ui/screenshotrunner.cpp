#include "ui/screenshotrunner.h"

#include <QCoreApplication>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

#include "models/modelroles.h"
#include "ui/mainwindow.h"
#include "ui/pages/customerdetail.h"
#include "ui/pages/customerspage.h"
#include "ui/pages/tablepanel.h"

namespace Meterline
{

namespace
{

constexpr int SettleMs = 2500;     // queries of a local store answer well within this
constexpr int TimeoutMs = 180'000; // demo data, first sync and every page

struct Shot
{
    int page;
    const char* file;
};
const Shot Shots[] = {{MainWindow::OverviewPageIndex, "overview.png"},
                      {MainWindow::CustomersPageIndex, "customers.png"},
                      {MainWindow::PlansPageIndex, "plans-and-limits.png"},
                      {MainWindow::BalancesPageIndex, "balances.png"},
                      {MainWindow::EventsPageIndex, "events.png"},
                      {MainWindow::BillingPageIndex, "billing.png"},
                      {MainWindow::CustomersPageIndex, "customer-limits.png"}};

} // namespace

ScreenshotRunner::ScreenshotRunner(MainWindow& window, const QString& folder, QObject* parent)
    : QObject(parent)
    , m_window(window)
    , m_folder(folder)
{
    connect(&window, &MainWindow::synced, this, &ScreenshotRunner::start);
    QTimer::singleShot(TimeoutMs, this, [this] { fail(tr("no screenshots within %1 s").arg(TimeoutMs / 1000)); });
}

void ScreenshotRunner::start()
{
    if (m_started)
        return;
    m_started = true;
    m_window.resize(1440, 900); // the README's pictures: one size whatever the machine
    if (!m_folder.mkpath(QStringLiteral("."))) {
        fail(tr("cannot create %1").arg(m_folder.path()));
        return;
    }
    QTimer::singleShot(SettleMs, this, &ScreenshotRunner::next);
    m_window.showPage(Shots[0].page);
}

void ScreenshotRunner::next()
{
    // Save the page on screen, then show the next one and give it time to load.
    const Shot& shot = Shots[m_step];
    const QString file = m_folder.filePath(QString::fromLatin1(shot.file));
    if (!m_window.grab().save(file, "PNG")) {
        fail(tr("cannot write %1").arg(file));
        return;
    }
    std::fprintf(stdout, "wrote %s\n", qPrintable(file));
    if (++m_step >= int(std::size(Shots))) {
        QCoreApplication::exit(0);
        return;
    }
    m_window.showPage(Shots[m_step].page);
    if (Shots[m_step].page == MainWindow::CustomersPageIndex) {
        // The detail of the busiest customer (the table is sorted by this month's usage); the second visit
        // shows its limits.
        CustomersPage* customers = m_window.page<CustomersPage>();
        TablePanel* table = customers->table();
        table->selectId(table->proxy()->index(0, 0).data(IdRole).toString());
        customers->detail()->tabs()->setCurrentIndex(m_step == 1 ? 0 : 1);
    }
    QTimer::singleShot(SettleMs, this, &ScreenshotRunner::next);
}

void ScreenshotRunner::fail(const QString& message)
{
    std::fprintf(stderr, "meterline: %s\n", qPrintable(message));
    QCoreApplication::exit(1);
}

} // namespace Meterline
