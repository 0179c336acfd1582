#!/usr/bin/env bash
# The dashboard's command line where no display is: what only prints text (--help, --version, an error) must work
# without one, as on a server or over SSH. Each case runs the binary with DISPLAY, WAYLAND_DISPLAY and
# QT_QPA_PLATFORM unset, so a QApplication would abort ("could not connect to display").
#   command-line-test.sh CASE METERLINE_BINARY VERSION
set -uo pipefail
case_name="$1" meterline="$2" version="$3"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

run() { # expected-status args...: runs the binary, fails unless it exits with expected-status
    local expected="$1"
    shift
    env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM XDG_RUNTIME_DIR="$(dirname "$out")" "$@" >"$out" 2>&1
    local status=$?
    cat "$out"
    ((status == expected)) || { echo "FAIL: exit status $status, expected $expected" >&2; exit 1; }
}
expect() { grep -qF -- "$1" "$out" || { echo "FAIL: the output lacks: $1" >&2; exit 1; }; }

case "$case_name" in
help)
    run 0 "$meterline" --help
    for option in "--db <path>" "--server <url>" "--key <key>" "--screenshots <folder>" "--version"; do
        expect "$option"
    done
    ;;
help-in-german)
    run 0 env LANG=de_DE.UTF-8 "$meterline" --help
    expect "Optionen:"
    expect "--screenshots <"
    ;;
version)
    run 0 "$meterline" --version
    expect "Meterline $version"
    ;;
unknown-option)
    run 2 "$meterline" --no-such-option
    expect "meterline: Unknown option 'no-such-option'."
    ;;
*)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac
