#!/usr/bin/env bash
# Checks a mor-studio .deb made by CPack (installer/build-deb.sh, or `cpack -G DEB` in a build
# folder):
#   1. the control data: package name, size and the Depends line with the run-time libraries
#      that dpkg-shlibdeps cannot see or that must be there (Qt SQLite/QPA plugins, QCustomPlot,
#      LibTorch, OpenBLAS);
#   2. the payload, unpacked with `dpkg -x` into a scratch root: both programs, the demos, the
#      desktop entry (desktop-file-validate) and the icon; `mor-studio --version` and
#      `mor --help` run from the unpacked paths;
#   3. with --install (a disposable machine: needs root): `apt-get install ./file.deb`, then the
#      same commands from /usr/bin and the installed desktop entry.
# Usage: installer/check-deb.sh path/to/mor-studio_*.deb [--install]
set -euo pipefail
deb="${1:?usage: check-deb.sh file.deb [--install]}"
install="${2:-}"
[ -f "$deb" ] || { echo "check-deb: no such file: $deb" >&2; exit 2; }
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
fail=0
check() { # description, command...
    local what="$1"; shift
    if "$@" >/dev/null 2>&1; then echo "ok    $what"; else echo "FAIL  $what"; fail=1; fi
}

echo "== $deb ($(du -h "$deb" | cut -f1) on disk)"
dpkg-deb -I "$deb" | sed -n "/ Package:/,\$p"
echo "Depends: $(dpkg-deb -f "$deb" Depends)"
depends="$(dpkg-deb -f "$deb" Depends)"
for lib in libqt6sql6-sqlite qt6-qpa-plugins libqcustomplot2.1-qt6 libopenblas0-openmp \
           libtorch libqt6widgets6 libsqlite3-0; do
    check "Depends names $lib" grep -q "$lib" <<<"$depends"
done

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
dpkg -x "$deb" "$root"
for f in usr/bin/mor-studio usr/bin/mor usr/share/applications/mor-studio.desktop \
         usr/share/icons/hicolor/scalable/apps/mor-studio.svg; do
    check "payload has /$f" test -s "$root/$f"
done
check "payload has the bundled demos" compgen -G "$root/usr/share/mor-studio/demos/*.json"
check "desktop entry validates" desktop-file-validate "$root/usr/share/applications/mor-studio.desktop"
check "unpacked mor-studio --version" "$root/usr/bin/mor-studio" --version
check "unpacked mor --help" "$root/usr/bin/mor" --help
"$root/usr/bin/mor-studio" --version

if [ "$install" = "--install" ]; then
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    check "apt-get install ./$(basename "$deb")" $SUDO apt-get install -y -qq "$deb"
    check "installed /usr/bin/mor-studio --version" /usr/bin/mor-studio --version
    check "installed /usr/bin/mor --help" /usr/bin/mor --help
    check "installed desktop entry validates" \
        desktop-file-validate /usr/share/applications/mor-studio.desktop
    check "installed demos" compgen -G "/usr/share/mor-studio/demos/*.json"
    /usr/bin/mor-studio --version
fi
if [ "$fail" -ne 0 ]; then
    echo "check-deb: FAILED"
    exit 1
fi
echo "check-deb: all checks passed"
