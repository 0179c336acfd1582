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

int SqliteStatement::bindText(int at, QStringView text)
{
    // UTF-8, the database's encoding: SQLite stores it as given. (UTF-16 made SQLite convert every bound text.)
    // The bytes stay in this parameter's buffer until it is bound again, so SQLite need not copy them.
    std::string& bytes = m_texts[size_t(at - 1)];
    const qsizetype size = text.size();
    bytes.resize(size_t(size));
    const char16_t* from = text.utf16();
    char* to = bytes.data();
    qsizetype i = 0;
    for (; i < size && from[i] < 0x80; ++i) // identifiers and most text: ASCII, one byte per character
        to[i] = char(from[i]);
    if (i < size) {
        const QByteArray rest = text.sliced(i).toUtf8();
        bytes.resize(size_t(i));
        bytes.append(rest.constData(), size_t(rest.size()));
    }
    // bytes.data() is never null, so an empty text binds as '' (a null pointer would bind NULL).
    return sqlite3_bind_text64(m_statement, at, bytes.data(), bytes.size(), SQLITE_STATIC, SQLITE_UTF8);
}

bool SqliteStatement::prepare(sqlite3* handle, const QString& sql)
{
    m_handle = handle;
    const int rc = sqlite3_prepare16_v3(
        handle, sql.utf16(), int(sql.size() * sizeof(char16_t)), SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr);
    if (rc != SQLITE_OK)
        return fail(rc);
    m_texts.resize(size_t(sqlite3_bind_parameter_count(m_statement)));
    return true;
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
        case QMetaType::QString:
            rc = bindText(at, *static_cast<const QString*>(v.constData()));
            break;
        default:
            rc = bindText(at, v.toString()); // as QSqlQuery's SQLite driver binds other types
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
    default:
        return textAt(column);
    }
}

QString SqliteStatement::textAt(int column) const
{
    // text before bytes: SQLite's documented order (a conversion, if any, happens in the first call). The
    // database is UTF-8 (SQLite's default, never changed here), so this reads the stored bytes as they are.
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_statement, column));
    return QString::fromUtf8(text, sqlite3_column_bytes(m_statement, column));
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
