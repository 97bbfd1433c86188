#!/usr/bin/env bash
# Configures and builds with a CMake preset (default: dev). Usage: installer/build.sh [preset]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-dev}"
cmake --preset "$preset" >/dev/null
# One job more than cores: moc, links and the precompiled headers wait on the disk at times.
cmake --build --preset "$preset" -j "$(( $(nproc) + 1 ))"
