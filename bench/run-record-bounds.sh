#!/usr/bin/env bash
# How far a durable single record can go on this machine: what each part of it costs. Builds the server of HEAD
# with bench/lab/record-bounds.patch, whose environment switches each drop one part of a record (none of them is
# in the product: they break what the product promises), then runs each variant against the same build without
# switches in alternating runs (bench/run-record-ab.sh) and prints the median ratio of each. The results and
# what they mean are in bench/README.md, "How far a durable record can go on this machine".
#
#   bench/run-record-bounds.sh                     # every variant, 5 pairs of 6-second runs each (about 25 min)
#   bench/run-record-bounds.sh norollup notail     # some of them
#   BENCH_PAIRS=8 bench/run-record-bounds.sh nodb
#
# The variants (the switches of the patch):
#   nodb              LAB_MODE=nodb            answers each group without touching the store
#   emptytx           LAB_MODE=emptytx         one empty durable transaction per group instead of its records
#   norollup-notail   LAB_NOROLLUP=1 LAB_NOTAIL=1   the event row with its id and time index entries only
#   norollup          LAB_NOROLLUP=1           no rollup upserts
#   notail            LAB_NOTAIL=1             the event tail is never moved into the per-customer index
#   nosync            LAB_SYNC=NORMAL          no fdatasync per commit (not durable)
#   norevoke          LAB_NOREVOKE=1           a remembered API key is not re-read per request
#   sqliteconfig      LAB_NOMEMSTAT=1 LAB_MT=1 SQLite without memory statistics, in multi-thread mode
#   rowid             LAB_ROWID=1              rollup rows updated by remembered rowid instead of the upsert
#
# The patch was made against 9aec7c4 and touches core/apikeys.cpp, core/database.cpp, core/recorder.cpp,
# core/rollups.cpp, server/api/groupcommitter.cpp and server/main.cpp. When a change to them makes it fail to apply,
# redo the edits in a worktree and save its `git diff` as the patch.
#
# BENCH_PAIRS, BENCH_SECONDS and BENCH_CONNECTIONS as for run-record-ab.sh (defaults 5, 6, 64).
# BENCH_BOUNDS_DIR: a folder, not there yet, for the worktree and its build (default a new one under ${TMPDIR:-/tmp});
# removed after.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "run-record-bounds: $*" >&2; exit 1; }

declare -A switches=(
    [nodb]="LAB_MODE=nodb"
    [emptytx]="LAB_MODE=emptytx"
    [norollup-notail]="LAB_NOROLLUP=1 LAB_NOTAIL=1"
    [norollup]="LAB_NOROLLUP=1"
    [notail]="LAB_NOTAIL=1"
    [nosync]="LAB_SYNC=NORMAL"
    [norevoke]="LAB_NOREVOKE=1"
    [sqliteconfig]="LAB_NOMEMSTAT=1 LAB_MT=1"
    [rowid]="LAB_ROWID=1"
)
order=(nodb emptytx norollup-notail norollup notail nosync norevoke sqliteconfig rowid)
variants=("$@")
[[ ${#variants[@]} -gt 0 ]] || variants=("${order[@]}")
for v in "${variants[@]}"; do
    [[ -n "${switches[$v]+set}" ]] || die "no variant '$v' (there are: ${order[*]})"
done
command -v git >/dev/null || die "git is missing"

if [[ -n "${BENCH_BOUNDS_DIR:-}" ]]; then
    dir="$BENCH_BOUNDS_DIR"
    [[ ! -e "$dir" ]] || die "$dir exists: BENCH_BOUNDS_DIR names a folder for this script to make and remove"
    mkdir -p "$dir"
else
    dir="$(mktemp -d "${TMPDIR:-/tmp}/meterline-bounds.XXXXXX")"
fi
git -C "$root" worktree prune
cleanup() {
    git -C "$root" worktree remove --force "$dir/src" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT
git -C "$root" worktree add --detach --force "$dir/src" HEAD >/dev/null
git -C "$dir/src" apply "$root/bench/lab/record-bounds.patch" || die "bench/lab/record-bounds.patch does not apply to HEAD"
echo "run-record-bounds: building the patched server (Release) in $dir/build ..." >&2
cmake -S "$dir/src" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$dir/build" -j2 --target meterline-server >/dev/null
server="$dir/build/server/meterline-server"

export BENCH_PAIRS="${BENCH_PAIRS:-5}"
summary=()
for v in "${variants[@]}"; do
    echo "== $v (${switches[$v]}) against no switches" >&2
    out="$(BENCH_A_ENV="" BENCH_B_ENV="${switches[$v]}" "$root/bench/run-record-ab.sh" "$server" "$server")"
    echo "$out" >&2
    summary+=("$(printf '%-16s %-28s %s' "$v" "${switches[$v]}" "$(tail -n 1 <<<"$out")")")
done
echo "durable single records at HEAD ($(git -C "$root" rev-parse --short HEAD)), each variant against none:"
printf '%s\n' "${summary[@]}"
