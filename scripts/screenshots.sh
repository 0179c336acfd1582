#!/usr/bin/env bash
# Writes the dashboard screenshots under docs/screenshots/ (one PNG per main page, 1440x900), rendered offscreen
# on a temporary database that the dashboard fills with its demo data on first start.
#
#   scripts/screenshots.sh            # builds in ./build if needed
#   BUILD_DIR=build-ui scripts/screenshots.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
jobs="${JOBS:-2}"

if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target meterline -j"$jobs" >/dev/null

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

out="$root/docs/screenshots"
mkdir -p "$out"

# A fixed locale and style so the pictures do not depend on the machine that takes them.
export QT_QPA_PLATFORM=offscreen
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=en
export QT_STYLE_OVERRIDE=Fusion
export XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"

rm -f "$out/main-window.png" # the single-window picture of the first dashboard
"$build/app/meterline" --db "$tmp/meterline.db" --screenshots "$out"
