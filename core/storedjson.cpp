#include "core/storedjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Meterline::StoredJson
{

namespace
{

QJsonObject parseObject(const QString& json)
{
    return QJsonDocument::fromJson(json.toUtf8()).object();
}

QString compact(const QJsonDocument& doc)
{
    return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
}

} // namespace

QString fromMap(const QMap<QString, QString>& map)
{
    QJsonObject o;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        o.insert(it.key(), it.value());
    return compact(QJsonDocument(o));
}

QMap<QString, QString> toMap(const QString& json)
{
    QMap<QString, QString> map;
    const QJsonObject o = parseObject(json);
    for (auto it = o.begin(); it != o.end(); ++it)
        map.insert(it.key(), it.value().toString());
    return map;
}

QString fromList(const QStringList& list)
{
    return compact(QJsonDocument(QJsonArray::fromStringList(list)));
}

QStringList toList(const QString& json)
{
    QStringList list;
    const QJsonArray a = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const auto& v : a)
        list << v.toString();
    return list;
}

QString fromListMap(const QMap<QString, QStringList>& map)
{
    QJsonObject o;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        o.insert(it.key(), QJsonArray::fromStringList(it.value()));
    return compact(QJsonDocument(o));
}

QMap<QString, QStringList> toListMap(const QString& json)
{
    QMap<QString, QStringList> map;
    const QJsonObject o = parseObject(json);
    for (auto it = o.begin(); it != o.end(); ++it) {
        QStringList values;
        for (const auto& v : it.value().toArray())
            values << v.toString();
        map.insert(it.key(), values);
    }
    return map;
}

} // namespace Meterline::StoredJson
