// docs/api.md and docs/openapi.yaml against the server's route table: every route the router serves is documented
// under a heading "### `METHOD /pattern`" (the router's own pattern text), nothing else is, each section states the
// route's scope, and each section's curl examples call that method and path; the OpenAPI document has exactly the
// served operations, each with the security schemes of its route's scope.

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

// A file of docs/ of this source tree (this source is tests/server/testapidocs.cpp).
QString docsFile(const QString& name)
{
    const QFileInfo source(QStringLiteral(__FILE__));
    if (source.isAbsolute())
        return QDir::cleanPath(source.absolutePath() + QStringLiteral("/../../docs/") + name);
    return QFINDTESTDATA(QStringLiteral("../../docs/") + name);
}

QString docPath()
{
    return docsFile(QStringLiteral("api.md"));
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

// One operation of docs/openapi.yaml: its path and method as the router spells them, and its security schemes.
struct Operation
{
    QString route; // "POST /v1/events"
    int line = 0;
    bool hasSecurity = false; // a "security:" line of its own (the document has no global one)
    QStringList schemes;      // empty with "security: []", a public route
};

struct OpenApiDoc
{
    QString path;
    QList<Operation> operations;
    QStringList problems;
};

// Reads the paths of the document by its block layout (a YAML parser is not in Qt): under "paths:", a path at
// two spaces, its methods at four, an operation's "security:" at six with "- scheme: []" entries at eight.
OpenApiDoc readOpenApi()
{
    OpenApiDoc doc;
    doc.path = docsFile(QStringLiteral("openapi.yaml"));
    QFile file(doc.path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        doc.problems << QStringLiteral("cannot read %1").arg(doc.path);
        return doc;
    }
    static const QRegularExpression pathLine(QStringLiteral("^  (/\\S*):$"));
    static const QRegularExpression methodLine(QStringLiteral("^    (get|put|post|patch|delete|head|options):$"));
    static const QRegularExpression schemeLine(QStringLiteral("^        - ([A-Za-z]+): \\[\\]$"));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    bool inPaths = false;
    bool inSecurity = false;
    QString currentPath;
    for (int i = 0; i < lines.size(); ++i) {
        const QString& line = lines.at(i);
        if (!line.isEmpty() && !line.at(0).isSpace() && !line.startsWith(u'#')) {
            inPaths = line == QLatin1String("paths:");
            continue;
        }
        if (!inPaths)
            continue;
        if (inSecurity) {
            const auto m = schemeLine.match(line);
            if (m.hasMatch()) {
                doc.operations.last().schemes << m.captured(1);
                continue;
            }
            inSecurity = false;
        }
        const auto path = pathLine.match(line);
        const auto method = methodLine.match(line);
        if (path.hasMatch()) {
            currentPath = path.captured(1);
        } else if (method.hasMatch()) {
            if (currentPath.isEmpty())
                doc.problems << QStringLiteral("line %1: a method outside a path").arg(i + 1);
            doc.operations << Operation{method.captured(1).toUpper() + u' ' + currentPath, i + 1, false, {}};
        } else if (line.startsWith(QLatin1String("      security:")) && !doc.operations.isEmpty()) {
            Operation& op = doc.operations.last();
            if (op.hasSecurity)
                doc.problems << QStringLiteral("line %1: %2 has two security entries").arg(i + 1).arg(op.route);
            op.hasSecurity = true;
            const QString rest = line.mid(int(qstrlen("      security:"))).trimmed();
            if (rest == QLatin1String("[]"))
                continue;
            if (!rest.isEmpty())
                doc.problems << QStringLiteral("line %1: security not in block layout: %2").arg(i + 1).arg(line);
            inSecurity = true;
        }
    }
    return doc;
}

// The security schemes docs/openapi.yaml gives a route of each scope: the scope's key or an admin key.
QStringList schemesFor(Api::Access access)
{
    switch (access) {
    case Api::Access::Public:
        return {};
    case Api::Access::Ingest:
        return {QStringLiteral("ingestKey"), QStringLiteral("adminKey")};
    case Api::Access::Read:
        return {QStringLiteral("readKey"), QStringLiteral("adminKey")};
    case Api::Access::IngestOrRead:
        return {QStringLiteral("ingestKey"), QStringLiteral("readKey"), QStringLiteral("adminKey")};
    case Api::Access::Admin:
        return {QStringLiteral("adminKey")};
    }
    return {};
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

    void openapiPaths_areExactlyTheServedRoutes()
    {
        const OpenApiDoc doc = readOpenApi();
        if (!reportProblems(doc.path, doc.problems))
            return;
        QStringList problems;
        QSet<QString> documented;
        for (const Operation& op : doc.operations) {
            if (documented.contains(op.route))
                problems << QStringLiteral("twice: %1 (line %2)").arg(op.route).arg(op.line);
            documented.insert(op.route);
        }
        QSet<QString> served;
        for (const Api::Route& r : servedRoutes())
            served.insert(QString::fromLatin1(r.method) + u' ' + r.pattern);
        QVERIFY(!served.isEmpty());
        for (const Operation& op : doc.operations) {
            if (!served.contains(op.route))
                problems << QStringLiteral("in the document but not served: %1 (line %2)").arg(op.route).arg(op.line);
        }
        for (const QString& route : served) {
            if (!documented.contains(route))
                problems << QStringLiteral("served but not in the document: %1").arg(route);
        }
        if (!reportProblems(doc.path, problems))
            return;
        QCOMPARE(doc.operations.size(), served.size());
    }

    void openapiSecurity_matchesEachRoutesScope()
    {
        const OpenApiDoc doc = readOpenApi();
        if (!reportProblems(doc.path, doc.problems))
            return;
        QHash<QString, Api::Access> accessOf;
        for (const Api::Route& r : servedRoutes())
            accessOf.insert(QString::fromLatin1(r.method) + u' ' + r.pattern, r.access);
        QStringList problems;
        int checked = 0;
        for (const Operation& op : doc.operations) {
            if (!accessOf.contains(op.route))
                continue; // reported by openapiPaths_areExactlyTheServedRoutes
            const QStringList expected = schemesFor(accessOf.value(op.route));
            if (!op.hasSecurity)
                problems << QStringLiteral("%1 (line %2): no security entry").arg(op.route).arg(op.line);
            else if (op.schemes != expected)
                problems << QStringLiteral("%1 (line %2): security [%3], the route's scope %4 takes [%5]")
                                .arg(op.route)
                                .arg(op.line)
                                .arg(op.schemes.join(u','), accessName(accessOf.value(op.route)), expected.join(u','));
            ++checked;
        }
        if (!reportProblems(doc.path, problems))
            return;
        QCOMPARE(checked, accessOf.size());
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
