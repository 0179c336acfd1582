#include "server/api/router.h"

namespace Meterline::Api
{

namespace
{

bool isParam(const QString& segment)
{
    return segment.size() > 2 && segment.startsWith(u'{') && segment.endsWith(u'}');
}

bool matches(const QStringList& pattern, const QList<QStringView>& path, PathParams* params)
{
    if (pattern.size() != path.size())
        return false;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QString& p = pattern.at(i);
        if (isParam(p)) {
            if (path.at(i).isEmpty())
                return false;
            if (params)
                params->insert(p.mid(1, p.size() - 2), path.at(i).toString());
        } else if (p != path.at(i)) {
            return false;
        }
    }
    return true;
}

QList<QStringView> split(const QString& path)
{
    QList<QStringView> parts;
    for (QStringView part : QStringView(path).split(u'/'))
        parts << part;
    return parts;
}

} // namespace

void Router::add(Route route)
{
    m_compiled << Compiled{route.pattern.split(u'/')};
    m_routes << std::move(route);
}

Router::Match Router::match(const QByteArray& method, const QString& path) const
{
    Match result;
    const QList<QStringView> parts = split(path);
    for (qsizetype i = 0; i < m_routes.size(); ++i) {
        PathParams params;
        if (!matches(m_compiled.at(i).segments, parts, &params))
            continue;
        if (m_routes.at(i).method == method) {
            result.route = &m_routes.at(i);
            result.params = std::move(params);
            return result;
        }
        result.pathKnown = true;
        result.allowed << QString::fromLatin1(m_routes.at(i).method);
    }
    return result;
}

qint64 Router::maxBody(const QByteArray& method, const QString& path) const
{
    const QList<QStringView> parts = split(path);
    for (qsizetype i = 0; i < m_routes.size(); ++i) {
        if (m_routes.at(i).method == method && matches(m_compiled.at(i).segments, parts, nullptr))
            return m_routes.at(i).maxBody;
    }
    return 1024 * 1024;
}

} // namespace Meterline::Api
