// TestHttpParser: the incremental HTTP/1.1 request parser on its own, no sockets: request line, header rules and
// limits, Content-Length and chunked bodies, body caps checked as soon as the head is complete.

#include <QMap>
#include <QRandomGenerator>
#include <QTest>

#include "server/http/requestparser.h"

using namespace Meterline::Http;
using Phase = RequestParser::Phase;

namespace
{

struct Fed
{
    Phase phase;
    qsizetype consumed;
};

// Feeds `bytes` in pieces of `step` bytes (0 = all at once), as a socket might deliver them.
Fed feedInPieces(RequestParser& parser, const QByteArray& bytes, qsizetype step = 0)
{
    qsizetype consumed = 0;
    if (step <= 0)
        step = qMax<qsizetype>(bytes.size(), 1);
    for (qsizetype at = 0; at < bytes.size(); at += step) {
        const qsizetype n = qMin(step, bytes.size() - at);
        const qsizetype used = parser.feed(bytes.constData() + at, n);
        consumed += used;
        if (used < n || parser.phase() == Phase::Complete || parser.phase() == Phase::Failed)
            break;
    }
    return {parser.phase(), consumed};
}

// A request whose head (request line, headers, final CRLF) is exactly `headBytes` long.
QByteArray requestWithHeadOf(qint64 headBytes)
{
    const QByteArray start = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
    const QByteArray end = "\r\n\r\n";
    return start + QByteArray(headBytes - start.size() - end.size(), 'a') + end;
}

} // namespace

class TestHttpParser : public QObject
{
    Q_OBJECT

private slots:
    void get_parsesLineHeadersAndQuery_data();
    void get_parsesLineHeadersAndQuery();
    void post_readsContentLengthBody_data();
    void post_readsContentLengthBody();
    void query_isFullyDecoded();
    void path_isPercentDecoded_data();
    void path_isPercentDecoded();
    void requestLine_rejectsGarbage_data();
    void requestLine_rejectsGarbage();
    void headers_rules_data();
    void headers_rules();
    void headers_repeatedAreJoined();
    void headerValueAndTarget_everyByteAtEveryPosition();
    void headers_matchIgnoringCase();
    void headers_repeatedJoinedInOrder_data();
    void headers_repeatedJoinedInOrder();
    void framingHeaders_anyCase();
    void headerCap_exact_data();
    void headerCap_exact();
    void headerCap_failsWhileTrickling();
    void contentLength_cap_data();
    void contentLength_cap();
    void contentLength_capFromMaxBodyFor();
    void contentLength_rules_data();
    void contentLength_rules();
    void chunked_decodesExtensionsAndTrailers_data();
    void chunked_decodesExtensionsAndTrailers();
    void chunked_overCap();
    void chunked_rejectsMalformed_data();
    void chunked_rejectsMalformed();
    void transferEncoding_rules_data();
    void transferEncoding_rules();
    void keepAlive_followsVersionAndConnection_data();
    void keepAlive_followsVersionAndConnection();
    void expectContinue_onlyWithBody();
    void pipelined_stopsAtEndOfRequest();
    void pipelined_splitAtEveryOffset();
    void leadingEmptyLines_areSkipped();
    void randomBytes_neverCrash();
};

void TestHttpParser::get_parsesLineHeadersAndQuery_data()
{
    QTest::addColumn<int>("step");
    QTest::addRow("whole") << 0;
    QTest::addRow("byte by byte") << 1;
    QTest::addRow("seven bytes") << 7;
}

void TestHttpParser::get_parsesLineHeadersAndQuery()
{
    QFETCH(int, step);
    Limits limits;
    RequestParser parser(limits);
    parser.setPeer(QHostAddress::LocalHost);
    parser.reset();
    const QByteArray bytes = "GET /v1/events?customerId=c1&limit=10 HTTP/1.1\r\n"
                             "Host: example.test\r\n"
                             "Authorization:  Bearer k1 \r\n"
                             "X-Mixed-Case: v\r\n"
                             "\r\n";
    const Fed fed = feedInPieces(parser, bytes, step);
    QCOMPARE(fed.phase, Phase::Complete);
    QCOMPARE(fed.consumed, bytes.size());
    const Request request = parser.takeRequest();
    QCOMPARE(request.method, QByteArray("GET"));
    QCOMPARE(request.target, QByteArray("/v1/events?customerId=c1&limit=10"));
    QCOMPARE(request.path, QStringLiteral("/v1/events"));
    QCOMPARE(request.query.queryItemValue(QStringLiteral("customerId")), QStringLiteral("c1"));
    QCOMPARE(request.query.queryItemValue(QStringLiteral("limit")), QStringLiteral("10"));
    QCOMPARE(request.header("host"), QByteArray("example.test"));
    QCOMPARE(request.header("authorization"), QByteArray("Bearer k1")); // OWS trimmed
    QCOMPARE(request.header("x-mixed-case"), QByteArray("v"));
    QVERIFY(request.body.isEmpty());
    QCOMPARE(request.peer, QHostAddress(QHostAddress::LocalHost));
    QVERIFY(parser.keepAlive());
    QVERIFY(!parser.isHttp10());
}

void TestHttpParser::post_readsContentLengthBody_data()
{
    QTest::addColumn<int>("step");
    QTest::addRow("whole") << 0;
    QTest::addRow("byte by byte") << 1;
    QTest::addRow("five bytes") << 5;
}

void TestHttpParser::post_readsContentLengthBody()
{
    QFETCH(int, step);
    Limits limits;
    RequestParser parser(limits);
    const QByteArray body = R"({"customerId":"c1","eventType":"tokens","value":12})";
    const QByteArray bytes = "POST /v1/events HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: "
                             + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    const Fed fed = feedInPieces(parser, bytes, step);
    QCOMPARE(fed.phase, Phase::Complete);
    QCOMPARE(fed.consumed, bytes.size());
    QCOMPARE(parser.request().method, QByteArray("POST"));
    QCOMPARE(parser.request().body, body);
}

void TestHttpParser::query_isFullyDecoded()
{
    Limits limits;
    RequestParser parser(limits);
    const QByteArray bytes = "GET /v1/usage?customerId=a%20b&filter.model=caf%C3%A9&tag=x%2By&empty= HTTP/1.1\r\n"
                             "Host: h\r\n\r\n";
    QCOMPARE(feedInPieces(parser, bytes).phase, Phase::Complete);
    const QUrlQuery& query = parser.request().query;
    QCOMPARE(query.queryItemValue(QStringLiteral("customerId"), QUrl::FullyDecoded), QStringLiteral("a b"));
    QCOMPARE(query.queryItemValue(QStringLiteral("filter.model"), QUrl::FullyDecoded), QStringLiteral("café"));
    QCOMPARE(query.queryItemValue(QStringLiteral("tag"), QUrl::FullyDecoded), QStringLiteral("x+y"));
    QVERIFY(query.hasQueryItem(QStringLiteral("empty")));
    QCOMPARE(parser.request().path, QStringLiteral("/v1/usage"));
}

void TestHttpParser::path_isPercentDecoded_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status"); // 0 = accepted
    QTest::addColumn<QString>("path");

    QTest::addRow("plain") << QByteArray("/v1/meters/m1/usage") << 0 << QStringLiteral("/v1/meters/m1/usage");
    QTest::addRow("space") << QByteArray("/v1/customers/a%20b") << 0 << QStringLiteral("/v1/customers/a b");
    QTest::addRow("utf-8") << QByteArray("/v1/customers/caf%C3%A9") << 0 << QStringLiteral("/v1/customers/café");
    QTest::addRow("lower-case hex") << QByteArray("/a%2fb") << 0 << QStringLiteral("/a/b");
    QTest::addRow("query not in path") << QByteArray("/p%41th?x=%41") << 0 << QStringLiteral("/pAth");
    QTest::addRow("truncated escape") << QByteArray("/a%2") << 400 << QString();
    QTest::addRow("bad hex") << QByteArray("/a%G1") << 400 << QString();
    QTest::addRow("encoded NUL") << QByteArray("/a%00b") << 400 << QString();
    QTest::addRow("not UTF-8") << QByteArray("/a%FF") << 400 << QString();
    QTest::addRow("absolute form") << QByteArray("http://h/a") << 400 << QString();
    QTest::addRow("asterisk") << QByteArray("*") << 400 << QString();
    QTest::addRow("relative") << QByteArray("a/b") << 400 << QString();
    QTest::addRow("fragment") << QByteArray("/a#b") << 400 << QString();
    QTest::addRow("raw non-ASCII") << QByteArray("/caf\xc3\xa9") << 400 << QString();
}

void TestHttpParser::path_isPercentDecoded()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QString, path);
    Limits limits;
    RequestParser parser(limits);
    const Fed fed = feedInPieces(parser, "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
    if (status == 0) {
        QCOMPARE(fed.phase, Phase::Complete);
        QCOMPARE(parser.request().path, path);
        QCOMPARE(parser.request().target, target);
    } else {
        QCOMPARE(fed.phase, Phase::Failed);
        QCOMPARE(parser.errorStatus(), status);
        QCOMPARE(parser.errorCode(), QStringLiteral("invalid_request"));
    }
}

void TestHttpParser::requestLine_rejectsGarbage_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("status");

    QTest::addRow("HTTP/1.0 accepted") << QByteArray("GET / HTTP/1.0") << 0;
    // Never a 5xx for bad input (SPEC.md): an HTTP version not taken is a 400, not RFC 9110's 505; a higher minor
    // version of 1 is read as 1.1 (RFC 9110 §6.2).
    QTest::addRow("HTTP/1.2 read as 1.1") << QByteArray("GET / HTTP/1.2") << 0;
    QTest::addRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0") << 400;
    QTest::addRow("HTTP/0.9") << QByteArray("GET / HTTP/0.9") << 400;
    QTest::addRow("h2 preface") << QByteArray("PRI * HTTP/2.0") << 400;
    QTest::addRow("lower-case version") << QByteArray("GET / http/1.1") << 400;
    QTest::addRow("version without minor") << QByteArray("GET / HTTP/2") << 400;
    QTest::addRow("no version") << QByteArray("GET /") << 400;
    QTest::addRow("words") << QByteArray("HELLO THERE") << 400;
    QTest::addRow("binary") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) << 400;
    QTest::addRow("double space") << QByteArray("GET  / HTTP/1.1") << 400;
    QTest::addRow("trailing word") << QByteArray("GET / HTTP/1.1 x") << 400;
    QTest::addRow("bad method") << QByteArray("G(T / HTTP/1.1") << 400;
    QTest::addRow("tab separator") << QByteArray("GET\t/ HTTP/1.1") << 400;
    QTest::addRow("control in target") << QByteArray("GET /a\x01 HTTP/1.1") << 400;
    QTest::addRow("bare CR in target") << QByteArray("GET /a\rb HTTP/1.1") << 400;
}

void TestHttpParser::requestLine_rejectsGarbage()
{
    QFETCH(QByteArray, line);
    QFETCH(int, status);
    Limits limits;
    RequestParser parser(limits);
    const Fed fed = feedInPieces(parser, line + "\r\nHost: h\r\n\r\n");
    if (status == 0) {
        QCOMPARE(fed.phase, Phase::Complete);
        QCOMPARE(parser.isHttp10(), line.endsWith("HTTP/1.0"));
        return;
    }
    QCOMPARE(fed.phase, Phase::Failed);
    QCOMPARE(parser.errorStatus(), status);
    QCOMPARE(parser.errorCode(), QStringLiteral("invalid_request"));
    QVERIFY(!parser.errorMessage().isEmpty());
}

void TestHttpParser::headers_rules_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<int>("status");

    QTest::addRow("plain") << QByteArray("Host: h\r\nX-A: b\r\n") << 0;
    QTest::addRow("empty value") << QByteArray("Host: h\r\nX-A:\r\n") << 0;
    QTest::addRow("tab in value") << QByteArray("Host: h\r\nX-A: a\tb\r\n") << 0;
    QTest::addRow("obs-text in value") << QByteArray("Host: h\r\nX-A: caf\xc3\xa9\r\n") << 0;
    QTest::addRow("LF only line ends") << QByteArray("Host: h\nX-A: b\n") << 0;
    QTest::addRow("folded with space") << QByteArray("Host: h\r\nX-A: a\r\n b\r\n") << 400;
    QTest::addRow("folded with tab") << QByteArray("Host: h\r\nX-A: a\r\n\tb\r\n") << 400;
    QTest::addRow("space before colon") << QByteArray("Host: h\r\nX-A : b\r\n") << 400;
    QTest::addRow("no colon") << QByteArray("Host: h\r\nX-A b\r\n") << 400;
    QTest::addRow("empty name") << QByteArray("Host: h\r\n: b\r\n") << 400;
    QTest::addRow("NUL in value") << QByteArray("Host: h\r\nX-A: a\0b\r\n", 19) << 400;
    QTest::addRow("bare CR in value") << QByteArray("Host: h\r\nX-A: a\rb\r\n") << 400;
    QTest::addRow("DEL in value") << QByteArray("Host: h\r\nX-A: a\x7f\r\n") << 400;
    QTest::addRow("missing Host") << QByteArray("X-A: b\r\n") << 400;
    QTest::addRow("two Hosts") << QByteArray("Host: a\r\nHost: b\r\n") << 400;
}

void TestHttpParser::headers_rules()
{
    QFETCH(QByteArray, headers);
    QFETCH(int, status);
    Limits limits;
    RequestParser parser(limits);
    const Fed fed = feedInPieces(parser, "GET / HTTP/1.1\r\n" + headers + "\r\n");
    if (status == 0) {
        QCOMPARE(fed.phase, Phase::Complete);
    } else {
        QCOMPARE(fed.phase, Phase::Failed);
        QCOMPARE(parser.errorStatus(), status);
        if (QByteArray(QTest::currentDataTag()).startsWith("folded"))
            QVERIFY2(parser.errorMessage().contains(QStringLiteral("folding")), qPrintable(parser.errorMessage()));
    }
}

void TestHttpParser::headers_repeatedAreJoined()
{
    Limits limits;
    RequestParser parser(limits);
    QCOMPARE(feedInPieces(parser, "GET / HTTP/1.1\r\nHost: h\r\nAccept: a\r\naccept: b\r\n\r\n").phase,
             Phase::Complete);
    QCOMPARE(parser.request().header("accept"), QByteArray("a, b"));
}

void TestHttpParser::headerValueAndTarget_everyByteAtEveryPosition()
{
    // Values and targets are checked eight bytes at a time: every byte value, at every position of a value and a
    // target long enough for several words and a tail, is judged as the byte-by-byte rules say.
    Limits limits;
    RequestParser parser(limits);
    for (int byte = 0; byte < 256; ++byte) {
        const char c = char(byte);
        const bool valueOk = (byte >= 0x20 || c == '\t') && byte != 0x7f;
        const bool targetOk = byte > 0x20 && byte < 0x7f && c != '#' && c != '%' && c != '?';
        for (int at = 0; at < 19; ++at) {
            QByteArray value(19, 'v');
            value[at] = c;
            parser.reset();
            const Fed fed = feedInPieces(parser, "GET / HTTP/1.1\r\nHost: h\r\nX-V: " + value + "\r\n\r\n");
            if (c == '\r' || c == '\n' || ((c == ' ' || c == '\t') && at == 18)) {
                QVERIFY(fed.phase == Phase::Failed || fed.phase == Phase::Complete); // framing, not content
            } else {
                QVERIFY2((fed.phase == Phase::Complete) == valueOk,
                         qPrintable(QStringLiteral("value byte %1 at %2").arg(byte).arg(at)));
                const bool trimmed = (c == ' ' || c == '\t') && at == 0; // optional whitespace goes
                if (valueOk)
                    QCOMPARE(parser.request().header("x-v"), trimmed ? value.sliced(1) : value);
            }

            QByteArray target = "/" + QByteArray(18, 't');
            target[at + 1 < 19 ? at + 1 : 18] = c;
            parser.reset();
            const Fed line = feedInPieces(parser, "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
            if (c == '\r' || c == '\n' || c == ' ')
                continue; // ends or splits the request line: other rules
            if (targetOk) {
                QVERIFY2(line.phase == Phase::Complete,
                         qPrintable(QStringLiteral("target byte %1 at %2").arg(byte).arg(at)));
                QCOMPARE(parser.request().target, target);
            } else if (c != '#' && c != '%' && c != '?') {
                QVERIFY2(line.phase == Phase::Failed && parser.errorStatus() == 400,
                         qPrintable(QStringLiteral("target byte %1 at %2").arg(byte).arg(at)));
            }
        }
    }
}

void TestHttpParser::headers_matchIgnoringCase()
{
    Limits limits;
    RequestParser parser(limits);
    QCOMPARE(feedInPieces(parser, "GET / HTTP/1.1\r\nHOST: h\r\nX-Mixed-Case:  v \r\nX-Empty:\r\n\r\n").phase,
             Phase::Complete);
    const Request& request = parser.request();
    QCOMPARE(request.header("x-mixed-case"), QByteArray("v"));
    QCOMPARE(request.header("X-MIXED-CASE"), QByteArray("v"));
    QCOMPARE(request.headerView("X-Mixed-case"), QByteArrayView("v"));
    QCOMPARE(request.header("host"), QByteArray("h"));
    QVERIFY(request.headers.contains("x-empty"));
    QVERIFY(request.header("x-empty").isEmpty());
    QVERIFY(!request.headers.contains("x-mixed-cas")); // a prefix is another name
    QVERIFY(!request.headers.contains("x-mixed-casee"));
    QVERIFY(request.header("authorization").isEmpty());
    QCOMPARE(request.headers.size(), 3);
    QCOMPARE(request.headers.nameAt(1), QByteArrayView("X-Mixed-Case")); // as sent
}

void TestHttpParser::headers_repeatedJoinedInOrder_data()
{
    // up to 32 fields repeats are found pairwise, beyond that through a table: both sides of the switch
    QTest::addColumn<int>("fields");
    QTest::addRow("2 fields") << 2;
    QTest::addRow("32 fields") << 32;
    QTest::addRow("33 fields") << 33;
    QTest::addRow("400 fields") << 400;
}

void TestHttpParser::headers_repeatedJoinedInOrder()
{
    // fields x-0 … x-(n-1), where every third repeats an earlier name (in another case) with its own value
    QFETCH(int, fields);
    Limits limits;
    RequestParser parser(limits);
    QByteArray head = "GET / HTTP/1.1\r\nHost: h\r\n";
    QMap<int, QByteArray> expected; // name number → joined value
    QList<int> order;               // first appearances
    for (int i = 0; i < fields - 1; ++i) {
        const bool repeat = i % 3 == 2;
        const int number = repeat ? i / 2 : i;
        const QByteArray value = "v" + QByteArray::number(i);
        head += (repeat ? "X-" : "x-") + QByteArray::number(number) + ": " + value + "\r\n";
        if (!expected.contains(number)) {
            order << number;
            expected.insert(number, value);
        } else {
            expected[number] += ", " + value;
        }
    }
    QCOMPARE(feedInPieces(parser, head + "\r\n").phase, Phase::Complete);
    const Request& request = parser.request();
    QCOMPARE(request.headers.size(), order.size() + 1);
    for (qsizetype i = 0; i < order.size(); ++i) {
        const QByteArray name = "x-" + QByteArray::number(order[i]);
        QVERIFY(HeaderFields::equalsIgnoringCase(request.headers.nameAt(i + 1), name));
        QCOMPARE(request.header(name), expected.value(order[i]));
    }
}

void TestHttpParser::framingHeaders_anyCase()
{
    Limits limits;
    RequestParser parser(limits);
    QCOMPARE(
        feedInPieces(parser, "POST / HTTP/1.1\r\nhOsT: h\r\nCONTENT-LENGTH: 2\r\nCoNnEcTiOn: CLOSE\r\n\r\nhi").phase,
        Phase::Complete);
    QCOMPARE(parser.request().body, QByteArray("hi"));
    QVERIFY(!parser.keepAlive());

    parser.reset();
    QCOMPARE(feedInPieces(parser, "GET / HTTP/1.1\r\nHost: a\r\nHOST: b\r\n\r\n").phase, Phase::Failed);
    QCOMPARE(parser.errorStatus(), 400);

    parser.reset();
    QCOMPARE(
        feedInPieces(parser, "POST / HTTP/1.1\r\nHost: h\r\nTRANSFER-ENCODING: Chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n")
            .phase,
        Phase::Complete);
    QCOMPARE(parser.request().body, QByteArray("hi"));

    parser.reset();
    QCOMPARE(feedInPieces(parser, "POST / HTTP/1.1\r\nHost: h\r\ncontent-length: 2\r\nContent-Length: 3\r\n\r\n").phase,
             Phase::Failed); // two different lengths, whatever their case
    QCOMPARE(parser.errorStatus(), 400);
}

void TestHttpParser::headerCap_exact_data()
{
    QTest::addColumn<qint64>("headBytes");
    QTest::addColumn<int>("step");
    QTest::addColumn<bool>("accepted");

    QTest::addRow("one under the cap") << qint64(1023) << 0 << true;
    QTest::addRow("at the cap") << qint64(1024) << 0 << true;
    QTest::addRow("at the cap, byte by byte") << qint64(1024) << 1 << true;
    QTest::addRow("one byte over") << qint64(1025) << 0 << false;
    QTest::addRow("one byte over, byte by byte") << qint64(1025) << 1 << false;
    QTest::addRow("far over") << qint64(8000) << 100 << false;
}

void TestHttpParser::headerCap_exact()
{
    QFETCH(qint64, headBytes);
    QFETCH(int, step);
    QFETCH(bool, accepted);
    Limits limits;
    limits.maxHeaderBytes = 1024;
    RequestParser parser(limits);
    const QByteArray bytes = requestWithHeadOf(headBytes);
    QCOMPARE(bytes.size(), headBytes);
    const Fed fed = feedInPieces(parser, bytes, step);
    if (accepted) {
        QCOMPARE(fed.phase, Phase::Complete);
        QCOMPARE(fed.consumed, headBytes);
    } else {
        QCOMPARE(fed.phase, Phase::Failed);
        QCOMPARE(parser.errorStatus(), 431);
        QCOMPARE(parser.errorCode(), QStringLiteral("invalid_request"));
    }
}

void TestHttpParser::headerCap_failsWhileTrickling()
{
    // a head with no end in sight fails as soon as it passes the cap, not when (if ever) it ends
    Limits limits;
    limits.maxHeaderBytes = 256;
    RequestParser parser(limits);
    const QByteArray start = "GET / HTTP/1.1\r\nX-Pad: ";
    qint64 fed = parser.feed(start);
    QCOMPARE(parser.phase(), Phase::Head);
    while (parser.phase() == Phase::Head && fed < 10'000)
        fed += parser.feed("a", 1);
    QCOMPARE(parser.phase(), Phase::Failed);
    QCOMPARE(parser.errorStatus(), 431);
    QVERIFY2(fed <= 256, qPrintable(QString::number(fed)));
}

void TestHttpParser::contentLength_cap_data()
{
    QTest::addColumn<qint64>("length");
    QTest::addColumn<bool>("accepted");

    QTest::addRow("under the cap") << qint64(999) << true;
    QTest::addRow("at the cap") << qint64(1000) << true;
    QTest::addRow("cap + 1") << qint64(1001) << false;
    QTest::addRow("100 MiB") << qint64(100) * 1024 * 1024 << false;
    QTest::addRow("huge") << qint64(999'999'999'999'999'999) << false;
}

void TestHttpParser::contentLength_cap()
{
    QFETCH(qint64, length);
    QFETCH(bool, accepted);
    Limits limits;
    limits.maxBodyBytes = 1000;
    RequestParser parser(limits);
    const QByteArray head =
        "POST /v1/events HTTP/1.1\r\nHost: h\r\nContent-Length: " + QByteArray::number(length) + "\r\n\r\n";
    // the head alone decides: no body byte is needed to refuse
    const qsizetype used = parser.feed(head);
    QCOMPARE(used, head.size());
    if (!accepted) {
        QCOMPARE(parser.phase(), Phase::Failed);
        QCOMPARE(parser.errorStatus(), 413);
        QCOMPARE(parser.errorCode(), QStringLiteral("payload_too_large"));
        QCOMPARE(parser.feed("x", 1), 0);
        return;
    }
    QCOMPARE(parser.phase(), Phase::Body);
    const QByteArray body(length, 'b');
    QCOMPARE(parser.feed(body), body.size());
    QCOMPARE(parser.phase(), Phase::Complete);
    QCOMPARE(parser.request().body.size(), length);
}

void TestHttpParser::contentLength_capFromMaxBodyFor()
{
    Limits limits;
    limits.maxBodyBytes = 100;
    QByteArray askedMethod;
    QString askedPath;
    limits.maxBodyFor = [&](const QByteArray& method, const QString& path) -> qint64 {
        askedMethod = method;
        askedPath = path;
        return path == QStringLiteral("/v1/events/batch") ? 5000 : -1;
    };
    RequestParser parser(limits);
    parser.feed("POST /v1/events/batch HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n");
    QCOMPARE(parser.phase(), Phase::Body);
    QCOMPARE(parser.bodyCap(), 5000);
    QCOMPARE(askedMethod, QByteArray("POST"));
    QCOMPARE(askedPath, QStringLiteral("/v1/events/batch"));

    parser.reset();
    parser.feed("POST /v1/events HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n");
    QCOMPARE(parser.phase(), Phase::Failed); // fell back to maxBodyBytes
    QCOMPARE(parser.errorStatus(), 413);
}

void TestHttpParser::contentLength_rules_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("length");

    QTest::addRow("plain") << QByteArray("Content-Length: 3\r\n") << 0 << 3;
    QTest::addRow("zero") << QByteArray("Content-Length: 0\r\n") << 0 << 0;
    QTest::addRow("leading zeros") << QByteArray("Content-Length: 003\r\n") << 0 << 3;
    QTest::addRow("same twice") << QByteArray("Content-Length: 3\r\nContent-Length: 3\r\n") << 0 << 3;
    QTest::addRow("same listed") << QByteArray("Content-Length: 3, 3\r\n") << 0 << 3;
    QTest::addRow("conflicting") << QByteArray("Content-Length: 3\r\nContent-Length: 4\r\n") << 400 << 0;
    QTest::addRow("conflicting list") << QByteArray("Content-Length: 3, 4\r\n") << 400 << 0;
    QTest::addRow("negative") << QByteArray("Content-Length: -3\r\n") << 400 << 0;
    QTest::addRow("plus sign") << QByteArray("Content-Length: +3\r\n") << 400 << 0;
    QTest::addRow("letters") << QByteArray("Content-Length: abc\r\n") << 400 << 0;
    QTest::addRow("hex") << QByteArray("Content-Length: 0x10\r\n") << 400 << 0;
    QTest::addRow("decimal point") << QByteArray("Content-Length: 1.5\r\n") << 400 << 0;
    QTest::addRow("empty") << QByteArray("Content-Length:\r\n") << 400 << 0;
    QTest::addRow("inner space") << QByteArray("Content-Length: 1 2\r\n") << 400 << 0;
    QTest::addRow("overflow") << QByteArray("Content-Length: 99999999999999999999999\r\n") << 400 << 0;
}

void TestHttpParser::contentLength_rules()
{
    QFETCH(QByteArray, headers);
    QFETCH(int, status);
    QFETCH(int, length);
    Limits limits;
    RequestParser parser(limits);
    const Fed fed =
        feedInPieces(parser, "POST /x HTTP/1.1\r\nHost: h\r\n" + headers + "\r\n" + QByteArray(length, 'z'));
    if (status == 0) {
        QCOMPARE(fed.phase, Phase::Complete);
        QCOMPARE(parser.request().body, QByteArray(length, 'z'));
    } else {
        QCOMPARE(fed.phase, Phase::Failed);
        QCOMPARE(parser.errorStatus(), status);
    }
}

void TestHttpParser::chunked_decodesExtensionsAndTrailers_data()
{
    QTest::addColumn<int>("step");
    QTest::addRow("whole") << 0;
    QTest::addRow("byte by byte") << 1;
    QTest::addRow("three bytes") << 3;
}

void TestHttpParser::chunked_decodesExtensionsAndTrailers()
{
    QFETCH(int, step);
    Limits limits;
    RequestParser parser(limits);
    const QByteArray bytes = "POST /v1/events/batch HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "4;name=value\r\nWiki\r\n"
                             "5 ; quoted=\"a b\"\r\npedia\r\n"
                             "E\r\n in\r\n\r\nchunks.\r\n"
                             "0\r\n"
                             "X-Checksum: abc\r\n"
                             "\r\n"
                             "GET /next"; // a pipelined request stays unread
    const Fed fed = feedInPieces(parser, bytes, step);
    QCOMPARE(fed.phase, Phase::Complete);
    QCOMPARE(fed.consumed, bytes.size() - 9);
    QCOMPARE(parser.request().body, QByteArray("Wikipedia in\r\n\r\nchunks."));
    QVERIFY(!parser.request().headers.contains("x-checksum")); // trailers are dropped
}

void TestHttpParser::chunked_overCap()
{
    Limits limits;
    limits.maxBodyBytes = 10;
    RequestParser parser(limits);
    parser.feed("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    QCOMPARE(parser.phase(), Phase::Body);
    parser.feed("6\r\nabcdef\r\n");
    QCOMPARE(parser.phase(), Phase::Body);
    parser.feed("4\r\nghij\r\n"); // exactly 10: still fine
    QCOMPARE(parser.phase(), Phase::Body);
    // the chunk that would cross the cap is refused from its size line, before its data
    QCOMPARE(parser.feed("1\r\n"), 3);
    QCOMPARE(parser.phase(), Phase::Failed);
    QCOMPARE(parser.errorStatus(), 413);
    QCOMPARE(parser.errorCode(), QStringLiteral("payload_too_large"));
}

void TestHttpParser::chunked_rejectsMalformed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");

    QTest::addRow("not hex") << QByteArray("zz\r\n") << 400;
    QTest::addRow("negative") << QByteArray("-1\r\n") << 400;
    QTest::addRow("empty size") << QByteArray("\r\n") << 400;
    QTest::addRow("space inside size") << QByteArray("1 2\r\nab\r\n") << 400;
    QTest::addRow("size overflow") << QByteArray("10000000000000000\r\n") << 400;
    QTest::addRow("data longer than size") << QByteArray("2\r\nabc\r\n0\r\n\r\n") << 400;
    QTest::addRow("control in extension") << QByteArray("2;a\x01\r\nab\r\n") << 400;
    QTest::addRow("endless size line") << QByteArray(4000, '0') << 400;
    QTest::addRow("folded trailer") << QByteArray("0\r\nX-A: b\r\n c\r\n\r\n") << 400;
}

void TestHttpParser::chunked_rejectsMalformed()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    Limits limits;
    RequestParser parser(limits);
    const Fed fed = feedInPieces(parser, "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
    QCOMPARE(fed.phase, Phase::Failed);
    QCOMPARE(parser.errorStatus(), status);
}

void TestHttpParser::transferEncoding_rules_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    QTest::addRow("chunked, any case") << QByteArray(
        "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n")
                                       << 0;
    QTest::addRow("both CL and TE") << QByteArray(
        "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                    << 400;
    QTest::addRow("both, TE first") << QByteArray(
        "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n")
                                    << 400;
    QTest::addRow("gzip") << QByteArray("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n") << 400;
    QTest::addRow("gzip, chunked") << QByteArray(
        "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
                                   << 400;
    QTest::addRow("chunked twice") << QByteArray(
        "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n")
                                   << 400;
    QTest::addRow("in HTTP/1.0") << QByteArray("POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                 << 400;
}

void TestHttpParser::transferEncoding_rules()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    Limits limits;
    RequestParser parser(limits);
    const Fed fed = feedInPieces(parser, request);
    if (status == 0) {
        QCOMPARE(fed.phase, Phase::Complete);
    } else {
        QCOMPARE(fed.phase, Phase::Failed);
        QCOMPARE(parser.errorStatus(), status);
        QCOMPARE(parser.errorCode(), QStringLiteral("invalid_request"));
    }
}

void TestHttpParser::keepAlive_followsVersionAndConnection_data()
{
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<QByteArray>("connection");
    QTest::addColumn<bool>("keepAlive");

    QTest::addRow("1.1 default") << QByteArray("HTTP/1.1") << QByteArray() << true;
    QTest::addRow("1.1 close") << QByteArray("HTTP/1.1") << QByteArray("close") << false;
    QTest::addRow("1.1 Close in a list") << QByteArray("HTTP/1.1") << QByteArray("Upgrade, Close") << false;
    QTest::addRow("1.0 default") << QByteArray("HTTP/1.0") << QByteArray() << false;
    QTest::addRow("1.0 keep-alive") << QByteArray("HTTP/1.0") << QByteArray("Keep-Alive") << true;
}

void TestHttpParser::keepAlive_followsVersionAndConnection()
{
    QFETCH(QByteArray, version);
    QFETCH(QByteArray, connection);
    QFETCH(bool, keepAlive);
    Limits limits;
    RequestParser parser(limits);
    QByteArray bytes = "GET / " + version + "\r\nHost: h\r\n";
    if (!connection.isEmpty())
        bytes += "Connection: " + connection + "\r\n";
    QCOMPARE(feedInPieces(parser, bytes + "\r\n").phase, Phase::Complete);
    QCOMPARE(parser.keepAlive(), keepAlive);
}

void TestHttpParser::expectContinue_onlyWithBody()
{
    Limits limits;
    RequestParser parser(limits);
    parser.feed("POST /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    QCOMPARE(parser.phase(), Phase::Body);
    QVERIFY(parser.expectsContinue());
    parser.reset();
    parser.feed("GET /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n");
    QCOMPARE(parser.phase(), Phase::Complete);
    QVERIFY(!parser.expectsContinue());
}

void TestHttpParser::pipelined_stopsAtEndOfRequest()
{
    Limits limits;
    RequestParser parser(limits);
    const QByteArray first = "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi";
    const QByteArray second = "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";
    const QByteArray both = first + second;
    const qsizetype used = parser.feed(both);
    QCOMPARE(used, first.size());
    QCOMPARE(parser.phase(), Phase::Complete);
    QCOMPARE(parser.takeRequest().body, QByteArray("hi"));
    parser.reset();
    QCOMPARE(parser.phase(), Phase::Idle);
    QCOMPARE(parser.feed(both.constData() + used, both.size() - used), second.size());
    QCOMPARE(parser.phase(), Phase::Complete);
    QCOMPARE(parser.request().path, QStringLiteral("/b"));
    QVERIFY(parser.request().body.isEmpty());
}

void TestHttpParser::pipelined_splitAtEveryOffset()
{
    // Three pipelined requests (headers, a Content-Length body, a chunked body) delivered as two reads split at
    // every byte offset, the way a socket may cut them: each parses the same wherever the cut falls.
    const QByteArray stream =
        "GET /v1/a?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer k\r\nX-Rep: 1\r\nx-rep: 2\r\n\r\n"
        "POST /v1/b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
        "POST /v1/c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    Limits limits;
    RequestParser parser(limits);
    for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
        const QByteArray first = stream.first(cut);
        const QByteArray second = stream.sliced(cut);
        QList<Request> requests;
        parser.reset();
        // what a connection does: feed each read until it is used up, taking every complete request
        for (const QByteArray& read : {first, second}) {
            qsizetype at = 0;
            while (at < read.size()) {
                at += parser.feed(read.constData() + at, read.size() - at);
                QVERIFY2(parser.phase() != Phase::Failed, qPrintable(parser.errorMessage()));
                if (parser.phase() == Phase::Complete) {
                    requests << parser.takeRequest();
                    parser.reset();
                }
            }
        }
        QCOMPARE(parser.phase(), Phase::Idle);
        QCOMPARE(requests.size(), 3);
        QCOMPARE(requests[0].path, QStringLiteral("/v1/a"));
        QCOMPARE(requests[0].query.queryItemValue(QStringLiteral("x")), QStringLiteral("1"));
        QCOMPARE(requests[0].header("authorization"), QByteArray("Bearer k"));
        QCOMPARE(requests[0].header("x-rep"), QByteArray("1, 2"));
        QCOMPARE(requests[1].method, QByteArray("POST"));
        QCOMPARE(requests[1].path, QStringLiteral("/v1/b"));
        QCOMPARE(requests[1].body, QByteArray("hello"));
        QVERIFY(requests[1].headers.contains("content-length"));
        QVERIFY(!requests[1].headers.contains("authorization")); // nothing carried over from the previous request
        QCOMPARE(requests[2].path, QStringLiteral("/v1/c"));
        QCOMPARE(requests[2].body, QByteArray("abc"));
    }
}

void TestHttpParser::leadingEmptyLines_areSkipped()
{
    Limits limits;
    RequestParser parser(limits);
    parser.feed("\r\n");
    QCOMPARE(parser.phase(), Phase::Idle); // not the start of a request: no header deadline yet
    parser.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    QCOMPARE(parser.phase(), Phase::Complete);

    parser.reset();
    parser.feed(QByteArray(9, '\n'));
    QCOMPARE(parser.phase(), Phase::Failed);
    QCOMPARE(parser.errorStatus(), 400);
}

void TestHttpParser::randomBytes_neverCrash()
{
    // Random bytes, and valid requests with random bytes flipped: every run ends Complete, Failed or waiting,
    // and never reads past what it was given.
    Limits limits;
    limits.maxHeaderBytes = 512;
    limits.maxBodyBytes = 256;
    RequestParser parser(limits);
    QRandomGenerator random(20260315);
    const QByteArray valid = "POST /v1/events?x=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "5;e=1\r\nhello\r\n0\r\nT: v\r\n\r\n";
    int failed = 0;
    int complete = 0;
    for (int round = 0; round < 20000; ++round) {
        QByteArray bytes;
        if (round % 2 == 0) {
            bytes.resize(random.bounded(1, 300));
            for (char& c : bytes)
                c = char(random.bounded(256));
        } else {
            bytes = valid;
            for (int flips = random.bounded(1, 4); flips > 0; --flips)
                bytes[random.bounded(int(bytes.size()))] = char(random.bounded(256));
        }
        parser.reset();
        const Fed fed = feedInPieces(parser, bytes, random.bounded(1, 40));
        QVERIFY(fed.consumed <= bytes.size());
        if (fed.phase == Phase::Failed) {
            ++failed;
            QVERIFY(parser.errorStatus() >= 400 && parser.errorStatus() < 500);
        } else if (fed.phase == Phase::Complete) {
            ++complete;
            QVERIFY(parser.request().body.size() <= limits.maxBodyBytes);
        }
    }
    // both ends were reached often: the bytes did exercise the parser
    QVERIFY2(failed > 1000 && complete > 1000, qPrintable(QStringLiteral("%1 %2").arg(failed).arg(complete)));
}

QTEST_GUILESS_MAIN(TestHttpParser)
#include "testhttpparser.moc"
