#!/usr/bin/env bash
# The test suite under a sanitizer (docs/testing.md), each in a build folder of its own beside build-test:
#   scripts/test-sanitized.sh asan [ctest args]   the whole suite, AddressSanitizer + UndefinedBehaviorSanitizer
#                                                 (LeakSanitizer on): build-asan
#   scripts/test-sanitized.sh tsan [ctest args]   the concurrent suites, ThreadSanitizer: build-tsan
# Any report fails the test that made it: the sanitizers abort at the first (-fno-sanitize-recover=all,
# halt_on_error), also in the meterline-server processes the tests start, which inherit the options below.
# Suppressions are files in tests/sanitizers/, one reason a line. scripts/test.sh runs both after the plain suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
variant=${1:?usage: test-sanitized.sh asan|tsan [ctest args]}
shift
suppressions="$root/tests/sanitizers"

# The suites where threads meet: the group committer, the HTTP engine and the API under concurrent clients, the
# webhook dispatcher, several servers on one store, the dashboard's sync client and worker, the meter race.
tsan_tests=(server/testgroupcommitter server/testhttpserver server/testapiconcurrency server/testsocketchannel
            server/testrecyclingqueue server/testwebhookdelivery server/testwebhookrestart server/testmultiserver
            sync/testsynclocal core/testmeterchangerace)

case "$variant" in
asan)
    sanitize=address,undefined
    targets=(all)
    selection=()
    # detect_stack_use_after_return: a pointer to a returned frame's local; check_initialization_order: statics.
    export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:detect_invalid_pointer_pairs=0"
    export LSAN_OPTIONS="suppressions=$suppressions/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$suppressions/ubsan.supp"
    ;;
tsan)
    sanitize=thread
    targets=(meterline-server)
    names=""
    for test in "${tsan_tests[@]}"; do
        targets+=("${test/\//_}")
        names+="${names:+|}${test}"
    done
    # Two groups only: CMake's regular expressions take few parentheses.
    selection=(-R "^(${names})(@postgresql)?\$")
    # second_deadlock_stack: both stacks of a lock-order report; report_signal_unsafe=0: Qt's own SIGTERM handling
    # in meterline-server is outside this project's code and is not what these suites test.
    # Debian's Qt is not instrumented. ignore_noninstrumented_modules=1: what Qt's own code reads and writes is not
    # reported (ThreadSanitizer cannot see the futex-based locks inside Qt), while every lock it takes through
    # pthreads and every access of this project's code still is. die_after_fork=0: a child that a library under
    # QtNetwork forks (for proxy settings: libproxy) starts a thread before its exec; ThreadSanitizer would kill
    # it and leave the test waiting for ever (server/testmultiserver hung so). What remains is in tests/sanitizers/tsan.supp, with reasons.
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:report_signal_unsafe=0:ignore_noninstrumented_modules=1:die_after_fork=0:suppressions=$suppressions/tsan.supp:print_suppressions=0"
    ;;
*)
    echo "test-sanitized.sh: asan or tsan, not $variant" >&2
    exit 2
    ;;
esac

build="$root/build-$variant"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMETERLINE_WERROR=ON -DMETERLINE_HARDENING=OFF \
    -DMETERLINE_SANITIZE="$sanitize" >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"
cd "$build"
ctest --output-on-failure --no-tests=error -j"$(nproc)" "${selection[@]}" "$@"
