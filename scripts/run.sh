#!/usr/bin/env bash
# Quick start, command one: install what is missing, build, and open the dashboard on the embedded
# default database (the user's data folder; filled with demo data on first start).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$root/build" -j"$(nproc)" --target meterline meterline-server
exec "$root/build/app/meterline" "$@"
