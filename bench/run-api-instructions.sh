#!/usr/bin/env bash
# Instructions per request of the HTTP API, counted by valgrind's callgrind: repeatable to within a percent on
# a busy machine, where wrk's requests/s move by ±20 % (see bench/README.md, "Instructions per request").
#
#   bench/run-api-instructions.sh            # check, record, and GET /healthz as the baseline
#   BENCH_SECONDS=30 bench/run-api-instructions.sh
#
# For each scenario the server runs alone under callgrind on a fresh copy of one prepared database while wrk
# sends that request for BENCH_SECONDS seconds (4 connections; callgrind serialises the threads anyway). The
# server's instructions after a callgrind dump taken just before the load (the dump zeroes the counters) up to
# its exit at SIGTERM, divided by the requests /metrics counted, is the figure. The baseline is GET /healthz: the same
# engine, parser, router, metrics and access log, without auth, JSON or SQL, so "× healthz" is what a route
# costs against a static reply of our own server. Needs valgrind, wrk, curl (Debian packages).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/api/catalog.sh"
build="${METERLINE_BENCH_BUILD_DIR:-$root/build-bench}"
jobs="${METERLINE_BENCH_JOBS:-2}"
seconds="${BENCH_SECONDS:-15}"
die() { echo "run-api-instructions: $*" >&2; exit 1; }
note() { echo "run-api-instructions: $*" >&2; }
for tool in valgrind callgrind_control wrk curl; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install valgrind wrk curl)"
done

note "building meterline-server (Release) in $build ..."
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target meterline-server >/dev/null
server="$build/server/meterline-server"

work="$(mktemp -d "${TMPDIR:-/tmp}/meterline-instructions.XXXXXX")"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
"$server" init --db "$work/seed.db" >/dev/null
admin="$("$server" keys create --db "$work/seed.db" --name bench-admin --scope admin)"
ingest="$("$server" keys create --db "$work/seed.db" --name bench-ingest --scope ingest)"

# The same catalog as run-api-bench.sh: meter llm-tokens, plan bench (month hard, day soft), 100 customers.
"$server" serve --db "$work/seed.db" --listen 127.0.0.1:0 >"$work/seed.out" 2>/dev/null &
seed_pid=$!
for _ in $(seq 50); do [[ -s "$work/seed.out" ]] && break; sleep 0.1; done
base="$(sed -n 's/^listening on //p' "$work/seed.out")"
[[ -n "$base" ]] || die "the seeding server did not start"
api() {
    local code
    code="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $admin" \
        -H 'Content-Type: application/json' "$base$1" -d "$2")"
    [[ "$code" == 201 ]] || die "POST $1 answered $code"
}
bench_catalog api
kill -TERM "$seed_pid"
wait "$seed_pid" || true

# measure NAME METHOD PATH BODY: prints "NAME instructions-per-request requests"
measure() {
    local name=$1 method=$2 path=$3 body=$4 dir="$work/$1"
    mkdir -p "$dir"
    cp "$work/seed.db" "$dir/db"
    valgrind --tool=callgrind --callgrind-out-file="$dir/cg.%p" \
        "$server" serve --db "$dir/db" --listen 127.0.0.1:0 --threads 2 >"$dir/serve.out" 2>"$dir/valgrind.err" &
    local pid=$!
    for _ in $(seq 300); do [[ -s "$dir/serve.out" ]] && break; sleep 0.1; done
    local url
    url="$(sed -n 's/^listening on //p' "$dir/serve.out")"
    [[ -n "$url" ]] || die "$name: the server did not start under valgrind"
    {
        echo "wrk.method = \"$method\""
        echo "wrk.headers[\"Authorization\"] = \"Bearer $ingest\""
        echo 'wrk.headers["Content-Type"] = "application/json"'
        [[ -n "$body" ]] && echo "wrk.body = '$body'"
    } >"$dir/request.lua"
    callgrind_control --dump=before "$pid" >/dev/null
    wrk -t1 -c4 -d"${seconds}s" -s "$dir/request.lua" "$url$path" >"$dir/wrk.out"
    local count
    count="$(curl -s "$url/metrics" | awk -v r="$method $path" '$0 ~ "route=\"" r "\"" && $0 ~ /^meterline_http_requests_total/ {n += $NF} END {print n + 0}')"
    kill -TERM "$pid"
    wait "$pid" || true
    # The dump zeroed the counters: the final profile holds the load (and the short shutdown) alone.
    local load
    load="$(awk '/^(summary|totals):/ {print $2; exit}' "$dir/cg.$pid" 2>/dev/null)"
    [[ -n "$load" && "$count" -gt 0 ]] || die "$name: no callgrind totals or no requests"
    echo "$name $((load / count)) $count"
}

note "measuring ($seconds s per scenario under valgrind) ..."
results="$(
    measure healthz GET /healthz ''
    measure check POST /v1/limits/check '{"customerId":"cust_007","meterId":"llm-tokens"}'
    measure record POST /v1/events '{"customerId":"cust_007","eventType":"llm.completion","value":100,"dimensions":{"model":"gpt-4o"}}'
)"
baseline="$(awk '$1 == "healthz" {print $2}' <<<"$results")"
echo "API instructions per request (callgrind), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
printf '%-28s %14s %10s %12s\n' scenario instructions requests "x healthz"
while read -r name instructions count; do
    printf '%-28s %14s %10s %12.2f\n' "$name" "$instructions" "$count" "$(awk -v a="$instructions" -v b="$baseline" 'BEGIN {print a / b}')"
done <<<"$results"
