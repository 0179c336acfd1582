#!/usr/bin/env bash
# Quick start, command two: install what is missing, build everything warning-free, run every test, then check
# that every Debian package the build and the tests used is one that scripts/install-deps.sh installs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
build="$root/build-test"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMETERLINE_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"

# ctest runs under strace, which records only the programs started, the files opened and which process started
# which (filtered in the kernel: --seccomp-bpf, successful calls only), so that the dependency check below sees
# what the tests really used, and which of those opens were the project's own rather than a packaged tool's.
trace="$build/deps-trace"
rm -rf "$trace"
mkdir -p "$trace"
strace -f --seccomp-bpf -q -z -e trace=execve,openat,clone,clone3,fork,vfork -e signal=none -o "$trace/strace.log" \
    -- bash -c 'ctest --output-on-failure -j"$(nproc)" -LE fuzz-run "${@:2}"; echo $? >"$1"' ctest "$trace/ctest.status" "$@" &
tracer=$!
# strace waits for every process it follows: once ctest has ended, a process a test left behind gets 10 s.
while kill -0 "$tracer" 2>/dev/null && [[ ! -s "$trace/ctest.status" ]]; do sleep 1; done
for _ in $(seq 10); do
    kill -0 "$tracer" 2>/dev/null || break
    sleep 1
done
kill "$tracer" 2>/dev/null || true
wait "$tracer" || true
status=$(cat "$trace/ctest.status" 2>/dev/null || echo 1)

# The fuzz runs (label fuzz-run) come after, outside the trace: LeakSanitizer stops the world with ptrace, which
# a traced process cannot. What they run was built by fuzz/build above, under the trace.
echo
ctest --output-on-failure -j"$(nproc)" -L fuzz-run -FS fuzz "$@" || status=1

# The sanitizer builds (docs/testing.md), each in its own folder, also outside the trace (LeakSanitizer, as above):
# the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer, the concurrent suites under ThreadSanitizer.
echo
"$root/scripts/test-sanitized.sh" asan || status=1
echo
"$root/scripts/test-sanitized.sh" tsan || status=1

echo
"$root/scripts/install-deps.sh" --list \
    | python3 "$root/scripts/check-deps.py" --list - --cmake-cache "$build/CMakeCache.txt" --strace "$trace/strace.log" \
    || status=1
exit "$status"
