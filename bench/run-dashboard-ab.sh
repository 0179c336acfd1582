#!/usr/bin/env bash
# The dashboard bench of two builds on one store, in one invocation (bench/README.md, "Dashboard"):
#   bench/run-dashboard-ab.sh OLD_BENCH NEW_BENCH [STORE]
# OLD_BENCH and NEW_BENCH are meterline-dashboard-bench binaries (build the previous commit's with this
# commit's bench/dashboardbench.cpp copied in, so both print the same figures). STORE (default
# /tmp/meterline-dashboard-100k.db) is seeded by the first run when missing: 100,000 customers, 10 M events.
# Runs old, new, old, new; each run adds its own incremental events (a few 10,000 on 10 M).
set -euo pipefail
old=$1
new=$2
store=${3:-/tmp/meterline-dashboard-100k.db}
export QT_QPA_PLATFORM=offscreen
if [[ ! -f $store ]]; then
    "$new" --db "$store" --no-remote > /dev/null
fi
for round in 1 2; do
    for side in old new; do
        bin=$old
        [[ $side == new ]] && bin=$new
        echo "== $side (round $round)"
        "$bin" --db "$store" 2> /dev/null
    done
done
