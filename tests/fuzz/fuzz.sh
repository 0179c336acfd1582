#!/usr/bin/env bash
# The fuzz targets as CTest runs them (tests/CMakeLists.txt), and by hand (README.md):
#   fuzz.sh build BUILD_DIR                    configure this folder with clang and build every target
#   fuzz.sh run BUILD_DIR TARGET [SECONDS]     run one target from its committed seeds for SECONDS (default
#                                              $METERLINE_FUZZ_SECONDS, else 60); a crash, leak or sanitizer
#                                              report fails, and its input is kept in BUILD_DIR/artifacts/
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command="${1:-}" build="${2:-}"
[[ -n "$build" ]] || { echo "usage: $0 build|run BUILD_DIR [TARGET [SECONDS]]" >&2; exit 2; }
case "$command" in
build)
    CC=clang CXX=clang++ cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" -j"$(nproc)"
    ;;
run)
    target="${3:?which target}" seconds="${4:-${METERLINE_FUZZ_SECONDS:-60}}"
    binary="$build/fuzz_$target"
    [[ -x "$binary" ]] || { echo "fuzz.sh: $binary is not built (fuzz.sh build first)" >&2; exit 2; }
    # The run grows a corpus of its own from the committed seeds; the seeds folder is never written.
    corpus="$build/corpus/$target"
    mkdir -p "$corpus" "$build/artifacts"
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    export QT_LOGGING_RULES="*.debug=false"
    # A fixed seed (METERLINE_FUZZ_SEED, default 1): CI explores the same inputs on every run, so a failure is
    # the change's, and repeats.
    "$binary" -max_total_time="$seconds" -seed="${METERLINE_FUZZ_SEED:-1}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$target-" "$corpus" "$here/seeds/$target"
    ;;
*)
    echo "usage: $0 build|run BUILD_DIR [TARGET [SECONDS]]" >&2
    exit 2
    ;;
esac
