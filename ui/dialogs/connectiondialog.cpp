#include "ui/dialogs/connectiondialog.h"

#include <QButtonGroup>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QStackedWidget>
#include <QUrl>

#include "ui/dashboardsettings.h"

namespace Meterline
{

namespace
{

bool isPostgres(const QString& text)
{
    return text.startsWith(u"postgres://") || text.startsWith(u"postgresql://");
}

bool isServer(const QString& text)
{
    return text.startsWith(u"http://") || text.startsWith(u"https://");
}

QWidget* formPage(QWidget* parent, const QString& label, QWidget* field, const QString& note)
{
    auto* page = new QWidget(parent);
    auto* form = new QFormLayout(page);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(label, field);
    if (!note.isEmpty()) {
        auto* text = new QLabel(note, page);
        text->setWordWrap(true);
        form->addRow(text);
    }
    return page;
}

} // namespace

ConnectionDialog::ConnectionDialog(DashboardSettings& settings, QWidget* parent)
    : FormDialog(parent)
    , m_settings(settings)
{
    setWindowTitle(tr("Connect"));
    auto* kinds = new QWidget(this);
    auto* kindsLayout = new QHBoxLayout(kinds);
    kindsLayout->setContentsMargins(0, 0, 0, 0);
    m_kinds = new QButtonGroup(this);
    const QStringList labels = {tr("&Local file"), tr("&PostgreSQL"), tr("&Remote server")};
    for (int i = 0; i < labels.size(); ++i) {
        auto* button = new QRadioButton(labels.at(i), kinds);
        m_kinds->addButton(button, i);
        kindsLayout->addWidget(button);
    }
    kindsLayout->addStretch(1);

    m_file = new QLineEdit(this);
    m_file->setObjectName(QStringLiteral("fileEdit"));
    auto* fileRow = new QWidget(this);
    auto* fileLayout = new QHBoxLayout(fileRow);
    fileLayout->setContentsMargins(0, 0, 0, 0);
    fileLayout->addWidget(m_file, 1);
    auto* browse = new QPushButton(tr("&Browse\u2026"), fileRow);
    fileLayout->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this,
                                                          tr("Open or Create a Database"),
                                                          m_file->text(),
                                                          tr("Meterline databases (*.db);;All files (*)"),
                                                          nullptr,
                                                          QFileDialog::DontConfirmOverwrite);
        if (!file.isEmpty())
            m_file->setText(file);
    });

    m_postgres = new QLineEdit(this);
    m_postgres->setObjectName(QStringLiteral("postgresEdit"));
    m_postgres->setPlaceholderText(QStringLiteral("postgresql://user@host:5432/meterline"));
    m_server = new QLineEdit(this);
    m_server->setObjectName(QStringLiteral("serverEdit"));
    m_server->setPlaceholderText(QStringLiteral("http://127.0.0.1:8787"));
    m_key = new QLineEdit(this);
    m_key->setObjectName(QStringLiteral("keyEdit"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("an admin key, mlk_\u2026"));
    auto* serverPage = new QWidget(this);
    auto* serverForm = new QFormLayout(serverPage);
    serverForm->setContentsMargins(0, 0, 0, 0);
    serverForm->addRow(tr("Server &URL:"), m_server);
    serverForm->addRow(tr("Admin &key:"), m_key);
    serverForm->addRow(new QLabel(tr("The key is not saved: enter it each time."), serverPage));

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(
        formPage(this, tr("&File:"), fileRow, tr("A SQLite file; a new file is created and set up on first use.")));
    m_pages->addWidget(
        formPage(this,
                 tr("&URL:"),
                 m_postgres,
                 tr("Passwords are not kept in the recent list; a ~/.pgpass entry avoids typing them.")));
    m_pages->addWidget(serverPage);

    m_recent = new QListWidget(this);
    m_recent->setObjectName(QStringLiteral("recentList"));
    m_recent->addItems(m_settings.recentConnections());
    connect(m_recent, &QListWidget::currentTextChanged, this, &ConnectionDialog::setEntry);
    connect(m_recent, &QListWidget::itemActivated, this, [this] {
        if (!m_key->isVisible() || !m_key->text().isEmpty())
            accept();
    });

    form()->addRow(tr("Source:"), kinds);
    form()->addRow(m_pages);
    form()->addRow(tr("Recent:"), m_recent);
    connect(m_kinds, &QButtonGroup::idClicked, m_pages, &QStackedWidget::setCurrentIndex);
    setKind(Kind::File);
    setMinimumWidth(fontMetrics().averageCharWidth() * 70);
}

void ConnectionDialog::setKind(Kind kind)
{
    m_kinds->button(int(kind))->setChecked(true);
    m_pages->setCurrentIndex(int(kind));
}

ConnectionDialog::Kind ConnectionDialog::kind() const
{
    return Kind(m_kinds->checkedId());
}

void ConnectionDialog::setEntry(const QString& entry)
{
    if (isPostgres(entry)) {
        setKind(Kind::Postgres);
        m_postgres->setText(entry);
    } else if (isServer(entry)) {
        setKind(Kind::Server);
        m_server->setText(entry);
        m_key->setFocus(Qt::OtherFocusReason);
    } else if (!entry.isEmpty()) {
        setKind(Kind::File);
        m_file->setText(entry);
    }
}

FormDialog::Problem ConnectionDialog::validate() const
{
    switch (kind()) {
    case Kind::File:
        if (m_file->text().trimmed().isEmpty())
            return {tr("Choose the database file."), m_file};
        return {};
    case Kind::Postgres:
        if (!isPostgres(m_postgres->text().trimmed()) || !QUrl(m_postgres->text().trimmed()).isValid())
            return {tr("The URL starts with postgresql://, e.g. postgresql://user@host:5432/meterline."), m_postgres};
        return {};
    case Kind::Server: {
        const QUrl url(m_server->text().trimmed(), QUrl::StrictMode);
        if (!isServer(m_server->text().trimmed()) || !url.isValid() || url.host().isEmpty())
            return {tr("The server URL starts with http:// or https://, e.g. http://127.0.0.1:8787."), m_server};
        if (m_key->text().trimmed().isEmpty())
            return {tr("Enter an admin key of that server (meterline-server keys create --scope admin)."), m_key};
        return {};
    }
    }
    return {};
}

Dashboard::ConnectionSpec ConnectionDialog::connection() const
{
    switch (kind()) {
    case Kind::File:
        return Dashboard::ConnectionSpec::local(m_file->text().trimmed());
    case Kind::Postgres:
        return Dashboard::ConnectionSpec::local(m_postgres->text().trimmed());
    case Kind::Server:
        return Dashboard::ConnectionSpec::remote(QUrl(m_server->text().trimmed()), m_key->text().trimmed());
    }
    return {};
}

QString ConnectionDialog::recentEntry(const Dashboard::ConnectionSpec& spec)
{
    return spec.displayName(); // no password, no key
}

void ConnectionDialog::accept()
{
    FormDialog::accept();
    if (result() == QDialog::Accepted)
        m_settings.addRecentConnection(recentEntry(connection()));
}

} // namespace Meterline
