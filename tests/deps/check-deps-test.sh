#!/usr/bin/env bash
# Tests of scripts/check-deps.py. Each case runs the checker on a package list and expects it to pass, or to fail
# naming the package that the list lacks.
#   check-deps-test.sh CASE SOURCE_DIR CMAKE_CACHE
set -euo pipefail
case_name="$1" root="$2" cache="$3"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$root/scripts/install-deps.sh" --list >"$tmp/list"

without() { grep -vx "$1" "$tmp/list"; }
check() { python3 "$root/scripts/check-deps.py" --list - "$@" >"$tmp/out" 2>&1; }
expect_pass() {
    if ! check "$@"; then
        cat "$tmp/out"
        echo "FAIL: the checker refused a complete list" >&2
        exit 1
    fi
    cat "$tmp/out"
}
expect_missing() {
    local package="$1"
    shift
    if check "$@"; then
        cat "$tmp/out"
        echo "FAIL: the checker passed a list without $package" >&2
        exit 1
    fi
    cat "$tmp/out"
    grep -q "^check-deps: $package is used but" "$tmp/out" \
        || { echo "FAIL: the checker failed but did not name $package" >&2; exit 1; }
}
# A made-up strace -f log: one line of each kind the checker reads, and lines it must ignore (a failed lookup).
strace_log() {
    cat >"$tmp/strace.log" <<LOG
4242  execve("/usr/local/bin/$1", ["$1"], 0x7ffc /* 9 vars */) = -1 ENOENT (No such file or directory)
4242  execve("$2", ["$1"], 0x7ffc /* 9 vars */) = 0
4243  openat(AT_FDCWD, "$3", O_RDONLY|O_CLOEXEC) = 3
4243  openat(AT_FDCWD, "/usr/lib/nothing-owns-this.so", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)
LOG
}

case "$case_name" in
list-covers-configure)
    expect_pass --cmake-cache "$cache" <"$tmp/list"
    ;;
fails-without-opengl-dev)
    # The regression that broke the quick start: Qt6Charts' CMake package loads Qt6OpenGL's.
    without libqt6opengl6-dev | expect_missing libqt6opengl6-dev --cmake-cache "$cache"
    ;;
fails-on-the-list-before-issue-15)
    expect_missing libqt6opengl6-dev --cmake-cache "$cache" <"$root/tests/deps/list-before-issue-15.txt"
    ;;
fails-on-a-program-a-test-ran)
    strace_log lintian /usr/bin/lintian /usr/share/lintian/profiles/debian/main.profile
    expect_pass --strace "$tmp/strace.log" <"$tmp/list"
    without lintian | expect_missing lintian --strace "$tmp/strace.log"
    ;;
fails-on-a-library-a-test-opened)
    plugin=/usr/lib/x86_64-linux-gnu/qt6/plugins/sqldrivers/libqsqlpsql.so
    strace_log true /usr/bin/true "$plugin"
    expect_pass --strace "$tmp/strace.log" <"$tmp/list"
    without libqt6sql6-psql | expect_missing libqt6sql6-psql --strace "$tmp/strace.log"
    ;;
*)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac
