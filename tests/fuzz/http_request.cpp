// The HTTP/1.1 request parser (server/http/requestparser) on any bytes, as a stream of pipelined requests: fed
// once whole and once in pieces of a size the input's first byte picks, both feeds must take the same requests
// and end in the same failure, a request's body never passes its cap, and a failure is one of the parser's
// statuses. The parser is incremental by contract, so where a request is split must not change what it is.

#include <QByteArray>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "server/http/requestparser.h"

using Meterline::Http::Limits;
using Meterline::Http::RequestParser;

namespace
{

Limits fuzzLimits()
{
    Limits limits;
    limits.maxHeaderBytes = 2048; // small caps, so that inputs reach them
    limits.maxBodyBytes = 4096;
    limits.maxBodyFor = [](const QByteArray& method, const QString& path) -> qint64 {
        return method == "POST" && path == QLatin1String("/v1/events/batch") ? 8192 : -1;
    };
    return limits;
}

[[noreturn]] void broken(const char* what)
{
    fprintf(stderr, "http_request: %s\n", what);
    abort();
}

// Every request taken, as one text each, and the failure's status (0: none) with what was left unparsed.
QList<QByteArray> parseAll(QByteArrayView input, qsizetype piece, const Limits& limits)
{
    RequestParser parser(limits);
    QList<QByteArray> outcome;
    qsizetype at = 0;
    for (int rounds = 0; at < input.size(); ++rounds) {
        if (rounds > 1'000'000)
            broken("the parser stopped consuming");
        const QByteArrayView chunk = input.sliced(at, std::min(piece, input.size() - at));
        const qsizetype used = parser.feed(chunk);
        if (used < 0 || used > chunk.size())
            broken("feed() answered more than it was given");
        at += used;
        if (parser.phase() == RequestParser::Phase::Complete) {
            const auto request = parser.takeRequest();
            // The cap as the limits say, not as the parser says it applied.
            const qint64 asked = limits.maxBodyFor ? limits.maxBodyFor(request.method, request.path) : -1;
            const qint64 cap = asked >= 0 ? asked : limits.maxBodyBytes;
            if (request.body.size() > cap || (!request.body.isEmpty() && parser.bodyCap() != cap))
                broken("a body passed its cap, or the parser applied another");
            QByteArray text = request.method + ' ' + request.target + ' ' + request.path.toUtf8() + '\n';
            for (qsizetype i = 0; i < request.headers.size(); ++i)
                text +=
                    request.headers.nameAt(i).toByteArray() + ": " + request.headers.valueAt(i).toByteArray() + '\n';
            text += "keep-alive " + QByteArray::number(parser.keepAlive()) + " 1.0 "
                    + QByteArray::number(parser.isHttp10()) + " continue "
                    + QByteArray::number(parser.expectsContinue()) + '\n' + request.body;
            outcome.append(text);
            parser.reset();
        } else if (parser.phase() == RequestParser::Phase::Failed) {
            const int status = parser.errorStatus();
            if (status != 400 && status != 413 && status != 431) // never a 5xx for bad input (SPEC.md)
                broken("a failure with a status the parser does not answer");
            if (parser.errorMessage().isEmpty())
                broken("a failure without a message");
            outcome.append("failed " + QByteArray::number(status));
            return outcome;
        } else if (used != chunk.size()) {
            broken("an unfinished request left bytes unconsumed");
        }
    }
    outcome.append("phase " + QByteArray::number(int(parser.phase())));
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    static const Limits limits = fuzzLimits();
    const qsizetype piece = data[0] % 31 + 1;
    const QByteArrayView input(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    const auto whole = parseAll(input, std::numeric_limits<qsizetype>::max(), limits);
    const auto pieces = parseAll(input, piece, limits);
    if (whole != pieces) {
        fprintf(stderr,
                "whole:\n%s\npieces of %lld:\n%s\n",
                whole.join("\n--\n").constData(),
                qint64(piece),
                pieces.join("\n--\n").constData());
        broken("where the input was split changed what was parsed");
    }
    return 0;
}
