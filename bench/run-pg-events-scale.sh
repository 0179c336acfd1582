#!/usr/bin/env bash
# Events at scale on PostgreSQL: fills Meterline's real events table (schema from meterline-server init) with N
# time-ordered events over 12 months for 1,000 customers, then times a month range over all customers (BRIN
# events_ts), a month of one customer (events_customer_ts), and retention (deleting the oldest month), and prints
# the index sizes beside a B-tree on ts built for comparison. Uses a private, durable PostgreSQL 15 in a
# temporary folder (scripts/pg-test-server.sh), stopped at the end.
#   bench/run-pg-events-scale.sh            # 10,000,000 events
#   bench/run-pg-events-scale.sh 100000000  # the issue's "hundreds of millions" order (about 30 GB, an hour)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
events="${1:-10000000}"
build="${METERLINE_BENCH_BUILD_DIR:-$root/build-bench}"
port="${METERLINE_BENCH_PG_PORT:-25499}"
psql=/usr/lib/postgresql/15/bin/psql
state="$(mktemp -d)"
trap 'bash "$root/scripts/pg-test-server.sh" stop "$state" >/dev/null; rm -rf "$state"' EXIT

echo "building meterline-server (Release) in $build ..." >&2
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"${METERLINE_BENCH_JOBS:-2}" --target meterline-server >/dev/null
url=$(bash "$root/scripts/pg-test-server.sh" start "$state" "$port" durable)
"$build/server/meterline-server" init --db "$url" >/dev/null
sql() { "$psql" "$url" -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "filling $events events ..." >&2
start=$(date +%s)
# 2025-01-01 .. 2026-01-01, in time order as a live system appends them; 100,000-row transactions.
sql <<SQL
DO \$\$
DECLARE
    n bigint := $events;
    step bigint := greatest(n / 100, 100000);
    first_ms bigint := 1735689600000;
    span_ms bigint := 31536000000;
BEGIN
    FOR lo IN 0..n - 1 BY step LOOP
        INSERT INTO events (id, customer_id, event_type, value, dimensions, ts, created_at)
        SELECT 'evt_' || g, 'cust_' || (g * 7919 % 1000), 'llm.completion', 1 + g % 2000, '{"model":"m"}',
               first_ms + g * span_ms / n, first_ms + g * span_ms / n
        FROM generate_series(lo, least(lo + step, n) - 1) AS g;
        COMMIT;
    END LOOP;
END
\$\$;
VACUUM ANALYZE events;
SQL
echo "filled in $(($(date +%s) - start)) s" >&2

# March 2025 in ms: [1740787200000, 1743465600000)
sql <<'SQL'
\pset footer off
SELECT pg_size_pretty(pg_relation_size('events')) AS events_heap,
       pg_size_pretty(pg_relation_size('events_ts')) AS events_ts_brin,
       pg_size_pretty(pg_relation_size('events_customer_ts')) AS events_customer_ts_btree;
\timing on
\echo month over all customers (BRIN events_ts), twice (cold, warm):
SELECT COUNT(*), SUM(value) FROM events WHERE ts >= 1740787200000 AND ts < 1743465600000;
SELECT COUNT(*), SUM(value) FROM events WHERE ts >= 1740787200000 AND ts < 1743465600000;
\echo month of one customer (events_customer_ts):
SELECT COUNT(*), SUM(value) FROM events WHERE customer_id = 'cust_42' AND ts >= 1740787200000 AND ts < 1743465600000;
\timing off
EXPLAIN (COSTS OFF) SELECT COUNT(*) FROM events WHERE ts >= 1740787200000 AND ts < 1743465600000;
\echo for comparison, a B-tree on ts:
\timing on
CREATE INDEX events_ts_btree ON events (ts);
\timing off
SELECT pg_size_pretty(pg_relation_size('events_ts_btree')) AS events_ts_btree;
DROP INDEX events_ts_btree;
\echo retention: delete the oldest month (January 2025) through the BRIN index, then VACUUM:
\timing on
DELETE FROM events WHERE ts < 1738368000000;
VACUUM events;
SQL
