#!/bin/bash
# mor-studio --help and --version answer without a display: no DISPLAY, no WAYLAND_DISPLAY and
# no QT_QPA_PLATFORM, as in an ssh session or a packaging check. Usage: studio_help.sh MOR_STUDIO
set -u
studio="$1"
fail() { echo "FAIL: $*"; exit 1; }
for flag in --help -h; do
    out=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM timeout 20 "$studio" "$flag" 2>&1)
    rc=$?
    [ $rc -eq 0 ] || fail "$flag exited $rc: $out"
    for word in "Usage:" "--screenshot" "--size" "--theme" "--version" "log.sqlite"; do
        grep -q -- "$word" <<<"$out" || fail "$flag does not mention $word: $out"
    done
done
out=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM timeout 20 "$studio" --version 2>&1)
[ $? -eq 0 ] || fail "--version: $out"
grep -qE '^mor-studio [0-9]+\.[0-9]+\.[0-9]+' <<<"$out" || fail "--version printed: $out"
echo "PASS"
