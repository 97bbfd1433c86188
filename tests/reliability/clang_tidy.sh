#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy at the root) on core/ with a build's compile_commands.json.
#   tests/reliability/clang_tidy.sh [BUILD_DIR=build/dev] [PATH_FILTER=core/src]
# e.g. only the torch-free part (fast): tests/reliability/clang_tidy.sh build/dev 'core/src/(config|data|log)'
# Prints the findings and a count per check; exits 1 when there are findings, 0 when clean.
# Installs Debian's clang-tidy when it is missing (not needed by the test command, so not in
# installer/install-deps.sh); 0 with SKIP when it cannot.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build/dev}"
filter="${2:-core/src}"
tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
if [ -z "$tidy" ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
          --no-install-recommends clang-tidy; } >/dev/null 2>&1 || true
    tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
fi
[ -n "$tidy" ] || { echo "SKIP: clang-tidy not installed and cannot be installed"; exit 0; }
[ -f "$build/compile_commands.json" ] ||
    { echo "no $build/compile_commands.json: configure that build first" >&2; exit 2; }
files=$(python3 - "$build/compile_commands.json" "$root" "$filter" <<'PY'
import json, re, sys
db, root, flt = sys.argv[1], sys.argv[2], sys.argv[3]
seen = set()
for e in json.load(open(db)):
    f = e["file"]
    rel = f[len(root) + 1:] if f.startswith(root + "/") else f
    if re.search(flt, rel) and rel.endswith(".cpp") and f not in seen:
        seen.add(f); print(f)
PY
)
[ -n "$files" ] || { echo "no files match $filter" >&2; exit 2; }
out=$(mktemp); db=$(mktemp -d); trap 'rm -rf "$out" "$db"' EXIT
# CMake's precompiled headers are GCC .gch files clang cannot read: drop them (the header is
# still included by each source file itself).
python3 - "$build/compile_commands.json" "$db/compile_commands.json" <<'PY'
import json, re, sys
entries = json.load(open(sys.argv[1]))
for e in entries:
    e["command"] = re.sub(r" -Winvalid-pch| -include \S*cmake_pch\.hxx", "", e["command"])
json.dump(entries, open(sys.argv[2], "w"))
PY
# g++ flags clang does not know; -isystem torch keeps its headers quiet.
for f in $files; do
    nice "$tidy" -p "$db" --quiet --extra-arg=-Wno-unknown-warning-option \
        --extra-arg=-Wno-unused-command-line-argument "$f" 2>/dev/null >>"$out" || true
done
grep -E 'warning:|error:' "$out" | sort -u >"$out.uniq" || true
n=$(wc -l <"$out.uniq")
cat "$out.uniq"
echo "clang-tidy: $(wc -w <<<"$files") files, $n findings"
grep -oE '\[[a-z0-9.,-]+\]$' "$out.uniq" | sort | uniq -c | sort -rn || true
rm -f "$out.uniq"
[ "$n" -eq 0 ]
