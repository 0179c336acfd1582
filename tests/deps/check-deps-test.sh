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
# A made-up strace -f log: process 4242 runs PROGRAM (after a failed lookup), forks 4243, which opens FILE (strace
# split that call in two: another process's line came in between), and a failed open the checker must ignore.
strace_log() {
    cat >"$tmp/strace.log" <<LOG
4242  execve("/usr/local/bin/$1", ["$1"], 0x7ffc /* 9 vars */) = -1 ENOENT (No such file or directory)
4242  execve("$2", ["$1"], 0x7ffc /* 9 vars */) = 0
4242  clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f9) = 4243
4243  openat(AT_FDCWD, "$3", O_RDONLY|O_CLOEXEC <unfinished ...>
4244  openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3
4243  <... openat resumed>) = 3
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
    # A test of ours (no package owns it) loads a Qt plugin in a child process.
    plugin=/usr/lib/x86_64-linux-gnu/qt6/plugins/sqldrivers/libqsqlpsql.so
    strace_log testpostgresstore "$tmp/build/tests/testpostgresstore" "$plugin"
    expect_pass --strace "$tmp/strace.log" <"$tmp/list"
    without libqt6sql6-psql | expect_missing libqt6sql6-psql --strace "$tmp/strace.log"
    ;;
ignores-what-a-packaged-tool-reads)
    # The same file opened by a tool from a listed package (lintian, mandb under dpkg's triggers) is that tool's
    # business: what it needs its own package depends on, what else it reads it reads because it is there.
    plugin=/usr/lib/x86_64-linux-gnu/qt6/plugins/sqldrivers/libqsqlpsql.so
    strace_log lintian /usr/bin/lintian "$plugin"
    without libqt6sql6-psql | expect_pass --strace "$tmp/strace.log"
    ;;
ignores-what-dpkg-runs)
    # dpkg -i runs the maintainer scripts and triggers of whatever is installed here (here: a trigger runs lintian,
    # standing in for gtk-update-icon-cache). The same program run by a test of ours counts.
    cat >"$tmp/strace.log" <<LOG
5000  execve("/usr/bin/dpkg", ["dpkg", "-i", "meterline.deb"], 0x7ffc /* 9 vars */) = 0
5000  clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f9) = 5001
5001  execve("/var/lib/dpkg/info/some-package.postinst", ["postinst", "triggered"], 0x7ffc /* 9 vars */) = 0
5001  clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f9) = 5002
5002  execve("/usr/bin/lintian", ["lintian"], 0x7ffc /* 9 vars */) = 0
LOG
    without lintian | expect_pass --strace "$tmp/strace.log"
    sed -i 's|/usr/bin/dpkg|/bin/bash|' "$tmp/strace.log"
    without lintian | expect_missing lintian --strace "$tmp/strace.log"
    ;;
ignores-what-dpkg-runs-when-the-child-is-logged-first)
    # strace -z prints a call when it returns, and a vfork'd parent returns only once its child has run execve:
    # the child's lines can come before the fork that made it (what made CI fail on gtk-update-icon-cache).
    cat >"$tmp/strace.log" <<LOG
5000  execve("/usr/bin/dpkg", ["dpkg", "-i", "meterline.deb"], 0x7ffc /* 9 vars */) = 0
5001  execve("/var/lib/dpkg/info/some-package.postinst", ["postinst", "triggered"], 0x7ffc /* 9 vars */) = 0
5002  execve("/usr/bin/lintian", ["lintian"], 0x7ffc /* 9 vars */) = 0
5001  vfork() = 5002
5002  +++ exited with 0 +++
5000  vfork() = 5001
5001  +++ exited with 0 +++
5000  +++ exited with 0 +++
LOG
    without lintian | expect_pass --strace "$tmp/strace.log"
    sed -i 's|/usr/bin/dpkg|/bin/bash|' "$tmp/strace.log"
    without lintian | expect_missing lintian --strace "$tmp/strace.log"
    ;;
counts-a-test-on-a-pid-dpkg-had)
    # Once a process has exited its pid may be used again: a test's child that gets the pid of one of dpkg's
    # (and is logged before its fork returns) is the test's, and what it runs counts.
    cat >"$tmp/strace.log" <<LOG
5000  execve("/usr/bin/dpkg", ["dpkg", "-i", "meterline.deb"], 0x7ffc /* 9 vars */) = 0
5000  vfork() = 5001
5001  execve("/var/lib/dpkg/info/some-package.postinst", ["postinst", "triggered"], 0x7ffc /* 9 vars */) = 0
5001  +++ exited with 0 +++
5000  +++ exited with 0 +++
4000  execve("/bin/bash", ["bash", "test.sh"], 0x7ffc /* 9 vars */) = 0
5001  execve("/usr/bin/lintian", ["lintian"], 0x7ffc /* 9 vars */) = 0
4000  vfork() = 5001
LOG
    without lintian | expect_missing lintian --strace "$tmp/strace.log"
    ;;
reads-a-call-ended-without-its-pid)
    # With -z strace may end an <unfinished ...> call on a line of its own that does not name the process.
    cat >"$tmp/strace.log" <<LOG
4000  execve("/usr/bin/lintian", ["lintian"], 0x7ffc /* 9 vars */ <unfinished ...>
) = 0
LOG
    expect_pass --strace "$tmp/strace.log" <"$tmp/list"
    without lintian | expect_missing lintian --strace "$tmp/strace.log"
    ;;
*)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac
