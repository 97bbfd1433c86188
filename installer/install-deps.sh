#!/usr/bin/env bash
# Installs every build and run dependency of MoR Studio from Debian 12's repositories.
# Idempotent and non-interactive; run as root (or with sudo available).
set -euo pipefail

packages=(
    cmake ninja-build g++ pkg-config git
    qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev
    libqt6sql6-sqlite libqt6svg6 qt6-qpa-plugins
    libqcustomplot-dev libqcustomplot2.1-qt6
    libtorch-dev libopenblas0-openmp libgloo-dev
    libsqlite3-dev sqlite3 nlohmann-json3-dev libcli11-dev zlib1g-dev
    libcpp-httplib-dev libssl-dev openssl curl python3-prometheus-client
    xvfb xauth desktop-file-utils dpkg-dev file
    python3-sklearn dataset-fashion-mnist jq
    clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
