#!/usr/bin/env bash
# README command 1: install dependencies, build, start mor-studio on a bundled demo.
set -euo pipefail
cd "$(dirname "$0")/.."
installer/install-deps.sh
installer/build.sh dev
exec build/dev/app/studio/mor-studio --demo parity-reflection "$@"
