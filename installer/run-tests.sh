#!/usr/bin/env bash
# README command 2: install dependencies, build, run every test with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
# LibTorch's OpenMP threads spin while waiting; on a shared or loaded machine that is far slower.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
installer/install-deps.sh
start=$(date +%s)
installer/build.sh ci
echo "build took $(( $(date +%s) - start )) s"
ctest --preset ci -j 2
