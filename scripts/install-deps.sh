#!/usr/bin/env bash
# Installs the Debian 12 packages Meterline builds, runs, tests, packages and benchmarks with: only those that are
# missing, never their recommendations (a bare Debian 12 has none of them, so this list must be complete).
#
#   scripts/install-deps.sh          # installs what is missing
#   scripts/install-deps.sh --list   # prints the list, one package a line (scripts/check-deps.sh reads it)
#
# scripts/check-deps.sh, run by scripts/test.sh after the tests, fails when configure loaded a CMake package, or a
# test ran a program or loaded a library, from a Debian package that this list neither names nor pulls in through
# Depends. Add a package here with a word on what needs it.
set -euo pipefail

packages=(
    # The build: compiler, CMake, Qt 6.4 and what Qt's CMake packages load (Qt6Charts needs Qt6OpenGL, which
    # qt6-base-dev only recommends).
    g++ cmake make pkg-config
    qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev libgl-dev
    # FindOpenGL (through Qt's WrapOpenGL) records EGL and GLU when they are there: listed so that configure
    # finds the same files on every machine.
    libegl-dev libglu1-mesa-dev
    qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev
    libsqlite3-dev
    # Translations: lupdate and lrelease (qt6-l10n-tools) and the LinguistTools CMake package (qt6-tools-dev);
    # Qt's own German strings for standard buttons and dialogs.
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
    # What the programs load at run time: the SQL drivers, the platform plugins (xcb, offscreen), a font.
    libqt6sql6-sqlite libqt6sql6-psql qt6-qpa-plugins fonts-dejavu-core
    # Tests: the private PostgreSQL 15, the dependency check's tracer, HTTP from scripts.
    postgresql strace curl
    # Packaging and its checks: CPack's shlibdeps, lintian, the .desktop, AppStream and systemd validators.
    dpkg-dev file lintian desktop-file-utils appstream systemd man-db
    # Benchmarks (bench/): load generator, the static baseline, instruction counts, profiles, scripts.
    wrk nginx-light valgrind linux-perf python3 git
    # The TypeScript SDK (sdk/js) and the OpenAPI document's validation: Node.js 18 or later and npm; the npm
    # packages themselves come from the registry over HTTPS (ca-certificates, which Debian's nodejs only
    # recommends), pinned in sdk/js/package-lock.json (npm ci).
    nodejs npm ca-certificates
    # Fuzzing (tests/fuzz): clang, libFuzzer and the sanitizer runtimes (libclang-rt, which clang only
    # recommends), llvm-symbolizer for the reports' stack traces; lld, which CMake's clang set-up probes
    # (ld.lld --help) when it is there, so that every machine configures the fuzz build alike.
    clang lld libclang-rt-14-dev llvm
    # The sanitizer builds of the suite (scripts/test-sanitized.sh, with g++): the runtimes of AddressSanitizer,
    # UndefinedBehaviorSanitizer and ThreadSanitizer (g++ pulls them in; named, since the runs use them directly).
    libasan8 libubsan1 libtsan2
    # Maintainer tools: rsvg-convert renders the icon's PNG sizes (resources/icons/render-pngs.sh).
    librsvg2-bin
)

if [[ "${1:-}" == --list ]]; then
    printf '%s\n' "${packages[@]}"
    exit 0
fi

# A package counts as there when it is installed or when an installed package provides it (NodeSource's nodejs
# provides npm and conflicts with Debian's: asking apt for npm there would replace that Node.js).
provided=" $(dpkg-query -W -f='${db:Status-Abbrev}${Provides}\n' 2>/dev/null | sed -n 's/^ii *//p' |
    tr ',' '\n' | sed 's/(.*)//; s/ //g' | tr '\n' ' ') "
missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" || "$provided" == *" $p "* ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
    sudo="sudo"
fi
echo "Installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
