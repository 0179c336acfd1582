#!/usr/bin/env bash
# Builds meterline-core-bench in Release (build-bench/ at the repository root; installs nothing) and runs it with
# the given arguments: the table goes to stdout, progress to stderr. See bench/README.md.
#   bench/run-core-bench.sh                  # 10k and 1M stored events
#   bench/run-core-bench.sh --large 10000000 # the issue's 10M figure (seeding takes several minutes)
#   bench/run-core-bench.sh --quick          # smoke run
#   bench/run-core-bench.sh --postgresql [...] # the same run on SQLite, then on a private durable PostgreSQL 15
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${METERLINE_BENCH_BUILD_DIR:-$root/build-bench}"
jobs="${METERLINE_BENCH_JOBS:-2}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "building meterline-core-bench (Release) in $build ..." >&2
if ! { cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
        && cmake --build "$build" -j"$jobs" --target meterline-core-bench; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "run-core-bench: the build failed (full log above, last 40 lines)" >&2
    exit 1
fi

if [[ "${1:-}" != --postgresql ]]; then
    exec "$build/bench/meterline-core-bench" "$@"
fi
# One run, both stores: SQLite first, then PostgreSQL (a private server on loopback with fsync and
# synchronous_commit on, in a temporary folder, stopped at the end; scripts/pg-test-server.sh).
shift
state="$(mktemp -d)"
trap 'bash "$root/scripts/pg-test-server.sh" stop "$state" >/dev/null; rm -rf "$state" "$log"' EXIT
url=$(bash "$root/scripts/pg-test-server.sh" start "$state" "${METERLINE_BENCH_PG_PORT:-25498}" durable)
echo "== SQLite" >&2
"$build/bench/meterline-core-bench" "$@"
echo
echo "== PostgreSQL 15 at $url" >&2
"$build/bench/meterline-core-bench" --db "$url" "$@"
