#pragma once

// How maps and lists are kept in TEXT columns: compact JSON, keys sorted (QJsonObject sorts them).

#include <QMap>
#include <QString>
#include <QStringList>

namespace Meterline::StoredJson
{

QString fromMap(const QMap<QString, QString>& map);
QMap<QString, QString> toMap(const QString& json);
QString fromList(const QStringList& list);
QStringList toList(const QString& json);
QString fromListMap(const QMap<QString, QStringList>& map);
QMap<QString, QStringList> toListMap(const QString& json);

} // namespace Meterline::StoredJson
