#!/bin/bash
# CTest translations/current: are the committed .ts files current with the sources?
#
#   check-current.sh LUPDATE PROJECT_DIR TS_FILE... -- LUPDATE_OPTION...
#
# Runs lupdate over the dashboard's sources (ui/, models/, app/ and sync/topupflow: the same rule as
# METERLINE_TR_SOURCES in resources/CMakeLists.txt) into a temporary copy of each .ts file and fails when
#   - a tr() text of the sources is missing from the committed .ts (someone added or changed a text and did not
#     update the translations: `cmake --build <build> --target update_translations`, then translate it),
#   - the committed .ts keeps an entry the sources no longer have, or
#   - an entry of the committed .ts is unfinished, vanished or obsolete, or has an empty translation.
set -euo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 LUPDATE PROJECT_DIR TS_FILE... -- LUPDATE_OPTION..." >&2
    exit 2
fi
lupdate=$1
project=$2
shift 2
ts_files=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    ts_files+=("$1")
    shift
done
[ "${1:-}" = "--" ] && shift
options=("$@")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mapfile -t sources < <(cd "$project" && find ui models app sync/topupflow.h sync/topupflow.cpp -type f \
    \( -name '*.cpp' -o -name '*.h' \) | LC_ALL=C sort)
if [ ${#sources[@]} -eq 0 ]; then
    echo "no sources found under $project" >&2
    exit 2
fi

status=0
for ts in "${ts_files[@]}"; do
    [ -f "$ts" ] || { echo "FAIL: $ts does not exist" >&2; status=1; continue; }
    copy="$work/$(basename "$ts")"
    cp "$ts" "$copy"
    (cd "$project" && "$lupdate" "${options[@]}" -silent -I "$project" "${sources[@]}" -ts "$copy")
    python3 - "$ts" "$copy" <<'PY' || status=1
import sys
import xml.etree.ElementTree as ET

committed_path, updated_path = sys.argv[1], sys.argv[2]

def messages(path):
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            key = (name, message.findtext("source"), message.findtext("comment") or "")
            found[key] = message
    return found

def describe(key):
    context, source, comment = key
    return f"[{context}] {source!r}" + (f" ({comment})" if comment else "")

committed = messages(committed_path)
updated = messages(updated_path)
problems = []
for key in sorted(set(updated) - set(committed)):
    problems.append(f"not in the .ts (a new or changed tr() text): {describe(key)}")
for key in sorted(set(committed) - set(updated)):
    problems.append(f"no longer in the sources, still in the .ts: {describe(key)}")
for key, message in sorted(committed.items()):
    translation = message.find("translation")
    state = translation.get("type") if translation is not None else "missing"
    if state:
        problems.append(f"{state}: {describe(key)}")
        continue
    if message.get("numerus") == "yes":
        forms = [form.text or "" for form in translation.iter("numerusform")]
        empty = not forms or any(not form.strip() for form in forms)
    else:
        empty = not (translation.text or "").strip()
    if empty:
        problems.append(f"empty translation: {describe(key)}")
for key, message in sorted(updated.items()):
    translation = message.find("translation")
    if key in committed and translation is not None and translation.get("type"):
        problems.append(f"lupdate marks it {translation.get('type')}: {describe(key)}")

if problems:
    print(f"FAIL: {committed_path} is not current with the sources:")
    for problem in problems:
        print("  " + problem)
    print("Update it (cmake --build <build> --target update_translations) and translate every entry.")
    sys.exit(1)
print(f"ok: {committed_path}: {len(committed)} texts, all translated and current")
PY
done
exit $status
