#!/usr/bin/env bash
# API benchmark: meterline-server's HTTP API against nginx answering a static reply, on the same machine, in
# the same run, with the same load generator. See bench/README.md, "API benchmark".
#
#   bench/run-api-bench.sh                    # 10 s per run, 16 and 64 connections (about 3 minutes)
#   BENCH_SECONDS=30 bench/run-api-bench.sh   # longer runs
#
# What it needs, all public Debian packages: the project's build tools (cmake, g++, Qt 6), curl, wrk and nginx
# (nginx-light is enough), coreutils, sed, awk. When curl, wrk or nginx is missing and the script runs as root
# with apt-get, it runs `apt-get install -y curl wrk nginx-light` (BENCH_NO_INSTALL=1 forbids that: it then stops
# and names the package). nginx runs as the invoking user (root on the development VM), listens on 127.0.0.1
# only, from a throwaway prefix inside the run's temporary folder, with its access log off.
#
# Steps: build meterline-server (Release, build-bench/); a temporary database with the meter llm-tokens, the plan
# "bench" (month hard + day soft limit, both very large) and 100 customers on it, made through the admin API
# with curl; serve it with --threads $BENCH_THREADS (1) and the access log on (to a file in the temporary folder); then, for 16 and
# 64 connections, wrk -t1 runs alternating nginx and the server:
#     nginx, check, nginx, record, nginx, batch
# so that each server run is compared with the nginx run just before it (same machine conditions). Every
# answer is counted by wrk's Lua response hook (bench/api/common.lua); any non-2xx answer, socket error or
# timeout fails the run. At the end, the events the server says it stored (/metrics) are compared with the
# 201s and batch "accepted" counts that wrk saw.
#
# Environment (all optional):
#   BENCH_SECONDS         seconds per measured wrk run (default 10)
#   BENCH_WARMUP_SECONDS  untimed warm-up run per target before the measurements (default 2; 0 skips it)
#   BENCH_CONNECTIONS     connection counts to measure (default "16 64")
#   BENCH_THREADS         server --threads and nginx worker_processes (default 1: on the 2-core machines this runs
#                         on, wrk takes one core and the server the other; two workers beside wrk oversubscribe
#                         the cores and the scheduler's waits become the p99. Both servers get the same count.)
#   BENCH_BATCH_EVENTS    events per batch request (default 100)
#   BENCH_DIR             parent of the temporary folder, i.e. the disk the database is on (default $TMPDIR or /tmp)
#   BENCH_PERF_DIR        when set, `perf record -g` samples the server during each server run into this folder and
#                         `perf report` summaries are written beside them (perf slows the server: numbers of such
#                         a run are not comparable); BENCH_PERF_ARGS replaces "-g" (e.g. "-F 499 --call-graph dwarf")
#   BENCH_NO_INSTALL      1: never apt-get install; stop instead
#   METERLINE_BENCH_BUILD_DIR, METERLINE_BENCH_JOBS   as for run-core-bench.sh (build-bench/, 2)
#
# The table goes to stdout, progress to stderr. Exit status: 0 the run completed (a missed target is reported
# on the "target" lines, not as a failure); 1 a failure, with a one-line reason on stderr.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/api/catalog.sh"
lua_dir="$root/bench/api"
build="${METERLINE_BENCH_BUILD_DIR:-$root/build-bench}"
jobs="${METERLINE_BENCH_JOBS:-2}"
seconds="${BENCH_SECONDS:-10}"
warmup="${BENCH_WARMUP_SECONDS:-2}"
connections="${BENCH_CONNECTIONS:-16 64}"
threads="${BENCH_THREADS:-1}"
batch_events="${BENCH_BATCH_EVENTS:-100}"
customers=100
perf_dir="${BENCH_PERF_DIR:-}"
read -r -a perf_args <<<"${BENCH_PERF_ARGS:--g}"

die() {
    echo "run-api-bench: $*" >&2
    exit 1
}
note() { echo "run-api-bench: $*" >&2; }

is_count() { [[ "$1" =~ ^[1-9][0-9]*$ ]]; }
is_count "$seconds" || die "BENCH_SECONDS must be a whole number of seconds >= 1, not '$seconds'"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "BENCH_WARMUP_SECONDS must be a whole number of seconds, not '$warmup'"
is_count "$threads" || die "BENCH_THREADS must be a whole number >= 1, not '$threads'"
if ! is_count "$batch_events" || ((batch_events > 10000)); then
    die "BENCH_BATCH_EVENTS must be 1-10000, not '$batch_events'"
fi
for c in $connections; do
    is_count "$c" || die "BENCH_CONNECTIONS must list whole numbers >= 1, not '$connections'"
done
[[ -n "${connections// /}" ]] || die "BENCH_CONNECTIONS is empty"
for f in common.lua nginx.lua check.lua record.lua batch.lua nginx.conf.in; do
    [[ -f "$lua_dir/$f" ]] || die "missing $lua_dir/$f"
done

# ---------------------------------------------------------------------------------------------- tools
find_nginx() {
    command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true
}
missing_packages() {
    local pkgs=()
    command -v curl >/dev/null 2>&1 || pkgs+=(curl)
    command -v wrk >/dev/null 2>&1 || pkgs+=(wrk)
    [[ -n "$(find_nginx)" ]] || pkgs+=(nginx-light)
    echo "${pkgs[*]:-}"
}
for tool in cmake awk sed mktemp wc sort; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed (a Debian base/build tool)"
done
missing="$(missing_packages)"
if [[ -n "$missing" ]]; then
    if [[ "${BENCH_NO_INSTALL:-0}" == 1 || "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        die "missing: $missing (install with: apt-get install -y $missing)"
    fi
    note "installing $missing with apt-get ..."
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y $missing >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y $missing >/dev/null 2>&1 \
            || die "apt-get install -y $missing failed"
    fi
    missing="$(missing_packages)"
    [[ -z "$missing" ]] || die "still missing after apt-get: $missing"
fi
nginx_bin="$(find_nginx)"
if [[ -n "$perf_dir" ]]; then
    command -v perf >/dev/null 2>&1 || die "BENCH_PERF_DIR is set but perf is missing (apt-get install -y linux-perf)"
    mkdir -p "$perf_dir" || die "cannot create BENCH_PERF_DIR $perf_dir"
    perf_dir="$(cd "$perf_dir" && pwd)"
fi

# ---------------------------------------------------------------------------------------------- cleanup
work=""
server_pid=""
nginx_pidfile=""
perf_pid=""
wrk_pid=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local status=$?
    set +e
    if [[ -n "$wrk_pid" ]] && kill -0 "$wrk_pid" 2>/dev/null; then
        kill -TERM "$wrk_pid" 2>/dev/null
        wait "$wrk_pid" 2>/dev/null
    fi
    if [[ -n "$perf_pid" ]] && kill -0 "$perf_pid" 2>/dev/null; then
        kill -INT "$perf_pid" 2>/dev/null
        wait "$perf_pid" 2>/dev/null
    fi
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null
        for _ in $(seq 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    if [[ -n "$nginx_pidfile" && -s "$nginx_pidfile" ]]; then
        local npid
        npid="$(cat "$nginx_pidfile")"
        if kill -0 "$npid" 2>/dev/null; then
            kill -QUIT "$npid" 2>/dev/null
            for _ in $(seq 50); do kill -0 "$npid" 2>/dev/null || break; sleep 0.1; done
            kill -TERM "$npid" 2>/dev/null
        fi
    fi
    [[ -n "$work" && -d "$work" ]] && rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

work="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/meterline-api-bench.XXXXXX")" \
    || die "cannot create a temporary folder under ${BENCH_DIR:-${TMPDIR:-/tmp}}"

# ---------------------------------------------------------------------------------------------- 1. build
note "building meterline-server (Release) in $build ..."
if ! { cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
        && cmake --build "$build" -j"$jobs" --target meterline-server; } >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    die "the build failed (last 40 lines of its log above)"
fi
server_bin="$build/server/meterline-server"
[[ -x "$server_bin" ]] || die "the build did not produce $server_bin"

# ---------------------------------------------------------------------------------------------- 2. database
db="$work/meterline.db"
"$server_bin" init --db "$db" >"$work/init.out" 2>&1 || die "init failed: $(tail -n 1 "$work/init.out")"
admin_key="$("$server_bin" keys create --db "$db" --name bench-admin --scope admin 2>"$work/keys.err")" \
    || die "keys create (admin) failed: $(tail -n 1 "$work/keys.err")"
ingest_key="$("$server_bin" keys create --db "$db" --name bench-ingest --scope ingest 2>"$work/keys.err")" \
    || die "keys create (ingest) failed: $(tail -n 1 "$work/keys.err")"
[[ "$admin_key" == mlk_* && "$ingest_key" == mlk_* ]] || die "keys create printed no key"

# ---------------------------------------------------------------------------------------------- 3. server
"$server_bin" serve --db "$db" --listen 127.0.0.1:0 --access-log "$work/access.log" --threads "$threads" \
    >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
base=""
for _ in $(seq 300); do
    if [[ -s "$work/serve.out" ]]; then
        base="$(sed -n '1s#^listening on \(http://[^ ]*\)$#\1#p' "$work/serve.out")"
        [[ -n "$base" ]] || die "serve's first line is not 'listening on http://HOST:PORT': $(head -n 1 "$work/serve.out")"
        break
    fi
    kill -0 "$server_pid" 2>/dev/null || die "serve exited at start: $(tail -n 1 "$work/serve.err")"
    sleep 0.1
done
[[ -n "$base" ]] || die "serve printed no 'listening on' line within 30 s"

# api METHOD PATH KEY EXPECTED_STATUS [BODY]: the answer's body goes to $work/answer.json
api() {
    local method=$1 path=$2 key=$3 expected=$4 body=${5:-} code
    local args=(-sS -o "$work/answer.json" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $key")
    [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    code="$(curl "${args[@]}" "$base$path" 2>"$work/curl.err")" \
        || die "$method $path: curl failed: $(tail -n 1 "$work/curl.err")"
    [[ "$code" == "$expected" ]] \
        || die "$method $path answered $code, expected $expected: $(head -c 300 "$work/answer.json")"
}

note "server at $base; creating the meter, the plan and $customers customers ..."
create() { api POST "$1" "$admin_key" 201 "$2"; }
bench_catalog create "$customers"
# One request of each kind by hand, before wrk: a wrong setup fails here with the server's own words.
api POST /v1/limits/check "$ingest_key" 200 '{"customerId":"cust_001","meterId":"llm-tokens"}'
grep -q '"allowed":true' "$work/answer.json" || die "the first check was not allowed: $(head -c 300 "$work/answer.json")"
grep -q '"limits":\[{' "$work/answer.json" || die "the first check found no limit: $(head -c 300 "$work/answer.json")"
api POST /v1/events "$ingest_key" 201 \
    '{"customerId":"cust_001","eventType":"llm.completion","value":100,"dimensions":{"model":"gpt-4o"}}'
api POST /v1/events/batch "$ingest_key" 200 \
    '{"events":[{"customerId":"cust_002","eventType":"llm.completion","value":100,"dimensions":{"model":"gpt-4o"}},{"customerId":"cust_003","eventType":"llm.completion","value":200,"dimensions":{"model":"claude-haiku"}}]}'
grep -q '"accepted":2' "$work/answer.json" || die "the first batch was not accepted: $(head -c 300 "$work/answer.json")"
seen_events=3 # the hand-made events above
inflight_bound=0

# ---------------------------------------------------------------------------------------------- nginx
nginx_prefix="$work/nginx"
mkdir -p "$nginx_prefix"
temp_paths=""
nginx_features="$("$nginx_bin" -V 2>&1)"
for module in proxy fastcgi uwsgi scgi; do
    [[ "$nginx_features" == *"--without-http_${module}_module"* ]] \
        || temp_paths+="    ${module}_temp_path $nginx_prefix/${module}_temp;"$'\n'
done
nginx_port=""
for _ in $(seq 20); do
    port=$((20000 + RANDOM % 40000))
    sed -e "s#@PREFIX@#$nginx_prefix#g" -e "s#@PORT@#$port#g" -e "s#@WORKERS@#$threads#g" \
        "$lua_dir/nginx.conf.in" | awk -v paths="$temp_paths" '{ if ($0 == "@TEMP_PATHS@") printf "%s", paths; else print }' \
        >"$nginx_prefix/nginx.conf"
    nginx_pidfile="$nginx_prefix/nginx.pid"
    if "$nginx_bin" -p "$nginx_prefix" -c "$nginx_prefix/nginx.conf" -e "$nginx_prefix/error.log" \
        >"$work/nginx.out" 2>&1; then
        nginx_port=$port
        break
    fi
    grep -q 'Address already in use' "$work/nginx.out" "$nginx_prefix/error.log" 2>/dev/null \
        || die "nginx did not start: $(grep -h emerg "$work/nginx.out" "$nginx_prefix/error.log" 2>/dev/null | tail -n 1)"
done
[[ -n "$nginx_port" ]] || die "nginx found no free port on 127.0.0.1 in 20 tries"
nginx_url="http://127.0.0.1:$nginx_port/"
for _ in $(seq 50); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$nginx_url" 2>/dev/null)" == 200 ]] && break
    sleep 0.1
done
if [[ "$(curl -s -o "$work/nginx.answer" -w '%{http_code} %{content_type}' -X POST -d '{}' "$nginx_url")" \
    != "200 application/json" ]] || ! grep -qx '{"ok":true}' "$work/nginx.answer"; then
    die "nginx at $nginx_url does not answer 200 {\"ok\":true} as application/json"
fi

# ---------------------------------------------------------------------------------------------- 4. wrk runs
# run_wrk LABEL SCENARIO CONNECTIONS SECONDS: leaves wrk's output in $work/last.out, dies on a failed run.
run_n=0
run_wrk() {
    local label=$1 scenario=$2 conns=$3 secs=$4 url=$base extra=()
    run_n=$((run_n + 1))
    [[ "$scenario" == nginx ]] && url=$nginx_url
    [[ "$scenario" == batch ]] && extra=("$batch_events")
    local out="$work/run-$run_n.out"
    note "$(printf '%-22s %3d connections, %2d s' "$label" "$conns" "$secs")"
    if [[ -n "$perf_dir" && "$scenario" != nginx && "$label" != warm-up* ]]; then
        perf record "${perf_args[@]}" -o "$perf_dir/$scenario-c$conns.data" -p "$server_pid" -- sleep "$secs" \
            >"$perf_dir/$scenario-c$conns.record.log" 2>&1 &
        perf_pid=$!
    fi
    # In the background, so that a signal to this script is handled at once (bash runs traps only between
    # foreground commands, and `wait` returns on a signal); the EXIT trap stops wrk.
    API_BENCH_LUA_DIR="$lua_dir" wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s --latency -s "$lua_dir/$scenario.lua" "$url" \
        -- "$ingest_key" "$customers" "${extra[@]}" >"$out" 2>&1 &
    wrk_pid=$!
    wait "$wrk_pid" || die "wrk failed on $label: $(tail -n 1 "$out")"
    wrk_pid=""
    if [[ -n "$perf_pid" ]]; then
        wait "$perf_pid" || true
        perf_pid=""
        perf report --stdio --no-children -i "$perf_dir/$scenario-c$conns.data" 2>/dev/null \
            | head -n 120 >"$perf_dir/$scenario-c$conns.self.txt" || true
        perf report --stdio --children -i "$perf_dir/$scenario-c$conns.data" 2>/dev/null \
            | head -n 200 >"$perf_dir/$scenario-c$conns.children.txt" || true
    fi
    cp "$out" "$work/last.out"
    grep -q '^RESULT ' "$out" || die "wrk printed no RESULT line on $label: $(tail -n 1 "$out")"
    local non2xx errors
    non2xx="$(field non2xx)"
    errors=$(($(field err_connect) + $(field err_read) + $(field err_write) + $(field err_timeout)))
    ((non2xx == 0)) || die "$label ($conns connections): $non2xx non-2xx answers (statuses $(field statuses)); first: $(sed -n 's/^SAMPLE //p' "$out")"
    ((errors == 0)) || die "$label ($conns connections): socket errors connect $(field err_connect), read $(field err_read), write $(field err_write), timeout $(field err_timeout)"
    (($(field responses) > 0)) || die "$label ($conns connections): no answer at all"
    if [[ "$scenario" == check ]] && (($(field denied) > 0)); then
        die "$label ($conns connections): $(field denied) checks were denied (the plan's limits should allow all)"
    fi
    if [[ "$scenario" == batch ]] && (($(field rejected) > 0)); then
        die "$label ($conns connections): the server rejected $(field rejected) batch elements"
    fi
    case "$scenario" in
        record) seen_events=$((seen_events + $(field created))); inflight_bound=$((inflight_bound + conns)) ;;
        batch) seen_events=$((seen_events + $(field accepted))); inflight_bound=$((inflight_bound + conns * batch_events)) ;;
    esac
    return 0
}
# field NAME: a value of the RESULT line of the last run
field() {
    awk -v k="$1" '/^RESULT /{ for (i = 2; i <= NF; i++) { p = index($i, "="); if (substr($i, 1, p - 1) == k) print substr($i, p + 1) } }' "$work/last.out"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
if ((warmup > 0)); then
    for s in nginx check record batch; do
        run_wrk "warm-up $s" "$s" "${connections%% *}" "$warmup"
    done
fi

rows=()
nginx_rps=""
for c in $connections; do
    for s in check record batch; do
        run_wrk "nginx static reply" nginx "$c" "$seconds"
        nginx_rps="$(field rps)"
        rows+=("nginx|$c|$(field rps)|-|$(field p50_us)|$(field p99_us)|-|$(field non2xx)")
        case "$s" in
            check) label="check" ;;
            record) label="record (1 event)" ;;
            batch) label="batch ($batch_events events)" ;;
        esac
        run_wrk "$label" "$s" "$c" "$seconds"
        rps="$(field rps)"
        eps="-"
        [[ "$s" == record ]] && eps="$rps"
        [[ "$s" == batch ]] && eps="$(awk -v a="$(field accepted)" -v d="$(field duration_us)" 'BEGIN { printf "%.1f", a / (d / 1e6) }')"
        ratio="$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
        rows+=("$s|$c|$rps|$eps|$(field p50_us)|$(field p99_us)|$ratio|$(field non2xx)")
    done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# ---------------------------------------------------------------------------------------------- 5. checks
# wrk stops with up to one request per connection in flight; a batch can take a second to commit. Let the
# server answer those before reading its counters.
sleep 3
curl -sS -o "$work/metrics.txt" "$base/metrics" 2>"$work/curl.err" || die "GET /metrics failed: $(tail -n 1 "$work/curl.err")"
stored="$(awk '$1 == "meterline_events_ingested_total" { print $2 }' "$work/metrics.txt")"
[[ -n "$stored" ]] || die "/metrics has no meterline_events_ingested_total"
stored="${stored%.*}"
# route labels hold a space ("POST /v1/events"): the value is the last field
server_non2xx="$(awk '/^meterline_http_requests_total\{/ && !/status="2/ { n += $NF } END { printf "%d", n }' "$work/metrics.txt")"
server_requests="$(awk '/^meterline_http_requests_total\{/ { n += $NF } END { printf "%d", n }' "$work/metrics.txt")"
api GET '/v1/events?limit=1' "$admin_key" 200
newest="$(grep -o '"id":"evt_[^"]*"' "$work/answer.json" | head -n 1 | cut -d'"' -f4)"
newest_customer="$(grep -o '"customerId":"[^"]*"' "$work/answer.json" | head -n 1 | cut -d'"' -f4)"
[[ -n "$newest" ]] || die "GET /v1/events?limit=1 listed no event: $(head -c 300 "$work/answer.json")"

# Stop the server the way an operator does; it must exit 0 and flush its access log.
kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
((server_status == 0)) || die "serve exited with status $server_status after SIGTERM: $(tail -n 1 "$work/serve.err")"
log_lines="$(wc -l <"$work/access.log" 2>/dev/null || echo 0)"

# ---------------------------------------------------------------------------------------------- report
ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
describe() {
    case "$1" in
        nginx) echo "nginx static reply" ;;
        check) echo "POST /v1/limits/check" ;;
        record) echo "POST /v1/events (1 durable)" ;;
        batch) echo "POST /v1/events/batch x$batch_events" ;;
    esac
}
echo "API benchmark: meterline-server --threads $threads (access log on) vs nginx worker_processes $threads;"
echo "wrk -t1 -d${seconds}s per run; $(nproc 2>/dev/null || echo '?') cores; load average before $load_before, after $load_after"
echo "commit $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
echo
printf '%-32s %5s %12s %12s %9s %9s %9s %8s\n' scenario conns requests/s events/s "p50 ms" "p99 ms" "vs nginx" non-2xx
for row in "${rows[@]}"; do
    IFS='|' read -r s c rps eps p50 p99 ratio bad <<<"$row"
    printf '%-32s %5s %12.0f %12s %9s %9s %9s %8s\n' "$(describe "$s")" "$c" "$rps" \
        "$([[ "$eps" == - ]] && echo - || printf '%.0f' "$eps")" "$(ms "$p50")" "$(ms "$p99")" "$ratio" "$bad"
done
echo
echo "vs nginx = the row's requests/s / those of the nginx run just above it (run right before it)."
echo "non-2xx answers: 0 seen by wrk (any would have failed the run); $server_non2xx in the server's /metrics."
echo "events: $stored stored (meterline_events_ingested_total); $seen_events answered as stored to wrk and curl" \
    "(201s + batch accepted); difference $((stored - seen_events)) (requests in flight when a wrk run ended," \
    "at most $inflight_bound)"
echo "newest event (GET /v1/events?limit=1): $newest, customer $newest_customer"
echo "access log: $log_lines lines; requests served: $server_requests counted by /metrics, + the 2 reads after it"

# targets of the issue
target_line() { # name ok detail
    printf 'target %-52s %s (%s)\n' "$1" "$([[ "$2" == 1 ]] && echo met || echo MISSED)" "$3"
}
for row in "${rows[@]}"; do
    IFS='|' read -r s c rps eps p50 p99 ratio bad <<<"$row"
    if [[ "$s" == check && "$c" == 16 ]]; then
        ok="$(awk -v r="$ratio" -v p="$p99" 'BEGIN { print (r >= 0.5 && p < 1000) ? 1 : 0 }')"
        target_line "check >= 0.5x nginx, p99 < 1 ms, 16 connections" "$ok" "${ratio}x, p99 $(ms "$p99") ms"
    fi
    if [[ "$s" == record && "$c" == 64 ]]; then
        ok="$(awk -v r="$ratio" 'BEGIN { print (r >= 0.3) ? 1 : 0 }')"
        target_line "durable single record >= 0.3x nginx, 64 connections" "$ok" "${ratio}x"
    fi
done
[[ -n "$perf_dir" ]] && echo "perf profiles: $perf_dir (*.self.txt, *.children.txt; the numbers above ran under perf)"

((stored >= seen_events)) || die "the server stored $stored events but answered $seen_events as stored"
((stored - seen_events <= inflight_bound)) \
    || die "the server stored $((stored - seen_events)) events more than it answered (more than the $inflight_bound that can be in flight)"
((server_non2xx == 0)) || die "the server's /metrics counts $server_non2xx non-2xx answers"
exit 0
