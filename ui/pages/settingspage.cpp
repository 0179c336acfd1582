#include "ui/pages/settingspage.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/charts/chartpalette.h"
#include "ui/dashboardsettings.h"
#include "ui/pages/tablepanel.h"

namespace Meterline
{

SettingsPage::SettingsPage(const PageContext& context, QWidget* parent)
    : Page(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("settingsPage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makeTitle(tr("Settings"), this));
    auto* form = new QFormLayout;

    m_moneyFormat = new QComboBox(this);
    m_moneyFormat->setObjectName(QStringLiteral("moneyFormatCombo"));
    const QLocale locale;
    const Money sample = Money::fromMicros(1'234'500'000);
    m_moneyFormat->addItem(tr("Exact, 6 decimals (%1)").arg(formatMoney(sample, MoneyFormat::Exact, locale)),
                           int(MoneyFormat::Exact));
    m_moneyFormat->addItem(tr("In my locale, 2 decimals (%1)").arg(formatMoney(sample, MoneyFormat::Locale, locale)),
                           int(MoneyFormat::Locale));
    m_refresh = new QSpinBox(this);
    m_refresh->setObjectName(QStringLiteral("refreshSpin"));
    m_refresh->setRange(5, 3600);
    m_refresh->setSuffix(tr(" s"));
    m_refresh->setToolTip(tr("Takes effect with the next connection (Ctrl+O, or the next start)."));
    m_lowBalance = new QLineEdit(this);
    m_lowBalance->setObjectName(QStringLiteral("lowBalanceEdit"));
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("problemLabel"));
    QPalette errorPalette = m_problem->palette();
    errorPalette.setColor(QPalette::WindowText, ChartPalette::over());
    m_problem->setPalette(errorPalette);
    m_problem->hide();

    form->addRow(tr("&Money:"), m_moneyFormat);
    form->addRow(tr("&Sync every:"), m_refresh);
    form->addRow(tr("&Low balance at or below:"), m_lowBalance);
    form->addRow(m_problem);
    layout->addLayout(form);

    auto* restore = new QPushButton(tr("Restore &Defaults"), this);
    layout->addWidget(restore, 0, Qt::AlignLeft);

    layout->addSpacing(fontMetrics().height());
    layout->addWidget(makeTitle(tr("Connection"), this));
    m_connection = new QLabel(this);
    m_connection->setObjectName(QStringLiteral("connectionLabel"));
    m_connection->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_connection->setWordWrap(true);
    layout->addWidget(m_connection);
    auto* connectButton = new QPushButton(tr("&Connect to Another Source\u2026"), this);
    layout->addWidget(connectButton, 0, Qt::AlignLeft);
    layout->addStretch(1);

    reload();
    connect(m_moneyFormat, &QComboBox::activated, this, [this] {
        m_context.settings->setMoneyFormat(MoneyFormat(m_moneyFormat->currentData().toInt()));
    });
    connect(m_refresh, &QSpinBox::valueChanged, m_context.settings, &DashboardSettings::setRefreshSeconds);
    connect(m_lowBalance, &QLineEdit::editingFinished, this, &SettingsPage::applyLowBalance);
    connect(restore, &QPushButton::clicked, this, [this] {
        m_context.settings->restoreDefaults();
        reload();
    });
    connect(connectButton, &QPushButton::clicked, this, &SettingsPage::connectRequested);
}

void SettingsPage::reload()
{
    const DashboardSettings& settings = *m_context.settings;
    const QSignalBlocker b1(m_refresh);
    m_moneyFormat->setCurrentIndex(m_moneyFormat->findData(int(settings.moneyFormat())));
    m_refresh->setValue(settings.refreshSeconds());
    m_lowBalance->setText(settings.lowBalance().toString());
    m_problem->hide();
}

void SettingsPage::setConnectionText(const QString& text)
{
    m_connection->setText(text);
}

QString SettingsPage::problem() const
{
    return m_problem->isHidden() ? QString() : m_problem->text();
}

void SettingsPage::applyLowBalance()
{
    const auto amount = Money::parse(m_lowBalance->text().trimmed());
    if (!amount || amount->isNegative()) {
        m_problem->setText(tr("The low-balance threshold must be an amount of at least 0, e.g. 10 or 2.5."));
        m_problem->show();
        return;
    }
    m_problem->hide();
    if (*amount != m_context.settings->lowBalance())
        m_context.settings->setLowBalance(*amount);
}

} // namespace Meterline
