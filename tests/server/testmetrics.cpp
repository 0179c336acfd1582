// TestMetrics: the Prometheus text of GET /metrics: requests by route and status in sorted order, the latency
// histogram's cumulative buckets with their bounds inclusive, events ingested and checks by outcome, and the
// group commits' histograms (events per group, transaction time), which have no labels.

#include <QTest>

#include "server/api/metrics.h"

using namespace Meterline::Api;
using namespace Qt::StringLiterals;

class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exposition_countsAndBuckets();
    void groupCommits_eventsAndDurationHistograms();
};

void TestMetrics::exposition_countsAndBuckets()
{
    Metrics metrics;
    // out of order on purpose: the text is sorted by route, then status
    metrics.observeRequest(u"POST /v1/limits/check"_s, 402, 100); // exactly on the 0.0001 s bound: counted in it
    metrics.observeRequest(u"GET /healthz"_s, 200, 101);
    metrics.observeRequest(u"POST /v1/limits/check"_s, 200, 2'000'000); // above every bound but +Inf
    metrics.observeRequest(u"POST /v1/limits/check"_s, 200, 500);
    metrics.addEventsIngested(5);
    metrics.addCheckAllowed();
    metrics.addCheckDenied();
    metrics.addCheckDenied();

    const QByteArray text = metrics.exposition();
    QList<QByteArray> requests;
    for (const QByteArray& line : text.split('\n')) {
        if (line.startsWith("meterline_http_requests_total{"))
            requests << line;
    }
    const QList<QByteArray> expected{
        R"(meterline_http_requests_total{route="GET /healthz",status="200"} 1)",
        R"(meterline_http_requests_total{route="POST /v1/limits/check",status="200"} 2)",
        R"(meterline_http_requests_total{route="POST /v1/limits/check",status="402"} 1)",
    };
    QCOMPARE(requests, expected);

    const QByteArray check = R"(meterline_http_request_duration_seconds_bucket{route="POST /v1/limits/check",le=")";
    QVERIFY(text.contains(check + "0.0001\"} 1\n"));  // 100 µs
    QVERIFY(text.contains(check + "0.00025\"} 1\n")); // cumulative
    QVERIFY(text.contains(check + "0.0005\"} 2\n"));  // and 500 µs
    QVERIFY(text.contains(check + "1\"} 2\n"));       // 2 s is above the last bound
    QVERIFY(text.contains(check + "+Inf\"} 3\n"));
    QVERIFY(text.contains(R"(meterline_http_request_duration_seconds_count{route="POST /v1/limits/check"} 3)"));
    QVERIFY(text.contains(R"(meterline_http_request_duration_seconds_sum{route="POST /v1/limits/check"} 2.0006)"));
    QVERIFY(text.contains(R"(meterline_http_request_duration_seconds_bucket{route="GET /healthz",le="0.0001"} 0)"));
    QVERIFY(text.indexOf("route=\"GET /healthz\",le=") < text.indexOf("route=\"POST /v1/limits/check\",le="));
    QVERIFY(text.contains("meterline_events_ingested_total 5\n"));
    QVERIFY(text.contains("meterline_checks_total{allowed=\"true\"} 1\nmeterline_checks_total{allowed=\"false\"} 2\n"));
}

void TestMetrics::groupCommits_eventsAndDurationHistograms()
{
    Metrics metrics;
    QVERIFY(metrics.exposition().contains("meterline_group_commit_events_count 0\n")); // there before any group

    metrics.observeGroupCommit(1, 250);    // exactly on both bounds: counted in them
    metrics.observeGroupCommit(17, 3000);  // between 16 and 32 events
    metrics.observeGroupCommit(1000, 2e6); // the largest group; above the last time bound
    const QByteArray text = metrics.exposition();

    QVERIFY(text.contains("# TYPE meterline_group_commit_events histogram\n"));
    QVERIFY(text.contains("meterline_group_commit_events_bucket{le=\"1\"} 1\n"));
    QVERIFY(text.contains("meterline_group_commit_events_bucket{le=\"16\"} 1\n"));
    QVERIFY(text.contains("meterline_group_commit_events_bucket{le=\"32\"} 2\n"));
    QVERIFY(text.contains("meterline_group_commit_events_bucket{le=\"512\"} 2\n"));
    QVERIFY(text.contains("meterline_group_commit_events_bucket{le=\"1024\"} 3\n"));
    QVERIFY(text.contains("meterline_group_commit_events_bucket{le=\"+Inf\"} 3\n"));
    QVERIFY(text.contains("meterline_group_commit_events_sum 1018\n"));
    QVERIFY(text.contains("meterline_group_commit_events_count 3\n"));

    QVERIFY(text.contains("# TYPE meterline_group_commit_duration_seconds histogram\n"));
    QVERIFY(text.contains("meterline_group_commit_duration_seconds_bucket{le=\"0.0001\"} 0\n"));
    QVERIFY(text.contains("meterline_group_commit_duration_seconds_bucket{le=\"0.00025\"} 1\n"));
    QVERIFY(text.contains("meterline_group_commit_duration_seconds_bucket{le=\"0.005\"} 2\n"));
    QVERIFY(text.contains("meterline_group_commit_duration_seconds_bucket{le=\"1\"} 2\n"));
    QVERIFY(text.contains("meterline_group_commit_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
    QVERIFY(text.contains("meterline_group_commit_duration_seconds_sum 2.00325\n"));
    QVERIFY(text.contains("meterline_group_commit_duration_seconds_count 3\n"));
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "testmetrics.moc"
