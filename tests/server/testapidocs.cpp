// docs/api.md against the server's route table: every route the router serves is documented under a heading
// "### `METHOD /pattern`" (the router's own pattern text), nothing else is, each section states the route's
// scope, and each section's curl examples call that method and path.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include "server/api/apiserver.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;

namespace
{

// One "### `METHOD /path`" section of the reference: its heading and the lines up to the next heading.
struct Section
{
    QString method;
    QString pattern;
    int line = 0; // 1-based line of the heading
    QStringList body;

    QString route() const { return method + u' ' + pattern; }
};

struct Doc
{
    QString path;
    QList<Section> sections;
    QStringList problems; // headings that look like route headings but do not parse
};

QString docPath()
{
    // This source is tests/server/testapidocs.cpp; the reference is docs/api.md of the same tree.
    const QFileInfo source(QStringLiteral(__FILE__));
    if (source.isAbsolute())
        return QDir::cleanPath(source.absolutePath() + QStringLiteral("/../../docs/api.md"));
    return QFINDTESTDATA("../../docs/api.md");
}

// Fails the current test when problems is not empty, listing every problem (QVERIFY2's message is cut short).
bool reportProblems(const QString& docPath, const QStringList& problems)
{
    for (const QString& problem : problems)
        qWarning().noquote() << problem;
    if (problems.isEmpty())
        return true;
    QTest::qFail(qPrintable(QStringLiteral("%1 problem(s) in %2, listed above").arg(problems.size()).arg(docPath)),
                 __FILE__,
                 __LINE__);
    return false;
}

Doc readDoc()
{
    Doc doc;
    doc.path = docPath();
    QFile file(doc.path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        doc.problems << QStringLiteral("cannot read %1").arg(doc.path);
        return doc;
    }
    static const QRegularExpression heading(QStringLiteral("^### `([A-Z]+) (/\\S*)`$"));
    // Anything else that looks like a route heading is a typo the sets below would only half-report.
    static const QRegularExpression nearMiss(QStringLiteral("^#+\\s*`?(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\\s+/"));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    qsizetype current = -1; // index of the section being read, -1 outside route sections
    bool inCode = false;
    for (int i = 0; i < lines.size(); ++i) {
        const QString& line = lines.at(i);
        if (line.startsWith(QLatin1String("```")))
            inCode = !inCode;
        if (!inCode && line.startsWith(QLatin1String("#"))) {
            current = -1;
            if (line.startsWith(QLatin1String("### `")) || nearMiss.match(line).hasMatch()) {
                const auto m = heading.match(line);
                if (m.hasMatch()) {
                    doc.sections << Section{m.captured(1), m.captured(2), i + 1, {}};
                    current = doc.sections.size() - 1;
                } else {
                    doc.problems << QStringLiteral("line %1: route heading not of the form ### `METHOD /path`: %2")
                                        .arg(i + 1)
                                        .arg(line);
                }
            }
            continue;
        }
        if (current >= 0)
            doc.sections[current].body << line;
    }
    return doc;
}

QString accessName(Api::Access access)
{
    switch (access) {
    case Api::Access::Public:
        return QStringLiteral("public");
    case Api::Access::Ingest:
        return QStringLiteral("ingest");
    case Api::Access::Read:
        return QStringLiteral("read");
    case Api::Access::IngestOrRead:
        return QStringLiteral("ingest or read");
    case Api::Access::Admin:
        return QStringLiteral("admin");
    }
    return {};
}

// Splits a command line the way a POSIX shell would for the quoting the examples use: '…', "…" (with \"),
// and backslash escapes outside quotes.
QStringList shellWords(const QString& text)
{
    QStringList words;
    QString word;
    bool inWord = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'\'') {
            inWord = true;
            const qsizetype end = text.indexOf(u'\'', i + 1);
            word += text.mid(i + 1, (end < 0 ? text.size() : end) - i - 1);
            i = end < 0 ? text.size() : end;
        } else if (c == u'"') {
            inWord = true;
            for (++i; i < text.size() && text.at(i) != u'"'; ++i) {
                if (text.at(i) == u'\\' && i + 1 < text.size())
                    ++i;
                word += text.at(i);
            }
        } else if (c == u'\\' && i + 1 < text.size()) {
            inWord = true;
            word += text.at(++i);
        } else if (c.isSpace()) {
            if (inWord)
                words << word;
            word.clear();
            inWord = false;
        } else {
            inWord = true;
            word += c;
        }
    }
    if (inWord)
        words << word;
    return words;
}

// The curl commands in a section's code blocks, continuation lines ("\" at the end) joined.
QStringList curlCommands(const QStringList& body)
{
    QStringList commands;
    bool inCode = false;
    QString pending;
    for (const QString& raw : body) {
        if (raw.startsWith(QLatin1String("```"))) {
            inCode = !inCode;
            pending.clear();
            continue;
        }
        if (!inCode)
            continue;
        const QString line = raw.trimmed();
        if (pending.isEmpty() && !line.startsWith(QLatin1String("curl ")))
            continue;
        if (line.endsWith(u'\\')) {
            pending += line.chopped(1) + u' ';
            continue;
        }
        commands << pending + line;
        pending.clear();
    }
    return commands;
}

struct CurlCall
{
    QString method;
    QString path;
    QString error;
};

// The method and path a curl command line requests, as curl decides them: -X/--request wins, else a body
// option (-d, --data…, -F) makes it POST, -I HEAD, otherwise GET.
CurlCall parseCurl(const QString& command)
{
    const QStringList words = shellWords(command);
    CurlCall call;
    QString explicitMethod;
    QString url;
    bool hasBody = false;
    bool head = false;
    for (qsizetype i = 1; i < words.size(); ++i) {
        const QString& w = words.at(i);
        if (w == QLatin1String("-X") || w == QLatin1String("--request")) {
            explicitMethod = words.value(i + 1);
            ++i;
        } else if (w.startsWith(QLatin1String("-X")) && w.size() > 2) {
            explicitMethod = w.mid(2);
        } else if (w == QLatin1String("-d") || w.startsWith(QLatin1String("--data")) || w == QLatin1String("-F")
                   || w == QLatin1String("--form") || w == QLatin1String("--json")) {
            hasBody = true;
            ++i;
        } else if (w == QLatin1String("-I") || w == QLatin1String("--head")) {
            head = true;
        } else if (w == QLatin1String("-H") || w == QLatin1String("--header") || w == QLatin1String("-o")
                   || w == QLatin1String("--output") || w == QLatin1String("-u") || w == QLatin1String("-w")) {
            ++i;
        } else if (w.startsWith(QLatin1String("http://")) || w.startsWith(QLatin1String("https://"))) {
            if (!url.isEmpty())
                call.error = QStringLiteral("more than one URL");
            url = w;
        }
    }
    if (url.isEmpty()) {
        call.error = QStringLiteral("no http:// URL");
        return call;
    }
    call.method = !explicitMethod.isEmpty() ? explicitMethod
                  : head                    ? QStringLiteral("HEAD")
                  : hasBody                 ? QStringLiteral("POST")
                                            : QStringLiteral("GET");
    const QUrl parsed(url);
    if (!parsed.isValid())
        call.error = QStringLiteral("URL does not parse");
    call.path = parsed.path(QUrl::FullyDecoded);
    return call;
}

// Router semantics: same number of segments, literal segments equal, {name} segments non-empty.
bool pathMatches(const QString& pattern, const QString& path)
{
    const QStringList p = pattern.split(u'/');
    const QStringList s = path.split(u'/');
    if (p.size() != s.size())
        return false;
    for (qsizetype i = 0; i < p.size(); ++i) {
        const bool param = p.at(i).size() > 2 && p.at(i).startsWith(u'{') && p.at(i).endsWith(u'}');
        if (param ? s.at(i).isEmpty() : p.at(i) != s.at(i))
            return false;
    }
    return true;
}

} // namespace

class TestApiDocs : public QObject
{
    Q_OBJECT

private:
    // The route table of a real ApiServer (over a throwaway store; no listener).
    QList<Api::Route> servedRoutes()
    {
        TestStore store;
        Api::ApiServer::Options options;
        options.accessLog.clear();
        Api::ApiServer api(store.service(), options);
        QList<Api::Route> routes = api.router().routes();
        for (Api::Route& r : routes) { // keep the table only, not handlers bound to this server
            r.handle = {};
            r.handleAsync = {};
        }
        store.db().releaseThreadConnection();
        return routes;
    }

private Q_SLOTS:
    void documentedRoutes_areExactlyTheServedRoutes()
    {
        const Doc doc = readDoc();
        if (!reportProblems(doc.path, doc.problems))
            return;
        QVERIFY2(!doc.sections.isEmpty(), qPrintable(QStringLiteral("no route headings in %1").arg(doc.path)));

        QStringList problems;
        QSet<QString> documented;
        for (const Section& s : doc.sections) {
            if (documented.contains(s.route()))
                problems << QStringLiteral("documented twice: %1 (line %2)").arg(s.route()).arg(s.line);
            documented.insert(s.route());
        }
        const QList<Api::Route> routes = servedRoutes();
        QVERIFY(!routes.isEmpty());
        QSet<QString> served;
        for (const Api::Route& r : routes)
            served.insert(QString::fromLatin1(r.method) + u' ' + r.pattern);

        for (const Section& s : doc.sections) {
            if (!served.contains(s.route()))
                problems << QStringLiteral("documented but not served: %1 (line %2)").arg(s.route()).arg(s.line);
        }
        for (const Api::Route& r : routes) {
            const QString name = QString::fromLatin1(r.method) + u' ' + r.pattern;
            if (!documented.contains(name))
                problems << QStringLiteral("served but not documented: %1").arg(name);
        }
        if (!reportProblems(doc.path, problems))
            return;
    }

    void curlExamples_callTheirHeadingsRoute()
    {
        const Doc doc = readDoc();
        if (!reportProblems(doc.path, doc.problems))
            return;
        QStringList problems;
        int checked = 0;
        for (const Section& s : doc.sections) {
            const QStringList commands = curlCommands(s.body);
            if (commands.isEmpty())
                problems << QStringLiteral("%1 (line %2): no curl example").arg(s.route()).arg(s.line);
            for (const QString& command : commands) {
                const CurlCall call = parseCurl(command);
                if (!call.error.isEmpty()) {
                    problems << QStringLiteral("%1 (line %2): %3 in: %4")
                                    .arg(s.route())
                                    .arg(s.line)
                                    .arg(call.error, command);
                    continue;
                }
                if (call.method != s.method || !pathMatches(s.pattern, call.path))
                    problems << QStringLiteral("%1 (line %2): example calls %3 %4: %5")
                                    .arg(s.route())
                                    .arg(s.line)
                                    .arg(call.method, call.path, command);
                ++checked;
            }
        }
        if (!reportProblems(doc.path, problems))
            return;
        QVERIFY(checked >= doc.sections.size());
    }

    void sections_stateTheRoutesScope()
    {
        const Doc doc = readDoc();
        if (!reportProblems(doc.path, doc.problems))
            return;
        QHash<QString, QString> scopeOf;
        for (const Api::Route& r : servedRoutes())
            scopeOf.insert(QString::fromLatin1(r.method) + u' ' + r.pattern, accessName(r.access));
        static const QRegularExpression scopeLine(QStringLiteral("^\\*\\*Scope:\\*\\* `([a-z ]+)`"));
        QStringList problems;
        for (const Section& s : doc.sections) {
            if (!scopeOf.contains(s.route()))
                continue; // reported by documentedRoutes_areExactlyTheServedRoutes
            QString stated;
            for (const QString& line : s.body) {
                const auto m = scopeLine.match(line);
                if (m.hasMatch()) {
                    stated = m.captured(1);
                    break;
                }
            }
            if (stated.isEmpty())
                problems << QStringLiteral("%1 (line %2): no \"**Scope:** `…`\" line").arg(s.route()).arg(s.line);
            else if (stated != scopeOf.value(s.route()))
                problems << QStringLiteral("%1 (line %2): documented scope %3, served with %4")
                                .arg(s.route())
                                .arg(s.line)
                                .arg(stated, scopeOf.value(s.route()));
        }
        if (!reportProblems(doc.path, problems))
            return;
    }
};

QTEST_GUILESS_MAIN(TestApiDocs)
#include "testapidocs.moc"
