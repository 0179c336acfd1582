#!/usr/bin/env bash
# A private PostgreSQL 15 for the tests and benchmarks: loopback only, in a temporary folder, as a non-root user.
#   pg-test-server.sh start STATE_DIR PORT [durable]  # initdb + start; prints the URL; STATE_DIR remembers the folder
#   pg-test-server.sh stop STATE_DIR                  # stops the server and deletes its folder
# The tests' CTest fixture (tests/CMakeLists.txt) calls start before and stop after the PostgreSQL tests. A
# server left behind by an interrupted run (same STATE_DIR) is stopped by the next start. "durable" keeps fsync
# on (benchmarks); tests run without it. Exits non-zero when the server cannot start, so the tests fail.
set -euo pipefail

cmd="${1:?usage: pg-test-server.sh start|stop STATE_DIR [PORT] [durable]}"
state="${2:?usage: pg-test-server.sh start|stop STATE_DIR [PORT] [durable]}"
bin="${METERLINE_PG_BIN:-/usr/lib/postgresql/15/bin}"

# PostgreSQL refuses to run as root: run its commands as the postgres user (made by the postgresql package).
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}
owner=postgres
if [[ $(id -u) -eq 0 ]] && ! id -u "$owner" >/dev/null 2>&1; then
    owner=nobody
fi

stop_server() {
    [[ -f "$state/folder" ]] || return 0
    local folder
    folder=$(cat "$state/folder")
    if [[ -f "$folder/data/postmaster.pid" ]]; then
        as_owner "$bin/pg_ctl" stop -D "$folder/data" -m fast -w -t 60 >/dev/null 2>&1 \
            || as_owner "$bin/pg_ctl" stop -D "$folder/data" -m immediate -w -t 30 >/dev/null 2>&1 || true
    fi
    case "$folder" in
    */meterline-pg.*) rm -rf "$folder" ;;
    esac
    rm -f "$state/folder" "$state/url"
}

case "$cmd" in
start)
    port="${3:?start needs a PORT}"
    settings=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
    if [[ "${4:-}" == durable ]]; then
        settings=()
    fi
    [[ -x "$bin/initdb" ]] || { echo "pg-test-server: no PostgreSQL in $bin (scripts/install-deps.sh installs it)" >&2; exit 1; }
    mkdir -p "$state"
    stop_server
    folder=$(mktemp -d /tmp/meterline-pg.XXXXXX)
    echo "$folder" >"$state/folder"
    chmod 700 "$folder"
    [[ $(id -u) -ne 0 ]] || chown "$owner" "$folder"
    if ! as_owner "$bin/initdb" -D "$folder/data" -U meterline -A trust -E UTF8 --locale=C --no-sync \
        >"$folder/initdb.log" 2>&1; then
        cat "$folder/initdb.log" >&2
        echo "pg-test-server: initdb failed" >&2
        exit 1
    fi
    if ! as_owner "$bin/pg_ctl" start -D "$folder/data" -w -t 60 -l "$folder/server.log" \
        -o "-p $port -k $folder -c listen_addresses=127.0.0.1 -c max_connections=400 ${settings[*]}" >/dev/null; then
        cat "$folder/server.log" >&2
        echo "pg-test-server: the server did not start on 127.0.0.1:$port" >&2
        exit 1
    fi
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U meterline meterline
    echo "postgresql://meterline@127.0.0.1:$port/meterline" | tee "$state/url"
    ;;
stop)
    stop_server
    ;;
*)
    echo "pg-test-server: unknown command $cmd" >&2
    exit 2
    ;;
esac
