#pragma once

// The requests of the hostile-input suite (testhostileinput.cpp), all made from one seed: malformed or adversarial
// bytes for every route of the API (wrong JSON types, huge numbers, deep nesting, invalid UTF-8, NULs, duplicate
// keys, unknown fields, bad idempotency keys and query strings, header floods, declared and streamed bodies over the
// caps, chunked and pipelined garbage, unknown methods, HTTP/0.9 and 2.0 request lines).
//
// None of them may change the store, and none can, by construction:
// - a write to an item ({id} in the path: PATCH, PUT, DELETE, balance changes, webhook test and retry) always names
//   an id that starts with "nx", and nothing in the seeded store does; whatever is appended to a path only adds
//   segments after it, so every {id} a write route takes from it is "nx…", "..", "." or empty;
// - a create, a check, a record and every event of a batch carry a member the route requires (name, meterId, url,
//   customerId) that is absent, null or of the wrong type, or for a customerId a string naming an "nx" customer:
//   every member whose DECODED key is that one (duplicates and \u-escaped spellings too) gets such a value;
// - damage to the bytes of a body (invalid UTF-8, raw NULs, truncation) only ever makes its JSON invalid, or at worst
//   removes the required member, never supplies it;
// - unknown methods are never GET, POST, PUT, PATCH or DELETE.
// A request that still writes (a 2xx to a write method) fails the test: a generator bug or a product bug.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QRandomGenerator>
#include <QString>
#include <functional>

namespace Meterline::Testing::Hostile
{

// What the seeded store holds: reads name these ids (so that they reach the store); writes never do.
struct Store
{
    QByteArray adminKey;
    QByteArray readKey;
    QByteArray ingestKey;
    QByteArray limitedKey; // a read key with a rate limit: some requests meet the 429
    QByteArray revokedKey;
    QList<QByteArray> customers;
    QList<QByteArray> meters;
    QList<QByteArray> plans;
    QList<QByteArray> limits;
    QList<QByteArray> webhooks;
};

// The body a route takes, the query it reads, and how a request to it is kept from writing.
enum class Body
{
    None,
    Check,
    Event,
    Batch,
    Customer,
    CustomerPatch,
    Plan,
    Meter,
    Limit,
    Credit,
    Reserve,
    ApiKey,
    Webhook
};
enum class Query
{
    None,
    Events,
    Usage,
    Summary,
    Invoices,
    UsageCsv,
    Changes,
    Page, // cursor and limit
    Limit // limit only
};
enum class Guard
{
    Read,   // a GET: any id, the seeded ones too
    PathNx, // a write to an item: its {id} starts with "nx"
    Body,   // a create, check, record or batch: the required member above is always wrong
};

struct Route
{
    QByteArray method;
    QByteArray pattern; // as the server's router spells it
    Body body = Body::None;
    Query query = Query::None;
    Guard guard = Guard::Read;
    QByteArray name() const { return method + ' ' + pattern; }
};

// Every route of server/api/apiserver.cpp (the test checks this list against a real ApiServer's router).
inline const QList<Route>& routes()
{
    static const QList<Route> list{
        {"GET", "/healthz"},
        {"GET", "/metrics"},
        {"POST", "/v1/limits/check", Body::Check, Query::None, Guard::Body},
        {"POST", "/v1/events", Body::Event, Query::None, Guard::Body},
        {"POST", "/v1/events/batch", Body::Batch, Query::None, Guard::Body},
        {"GET", "/v1/reservations/{id}"},
        {"GET", "/v1/events", Body::None, Query::Events},
        {"GET", "/v1/customers"},
        {"POST", "/v1/customers", Body::Customer, Query::None, Guard::Body},
        {"GET", "/v1/customers/{id}"},
        {"PATCH", "/v1/customers/{id}", Body::CustomerPatch, Query::None, Guard::PathNx},
        {"DELETE", "/v1/customers/{id}", Body::None, Query::None, Guard::PathNx},
        {"GET", "/v1/plans"},
        {"POST", "/v1/plans", Body::Plan, Query::None, Guard::Body},
        {"GET", "/v1/plans/{id}"},
        {"PUT", "/v1/plans/{id}", Body::Plan, Query::None, Guard::PathNx},
        {"DELETE", "/v1/plans/{id}", Body::None, Query::None, Guard::PathNx},
        {"GET", "/v1/meters"},
        {"POST", "/v1/meters", Body::Meter, Query::None, Guard::Body},
        {"GET", "/v1/meters/{id}"},
        {"PUT", "/v1/meters/{id}", Body::Meter, Query::None, Guard::PathNx},
        {"DELETE", "/v1/meters/{id}", Body::None, Query::None, Guard::PathNx},
        {"GET", "/v1/limits"},
        {"POST", "/v1/limits", Body::Limit, Query::None, Guard::Body},
        {"GET", "/v1/limits/{id}"},
        {"PUT", "/v1/limits/{id}", Body::Limit, Query::None, Guard::PathNx},
        {"DELETE", "/v1/limits/{id}", Body::None, Query::None, Guard::PathNx},
        {"GET", "/v1/customers/{id}/balance"},
        {"POST", "/v1/customers/{id}/balance/credit", Body::Credit, Query::None, Guard::PathNx},
        {"POST", "/v1/customers/{id}/balance/debit", Body::Credit, Query::None, Guard::PathNx},
        {"PUT", "/v1/customers/{id}/balance/reserve", Body::Reserve, Query::None, Guard::PathNx},
        {"GET", "/v1/balances", Body::None, Query::Page},
        {"GET", "/v1/customers/{id}/balance/transactions", Body::None, Query::Page},
        {"GET", "/v1/meters/{id}/usage", Body::None, Query::Usage},
        {"GET", "/v1/usage/summary", Body::None, Query::Summary},
        {"GET", "/v1/exports/invoices.csv", Body::None, Query::Invoices},
        {"GET", "/v1/exports/usage.csv", Body::None, Query::UsageCsv},
        {"GET", "/v1/changes", Body::None, Query::Changes},
        {"GET", "/v1/usage/changes", Body::None, Query::Changes},
        {"GET", "/v1/api-keys"},
        {"POST", "/v1/api-keys", Body::ApiKey, Query::None, Guard::Body},
        {"DELETE", "/v1/api-keys/{id}", Body::None, Query::None, Guard::PathNx},
        {"GET", "/v1/webhooks"},
        {"POST", "/v1/webhooks", Body::Webhook, Query::None, Guard::Body},
        {"DELETE", "/v1/webhooks/{id}", Body::None, Query::None, Guard::PathNx},
        {"GET", "/v1/webhooks/{id}/deliveries", Body::None, Query::Limit},
        {"POST", "/v1/webhooks/{id}/test", Body::None, Query::None, Guard::PathNx},
        {"POST", "/v1/webhooks/{id}/deliveries/{deliveryId}/retry", Body::None, Query::None, Guard::PathNx},
    };
    return list;
}

// What the runner expects of one request on the wire.
struct Expect
{
    QByteArray method;    // as sent (HEAD: the answer has no body)
    bool garbage = false; // protocol garbage: an error answer and a close, or a close without an answer
    int status = 0;       // when not 0: the one status allowed
};

struct Job
{
    QByteArray category;        // "json/wrong-types": the tally's key
    QByteArray route;           // "POST /v1/customers", or "-" when no route is aimed at
    QByteArray bytes;           // written at once: one request, or several pipelined
    QList<Expect> expects;      // one per request in bytes, in order
    qint64 streamBytes = 0;     // then this much filler, written as the socket drains (a declared body)
    bool streamChunked = false; // the filler as 64 KiB chunks
    char filler = 'x';
    bool halfClose = false; // after bytes, the write side is shut: the server sees the end mid-request
};

class Generator
{
public:
    Generator(quint64 seed, Store store)
        : m_rng(seed)
        , m_store(std::move(store))
    {
    }

    // The next job of an ordinary lane: any category, any route, at most about 1 MiB.
    Job next()
    {
        m_budget = chance(10) ? 1200 * 1024 : 48 * 1024; // most small (throughput); some at and over the 1 MiB cap
        const int dice = below(100);
        if (dice < 40)
            return json(pickRoute(true));
        if (dice < 60)
            return query();
        if (dice < 66)
            return path();
        if (dice < 78)
            return headers();
        if (dice < 86)
            return framing();
        if (dice < 92)
            return pipelined();
        if (dice < 97)
            return method();
        return requestLine();
    }

    // Bodies at and over the caps (1 MiB, 16 MiB for a batch), declared and truly streamed: for one lane, in order.
    QList<Job> bigJobs()
    {
        QList<Job> jobs;
        const qint64 mib = 1024 * 1024;
        const qint64 declared = 100 * mib;
        // with the admin key: these are about the body, not about auth
        auto admin = [&](const QByteArray& method, const QByteArray& path) {
            Request r = base(method, path);
            r.headers[1].second = "Bearer " + m_store.adminKey;
            return r;
        };
        auto streamed = [&](const QByteArray& method, const QByteArray& path, const QByteArray& route, bool chunked) {
            Request r = admin(method, path);
            r.noLength = true;
            if (chunked)
                r.headers << qMakePair(QByteArray("Transfer-Encoding"), QByteArray("chunked"));
            else
                r.headers << qMakePair(QByteArray("Content-Length"), QByteArray::number(declared));
            Job j = job(chunked ? "big/chunked-to-the-cap" : "big/100MiB-streamed", method + ' ' + route, r.head());
            j.expects.first().garbage = true; // the 413 comes early; the server may cut the stream before we read it
            j.streamBytes = declared;
            j.streamChunked = chunked;
            return j;
        };
        auto exact = [&](const QByteArray& category, const QByteArray& path, const QByteArray& body, int status) {
            Request r = admin("POST", path);
            r.body = body;
            Job j = job(category, "POST " + path, r.raw());
            j.expects.first().status = status;
            return j;
        };
        {
            jobs << streamed("POST", "/v1/events/batch", "/v1/events/batch", false);
            jobs << streamed("POST", "/v1/customers", "/v1/customers", false);
            jobs << streamed(
                "PUT", "/v1/customers/nx" + token(6) + "/balance/reserve", "/v1/customers/{id}/balance/reserve", false);
            jobs << streamed("POST", "/v1/events/batch", "/v1/events/batch", true);
            jobs << streamed("POST", "/v1/plans", "/v1/plans", true);
            // exactly at the cap, then refused by the JSON parser (nesting) or the decoder
            jobs << exact("big/1MiB-nesting", "/v1/customers", QByteArray(mib, '['), 400);
            jobs << exact("big/16MiB-nesting", "/v1/events/batch", QByteArray(16 * mib, '['), 400);
            jobs << exact("big/1MiB-invalid-utf8", "/v1/meters", QByteArray(mib, '\xff'), 400);
            jobs << exact("big/1MiB-string",
                          "/v1/customers",
                          "{\"id\":\"nx1\",\"name\":5,\"externalId\":\"" + QByteArray(mib - 64, 'e') + "\"}",
                          400);
            QByteArray members = "{\"name\":[]";
            while (members.size() < mib - 64)
                members += ",\"" + token(12) + "\":" + QByteArray::number(below(1000000));
            jobs << exact("big/1MiB-members", "/v1/plans", members + '}', 400);
            // more events than a batch takes (10,000)
            QByteArray many = "{\"events\":[";
            for (int i = 0; i < 10001; ++i)
                many += QByteArray(i ? "," : "") + "{\"customerId\":\"nx" + QByteArray::number(i) + "\"}";
            jobs << exact("big/batch-10001-events", "/v1/events/batch", many + "]}", 400);
            // 10,000 events near the 16 MiB cap that all decode and all name unknown customers: the heaviest
            // request a client may send; 200 with every event rejected
            QByteArray heavy = "{\"events\":[";
            const QByteArray pad(1500, 'p');
            for (int i = 0; i < 10000; ++i)
                heavy += QByteArray(i ? "," : "") + "{\"customerId\":\"nx" + QByteArray::number(i)
                         + "\",\"eventType\":\"llm.completion\",\"value\":" + QByteArray::number(i)
                         + ",\"dimensions\":{\"model\":\"m" + QByteArray::number(i % 7) + "\"},\"pad\":\"" + pad
                         + "\"}";
            jobs << exact("big/batch-10000-unknown-customers", "/v1/events/batch", heavy + "]}", 200);
            // declared over the cap with no body at all: 413 at once, before any body byte
            Request over = admin("POST", "/v1/events/batch");
            over.noLength = true;
            over.headers << qMakePair(QByteArray("Content-Length"), QByteArray::number(16 * mib + 1));
            Job overJob = job("big/declared-cap+1", "POST /v1/events/batch", over.head());
            overJob.expects.first().status = 413;
            jobs << overJob;
        }
        jobs += QList<Job>(jobs); // each twice: nothing of the first round may stay behind (the copies share bytes)
        return jobs;
    }

private:
    // One HTTP/1.1 request in parts; raw() frames it.
    struct Request
    {
        QByteArray method;
        QByteArray target;
        QByteArray version = "HTTP/1.1";
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        bool chunked = false;  // the body as chunks of random sizes
        bool noLength = false; // no Content-Length header even with a body (a framing attack sets its own)
        QList<int> chunkSizes; // for chunked: the sizes, cycled

        QByteArray head() const
        {
            QByteArray out = method + ' ' + target + ' ' + version + "\r\n";
            for (const auto& [name, value] : headers)
                out += name + ": " + value + "\r\n";
            if (chunked)
                out += "Transfer-Encoding: chunked\r\n";
            else if (!noLength && (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH"))
                out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
            return out + "\r\n";
        }
        QByteArray raw() const
        {
            QByteArray out = head();
            if (!chunked)
                return out + body;
            qsizetype at = 0;
            int i = 0;
            while (at < body.size()) {
                const qsizetype n = qMin<qsizetype>(
                    body.size() - at, chunkSizes.isEmpty() ? 4096 : chunkSizes.at(i++ % chunkSizes.size()));
                out += QByteArray::number(n, 16) + "\r\n" + body.mid(at, n) + "\r\n";
                at += n;
            }
            return out + "0\r\n\r\n";
        }
    };

    enum class T
    {
        Text,
        Id,
        Number,
        Integer,
        Money,
        Time,
        TextMap,
        TextList,
        Aggregation,
        Period,
        Mode,
        Scope,
        KeyScope,
        DimensionFilters,
        LimitTerms,
        Prices,
        Events,
        Url
    };
    struct Field
    {
        const char* key;
        T type;
    };
    enum class Mode
    {
        Valid,
        Hostile, // the right JSON type, an extreme value
        Wrong,   // another JSON type
        Mixed,   // any of the three, per value
    };
    using Members = QList<QPair<QString, QByteArray>>; // decoded key, the value's JSON text

    // ---- randomness ----

    int below(int n) { return n <= 1 ? 0 : int(m_rng.bounded(n)); }
    // Large values (long strings, wide maps and lists, deep nesting, many duplicates) come out of the job's byte
    // budget, so that nested arrays of them do not multiply: false when it cannot pay.
    bool spend(qint64 bytes)
    {
        if (bytes > m_budget)
            return false;
        m_budget -= bytes;
        return true;
    }
    bool chance(int percent) { return below(100) < percent; }
    template <typename L> const auto& pick(const L& list) { return list.at(below(int(list.size()))); }
    QByteArray token(int n)
    {
        static const QByteArray chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        QByteArray out(n, Qt::Uninitialized);
        for (int i = 0; i < n; ++i)
            out[i] = chars.at(below(int(chars.size())));
        return out;
    }
    // Random bytes of a kind: anything (0-255) or tchar only (method names).
    QByteArray bytes(int n)
    {
        QByteArray out(n, Qt::Uninitialized);
        for (int i = 0; i < n; ++i)
            out[i] = char(below(256));
        return out;
    }
    QByteArray tchars(int n)
    {
        static const QByteArray chars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        QByteArray out(n, Qt::Uninitialized);
        for (int i = 0; i < n; ++i)
            out[i] = chars.at(below(int(chars.size())));
        return out;
    }

    Job job(const QByteArray& category, const QByteArray& route, const QByteArray& bytes, const QByteArray& method = {})
    {
        Job j;
        j.category = category;
        j.route = route;
        j.bytes = bytes;
        Expect e;
        e.method = method.isEmpty() ? route.left(qMax<qsizetype>(0, route.indexOf(' '))) : method;
        j.expects << e;
        return j;
    }

    const Route& pickRoute(bool withBody)
    {
        if (!withBody)
            return pick(routes());
        static const QList<Route> bodied = [] {
            QList<Route> list;
            for (const Route& r : routes()) {
                if (r.body != Body::None)
                    list << r;
            }
            return list;
        }();
        return pick(bodied);
    }

    // ---- requests ----

    QByteArray authorization()
    {
        const int dice = below(100);
        if (dice < 88)
            return "Bearer " + m_store.adminKey;
        if (dice < 90)
            return "Bearer " + m_store.readKey; // 403 on writes
        if (dice < 92)
            return "Bearer " + m_store.ingestKey; // 403 on reads
        if (dice < 94)
            return "Bearer " + m_store.limitedKey; // 429 now and then
        if (dice < 95)
            return "Bearer " + m_store.revokedKey;
        static const QList<QByteArray> bad{"Bearer",
                                           "Bearer ",
                                           "bearer KEY",
                                           "Basic YWRtaW46YWRtaW4=",
                                           "Bearer mlk_",
                                           "Bearer mlk__",
                                           "Bearer mlk_000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                           "Bearer KEY KEY",
                                           "Bearer \xff\xfe\x80",
                                           "Bearer KEY\t",
                                           "Bearer mlk_%00"};
        QByteArray value = pick(bad);
        value.replace("KEY", m_store.adminKey);
        if (chance(10))
            value = "Bearer " + QByteArray(below(12000) + 200, 'k');
        return value;
    }

    Request base(const QByteArray& method, const QByteArray& target)
    {
        Request r;
        r.method = method;
        r.target = target;
        r.headers << qMakePair(QByteArray("Host"), QByteArray("127.0.0.1"));
        r.headers << qMakePair(QByteArray("Authorization"), authorization());
        if (method != "GET" && method != "DELETE")
            r.headers << qMakePair(QByteArray("Content-Type"), QByteArray("application/json"));
        return r;
    }

    // A path for route: its {id}s filled in (nx for writes), sometimes damaged in ways that keep writes safe.
    QByteArray pathOf(const Route& route, bool hostile)
    {
        QByteArray out;
        const QList<QByteArray> segments = route.pattern.split('/');
        for (qsizetype i = 0; i < segments.size(); ++i) {
            const QByteArray& s = segments.at(i);
            if (i > 0)
                out += '/';
            if (!s.startsWith('{')) {
                out += s;
                continue;
            }
            out += route.guard == Guard::Read ? readId(route.pattern, hostile) : nxId(hostile);
        }
        if (hostile && chance(30)) {
            static const QList<QByteArray> tails{
                "/", "//", "/.", "/..", "/nx", "/nx%2F..", "%2F", "%2Fnx", "/nx/nx/nx", "/%2e%2e", "/nx%00", ";x=1"};
            out += pick(tails);
        }
        if (hostile && chance(10)) {
            // percent-encoded letters decode to the same route; an upper-case one does not
            const qsizetype at = 1 + below(int(out.size() - 1));
            const char c = out.at(at);
            if (QChar::isLetter(uchar(c)) && chance(50))
                out = out.left(at) + '%' + QByteArray::number(uchar(c), 16).toUpper() + out.mid(at + 1);
            else
                out = out.toUpper();
        }
        return out;
    }

    QByteArray nxId(bool hostile)
    {
        if (!hostile || chance(40))
            return "nx" + token(1 + below(12));
        static const QList<QByteArray> suffixes{"",
                                                "-1",
                                                QByteArray(130, 'x'),
                                                QByteArray(4000, 'y'),
                                                "%00",
                                                "%ff%fe",
                                                "%C0%AF",
                                                "%E0%80%AF",
                                                "%ED%A0%80",
                                                "%F4%90%80%80",
                                                "%2F",
                                                "%2Fbalance",
                                                "%20",
                                                "!",
                                                "$",
                                                "'",
                                                "%22",
                                                "%3Cscript%3E",
                                                "..",
                                                ":",
                                                "%E2%80%AE",
                                                "%F0%9F%92%A9",
                                                "%",
                                                "%zz",
                                                "%0a",
                                                "%0d%0a",
                                                "~",
                                                "%7E",
                                                "%5C",
                                                "'%20OR%201=1--"};
        return "nx" + pick(suffixes);
    }

    QByteArray readId(const QByteArray& pattern, bool hostile)
    {
        if (hostile && chance(40)) {
            static const QList<QByteArray> odd{
                "%00", "%ff", "..", "%2e%2e", "a%2Fb", "%20", "%", QByteArray(129, 'i'), QByteArray(8000, 'j'), "*"};
            return chance(50) ? nxId(true) : pick(odd);
        }
        const QList<QByteArray>* ids = &m_store.customers;
        if (pattern.startsWith("/v1/meters"))
            ids = &m_store.meters;
        else if (pattern.startsWith("/v1/plans"))
            ids = &m_store.plans;
        else if (pattern.startsWith("/v1/limits"))
            ids = &m_store.limits;
        else if (pattern.startsWith("/v1/webhooks"))
            ids = &m_store.webhooks;
        else if (pattern.startsWith("/v1/reservations"))
            return nxId(false);
        return pick(*ids);
    }

    // ---- JSON values ----

    QByteArray jsonString(const QString& text)
    {
        QByteArray out = "\"";
        for (const QChar c : text) {
            const char16_t u = c.unicode();
            if (u == '"' || u == '\\')
                out += '\\' + QByteArray(1, char(u));
            else if (u < 0x20 || chance(3))
                out += "\\u" + QByteArray::number(u, 16).rightJustified(4, '0');
            else
                out += QString(c).toUtf8();
        }
        return out + '"';
    }

    QByteArray deep(int depth)
    {
        const bool arrays = chance(50);
        QByteArray open = arrays ? QByteArray("[") : QByteArray("{\"a\":");
        QByteArray close = arrays ? QByteArray("]") : QByteArray("}");
        QByteArray out = open.repeated(depth);
        if (chance(70)) // closed: valid JSON when not too deep; else cut off
            out += "1" + close.repeated(depth);
        return out;
    }

    int depth()
    {
        static const QList<int> depths{2, 64, 512, 1023, 1024, 1025, 5000, 100000};
        const int d = pick(depths);
        return spend(qint64(d) * 5) ? d : 1025;
    }

    QByteArray hugeNumber()
    {
        static const QList<QByteArray> numbers{
            "1e400",
            "-1e400",
            "1e-400",
            "-0",
            "-0.0",
            "0e0",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "1" + QByteArray(99, '0'),
            "-" + QByteArray(100, '9'),
            "0." + QByteArray(400, '0') + "1",
            "1e308",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
            "4.9e-324",
            "2.4e-324",
            "123456789012345678901234567890e-30",
            "1E+2",
            "1e",
            "-",
            "01",
            "1.",
            ".5",
            "+1",
            "NaN",
            "Infinity",
            "-Infinity",
            "0x10",
            "1_000",
            "2147483648",
            "-2147483649",
            "86401",
            "1e9999999999",
        };
        return pick(numbers);
    }

    QByteArray hostileString()
    {
        static const QList<QByteArray> strings{
            "\"\"",
            "\" \"",
            "\"\\u0000\"",
            "\"a\\u0000b\"",
            "\"\\ud800\"",
            "\"\\udc00\\ud800\"",
            "\"\\uDBFF\\uDFFF\"",
            "\"\\uFFFF\"",
            "\"\xc3\xa9\"",
            "\"\xf0\x9f\x92\xa9\"",
            "\"\\u202e\"",
            "\"\\\"\"",
            "\"\\/\"",
            "\"\\x41\"",
            "\"\\u12\"",
            "\"\\\"",
            "\"a\tb\"",
            "\"a\nb\"",
            "\"../../etc/passwd\"",
            "\"' OR 1=1 --\"",
            "\"%s%n%x\"",
            "\"${jndi:ldap://x}\"",
            "\"<script>alert(1)</script>\"",
            "\"cust_acme\\u0000\"",
            "\"llm.*\"",
            "\"*\"",
            "\"" + QByteArray(129, 'a') + "\"",
            "\"" + QByteArray(257, 'b') + "\"",
            "\"" + QByteArray(65, 'c') + "\"",
            "\"" + QByteArray("\\u0000").repeated(200) + "\"",
            "\"" + QByteArray("\\ud83d\\udca9").repeated(100) + "\"",
        };
        if (chance(2)) {
            const int n = 10000 + below(200000);
            if (spend(n))
                return "\"" + QByteArray(n, 's') + "\"";
        }
        return pick(strings);
    }

    QByteArray wrong(T type)
    {
        // JSON values of every type; the caller's type is left out where it matters
        static const QList<QByteArray> others{"5",
                                              "-1",
                                              "0",
                                              "true",
                                              "false",
                                              "[]",
                                              "{}",
                                              "[\"a\"]",
                                              "{\"a\":\"b\"}",
                                              "0.5",
                                              "[[[]]]",
                                              "[1,2,3]",
                                              "{\"\":{}}",
                                              "99999999999999999999"};
        static const QList<QByteArray> strings{"\"5\"", "\"true\"", "\"[]\"", "\"\"", "\"null\""};
        switch (type) {
        case T::Number:
        case T::Integer:
            return chance(50) ? pick(strings) : pick(QList<QByteArray>{"true", "[]", "{}", "[1]", "{\"v\":1}"});
        case T::TextMap:
        case T::DimensionFilters:
            return chance(30)
                       ? pick(strings)
                       : pick(QList<QByteArray>{
                           "5", "[]", "[\"a\"]", "true", "{\"a\":5}", "{\"a\":[]}", "{\"a\":null}", "{\"a\":{}}"});
        case T::TextList:
        case T::LimitTerms:
        case T::Prices:
        case T::Events:
            return chance(30) ? pick(strings)
                              : pick(QList<QByteArray>{
                                  "5", "{}", "\"a\"", "[5]", "[[\"a\"]]", "[null]", "[{}]", "[true,false]"});
        default:
            return pick(others);
        }
    }

    QByteArray valid(T type)
    {
        switch (type) {
        case T::Text:
            return jsonString(QString::fromLatin1(pick(QList<QByteArray>{"Acme", "llm.completion", "seed", "x"})));
        case T::Id:
            return "\""
                   + pick(QList<QByteArray>{
                       pick(m_store.customers), pick(m_store.meters), pick(m_store.plans), "nx" + token(4)})
                   + "\"";
        case T::Number:
            return pick(QList<QByteArray>{"1", "0.5", "100", "0", "12345.678"});
        case T::Integer:
            return pick(QList<QByteArray>{"1", "60", "300", "1000"});
        case T::Money:
            return pick(QList<QByteArray>{"\"12.5\"", "\"0.000001\"", "\"100\"", "\"0\""});
        case T::Time:
            return pick(QList<QByteArray>{"\"2026-01-01T00:00:00Z\"", "\"2025-06-30T12:00:00.5+02:00\""});
        case T::TextMap:
            return "{\"model\":\"gpt\",\"region\":\"eu\"}";
        case T::TextList:
            return pick(QList<QByteArray>{"[\"llm.*\"]", "[]", "[\"limit.exceeded\",\"balance.low\"]"});
        case T::Aggregation:
            return pick(QList<QByteArray>{"\"sum\"", "\"count\"", "\"max\"", "\"unique_count\""});
        case T::Period:
            return pick(QList<QByteArray>{"\"hour\"", "\"day\"", "\"week\"", "\"month\"", "\"lifetime\""});
        case T::Mode:
            return pick(QList<QByteArray>{"\"hard\"", "\"soft\""});
        case T::Scope:
            return pick(QList<QByteArray>{"\"plan\"", "\"customer\""});
        case T::KeyScope:
            return pick(QList<QByteArray>{"\"ingest\"", "\"read\"", "\"admin\""});
        case T::DimensionFilters:
            return "{\"region\":[\"eu\",\"us\"]}";
        case T::LimitTerms:
            return "[{\"meterId\":\"tokens\",\"period\":\"month\",\"value\":100}]";
        case T::Prices:
            return "[{\"meterId\":\"tokens\",\"unitPrice\":\"0.01\",\"perUnits\":1000}]";
        case T::Events:
            return "[" + eventObject(Mode::Valid) + "]";
        case T::Url:
            return "\"https://hooks.example.com/x\"";
        }
        return "null";
    }

    QByteArray hostile(T type)
    {
        switch (type) {
        case T::Number:
        case T::Integer:
            return hugeNumber();
        case T::Money:
            return pick(QList<QByteArray>{"\"1e5\"",
                                          "\"-1\"",
                                          "\"-0\"",
                                          "\"0.0000001\"",
                                          "\"99999999999999999999\"",
                                          "\"9223372036854.775807\"",
                                          "\"9223372036854.775808\"",
                                          "\"1.2.3\"",
                                          "\" 1\"",
                                          "\"0x10\"",
                                          "\"\xd9\xa1\xd9\xa2\"",
                                          "\"+1\"",
                                          "\"1,5\"",
                                          "\"NaN\"",
                                          "\"\"",
                                          "\".5\"",
                                          "\"5.\"",
                                          "\"1" + QByteArray(300, '0') + "\""});
        case T::Time:
            return pick(QList<QByteArray>{"\"2026-13-45T99:99:99Z\"",
                                          "\"9999-12-31T23:59:59Z\"",
                                          "\"0000-01-01T00:00:00Z\"",
                                          "\"2026-01-01\"",
                                          "\"+275760-09-13T00:00:00Z\"",
                                          "\"-271821-04-20T00:00:00Z\"",
                                          "\"2026-01-01T00:00:00+99:99\"",
                                          "\"2026-01-01T00:00:00.123456789123456789Z\"",
                                          "\"1970-01-01T00:00:00Z\"",
                                          "\"2100-01-01T00:00:00Z\"",
                                          "\"now\"",
                                          "\"2026-02-30T00:00:00Z\"",
                                          "\"2026-01-01T24:00:00Z\"",
                                          "\"2026-W01-1\"",
                                          "\"1e10\"",
                                          "\"T\"",
                                          "\"2026-01-01T00:00:00\""});
        case T::TextMap: {
            QByteArray out = "{";
            int n = pick(QList<int>{0, 1, 32, 33, 1000});
            if (!spend(n * 12))
                n = 33;
            for (int i = 0; i < n; ++i)
                out += QByteArray(i ? "," : "") + (chance(5) ? hostileString() : "\"k" + QByteArray::number(i) + "\"")
                       + ":" + (chance(20) ? hostileString() : QByteArray("\"v\""));
            return out + '}';
        }
        case T::TextList:
        case T::DimensionFilters: {
            QByteArray out = type == T::TextList ? "[" : "{\"k\":[";
            int n = pick(QList<int>{0, 1, 100, 10000});
            if (!spend(n * 6))
                n = 100;
            for (int i = 0; i < n; ++i)
                out += QByteArray(i ? "," : "") + (chance(10) ? hostileString() : QByteArray("\"e\""));
            return out + (type == T::TextList ? "]" : "]}");
        }
        case T::LimitTerms:
        case T::Prices:
        case T::Events: {
            QByteArray out = "[";
            int n = pick(QList<int>{0, 1, 10, 200});
            if (!spend(n * 100))
                n = 2;
            for (int i = 0; i < n; ++i) {
                out += i ? "," : "";
                if (type == T::Events)
                    out += eventObject(Mode::Mixed);
                else
                    out += object(type == T::Prices ? priceFields() : limitTermFields(), Mode::Mixed, {}, false);
            }
            return out + ']';
        }
        case T::Url:
            return pick(QList<QByteArray>{"\"ftp://x\"",
                                          "\"http://127.0.0.1:1/\"",
                                          "\"https://\"",
                                          "\"\"",
                                          "\"https://[::1]/\"",
                                          "\"https://169.254.169.254/latest\"",
                                          "\"javascript:alert(1)\"",
                                          "\"https://a\\u0000b/\""});
        default:
            return hostileString();
        }
    }

    QByteArray value(T type, Mode mode)
    {
        if (mode == Mode::Mixed)
            mode = pick(QList<Mode>{Mode::Valid, Mode::Hostile, Mode::Wrong});
        if (chance(3))
            return "null";
        switch (mode) {
        case Mode::Valid:
            return valid(type);
        case Mode::Hostile:
            return hostile(type);
        default:
            return wrong(type);
        }
    }

    // A value the guard member may have: not a string (absent and null also fail a required member), or for
    // a customerId a string naming a customer that does not exist.
    QByteArray guardValue(bool nxAllowed)
    {
        if (nxAllowed && chance(50))
            return "\"nx" + (chance(80) ? token(1 + below(10)) : QByteArray("\\u0000")) + "\"";
        static const QList<QByteArray> poison{
            "null", "5", "-1", "0", "true", "false", "[]", "{}", "[\"a\"]", "[[[]]]", "[null]", "{\"a\":\"b\"}"};
        if (chance(10))
            return deep(depth());
        return chance(30) ? hugeNumber() : pick(poison); // never a string: hugeNumber() has none either
    }
    static bool isGuardValue(const QByteArray& text, bool nxAllowed)
    {
        return !text.startsWith('"') || (nxAllowed && text.startsWith("\"nx"));
    }

    static QList<Field> fieldsOf(Body body)
    {
        switch (body) {
        case Body::Check:
            return {{"customerId", T::Id}, {"meterId", T::Id}, {"reserve", T::Number}, {"reserveSeconds", T::Integer}};
        case Body::Event:
            return eventFields();
        case Body::Batch:
            return {{"events", T::Events}};
        case Body::Customer:
            return {
                {"id", T::Id}, {"name", T::Text}, {"planId", T::Id}, {"externalId", T::Text}, {"metadata", T::TextMap}};
        case Body::CustomerPatch:
            return {{"name", T::Text}, {"planId", T::Id}, {"externalId", T::Text}, {"metadata", T::TextMap}};
        case Body::Plan:
            return {{"id", T::Id},
                    {"name", T::Text},
                    {"limits", T::LimitTerms},
                    {"prices", T::Prices},
                    {"currency", T::Text}};
        case Body::Meter:
            return {{"id", T::Id},
                    {"name", T::Text},
                    {"aggregation", T::Aggregation},
                    {"eventTypes", T::TextList},
                    {"dimensionFilters", T::DimensionFilters},
                    {"dimension", T::Text}};
        case Body::Limit:
            return {{"id", T::Id},
                    {"scope", T::Scope},
                    {"planId", T::Id},
                    {"customerId", T::Id},
                    {"meterId", T::Id},
                    {"period", T::Period},
                    {"value", T::Number},
                    {"mode", T::Mode}};
        case Body::Credit:
            return {{"amount", T::Money}, {"reason", T::Text}, {"idempotencyKey", T::Text}};
        case Body::Reserve:
            return {{"reserve", T::Money}};
        case Body::ApiKey:
            return {{"name", T::Text}, {"scope", T::KeyScope}, {"rateLimit", T::Integer}};
        case Body::Webhook:
            return {{"url", T::Url}, {"events", T::TextList}, {"balanceLowThreshold", T::Money}};
        case Body::None:
            break;
        }
        return {};
    }
    static QList<Field> eventFields()
    {
        return {{"customerId", T::Id},
                {"eventType", T::Text},
                {"value", T::Number},
                {"dimensions", T::TextMap},
                {"timestamp", T::Time},
                {"idempotencyKey", T::Text},
                {"reservationId", T::Id}};
    }
    static QList<Field> limitTermFields()
    {
        return {{"meterId", T::Id}, {"period", T::Period}, {"value", T::Number}, {"mode", T::Mode}};
    }
    static QList<Field> priceFields()
    {
        return {{"meterId", T::Id},
                {"unitPrice", T::Money},
                {"perUnits", T::Integer},
                {"includedUnits", T::Number},
                {"creditsPerUnit", T::Money}};
    }
    // The member that keeps a create, check, record or batch event from writing ("" for none).
    static QString guardKeyOf(Body body)
    {
        switch (body) {
        case Body::Check:
        case Body::Event:
            return QStringLiteral("customerId");
        case Body::Customer:
        case Body::Plan:
        case Body::Meter:
        case Body::ApiKey:
            return QStringLiteral("name");
        case Body::Limit:
            return QStringLiteral("meterId");
        case Body::Webhook:
            return QStringLiteral("url");
        default:
            return {};
        }
    }

    QByteArray encodeKey(const QString& key) { return chance(10) ? jsonString(key) : '"' + key.toUtf8() + '"'; }

    QByteArray serialize(const Members& members)
    {
        QByteArray out = "{";
        for (qsizetype i = 0; i < members.size(); ++i)
            out += (i ? "," : "") + encodeKey(members.at(i).first) + ':' + members.at(i).second;
        return out + '}';
    }

    // The members of one object: every field (some left out) as mode says. guardKey: the member that must stay
    // wrong (nxAllowed: or name an "nx" customer).
    Members members(const QList<Field>& fields, Mode mode, const QString& guardKey, bool nxAllowed)
    {
        Members out;
        for (const Field& f : fields) {
            if (chance(10))
                continue; // absent
            const QString key = QString::fromLatin1(f.key);
            out << qMakePair(key, key == guardKey ? guardValue(nxAllowed) : value(f.type, mode));
        }
        return out;
    }

    void enforceGuard(Members& members, const QString& guardKey, bool nxAllowed)
    {
        if (guardKey.isEmpty())
            return;
        for (auto& [key, text] : members) {
            while (key == guardKey && !isGuardValue(text, nxAllowed))
                text = guardValue(nxAllowed);
        }
    }

    QByteArray object(const QList<Field>& fields, Mode mode, const QString& guardKey, bool nxAllowed)
    {
        Members m = members(fields, mode, guardKey, nxAllowed);
        enforceGuard(m, guardKey, nxAllowed);
        return serialize(m);
    }

    // One event of a batch: always guarded by its customerId, whatever the route.
    QByteArray eventObject(Mode mode)
    {
        Members m = members(eventFields(), mode, QStringLiteral("customerId"), true);
        if (chance(20))
            m << qMakePair(QStringLiteral("customerId"), guardValue(true)); // a duplicate, guarded too
        enforceGuard(m, QStringLiteral("customerId"), true);
        return serialize(m);
    }

    // Damage that makes a JSON text invalid: invalid UTF-8 (overlong, surrogate, beyond U+10FFFF, lone
    // continuation, truncated), raw NULs or control bytes, or a cut.
    QByteArray breakJson(QByteArray json)
    {
        static const QList<QByteArray> invalidUtf8{"\xff",
                                                   "\xfe\xff",
                                                   "\xc0\xaf",
                                                   "\xc0\x80",
                                                   "\xe0\x80\xaf",
                                                   "\xf0\x80\x80\xaf",
                                                   "\xed\xa0\x80",
                                                   "\xed\xbf\xbf",
                                                   "\xf4\x90\x80\x80",
                                                   "\x80",
                                                   "\xc3",
                                                   "\xe2\x82",
                                                   "\xf8\x88\x80\x80\x80",
                                                   "\xfc\x84\x80\x80\x80\x80"};
        const qsizetype at = below(int(json.size()));
        switch (below(3)) {
        case 0:
            return json.insert(at, pick(invalidUtf8));
        case 1:
            return json.insert(at, QByteArray(1 + below(3), '\0'));
        default:
            return json.left(qMax<qsizetype>(1, json.size() - 1 - below(int(json.size())))); // never the whole
        }
    }

    QByteArray garbageBody()
    {
        static const QList<QByteArray> bodies{"",
                                              " ",
                                              "null",
                                              "[]",
                                              "\"text\"",
                                              "5",
                                              "true",
                                              "{",
                                              "}",
                                              "{\"a\"}",
                                              "{,}",
                                              "{\"a\":1,}",
                                              "{\"a\" 1}",
                                              "{'a':1}",
                                              "{a:1}",
                                              "/* c */{}",
                                              "{}garbage",
                                              "{}{}",
                                              "{\"a\":1}{\"b\":2}",
                                              "\xef\xbb\xbf{}",
                                              QByteArray("\xff\xfe{\0}\0", 6),
                                              QByteArray("{\0}", 3),
                                              "{}",
                                              "{\"\":\"\"}",
                                              "{\"__proto__\":{\"admin\":true}}",
                                              "\r\n\r\n",
                                              "[{\"customerId\":\"cust_acme\"}]",
                                              "{\"a\":\"\\uD800\\u0041\"}"};
        return pick(bodies);
    }

    QByteArray unknownMembers(int n)
    {
        QByteArray out;
        static const QList<QByteArray> names{"\"__proto__\"",
                                             "\"constructor\"",
                                             "\"\"",
                                             "\"\\u0000\"",
                                             "\"id \"",
                                             "\"ID\"",
                                             "\"Name\"",
                                             "\"customerid\"",
                                             "\"" + QByteArray(5000, 'u') + "\"",
                                             "\"\\ud800\"",
                                             "\"$where\"",
                                             "\"a.b\""};
        for (int i = 0; i < n; ++i)
            out += ',' + (chance(50) ? pick(names) : "\"x" + token(6) + "\"") + ':'
                   + pick(QList<QByteArray>{"1", "\"v\"", "null", "[]", "{}", "true", hugeNumber()});
        return out;
    }

    QByteArray idempotencyHeader()
    {
        static const QList<QByteArray> keys{"",
                                            " ",
                                            "k",
                                            QByteArray(10000, 'k'),
                                            "\x80\xff\xfe",
                                            "key with spaces",
                                            "\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87",
                                            "%00",
                                            "\"quoted\"",
                                            "a,b",
                                            "\t\t"};
        return pick(keys);
    }

    // ---- categories ----

    Job json(const Route& route)
    {
        static const QList<QByteArray> kinds{"wrong-types",
                                             "huge-numbers",
                                             "deep-nesting",
                                             "invalid-utf8",
                                             "nul-bytes",
                                             "duplicate-keys",
                                             "unknown-fields",
                                             "bad-idempotency",
                                             "garbage-body",
                                             "mixed"};
        const QByteArray kind = pick(kinds);
        const QList<Field> fields = fieldsOf(route.body);
        const QString guardKey = route.guard == Guard::Body ? guardKeyOf(route.body) : QString();
        const bool nxAllowed = route.body == Body::Check || route.body == Body::Event;
        Mode mode = Mode::Mixed;
        if (kind == "wrong-types")
            mode = Mode::Wrong;
        else if (kind == "huge-numbers" || kind == "nul-bytes")
            mode = Mode::Hostile;
        Members m = members(fields, mode, guardKey, nxAllowed);
        if (kind == "huge-numbers") {
            for (auto& member : m) {
                if (chance(50))
                    member.second = hugeNumber();
            }
        } else if (kind == "deep-nesting" && !m.isEmpty()) {
            m[below(int(m.size()))].second = deep(depth());
        } else if (kind == "nul-bytes") {
            for (auto& member : m) {
                if (chance(40))
                    member.first.insert(below(int(member.first.size()) + 1), QChar(0));
            }
        } else if (kind == "duplicate-keys" && !m.isEmpty()) {
            int n = pick(QList<int>{1, 2, 10, 1000});
            if (!spend(n * 40))
                n = 10;
            for (int i = 0; i < n; ++i) {
                const QString twin = m.at(below(int(m.size()))).first;
                m << qMakePair(twin, value(fields.isEmpty() ? T::Text : pick(fields).type, Mode::Mixed));
            }
        }
        enforceGuard(m, guardKey, nxAllowed);
        QByteArray body = serialize(m);
        if (kind == "unknown-fields") {
            body.chop(1);
            int n = pick(QList<int>{1, 10, 300});
            if (!spend(n * 500))
                n = 10;
            body += unknownMembers(n);
            if (body.startsWith("{,"))
                body.remove(1, 1);
            body += '}';
        } else if (kind == "deep-nesting" && chance(30)) {
            body = deep(depth()); // the whole body
        } else if (kind == "invalid-utf8" || (kind == "nul-bytes" && chance(50))) {
            body = breakJson(body);
        } else if (kind == "garbage-body") {
            body = garbageBody();
        }

        Request r = base(route.method, pathOf(route, false));
        r.body = body;
        if (kind == "bad-idempotency" || chance(5)) {
            QByteArray key = idempotencyHeader();
            r.headers << qMakePair(QByteArray("Idempotency-Key"), key);
            if (chance(20))
                r.headers << qMakePair(QByteArray("Idempotency-Key"), QByteArray("other"));
        }
        if (chance(10)) {
            r.chunked = true;
            r.chunkSizes = {1 + below(64), 1 + below(4096)};
        }
        return job("json/" + kind, route.name(), r.raw());
    }

    QByteArray queryValue(const QByteArray& key)
    {
        static const QList<QByteArray> periods{"current_hour",
                                               "current_day",
                                               "current_week",
                                               "current_month",
                                               "previous_month",
                                               "lifetime",
                                               "",
                                               "CURRENT_MONTH",
                                               "month",
                                               "current_month%00",
                                               "current_month%20",
                                               "%ff",
                                               "current_%6Donth",
                                               "year",
                                               "previous_month,lifetime"};
        static const QList<QByteArray> times{"2026-01-01T00:00:00Z",
                                             "2025-01-01T00:00:00Z",
                                             "1970-01-01T00:00:00Z",
                                             "0001-01-01T00:00:00Z",
                                             "9999-12-31T23:59:59Z",
                                             "%2B275760-09-13T00:00:00Z",
                                             "-271821-04-20T00:00:00Z",
                                             "2026-01-01",
                                             "2026-01-01T00:00:00",
                                             "2026-01-01T00:00:00%2B14:00",
                                             "2026-01-01T00:00:00+14:00",
                                             "2026-01-01T00:00:00.999999999999Z",
                                             "2026-02-30T00:00:00Z",
                                             "2026-13-01T00:00:00Z",
                                             "garbage",
                                             "",
                                             "%00",
                                             "1e10",
                                             "-1",
                                             "now"};
        static const QList<QByteArray> limits{"0",
                                              "1",
                                              "1000",
                                              "1001",
                                              "10000",
                                              "10001",
                                              "-1",
                                              "99999999999999999999",
                                              "1e3",
                                              "0x10",
                                              "%2B5",
                                              "5%00",
                                              "",
                                              "2147483648",
                                              "-2147483649",
                                              "%205",
                                              "05"};
        static const QList<QByteArray> cursors{"",
                                               "MTox",
                                               "!!!",
                                               "%00",
                                               "%ff%fe",
                                               QByteArray(4000, 'A'),
                                               "-1",
                                               "0",
                                               "9223372036854775807",
                                               "eyJzZXEiOjF9",
                                               "../../",
                                               "%2F%2F",
                                               "MTox%00",
                                               "ZZZZ",
                                               "LTE6LTE"};
        static const QList<QByteArray> windows{"hour", "day", "month", "year", "", "HOUR", "%00", "week"};
        static const QList<QByteArray> since{"latest",
                                             "0",
                                             "-1",
                                             "1",
                                             "99999999999999999999",
                                             "1.5",
                                             "latest%00",
                                             "LATEST",
                                             "",
                                             "9223372036854775807",
                                             "0x10",
                                             "%20latest"};
        if (key == "period")
            return pick(periods);
        if (key == "from" || key == "to")
            return pick(times);
        if (key == "limit")
            return pick(limits);
        if (key == "cursor")
            return pick(cursors);
        if (key == "window")
            return pick(windows);
        if (key == "since")
            return pick(since);
        if (key == "customerId") {
            return pick(QList<QByteArray>{pick(m_store.customers),
                                          "nx" + token(3),
                                          "",
                                          "%00",
                                          "%ff",
                                          QByteArray(200, 'c'),
                                          "cust_acme%20",
                                          "%63ust_acme"});
        }
        if (key == "groupBy")
            return pick(QList<QByteArray>{"customerId", "model", "", QByteArray(65, 'k'), "%00", "region"});
        return pick(QList<QByteArray>{"llm.completion", "*", "%", "", QByteArray(300, 'e'), "%ED%A0%80", "a+b"});
    }

    Job query()
    {
        static const QList<Route> reads = [] {
            QList<Route> list;
            for (const Route& r : routes()) {
                if (r.method == "GET")
                    list << r;
            }
            return list;
        }();
        const Route& route = pick(reads);
        QList<QByteArray> keys;
        switch (route.query) {
        case Query::Events:
            keys = {"customerId", "eventType", "from", "to", "limit", "cursor", "filter"};
            break;
        case Query::Usage:
            keys = {"customerId", "period", "from", "to", "groupBy", "window", "filter"};
            break;
        case Query::Summary:
            keys = {"period", "from", "to", "customerId", "cursor", "limit"};
            break;
        case Query::Invoices:
            keys = {"period", "from", "to"};
            break;
        case Query::UsageCsv:
            keys = {"period", "from", "to", "customerId"};
            break;
        case Query::Changes:
            keys = {"since", "limit"};
            break;
        case Query::Page:
            keys = {"cursor", "limit"};
            break;
        case Query::Limit:
            keys = {"limit"};
            break;
        case Query::None:
            keys = {"limit", "cursor", "x"};
            break;
        }
        QList<QByteArray> items;
        for (const QByteArray& key : keys) {
            if (chance(35))
                continue;
            const int repeats =
                key == "groupBy" || key == "filter" ? pick(QList<int>{1, 2, 33, 100}) : (chance(10) ? 2 : 1);
            for (int i = 0; i < repeats; ++i) {
                if (key == "filter") {
                    const QByteArray dim = pick(QList<QByteArray>{"model",
                                                                  "",
                                                                  QByteArray(65, 'd'),
                                                                  "%00",
                                                                  "a.b",
                                                                  "filter.",
                                                                  "region",
                                                                  "m" + QByteArray::number(i)});
                    items << "filter." + dim + '=' + queryValue("x");
                } else {
                    items << key + '=' + queryValue(key);
                }
            }
        }
        static const QList<QByteArray> odd{
            "", "&", "&&&", "=", "a", "a=b=c", "%", "%zz", "%C0%AF", "period", "+=+", "a[]=1&a[b]=2", ";", "%3D%26"};
        if (chance(30))
            items.insert(below(int(items.size()) + 1), pick(odd));
        QByteArray target = pathOf(route, chance(20));
        QByteArray query = items.join('&');
        if (chance(3))
            query += '&' + QByteArray(below(20000), 'q'); // near and over the 16 KiB head
        if (!query.isEmpty() || chance(10))
            target += '?' + query;
        Request r = base("GET", target);
        if (chance(5))
            r.body = garbageBody(); // a body on a GET is read and ignored
        return job(QByteArray("query/") + (route.query == Query::None ? "ignored" : "params"), route.name(), r.raw());
    }

    Job path()
    {
        const Route& route = pick(routes());
        Request r = base(route.method, pathOf(route, true));
        if (route.body != Body::None)
            r.body = object(fieldsOf(route.body),
                            Mode::Mixed,
                            route.guard == Guard::Body ? guardKeyOf(route.body) : QString(),
                            route.body == Body::Check || route.body == Body::Event);
        Job j = job("path/damaged", route.name(), r.raw());
        if (chance(25)) {
            // bytes the request target may not have, or no route at all
            static const QList<QByteArray> targets{"/",
                                                   "/v2/customers",
                                                   "*",
                                                   "/%",
                                                   QByteArray("/v1/customers\x7f"),
                                                   "/v1/customers?#frag",
                                                   "/v1/customers#",
                                                   "http://127.0.0.1/v1/customers",
                                                   "v1/customers",
                                                   QByteArray("/v1/customers/nx\x00", 17),
                                                   "/v1/customers/nx\xc3\xa9",
                                                   "/v1/customers/nx\xff",
                                                   "/" + QByteArray(15000, 'p'),
                                                   "/" + QByteArray(17000, 'p'),
                                                   "/v1/customers/nx\tx",
                                                   "/\\v1\\customers"};
            r.target = pick(targets);
            r.body.clear();
            j = job("path/invalid-target", "-", r.raw(), route.method);
            j.expects.first().garbage = true;
        }
        return j;
    }

    // A body for route that cannot write (see the top of the file).
    QByteArray safeBody(const Route& route)
    {
        if (route.body == Body::None)
            return {};
        return object(fieldsOf(route.body),
                      Mode::Mixed,
                      route.guard == Guard::Body ? guardKeyOf(route.body) : QString(),
                      route.body == Body::Check || route.body == Body::Event);
    }

    Job headers()
    {
        const Route& route = pick(routes());
        Request r = base(route.method, pathOf(route, false));
        r.body = safeBody(route);
        bool garbage = false; // the engine refuses it (400, 431): it answers and closes
        QByteArray kind;
        switch (below(10)) {
        case 0: { // thousands of small headers, below and over the 16 KiB head
            kind = "flood";
            const int n = pick(QList<int>{100, 1000, 1500, 3000, 5000});
            for (int i = 0; i < n; ++i)
                r.headers << qMakePair("X-" + QByteArray::number(i), QByteArray(1 + below(3), 'v'));
            garbage = true; // over 16 KiB: 431
            break;
        }
        case 1: { // one name thousands of times
            kind = "flood-same-name";
            const int n = pick(QList<int>{500, 2000});
            for (int i = 0; i < n; ++i)
                r.headers << qMakePair(QByteArray("Accept"), QByteArray("*/*"));
            garbage = true;
            break;
        }
        case 2: // one huge header
            kind = "huge";
            r.headers << qMakePair(QByteArray("X-Huge"), QByteArray(pick(QList<int>{8000, 15000, 17000, 100000}), 'h'));
            garbage = true;
            break;
        case 3: { // bytes a field may not have
            kind = "bad-bytes";
            static const QList<QPair<QByteArray, QByteArray>> bad{
                {"X-Nul", QByteArray("a\0b", 3)},
                {"X-Cr", "a\rb"},
                {"X-Del", "a\x7f"},
                {"X A", "b"},
                {"X-A ", "b"},
                {"", "empty name"},
                {"X-\xff", "b"},
                {"X-Fold", "a\r\n folded"},
                {"Content-Type", QByteArray("application/json\0", 17)},
                {"Idempotency-Key", QByteArray("k\0", 2)},
                {"Authorization", QByteArray("Bearer \0", 8)},
                {"Host", "second"},
            };
            r.headers << pick(bad);
            garbage = true;
            break;
        }
        case 4: // obs-text is allowed in values: the request goes on
            kind = "obs-text";
            r.headers << qMakePair(QByteArray("X-Obs"), QByteArray("\x80\xff\xc3\xa9 ok"));
            r.headers << qMakePair(QByteArray("Idempotency-Key"), idempotencyHeader());
            break;
        case 5: { // Content-Length that is not one length
            kind = "content-length";
            static const QList<QByteArray> lengths{
                "abc", "-1", "+5", "5, 6", "99999999999999999999", "0x5", "1e3", "", " ", "5,,6", "1 2"};
            r.noLength = true;
            r.headers << qMakePair(QByteArray("Content-Length"), pick(lengths));
            if (chance(30)) {
                r.headers.removeLast();
                r.headers << qMakePair(QByteArray("Content-Length"), QByteArray::number(r.body.size()));
                r.headers << qMakePair(QByteArray("Content-Length"), QByteArray::number(r.body.size() + 1));
            }
            garbage = true;
            break;
        }
        case 6: { // transfer codings
            kind = "transfer-encoding";
            static const QList<QByteArray> codings{
                "gzip", "chunked, gzip", "identity", "deflate", "chunked, chunked", "", "chunked;q=1", "x-custom"};
            const QByteArray coding = pick(codings);
            r.noLength = true;
            r.headers << qMakePair(QByteArray("Transfer-Encoding"), coding);
            if (chance(30)) // with a Content-Length too
                r.headers << qMakePair(QByteArray("Content-Length"), QByteArray::number(r.body.size()));
            r.body.clear();
            garbage = true;
            break;
        }
        case 7: // Host missing, twice
            kind = "host";
            r.headers.removeFirst();
            if (chance(50))
                r.headers << qMakePair(QByteArray("Host"), QByteArray("a"))
                          << qMakePair(QByteArray("Host"), QByteArray("b"));
            garbage = true;
            break;
        case 8: // Expect: 100-continue, and other expectations
            kind = "expect";
            r.headers << qMakePair(QByteArray("Expect"),
                                   pick(QList<QByteArray>{"100-continue", "200-ok", "100-Continue, x"}));
            break;
        default: // Connection options; HTTP/1.0
            kind = "connection";
            r.headers << qMakePair(
                QByteArray("Connection"),
                pick(QList<QByteArray>{"close", "keep-alive, close", "upgrade", "keep-alive", "Close"}));
            if (chance(30))
                r.headers << qMakePair(QByteArray("Upgrade"), QByteArray("h2c"));
            if (chance(30))
                r.version = "HTTP/1.0";
            break;
        }
        Job j = job("headers/" + kind, route.name(), r.raw());
        j.expects.first().garbage = garbage;
        return j;
    }

    Job framing()
    {
        const Route& route = pick(routes());
        Request r = base(route.method, pathOf(route, false));
        r.body = safeBody(route);
        switch (below(6)) {
        case 0: { // 100 MiB declared, a few bytes sent: 413 before any body byte is read
            r.noLength = true;
            r.headers << qMakePair(QByteArray("Content-Length"), QByteArray("104857600"));
            Job j = job("framing/100MiB-declared", route.name(), r.head() + r.body.left(100));
            j.expects.first().status = 413;
            return j;
        }
        case 1: { // chunked garbage: every one fails at once
            static const QList<QByteArray> chunks{"zz\r\n",
                                                  "-1\r\n",
                                                  "ffffffffffffffff\r\n",
                                                  " 5\r\nhello\r\n0\r\n\r\n",
                                                  "5;\x01\r\nhello\r\n0\r\n\r\n",
                                                  "0x5\r\nhello\r\n0\r\n\r\n",
                                                  "5;" + QByteArray(2000, 'e') + "\r\n",
                                                  "5\r\nhelloXX\r\n",
                                                  "1000001\r\n",
                                                  "0\r\n" + QByteArray("X-T: t\r\n").repeated(3000) + "\r\n",
                                                  "0\r\nX-T\r\n\r\n",
                                                  "5\r\nhel",
                                                  "\r\n"};
            r.noLength = true;
            r.headers << qMakePair(QByteArray("Transfer-Encoding"), QByteArray("chunked"));
            QByteArray tail = pick(chunks);
            Job j = job("framing/chunked-garbage", route.name(), r.head() + tail);
            j.expects.first().garbage = true;
            j.halfClose = tail == "5\r\nhel"; // every other one fails at once; this one would wait: end the stream
            return j;
        }
        case 2: { // a valid chunked body in tiny chunks
            r.chunked = true;
            r.chunkSizes = {1, 2, 3};
            return job("framing/chunked-tiny", route.name(), r.raw());
        }
        case 3: { // the body is shorter than its Content-Length says is sent... and a garbage tail after it
            Job j = job("framing/length-then-garbage", route.name(), r.raw() + "\x01\x02garbage\r\n\r\n");
            Expect tail;
            tail.garbage = true;
            j.expects << tail;
            return j;
        }
        case 4: { // the stream ends mid-request
            QByteArray whole = r.raw();
            Job j = job("framing/truncated-eof", route.name(), whole.left(1 + below(int(whole.size()) - 1)));
            j.halfClose = true;
            j.expects.first().garbage = true;
            return j;
        }
        default: { // Content-Length: 0 on a write; a body on a read
            if (route.method == "GET" || route.method == "DELETE") {
                r.body = garbageBody();
                if (r.body.isEmpty())
                    r.body = "{}";
            } else
                r.body.clear();
            return job("framing/odd-length", route.name(), r.raw());
        }
        }
    }

    // A request that keeps the connection open whatever it asks: for the front of a pipeline.
    QByteArray cleanRequest(QByteArray* method, QByteArray* route)
    {
        const Route& r = pick(routes());
        m_budget = 16 * 1024;
        Request req;
        req.method = r.method;
        req.target = pathOf(r, false);
        req.headers << qMakePair(QByteArray("Host"), QByteArray("127.0.0.1"));
        req.headers << qMakePair(QByteArray("Authorization"), "Bearer " + m_store.adminKey);
        req.body = safeBody(r);
        *method = r.method;
        *route = r.name();
        return req.raw();
    }

    Job pipelined()
    {
        Job j;
        j.category = "pipelined/garbage";
        j.route = "-";
        const int n = pick(QList<int>{1, 2, 5, 17, 30});
        for (int i = 0; i < n; ++i) {
            Expect e;
            QByteArray route;
            j.bytes += cleanRequest(&e.method, &route);
            j.expects << e;
        }
        static const QList<QByteArray> tails{
            "\x01\x02\x03\r\n\r\n",
            "HELLO\r\n\r\n",
            "GET / HTTP/1.1\r\n folded\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n",
            QByteArray("GET /\x00 HTTP/1.1\r\n\r\n", 19),
            "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"};
        QByteArray tail = chance(70) ? pick(tails) : bytes(1 + below(3000)) + "\x01\r\n\r\n";
        if (tail.startsWith("\r") || tail.startsWith("\n"))
            tail.prepend('\x01');
        j.bytes += tail;
        Expect garbage;
        garbage.garbage = true;
        j.expects << garbage;
        return j;
    }

    Job method()
    {
        const Route& route = pick(routes());
        QByteArray m;
        const int dice = below(100);
        if (dice < 30) {
            m = pick(QList<QByteArray>{"HEAD",
                                       "OPTIONS",
                                       "TRACE",
                                       "PROPFIND",
                                       "M-SEARCH",
                                       "get",
                                       "post",
                                       "delete",
                                       "Patch",
                                       "GETS",
                                       "POSTT",
                                       "BREW",
                                       "LINK",
                                       "QUERY"});
        } else if (dice < 85) {
            m = tchars(1 + below(12)); // unknown tokens, each a new name
        } else {
            m = tchars(100 + below(8000)); // long ones
        }
        if (m == "GET" || m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE")
            m = "X" + m;
        Request r = base(m, pathOf(route, false));
        if (route.method != "GET")
            r.target = pathOf(Route{route.method, route.pattern, route.body, route.query, Guard::PathNx}, false);
        Job j = job("method/unknown", route.name(), r.raw(), m);
        return j;
    }

    Job requestLine()
    {
        struct Line
        {
            QByteArray bytes;
            bool version; // an HTTP version the engine does not take (400, not RFC 9110's 505: SPEC.md)
        };
        static const QList<Line> lines{
            {"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", true},
            {"GET /healthz HTTP/0.9\r\n\r\n", true},
            {"GET /v1/customers HTTP/3.0\r\nHost: x\r\n\r\n", true},
            {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", true},
            {"GET /healthz\r\n\r\n", false},
            {"GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n", false},
            {"GET /healthz  HTTP/1.1\r\nHost: x\r\n\r\n", false},
            {"GET /healthz HTTP/1.1 \r\nHost: x\r\n\r\n", false},
            {"get /healthz http/1.1\r\nHost: x\r\n\r\n", false},
            {"GET /healthz HTTP/1.10\r\nHost: x\r\n\r\n", false},
            {"GET /healthz HTTP/11.1\r\nHost: x\r\n\r\n", false},
            {"GET /healthz HTTP/1\r\nHost: x\r\n\r\n", false},
            {"GET healthz HTTP/1.1\r\nHost: x\r\n\r\n", false},
            {"GET * HTTP/1.1\r\nHost: x\r\n\r\n", false},
            {"CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: x\r\n\r\n", false},
            {"GET /health#x HTTP/1.1\r\nHost: x\r\n\r\n", false},
            {QByteArray("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n", 15), false}, // a TLS ClientHello
            {QByteArray("\r\n").repeated(20) + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", false},
            {QByteArray("G\0ET /healthz HTTP/1.1\r\n\r\n", 26), false},
            {" GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", false},
            {"GET\t/healthz\tHTTP/1.1\r\nHost: x\r\n\r\n", false},
            {"GET /" + QByteArray(20000, 'l') + " HTTP/1.1\r\n\r\n", false},
            {QByteArray(17000, 'M') + " / HTTP/1.1\r\n\r\n", false},
            {"\xef\xbb\xbfGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", false},
            {"GET /healthz HTTP/1.1\rHost: x\r\r", false},
        };
        if (chance(15)) {
            Job j = job("request-line/binary", "-", bytes(1 + below(2000)) + "\x01\r\n\r\n", "?");
            j.expects.first().garbage = true;
            return j;
        }
        const Line& line = pick(lines);
        Job j = job(line.version ? "request-line/version" : "request-line/malformed", "-", line.bytes, "?");
        j.expects.first().garbage = true;
        if (line.bytes.endsWith("\r\r"))
            j.halfClose = true;
        return j;
    }

    QRandomGenerator m_rng;
    Store m_store;
    qint64 m_budget = 0;
};

} // namespace Meterline::Testing::Hostile
