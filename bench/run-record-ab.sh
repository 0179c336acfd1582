#!/usr/bin/env bash
# Durable single records per second of two server builds, in alternating runs: A, B, A, B, ... The ratio B/A of
# each pair and their median. On the shared 2-core VM, requests/s drift by a third from minute to minute, more
# than most changes move them; runs seconds apart meet the same conditions, so a pair's ratio is what to read.
#
#   bench/run-record-ab.sh OLD_SERVER NEW_SERVER
#   BENCH_PAIRS=8 BENCH_SECONDS=6 BENCH_CONNECTIONS=64 bench/run-record-ab.sh OLD_SERVER NEW_SERVER
#   BENCH_B_ENV="LAB_NOTAIL=1" bench/run-record-ab.sh SERVER SERVER   # one build, B with extra environment
#
# BENCH_A_ENV and BENCH_B_ENV (default empty) are NAME=value words added to the environment of A's or B's measured
# server (not of the seeding one): bench/run-record-bounds.sh compares the switches of bench/lab/record-bounds.patch
# that way.
#
# To compare two commits, build each in a worktree of its own, e.g.:
#   git worktree add /tmp/old 07f1cf2
#   cmake -S /tmp/old -B /tmp/old/build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
#   cmake --build /tmp/old/build -j2 --target meterline-server
#   bench/run-record-ab.sh /tmp/old/build/server/meterline-server build-bench/server/meterline-server
#
# Each build gets its own store with run-api-bench.sh's catalog (meter llm-tokens, plan bench, 100 customers),
# copied afresh for every run; the server runs with --threads 1; wrk sends bench/api/record.lua for
# BENCH_SECONDS after a 2 s warm-up. Also printed per run: the p99 latency. Needs wrk and curl.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/api/catalog.sh"
pairs="${BENCH_PAIRS:-6}"
seconds="${BENCH_SECONDS:-6}"
connections="${BENCH_CONNECTIONS:-64}"
read -r -a a_env <<<"${BENCH_A_ENV:-}"
read -r -a b_env <<<"${BENCH_B_ENV:-}"
die() { echo "run-record-ab: $*" >&2; exit 1; }
[[ $# -eq 2 ]] || die "usage: bench/run-record-ab.sh OLD_SERVER NEW_SERVER"
for bin in "$1" "$2"; do [[ -x "$bin" ]] || die "$bin is not an executable"; done
for tool in wrk curl python3; do command -v "$tool" >/dev/null || die "$tool is missing"; done
[[ "$pairs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_PAIRS must be a whole number >= 1"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a whole number >= 1"
[[ "$connections" =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNECTIONS must be a whole number >= 1"

work="$(mktemp -d "${TMPDIR:-/tmp}/meterline-ab.XXXXXX")"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# serve SERVER DB LOG [NAME=value ...]: starts the server on a free port, with that environment added; sets $base
# (its URL) and $served (its pid).
serve() {
    env "${@:4}" "$1" serve --db "$2" --listen 127.0.0.1:0 --threads 1 >"$3" 2>/dev/null &
    served=$!
    for _ in $(seq 100); do
        [[ -s "$3" ]] && break
        sleep 0.05
    done
    base="$(sed -n 's/^listening on //p' "$3")"
    [[ -n "$base" ]] || die "$1 did not start"
}

# seed SERVER DIR: a store with the bench catalog and an ingest key (DIR/ingest.key).
seed() {
    local server=$1 dir=$2 admin
    mkdir -p "$dir"
    "$server" init --db "$dir/seed.db" >/dev/null
    admin="$("$server" keys create --db "$dir/seed.db" --name ab-admin --scope admin)"
    "$server" keys create --db "$dir/seed.db" --name ab-ingest --scope ingest >"$dir/ingest.key"
    serve "$server" "$dir/seed.db" "$dir/seed.out"
    api() {
        curl -sf -o /dev/null -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
            "$base$1" -d "$2" || die "seeding $1 failed"
    }
    bench_catalog api
    kill -TERM "$served"
    wait "$served" || true
}

# run SERVER DIR [NAME=value ...]: one measured run; prints "requests/s p99" (wrk's RESULT line,
# bench/api/common.lua).
run() {
    local server=$1 dir=$2 key
    rm -f "$work/run.db"*
    cp "$dir/seed.db" "$work/run.db"
    serve "$server" "$work/run.db" "$work/run.out" "${@:3}"
    key="$(cat "$dir/ingest.key")"
    export API_BENCH_LUA_DIR="$root/bench/api"
    wrk -t1 -c"$connections" -d2s -s "$root/bench/api/record.lua" "$base" -- "$key" 100 >/dev/null
    wrk -t1 -c"$connections" -d"${seconds}s" -s "$root/bench/api/record.lua" "$base" -- "$key" 100 \
        >"$work/wrk.txt"
    kill -TERM "$served"
    wait "$served" || true
    local result
    result="$(grep '^RESULT ' "$work/wrk.txt")" || die "wrk printed no RESULT line"
    [[ "$result" == *" non2xx=0 "* ]] || die "$server answered errors: $result"
    echo "$(sed -n 's/.* rps=\([0-9.]*\) .*/\1/p' <<<"$result") $(sed -n 's/.* p99_us=\([0-9]*\) .*/\1/p' <<<"$result")us"
}

echo "run-record-ab: seeding a store for each build ..." >&2
seed "$1" "$work/a"
seed "$2" "$work/b"
echo "durable single records, $connections connections, $seconds s a run, $pairs pairs (A: ${BENCH_A_ENV:+$BENCH_A_ENV }$1, B: ${BENCH_B_ENV:+$BENCH_B_ENV }$2)"
printf '%-6s %14s %10s %14s %10s %8s\n' pair "A requests/s" "A p99" "B requests/s" "B p99" "B/A"
ratios=()
for i in $(seq "$pairs"); do
    read -r a ap99 <<<"$(run "$1" "$work/a" "${a_env[@]}")"
    read -r b bp99 <<<"$(run "$2" "$work/b" "${b_env[@]}")"
    ratio="$(python3 -c "print('%.3f' % ($b / $a))")"
    ratios+=("$ratio")
    printf '%-6s %14s %10s %14s %10s %8s\n' "$i" "$a" "$ap99" "$b" "$bp99" "$ratio"
done
python3 - "${ratios[@]}" <<'PY'
import statistics, sys
r = [float(x) for x in sys.argv[1:]]
print("median B/A %.3f (lowest %.3f, highest %.3f)" % (statistics.median(r), min(r), max(r)))
PY
