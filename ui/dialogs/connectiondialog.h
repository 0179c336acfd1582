#pragma once

#include "sync/synctypes.h"
#include "ui/dialogs/formdialog.h"

class QButtonGroup;
class QLineEdit;
class QListWidget;
class QRadioButton;
class QStackedWidget;

namespace Meterline
{

class DashboardSettings;

// Chooses the data source: a local SQLite file, a PostgreSQL database (postgresql://…), or a remote
// meterline-server with an admin key. Recent connections (without passwords or keys) fill the form with a
// click; accepting adds the choice to them.
class ConnectionDialog : public FormDialog
{
    Q_OBJECT

public:
    enum class Kind
    {
        File,
        Postgres,
        Server
    };

    explicit ConnectionDialog(DashboardSettings& settings, QWidget* parent = nullptr);

    void setKind(Kind kind);
    Kind kind() const;
    // Fills the form from a recent entry or a current connection ("/path/file.db", "postgresql://…", "http…").
    void setEntry(const QString& entry);
    Dashboard::ConnectionSpec connection() const;
    // What the recent list keeps for a connection: no password, no key.
    static QString recentEntry(const Dashboard::ConnectionSpec& spec);

    QLineEdit* fileEdit() const { return m_file; }
    QLineEdit* postgresEdit() const { return m_postgres; }
    QLineEdit* serverEdit() const { return m_server; }
    QLineEdit* keyEdit() const { return m_key; }
    QListWidget* recentList() const { return m_recent; }

    void accept() override;

protected:
    Problem validate() const override;

private:
    DashboardSettings& m_settings;
    QButtonGroup* m_kinds = nullptr;
    QStackedWidget* m_pages = nullptr;
    QLineEdit* m_file = nullptr;
    QLineEdit* m_postgres = nullptr;
    QLineEdit* m_server = nullptr;
    QLineEdit* m_key = nullptr;
    QListWidget* m_recent = nullptr;
};

} // namespace Meterline
