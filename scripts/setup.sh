#!/usr/bin/env bash
# Installs everything Guichet needs to build, run and test on Debian 12, then returns.
# Idempotent: packages already present are not reinstalled; safe to run before every test run.
#   ./scripts/setup.sh            all dependencies (build, run, tests, benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."

# Build: a C toolchain for bundled SQLite. Run: the tools collectors call when present
# (dmidecode as root, lspci/lsusb fallbacks, iproute2 for addresses).
# Tests and benchmarks: FusionInventory (the peer we measure against), Request Tracker 5 (the
# service desk the sync tests run against), keyring back-ends and a session bus.
PACKAGES=(
  build-essential pkg-config ca-certificates curl
  iproute2 dmidecode pciutils usbutils
  fusioninventory-agent
  request-tracker5 rt5-db-sqlite rt5-standalone
  dbus gnome-keyring keyutils libdbus-1-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # request-tracker5 recommends a mail server and asks debconf questions: no recommends, no prompts.
  $SUDO apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >&2
else
  echo "setup: system packages already installed" >&2
fi

command -v cargo >/dev/null || { echo "setup: cargo not found: install Rust (rustup) first" >&2; exit 1; }
echo "setup: done" >&2
