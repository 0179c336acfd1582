#!/usr/bin/env python3
"""Fails when the build or the tests used a Debian package that scripts/install-deps.sh does not install.

scripts/install-deps.sh installs its list without recommendations, so a package that is on this machine only
because something else recommended it (or because somebody installed it by hand) works here and fails on a bare
Debian 12. This check finds such packages from what the run actually used:

  * the CMake cache of a build folder: every package configuration that configure loaded (the `<Name>_DIR`
    entries) and every program or library it found (absolute `FILEPATH` entries: compilers, tools, libraries);
  * optionally an strace log of the tests (`strace -f -q -e trace=execve,openat,clone,clone3,fork,vfork`, with
    the processes' exit lines: -q, not -qq): every program a test ran, and every file where packages install
    (shared libraries, Qt plugins, translations) that the project's own programs and scripts opened. Files that a packaged tool opens on its own account (lintian,
    or mandb reading every man page when dpkg installs a package) are that tool's business, not the list's.

Each file is mapped to the Debian package that owns it (dpkg's file lists). A package is covered when it is in
the list, is pulled in by the list through Depends or Pre-Depends (what apt installs without recommendations),
or belongs to the base system (Essential or Priority: required, and what those depend on). Anything else is
reported with the file that needed it, and the exit status is 1.

  check-deps.py --list FILE --cmake-cache BUILD/CMakeCache.txt [--strace LOG ...]
  (--list -: read the list from stdin; `scripts/install-deps.sh --list` prints it)
"""

import argparse
import functools
import glob
import os
import re
import subprocess
import sys

DPKG_INFO = "/var/lib/dpkg/info"


def file_owners():
    """Path -> owning package, from dpkg's .list files (one read instead of a `dpkg -S` per path)."""
    owners = {}
    for listing in glob.glob(os.path.join(DPKG_INFO, "*.list")):
        package = os.path.basename(listing)[: -len(".list")].split(":")[0]
        with open(listing, encoding="utf-8", errors="replace") as f:
            for line in f:
                path = line.rstrip("\n")
                if path and not os.path.isdir(path):
                    owners.setdefault(path, package)
    return owners


def installed_packages():
    """Installed packages with their dependency fields and what they provide."""
    fmt = "${Package}\t${Status}\t${Essential}\t${Priority}\t${Pre-Depends}\t${Depends}\t${Provides}\n"
    out = subprocess.run(["dpkg-query", "-W", "-f=" + fmt], check=True, capture_output=True, text=True).stdout
    packages = {}
    providers = {}
    for line in out.splitlines():
        name, status, essential, priority, predepends, depends, provides = line.split("\t")
        if not status.endswith(" installed"):
            continue
        packages[name] = {
            "base": essential == "yes" or priority == "required",
            "depends": [d for d in (predepends + ", " + depends).split(",") if d.strip()],
        }
        for provided in provides.split(","):
            provided = re.sub(r"\(.*?\)", "", provided).strip()
            if provided:
                providers.setdefault(provided, set()).add(name)
    return packages, providers


def closure(roots, packages, providers):
    """Every installed package that apt would install for `roots` (Depends, Pre-Depends; any installed
    alternative of an `a | b` group; the installed providers of a virtual package)."""
    seen = set()
    todo = [r for r in roots if r in packages]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for group in packages[name]["depends"]:
            for alternative in group.split("|"):
                dep = re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", alternative).strip().split(":")[0]
                for candidate in [dep] + sorted(providers.get(dep, ())):
                    if candidate in packages and candidate not in seen:
                        todo.append(candidate)
    return seen


def owner_of(path, owners):
    """The package owning `path`, following symlinks (c++ -> /etc/alternatives/c++ -> g++-12) and the merged-/usr
    aliases (/bin and /usr/bin are one folder; dpkg may list either)."""
    candidates = []
    current = path
    for _ in range(16):
        candidates.append(current)
        if not os.path.islink(current):
            break
        current = os.path.join(os.path.dirname(current), os.readlink(current))
        current = os.path.normpath(current)
    candidates.append(os.path.realpath(path))
    for candidate in candidates:
        for alias in aliases(candidate):
            if alias in owners:
                return owners[alias]
    return None


def aliases(path):
    yield path
    for merged in ("/bin/", "/sbin/", "/lib/", "/lib64/", "/lib32/", "/libx32/"):
        if path.startswith("/usr" + merged):
            yield path[len("/usr") :]
        elif path.startswith(merged):
            yield "/usr" + path


def cmake_uses(cache_path):
    """(what, path) for each package configuration and absolute file the CMake cache names."""
    uses = []
    with open(cache_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"^([A-Za-z0-9_.+-]+)_DIR:PATH=(/.+)$", line.rstrip("\n"))
            if m:
                name, folder = m.groups()
                configs = [
                    os.path.join(folder, c)
                    for c in (name + "Config.cmake", name.lower() + "-config.cmake")
                    if os.path.exists(os.path.join(folder, c))
                ]
                configs = configs or sorted(glob.glob(os.path.join(folder, "*onfig.cmake")))
                for config in configs[:1]:
                    uses.append(("CMake package " + name, config))
                continue
            m = re.match(r"^([A-Za-z0-9_.+-]+):FILEPATH=(/.+)$", line.rstrip("\n"))
            if m and os.path.isfile(m.group(2)):
                uses.append(("CMake " + m.group(1), m.group(2)))
    return uses


# Where packages install; the rest (/proc, /tmp, /var, the build tree) holds nothing a package list can provide.
SYSTEM_FOLDERS = ("/usr/", "/lib", "/bin/", "/sbin/", "/etc/", "/opt/")
# Files a program opens only because they are installed and configured on this machine, not because Meterline
# needs them: fontconfig reads every font it finds (the list names fonts-dejavu-core for what is drawn), glibc loads
# the NSS modules /etc/nsswitch.conf names, and PAM (runuser, for the private PostgreSQL) the modules /etc/pam.d
# names. On a bare Debian 12 these are simply absent and nothing changes.
INCIDENTAL = re.compile(r"^(/usr)?(/share/fonts/|/lib/[^/]+/libnss_|/lib/[^/]+/security/pam_)")
# Programs that run the project's own code: what they open is what a script or test of ours asked for.
INTERPRETERS = re.compile(r"^((ba|da)?sh|python3(\.\d+)?|perl(5[.\d]*)?|node(js)?)$")
# Programs that run other packages' code on their own account: dpkg runs the maintainer scripts and triggers of
# whatever is installed on the machine (gtk-update-icon-cache where that is installed, nothing on a bare system), so
# nothing run or opened below them is a use of the project's. Whether the packages install is the test's own check.
PACKAGE_MANAGERS = re.compile(r"^(dpkg|apt|apt-get)$")
PID = r"^(?:\[pid\s+)?(\d+)\]?\s+"
SYSCALL = re.compile(PID + r'(execve|openat|clone3?|v?fork)\((?:AT_FDCWD, )?(?:"([^"]+)")?(.*)$')
RESUMED = re.compile(PID + r"<\.\.\. (execve|openat|clone3?|v?fork) resumed>(.*)$")
# With -z strace may end an <unfinished ...> call on the next line without naming the process again.
CONTINUED = re.compile(r"^(\).*)$")
ENDED = re.compile(PID + r"\+\+\+ (exited|killed) ")
# The call's result: the last " = N" of the line (an argument may hold ") = "); failures (-1) do not match.
RESULT = re.compile(r"\)\s+=\s+(\d+)[^=]*$")


class Process:
    """One process of the log, from its first line or its parent's fork to its `+++ exited` line. Its parent is
    known only once the parent's fork returns, which strace may log after the child's first lines (a vfork'd
    parent resumes only when its child has run execve), so what a process did is judged at the end of the log."""

    def __init__(self):
        self.parent = None
        self.fork_program = None  # the parent's program when it forked: a path, or a Process still to ask
        self.parent_ran_package_manager = False  # the parent was a package manager (or below one) when it forked
        self.program = None  # what it last executed; None until its first execve
        self.ran_package_manager = False
        self.events = []  # (what, path, program or None: the inherited one, ran a package manager before)

    def program_now(self):
        return self.program if self.program is not None else self.fork_program

    def below_package_manager(self):
        process = self
        while process.parent is not None:
            if process.parent_ran_package_manager:
                return True
            process = process.parent
        return False


def inherited_program(process):
    program = process.fork_program
    while isinstance(program, Process):
        program = program.program_now()
    return program


def strace_uses(log_path, reads_count):
    """(what, path) for each program run (successful execve) and each system file opened (successful openat) by a
    process for which `reads_count(program)` holds; `program` is what the process last executed (inherited over
    fork and clone), None when the log does not say. Nothing a package manager started counts.
    The log must have the processes' exit lines (strace -q, not -qq): they tell a pid used again from its first."""
    processes = []
    live = {}  # pid -> its current Process
    unclaimed = {}  # pid -> a Process whose lines came before the fork that made it returned in its parent
    pending = {}  # pid -> (call, path) of a call that strace printed <unfinished ...>
    last_pid = None

    def process_of(pid):
        if pid not in live:
            live[pid] = unclaimed[pid] = Process()
            processes.append(live[pid])
        return live[pid]

    def finished(pid, call, path, result):
        process = process_of(pid)
        if call == "execve":
            process.events.append(("a test ran", path, path, process.ran_package_manager))
            process.program = path
            if PACKAGE_MANAGERS.match(os.path.basename(path)):
                process.ran_package_manager = True
        elif call == "openat":
            if path.startswith(SYSTEM_FOLDERS) and not path.endswith("/") and not INCIDENTAL.match(path):
                process.events.append(("a test opened", path, process.program, process.ran_package_manager))
        else:  # clone, clone3, fork, vfork: the result is the child
            child = unclaimed.pop(result, None)
            if child is None:
                child = live[result] = Process()
                processes.append(child)
            child.parent = process
            child.fork_program = process.program if process.program is not None else process
            child.parent_ran_package_manager = process.ran_package_manager

    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = SYSCALL.match(line)
            if m:
                pid, call, path, rest = m.groups()
                last_pid = pid
                if rest.endswith("<unfinished ...>"):
                    pending[pid] = (call, path)
                    continue
            else:
                m = RESUMED.match(line)
                if m:
                    pid, _, rest = m.groups()
                else:
                    m = ENDED.match(line)
                    if m:
                        live.pop(m.group(1), None)
                        continue
                    m = CONTINUED.match(line)
                    if not m:
                        continue
                    pid, rest = last_pid, m.group(1)
                if pid not in pending:
                    continue
                call, path = pending.pop(pid)
            result = RESULT.search(rest)
            if result and (path or call not in ("execve", "openat")):
                finished(pid, call, path, result.group(1))

    uses = {}
    for process in processes:
        if process.below_package_manager():
            continue
        for what, path, program, ran_package_manager in process.events:
            if ran_package_manager:
                continue
            if what == "a test opened" and not reads_count(program if program else inherited_program(process)):
                continue
            uses.setdefault(path, what)
    return [(what, path) for path, what in uses.items()]


def counts_reads_of(owners):
    """Whether a file opened by `program` is a use of the project's: yes for the project's own programs (the build
    tree, test scripts: no package owns them), for the shells and interpreters that run its scripts, and when the
    log does not say; no for any other packaged program. A packaged tool (lintian, dpkg's triggers running mandb,
    ldconfig, update-desktop-database) reads what its own package depends on, and what it reads beyond that it
    reads because it happens to be installed: mandb opens every man page on the machine."""
    @functools.lru_cache(maxsize=None)
    def reads_count(program):
        if program is None or INTERPRETERS.match(os.path.basename(program)):
            return True
        return owner_of(program, owners) is None
    return reads_count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", required=True, help="the package list, one a line ('-': stdin)")
    parser.add_argument("--cmake-cache", action="append", default=[], help="a build folder's CMakeCache.txt")
    parser.add_argument("--strace", action="append", default=[], help="an strace -f log of the tests")
    parser.add_argument("--verbose", action="store_true", help="print every file with its package")
    args = parser.parse_args()

    text = sys.stdin.read() if args.list == "-" else open(args.list, encoding="utf-8").read()
    listed = [w for w in (l.split("#")[0].strip() for l in text.splitlines()) if w]

    packages, providers = installed_packages()
    # A listed name an installed package provides (npm under NodeSource's nodejs) is there: its provider counts.
    not_installed = [p for p in listed if p not in packages and p not in providers]
    listed = [q for p in listed for q in ([p] if p in packages else sorted(providers.get(p, ())))]
    base = closure([name for name, p in packages.items() if p["base"]], packages, providers)
    covered = closure(listed, packages, providers) | base
    owners = file_owners()

    uses = []
    for cache in args.cmake_cache:
        uses += cmake_uses(cache)
    for log in args.strace:
        uses += strace_uses(log, counts_reads_of(owners))

    missing = {}
    for what, path in uses:
        package = owner_of(path, owners)
        if args.verbose:
            print(f"{package or '-':30} {what}: {path}")
        if package and package not in covered:
            missing.setdefault(package, []).append(f"{what}: {path}")

    for package in not_installed:
        print(f"check-deps: {package} is in the list but not installed (run scripts/install-deps.sh)")
    for package, why in sorted(missing.items()):
        print(f"check-deps: {package} is used but scripts/install-deps.sh does not install it:")
        for line in sorted(why)[:5]:
            print(f"    {line}")
        if len(why) > 5:
            print(f"    … and {len(why) - 5} more")
    checked = len({path for _, path in uses})
    if missing or not_installed:
        print(f"check-deps: FAILED: {len(missing)} package(s) missing from the list ({checked} files checked)")
        return 1
    print(f"check-deps: every package used is installed by the list ({len(listed)} packages named, "
          f"{len(covered - base)} with their dependencies; {checked} files checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
