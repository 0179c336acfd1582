#!/usr/bin/env bash
# Builds Meterline's two Debian packages into one folder: meterline (the dashboard) and meterline-server.
#
#   scripts/package.sh                      # installs what is missing, a Release build in build-package/, cpack
#   scripts/package.sh --out DIR            # the .deb files into DIR (default: build-package/packages)
#   scripts/package.sh --build-dir DIR      # package an already built tree, without building (the tests do this)
#
# Install them with: apt install ./meterline_*.deb ./meterline-server_*.deb (packaging/README.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="" out=""
while (($#)); do
    case "$1" in
    --build-dir) build="${2:?--build-dir needs a folder}"; shift 2 ;;
    --out) out="${2:?--out needs a folder}"; shift 2 ;;
    -h | --help) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

if [[ -z "$build" ]]; then
    "$root/scripts/install-deps.sh"
    build="$root/build-package"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
    cmake --build "$build" -j"$(nproc)"
fi
build=$(cd "$build" && pwd)
[[ -f "$build/CPackConfig.cmake" ]] || { echo "package.sh: $build is not a configured build folder" >&2; exit 1; }
out="${out:-$build/packages}"
mkdir -p "$out"
out=$(cd "$out" && pwd)

work="$build/_cpack"
rm -rf "$work"
mkdir -p "$work"
if ! (cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1); then
    cat "$work/cpack.log" >&2
    echo "package.sh: cpack failed" >&2
    exit 1
fi
rm -f "$out"/meterline_*.deb "$out"/meterline-server_*.deb
mv "$work"/*.deb "$out"/
ls "$out"/*.deb
