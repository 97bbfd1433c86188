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
# Four tests at a time on the 2-core CI machine: the tests wait much of their time (process
# starts, servers, kill/resume); with -j 2 the test phase kept the two cores only ~half busy
# (CI of session 11: ~360-410 s of CPU in 381 s of wall). MOR_TEST_JOBS overrides.
ctest --preset ci -j "${MOR_TEST_JOBS:-4}"
