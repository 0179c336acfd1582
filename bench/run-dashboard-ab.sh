#!/usr/bin/env bash
# The dashboard bench of two builds on the same store, in one invocation (bench/README.md, "Dashboard"):
#   bench/run-dashboard-ab.sh OLD_BENCH NEW_BENCH [SEED_STORE]
# OLD_BENCH and NEW_BENCH are meterline-dashboard-bench binaries (build the previous commit's with this
# commit's bench/dashboardbench.cpp copied in, so both print the same figures). SEED_STORE (default
# /tmp/meterline-dashboard-100k.db: 100,000 customers, 10 M events) is seeded by OLD_BENCH when missing, so
# that its schema is one both builds open (a newer build migrates its copy). Every run gets a fresh copy of
# it: old, new, old, new.
set -euo pipefail
old=$1
new=$2
seed=${3:-/tmp/meterline-dashboard-100k.db}
export QT_QPA_PLATFORM=offscreen
if [[ ! -f $seed ]]; then
    "$old" --db "$seed" --no-remote > /dev/null 2>&1
fi
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
for round in 1 2; do
    for side in old new; do
        bin=$old
        [[ $side == new ]] && bin=$new
        rm -f "$copy"/store.db*
        for f in "$seed" "$seed-wal"; do
            [[ -f $f ]] && cp "$f" "$copy/store.db${f#"$seed"}"
        done
        echo "== $side (round $round)"
        "$bin" --db "$copy/store.db" 2> /dev/null
    done
done
