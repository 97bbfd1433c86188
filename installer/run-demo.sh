#!/usr/bin/env bash
# README command 1: install dependencies, build, start mor-studio on a bundled demo.
# Extra arguments go to mor-studio (e.g. --demo mixed-routing, --screenshot FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
# LibTorch's OpenMP threads spin while waiting; on a shared or loaded machine that is far slower.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
installer/install-deps.sh
installer/build.sh dev
app=(build/dev/app/studio/mor-studio --demo parity-reflection "$@")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "run-demo: no display; starting mor-studio under xvfb-run (add --screenshot FILE to see it)"
    exec xvfb-run -a -s "-screen 0 1440x900x24" "${app[@]}"
fi
exec "${app[@]}"
