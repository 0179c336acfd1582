#!/usr/bin/env bash
# Checks of the two .deb files that the packaging/build test made (packaging/CMakeLists.txt registers each case).
#   package-test.sh contents|lintian|validate|install PACKAGES_DIR SOURCE_DIR
set -euo pipefail
case_name="${1:?case}" packages="${2:?packages folder}" root="${3:?source folder}"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
one() { # the one file matching a glob
    local matches=($1)
    ((${#matches[@]} == 1)) && [[ -f "${matches[0]}" ]] || fail "expected one file $1, found: ${matches[*]}"
    echo "${matches[0]}"
}
dashboard=$(one "$packages/meterline_*.deb")
server=$(one "$packages/meterline-server_*.deb")
tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

icon_sizes="16 22 24 32 48 64 128 256 512"

contents() {
    dpkg-deb -c "$dashboard" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/dashboard.txt"
    dpkg-deb -c "$server" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/server.txt"
    local expected_dashboard=(
        /usr/bin/meterline
        /usr/share/applications/io.meterline.Meterline.desktop
        /usr/share/metainfo/io.meterline.Meterline.metainfo.xml
        /usr/share/icons/hicolor/scalable/apps/meterline.svg
        /usr/share/man/man1/meterline.1.gz
        /usr/share/doc/meterline/copyright
        /usr/share/doc/meterline/changelog.gz
    )
    for size in $icon_sizes; do
        expected_dashboard+=("/usr/share/icons/hicolor/${size}x${size}/apps/meterline.png")
    done
    local expected_server=(
        /usr/bin/meterline-server
        /lib/systemd/system/meterline-server.service
        /etc/meterline/meterline-server.conf
        /usr/share/man/man1/meterline-server.1.gz
        /usr/share/doc/meterline-server/copyright
        /usr/share/doc/meterline-server/changelog.gz
    )
    for path in "${expected_dashboard[@]}"; do
        grep -qx "$path" "$tmp/dashboard.txt" || fail "meterline lacks $path"
    done
    for path in "${expected_server[@]}"; do
        grep -qx "$path" "$tmp/server.txt" || fail "meterline-server lacks $path"
    done
    # Each binary in its own package only.
    ! grep -qx /usr/bin/meterline-server "$tmp/dashboard.txt" || fail "meterline holds the server binary"
    ! grep -qx /usr/bin/meterline "$tmp/server.txt" || fail "meterline-server holds the dashboard binary"
    # Root-owned files, 0755 folders.
    for deb in "$dashboard" "$server"; do
        ! dpkg-deb -c "$deb" | awk '$2 != "root/root"' | grep -q . || fail "$deb has files not owned by root"
        ! dpkg-deb -c "$deb" | awk '/^d/ && $1 != "drwxr-xr-x"' | grep -q . || fail "$deb has folders that are not 0755"
    done

    # Depends: shlibdeps' libraries with versions, plus the plugins Qt loads at run time.
    local depends
    depends=$(dpkg-deb -f "$dashboard" Depends)
    echo "meterline Depends: $depends"
    for need in "libqt6core6 (>=" "libqt6widgets6 (>=" "libqt6charts6 (>=" "libc6 (>=" qt6-qpa-plugins libqt6sql6-sqlite; do
        [[ "$depends" == *"$need"* ]] || fail "meterline's Depends lack $need"
    done
    depends=$(dpkg-deb -f "$server" Depends)
    echo "meterline-server Depends: $depends"
    for need in "libqt6core6 (>=" "libqt6network6 (>=" "libqt6sql6 (>=" "libc6 (>=" libqt6sql6-sqlite; do
        [[ "$depends" == *"$need"* ]] || fail "meterline-server's Depends lack $need"
    done
    [[ "$depends" != *libqt6widgets6* && "$depends" != *libqt6charts6* ]] || fail "meterline-server depends on widgets"
    # The configuration file is a conffile; the maintainer scripts are there.
    dpkg-deb --ctrl-tarfile "$server" | tar -t | sed 's|^\./||' | sort >"$tmp/control.txt"
    for f in conffiles postinst prerm postrm; do
        grep -qx "$f" "$tmp/control.txt" || fail "meterline-server's control lacks $f"
    done
    dpkg-deb -I "$server" conffiles | grep -qx /etc/meterline/meterline-server.conf \
        || fail "/etc/meterline/meterline-server.conf is not a conffile"
    dpkg-deb -I "$dashboard"
    dpkg-deb -I "$server"
    echo "contents: both packages hold what they should"
}

run_lintian() {
    # Errors fail the test; warnings and infos are printed (packaging/README.md justifies each).
    lintian --info --display-info --no-tag-display-limit "$dashboard" "$server" | tee "$tmp/lintian.txt" || true
    if grep -q '^E:' "$tmp/lintian.txt"; then
        fail "lintian reports errors"
    fi
    local expected="$root/packaging/lintian-expected.txt"
    # Every warning must be one that packaging/README.md justifies (lintian-expected.txt lists their tags).
    grep '^W:' "$tmp/lintian.txt" | awk '{print $2, $3}' | sort -u >"$tmp/warnings.txt" || true
    while read -r package tag; do
        grep -qx "$package $tag" "$expected" || fail "lintian warning $package $tag is not in packaging/lintian-expected.txt"
    done <"$tmp/warnings.txt"
    echo "lintian: no errors, $(wc -l <"$tmp/warnings.txt") justified warning(s)"
}

validate() {
    mkdir -p "$tmp/root"
    dpkg-deb -x "$dashboard" "$tmp/root"
    dpkg-deb -x "$server" "$tmp/root"
    echo "desktop-file-validate:"
    desktop-file-validate "$tmp/root/usr/share/applications/io.meterline.Meterline.desktop"
    echo "appstreamcli validate:"
    appstreamcli validate --no-net --explain "$tmp/root/usr/share/metainfo/io.meterline.Meterline.metainfo.xml"
    echo "systemd-analyze verify:"
    # verify looks for the unit's ExecStart binary on the running system: point it at the unpacked one.
    sed "s|/usr/bin/meterline-server|$tmp/root/usr/bin/meterline-server|" \
        "$tmp/root/lib/systemd/system/meterline-server.service" >"$tmp/meterline-server.service"
    # Documentation=man:meterline-server(1) is checked against the package's own man page.
    MANPATH="$tmp/root/usr/share/man" systemd-analyze verify "$tmp/meterline-server.service" 2>&1 | tee "$tmp/verify.txt"
    ! grep -q . "$tmp/verify.txt" || fail "systemd-analyze verify reports problems"
    echo "systemd-analyze security (offline, the unit file):"
    systemd-analyze security --offline=yes "$tmp/meterline-server.service" 2>&1 | tail -n 3 || true
    echo "man --warnings:"
    for page in meterline meterline-server; do
        LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z \
            "$tmp/root/usr/share/man/man1/$page.1.gz" 2>"$tmp/man.txt" >/dev/null
        ! grep -q . "$tmp/man.txt" || { cat "$tmp/man.txt"; fail "$page(1) has warnings"; }
    done
    echo "validate: the desktop file, metainfo, unit and man pages pass their validators"
}

install_and_run() {
    sudo="" # global, as server_pid: the EXIT trap reads both
    if [[ $(id -u) -ne 0 ]]; then
        sudo -n true 2>/dev/null || fail "installing packages needs root (CI runs as root) or sudo without a password"
        sudo="sudo -n"
    fi
    for package in meterline meterline-server; do
        if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
            fail "$package is already installed on this machine: not replacing it (dpkg -r $package first)"
        fi
    done
    server_pid="" # global: the EXIT trap reads it after this function returned
    cleanup_install() {
        [[ -z "$server_pid" ]] || kill -9 "$server_pid" 2>/dev/null || true
        $sudo dpkg --purge meterline meterline-server >/dev/null 2>&1 || true
        rm -rf "$tmp"
    }
    trap cleanup_install EXIT

    $sudo dpkg -i "$dashboard" "$server"
    [[ -x /usr/bin/meterline && -x /usr/bin/meterline-server ]] || fail "the binaries are not installed"
    local conf=/etc/meterline/meterline-server.conf
    [[ -f "$conf" ]] || fail "$conf is not installed"

    # The installed server with the installed configuration file, its database in a temporary state folder.
    local state="$tmp/state"
    mkdir -p "$state"
    export METERLINE_DB="$state/meterline.db"
    /usr/bin/meterline-server init --config "$conf" | tee "$tmp/init.txt"
    grep -q "schema version" "$tmp/init.txt" || fail "init did not report a schema version"
    local key
    key=$(/usr/bin/meterline-server keys create --config "$conf" --name ci --scope admin)
    [[ -n "$key" ]] || fail "keys create printed no key"
    # Under the kernel's memory-deny-write-execute (what the unit's MemoryDenyWriteExecute=yes enforces), where the
    # kernel has it (PR_SET_MDWE, Linux 6.3): no mapping may become writable and executable.
    cat >"$tmp/mdwe.py" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(65, 1, 0, 0, 0) != 0:  # PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN
    print("mdwe: this kernel has no PR_SET_MDWE (%s): serve runs without it" % os.strerror(ctypes.get_errno()),
          file=sys.stderr)
os.execv(sys.argv[1], sys.argv[1:])
PY
    python3 "$tmp/mdwe.py" /usr/bin/meterline-server serve --config "$conf" --listen 127.0.0.1:0 --access-log "" \
        >"$tmp/serve.out" 2>"$tmp/serve.err" &
    server_pid=$!
    local url=""
    for _ in $(seq 100); do
        url=$(sed -n 's|^listening on \(http://[^ ]*\)$|\1|p' "$tmp/serve.out" | head -n1)
        [[ -n "$url" ]] && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/serve.err"; fail "serve exited before listening"; }
        sleep 0.1
    done
    [[ -n "$url" ]] || fail "serve did not print its address"
    echo "installed meterline-server listening on $url"
    api() { curl -sS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$@"; }
    api -f -X POST "$url/v1/meters" -d '{"id":"tokens","name":"Tokens","aggregation":"sum","eventTypes":["llm.call"]}' >/dev/null \
        || fail "the meter was not created"
    api -f -X POST "$url/v1/customers" -d '{"id":"cust_ci","name":"CI customer"}' >/dev/null \
        || fail "the customer was not created"
    local answer
    answer=$(api -f -X POST "$url/v1/limits/check" -d '{"customerId":"cust_ci","meterId":"tokens"}')
    echo "check: $answer"
    [[ "$answer" == *'"allowed":true'* ]] || fail "the check did not allow: $answer"
    kill -TERM "$server_pid"
    local status=0
    wait "$server_pid" || status=$?
    server_pid=""
    ((status == 0)) || { cat "$tmp/serve.err"; fail "serve exited with $status after SIGTERM"; }
    echo "serve stopped on SIGTERM with status 0"

    # The installed dashboard, offscreen, takes its screenshots of a fresh demo database.
    QT_QPA_PLATFORM=offscreen XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp" \
        timeout 180 /usr/bin/meterline --db "$tmp/dashboard.db" --screenshots "$tmp/shots"
    local shots
    shots=$(find "$tmp/shots" -name '*.png' -size +10k | wc -l)
    ((shots >= 5)) || fail "the installed dashboard wrote $shots screenshots"
    echo "installed dashboard wrote $shots screenshots"

    $sudo dpkg --purge meterline meterline-server
    [[ ! -e /usr/bin/meterline && ! -e /usr/bin/meterline-server ]] || fail "the binaries are still there after purge"
    [[ ! -e "$conf" ]] || fail "$conf is still there after purge"
    echo "install: both packages installed, ran and were removed"
}

case "$case_name" in
contents) contents ;;
lintian) run_lintian ;;
validate) validate ;;
install) install_and_run ;;
*) fail "unknown case $case_name" ;;
esac
