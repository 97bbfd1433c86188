#!/usr/bin/env bash
# README command 1: install dependencies, build, start mor-studio on a bundled demo.
set -euo pipefail
cd "$(dirname "$0")/.."
# LibTorch's OpenMP threads spin while waiting; on a shared or loaded machine that is far slower.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
installer/install-deps.sh
installer/build.sh dev
exec build/dev/app/studio/mor-studio --demo parity-reflection "$@"
