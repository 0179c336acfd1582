#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include "server/http/httpmessage.h"
#include "server/http/httpserver.h"

namespace Meterline::Http
{

// Incremental HTTP/1.1 request parser (RFC 9112) with Meterline's limits. Bytes are fed as they arrive, in pieces
// of any size; the parser stops at the end of one request, so the bytes of a pipelined next request stay with the
// caller. No sockets, no timers: the connection drives it and owns the deadlines.
//
// Contract: request line and header fields together (CRLFs included) at most limits.maxHeaderBytes, else 431;
// the body cap comes from limits.maxBodyFor(method, path) (limits.maxBodyBytes when unset or negative) and is
// checked as soon as the headers are complete: a larger Content-Length fails with 413 before any body byte is read,
// a chunked body fails with 413 at the first chunk that would cross it.
class RequestParser
{
public:
    enum class Phase
    {
        Idle,     // nothing of a request yet (empty lines before a request are skipped)
        Head,     // request line or header fields
        Body,     // headers complete, body expected
        Complete, // takeRequest()
        Failed,   // errorStatus(), errorMessage(); the connection must answer and close
    };

    // Keeps a reference to limits: they must outlive the parser.
    explicit RequestParser(const Limits& limits);

    // Consumes bytes of the current request and returns how many it used: all of them, unless the request
    // completed or failed first. Feeding after Complete or Failed consumes nothing until reset().
    qsizetype feed(const char* data, qsizetype size);
    qsizetype feed(QByteArrayView data) { return feed(data.data(), data.size()); }

    Phase phase() const { return m_phase; }
    // Starts the next request. The peer address is copied into every request (a cheap shared copy).
    void reset();
    void setPeer(const QHostAddress& peer) { m_prototype.peer = peer; }

    // Valid from the end of the head on (phase Body or Complete).
    const Request& request() const { return m_request; }
    Request takeRequest() { return std::move(m_request); }
    bool isHttp10() const { return m_http10; }
    // Whether the connection may carry another request after this one: HTTP/1.1 unless "Connection: close",
    // HTTP/1.0 only with "Connection: keep-alive".
    bool keepAlive() const { return m_keepAlive; }
    // "Expect: 100-continue" on an HTTP/1.1 request with a body.
    bool expectsContinue() const { return m_expectContinue; }
    // The cap that applied to this request's body.
    qint64 bodyCap() const { return m_bodyCap; }

    // When Failed: 400, 413, 431, 501 or 505, with an error code and message for Response::error.
    int errorStatus() const { return m_errorStatus; }
    QString errorCode() const { return errorCodeFor(m_errorStatus); }
    static QString errorCodeFor(int status);
    const QString& errorMessage() const { return m_errorMessage; }

private:
    enum class State
    {
        Start,
        RequestLine,
        HeaderLine,
        BodyLength,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailer,
        Done,
        Error,
    };
    enum class LineResult
    {
        Line,
        NeedMore,
        TooLong,
    };

    // A line ending in LF (a CR before it is dropped) of at most maxBytes bytes, LF included. The line may point
    // into m_line: call clearLine() once it has been used. lineBytes gets its length on the wire.
    LineResult takeLine(const char*& p, const char* end, qint64 maxBytes, QByteArrayView& line, qint64& lineBytes);
    void clearLine();
    bool parseRequestLine(QByteArrayView line);
    bool parseHeaderLine(QByteArrayView line, bool trailer);
    bool finishHead();
    bool parseChunkSize(QByteArrayView line);
    bool fail(int status, const QString& message);

    const Limits& m_limits;
    Request m_prototype;
    Request m_request;
    State m_state = State::Start;
    Phase m_phase = Phase::Idle;
    QByteArray m_line; // a line split across feeds
    qint64 m_headBytes = 0;
    qint64 m_trailerBytes = 0;
    int m_leadingEmptyBytes = 0;
    qint64 m_bodyCap = 0;
    qint64 m_remaining = 0; // Content-Length left, or bytes left in the current chunk
    bool m_http10 = false;
    bool m_keepAlive = true;
    bool m_expectContinue = false;
    bool m_chunked = false;
    // Seen while reading the head, checked at its end.
    int m_hostCount = 0;
    bool m_hasContentLength = false;
    bool m_hasTransferEncoding = false;
    bool m_hasConnection = false;
    bool m_hasExpect = false;
    int m_errorStatus = 0;
    QString m_errorMessage;
};

} // namespace Meterline::Http
