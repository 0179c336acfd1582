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

QList<QStringView> splitPath(const QString& path)
{
    QList<QStringView> parts;
    for (QStringView part : QStringView(path).split(u'/'))
        parts << part;
    return parts;
}

} // namespace

void Router::add(Route route)
{
    Compiled compiled{route.pattern.split(u'/'), true};
    for (const QString& segment : std::as_const(compiled.segments))
        compiled.literal = compiled.literal && !isParam(segment);
    route.name = QString::fromLatin1(route.method) + u' ' + route.pattern;
    m_compiled << std::move(compiled);
    m_routes << std::move(route);
}

// Per request, so cheap tests first: the segment count, then a literal pattern as one string comparison; the
// path is split only for a pattern with {parameters} of the right length, and then once.
bool Router::pathMatches(qsizetype i, const QString& path, PathSplit& split, PathParams* params) const
{
    const Compiled& compiled = m_compiled.at(i);
    if (split.count < 0)
        split.count = path.count(u'/') + 1;
    if (compiled.segments.size() != split.count)
        return false;
    if (compiled.literal)
        return m_routes.at(i).pattern == path;
    if (split.parts.isEmpty())
        split.parts = splitPath(path);
    return matches(compiled.segments, split.parts, params);
}

Router::Match Router::match(const QByteArray& method, const QString& path) const
{
    Match result;
    PathSplit split;
    for (qsizetype i = 0; i < m_routes.size(); ++i) {
        PathParams params;
        if (!pathMatches(i, path, split, &params))
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
    PathSplit split;
    for (qsizetype i = 0; i < m_routes.size(); ++i) {
        if (m_routes.at(i).method == method && pathMatches(i, path, split, nullptr))
            return m_routes.at(i).maxBody;
    }
    return 1024 * 1024;
}

} // namespace Meterline::Api
