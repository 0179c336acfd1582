#include "core/sqlitestatement.h"

#include <QDateTime>
#include <QSqlDriver>
#include <sqlite3.h>

namespace Meterline::Sql
{

sqlite3* SqliteStatement::handleOf(const QSqlDatabase& db)
{
    const QSqlDriver* driver = db.driver();
    if (!driver || driver->dbmsType() != QSqlDriver::SQLite)
        return nullptr;
    const QVariant handle = driver->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(handle.constData());
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

bool SqliteStatement::fail(int code)
{
    m_errorCode = sqlite3_extended_errcode(m_handle);
    if (m_errorCode == SQLITE_OK)
        m_errorCode = code;
    m_errorText = QString::fromUtf8(sqlite3_errmsg(m_handle));
    m_onRow = m_rowPending = false;
    return false;
}

bool SqliteStatement::prepare(sqlite3* handle, const QString& sql)
{
    m_handle = handle;
    const int rc = sqlite3_prepare16_v3(
        handle, sql.utf16(), int(sql.size() * sizeof(char16_t)), SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr);
    return rc == SQLITE_OK ? true : fail(rc);
}

bool SqliteStatement::exec(const QVariantList& values)
{
    sqlite3_reset(m_statement);
    m_onRow = m_rowPending = false;
    m_changes = 0;
    if (values.size() != sqlite3_bind_parameter_count(m_statement)) {
        m_errorCode = SQLITE_RANGE;
        m_errorText = QStringLiteral("the statement has %1 parameters, %2 values were given")
                          .arg(sqlite3_bind_parameter_count(m_statement))
                          .arg(values.size());
        return false;
    }
    for (int i = 0; i < values.size(); ++i) {
        const QVariant& v = values.at(i);
        const int at = i + 1;
        int rc = SQLITE_OK;
        switch (v.typeId()) {
        case QMetaType::UnknownType:
        case QMetaType::Nullptr:
            rc = sqlite3_bind_null(m_statement, at);
            break;
        case QMetaType::Bool:
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::Long:
        case QMetaType::LongLong:
        case QMetaType::Short:
        case QMetaType::UShort:
            rc = sqlite3_bind_int64(m_statement, at, v.toLongLong());
            break;
        case QMetaType::ULongLong:
        case QMetaType::ULong:
            rc = sqlite3_bind_int64(m_statement, at, qint64(v.toULongLong()));
            break;
        case QMetaType::Double:
        case QMetaType::Float:
            rc = sqlite3_bind_double(m_statement, at, v.toDouble());
            break;
        case QMetaType::QByteArray: {
            const QByteArray bytes = v.toByteArray();
            rc =
                sqlite3_bind_blob64(m_statement, at, bytes.constData(), sqlite3_uint64(bytes.size()), SQLITE_TRANSIENT);
            break;
        }
        case QMetaType::QString: {
            const QString& text = *static_cast<const QString*>(v.constData());
            rc = sqlite3_bind_text16(
                m_statement, at, text.utf16(), int(text.size() * sizeof(char16_t)), SQLITE_TRANSIENT);
            break;
        }
        default: {
            const QString text = v.toString(); // as QSqlQuery's SQLite driver binds other types
            rc = sqlite3_bind_text16(
                m_statement, at, text.utf16(), int(text.size() * sizeof(char16_t)), SQLITE_TRANSIENT);
        }
        }
        if (rc != SQLITE_OK)
            return fail(rc);
    }
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW) {
        m_rowPending = true;
        return true;
    }
    if (rc == SQLITE_DONE) {
        m_changes = sqlite3_changes(m_handle);
        sqlite3_reset(m_statement); // done: release the snapshot now, as QSqlQuery's driver does
        return true;
    }
    const bool result = fail(rc);
    sqlite3_reset(m_statement);
    return result;
}

bool SqliteStatement::next()
{
    if (m_rowPending) {
        m_rowPending = false;
        m_onRow = true;
        return true;
    }
    if (!m_onRow)
        return false;
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW)
        return true;
    m_onRow = false;
    if (rc == SQLITE_DONE)
        m_changes = sqlite3_changes(m_handle);
    else
        fail(rc);
    sqlite3_reset(m_statement);
    return false;
}

QVariant SqliteStatement::value(int column) const
{
    if (!m_onRow || column < 0 || column >= sqlite3_column_count(m_statement))
        return {};
    switch (sqlite3_column_type(m_statement, column)) {
    case SQLITE_INTEGER:
        return qint64(sqlite3_column_int64(m_statement, column));
    case SQLITE_FLOAT:
        return sqlite3_column_double(m_statement, column);
    case SQLITE_NULL:
        return {};
    case SQLITE_BLOB:
        return QByteArray(static_cast<const char*>(sqlite3_column_blob(m_statement, column)),
                          sqlite3_column_bytes(m_statement, column));
    default: {
        // text16 before bytes16: SQLite's documented order (the conversion happens in the first call).
        const auto* text = static_cast<const QChar*>(sqlite3_column_text16(m_statement, column));
        return QString(text, sqlite3_column_bytes16(m_statement, column) / int(sizeof(QChar)));
    }
    }
}

bool SqliteStatement::isNull(int column) const
{
    return !m_onRow || sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_statement);
    m_onRow = m_rowPending = false;
}

} // namespace Meterline::Sql
