#pragma once

#include <QByteArrayView>

namespace Meterline::Http
{

// The name of one request and its answer, "req_<12 hex of the process><10 hex serial>": sent as the answer's
// Request-Id header and written to the access log, so that a client's error report (the SDK's
// MeterlineError.requestId) can be matched to a line of the server's log. The random process part keeps ids apart
// across the servers that share one database and across restarts; the serial is one atomic increment. Held by
// value (no allocation per request).
class RequestId
{
public:
    static constexpr int kLength = 26;

    // The next id of this process.
    static RequestId next();

    QByteArrayView text() const { return {m_text, m_size}; }
    bool isEmpty() const { return m_size == 0; }

private:
    char m_text[kLength];
    qsizetype m_size = 0;
};

} // namespace Meterline::Http
