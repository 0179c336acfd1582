#pragma once

// One prepared SQLite statement driven through SQLite's own C API, on the sqlite3 handle of a Qt Sql
// connection (QSqlDriver::handle()). Sql::run uses it for every statement on SQLite: QSqlQuery's binding
// and per-execution record bookkeeping cost several times what SQLite itself spends on Meterline's
// one-row statements. Values come back as QSqlQuery's SQLite driver gives them (qint64, double, QString,
// QByteArray; NULL as an invalid QVariant).

#include <QSqlDatabase>
#include <QString>
#include <QVariant>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace Meterline::Sql
{

class SqliteStatement
{
public:
    // The handle of a QSQLITE connection; nullptr for any other driver.
    static sqlite3* handleOf(const QSqlDatabase& db);

    SqliteStatement() = default;
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    bool prepare(sqlite3* handle, const QString& sql);
    // Binds the values in order and runs to the first row (or to the end), as QSqlQuery::exec does, so
    // that a failing statement fails here.
    bool exec(const QVariantList& values);
    bool next();
    QVariant value(int column) const;
    bool isNull(int column) const;
    int rowsAffected() const { return m_changes; }
    // Releases the statement's read snapshot and locks; it can run again.
    void reset();

    // After a failure: SQLite's extended result code and message.
    int errorCode() const { return m_errorCode; }
    QString errorText() const { return m_errorText; }

private:
    bool fail(int code);
    int bindText(int at, QStringView text);
    QString textAt(int column) const;

    sqlite3* m_handle = nullptr;
    sqlite3_stmt* m_statement = nullptr;
    bool m_rowPending = false; // exec stepped onto a row that next() has not handed out yet
    bool m_onRow = false;
    // The UTF-8 bytes of each text parameter, bound SQLITE_STATIC: they live until the parameter is bound again
    // or the statement is finalized (destroyed after it), and no bind allocates on either side once warm.
    std::vector<std::string> m_texts;
    int m_changes = 0;
    int m_errorCode = 0;
    QString m_errorText;
};

} // namespace Meterline::Sql
