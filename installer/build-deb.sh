#!/usr/bin/env bash
# Builds the .deb and .tar.gz with CPack and checks the .deb (installer/check-deb.sh).
# Usage: installer/build-deb.sh [build-dir]   (default: the `release` preset's build/release)
# With a build dir of another configuration, only the two programs are (re)built there.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-}"
if [ -z "$dir" ]; then
    installer/build.sh release
    dir=build/release
else
    cmake --build "$dir" --target mor mor-studio
fi
(cd "$dir" && cpack -G "DEB;TGZ")
deb="$(ls -t "$dir"/mor-studio_*.deb | head -1)"
installer/check-deb.sh "$deb" "${CHECK_DEB_ARGS:-}"
