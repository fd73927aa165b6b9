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
# Desktop app: WebKitGTK 4.1 (Tauri 2), the tray's appindicator library; its tests: Xvfb,
# WebKitWebDriver, ImageMagick, and Chromium for the accessibility audit of the UI.
# GLPI's live tests (scripts/glpi/start-glpi.sh): PHP 8.2 with the extensions GLPI 10 and 11
# need, and MariaDB, each instance run by the test kit on loopback with its own data folder.
# Printing checks and the print-queue action: CUPS (scripts/cups/start-cups.sh runs a private
# scheduler for the tests; lpstat, lp, cancel, cupsenable are what the checks and actions call).
# Packaging (scripts/package.sh): mksquashfs builds the AppImage's file system; libfuse2 is what
# the AppImage runtime mounts it with when the package check starts it.
PACKAGES=(
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev xvfb xauth webkit2gtk-driver imagemagick
  chromium squashfs-tools libfuse2
  build-essential pkg-config ca-certificates curl
  iproute2 dmidecode pciutils usbutils
  fusioninventory-agent
  request-tracker5 rt5-db-sqlite rt5-standalone
  php8.2-cli php8.2-mysql php8.2-gd php8.2-intl php8.2-curl php8.2-mbstring php8.2-xml
  php8.2-zip php8.2-bz2 php8.2-ldap php8.2-opcache php8.2-bcmath
  mariadb-server mariadb-client xz-utils bc
  dbus gnome-keyring keyutils libdbus-1-dev
  strace sqlite3 systemd time
  cups cups-client cups-bsd
  # The desk checks' proxy test: Debian's tinyproxy, the executable only (no service).
  tinyproxy-bin
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

# The UI needs Node.js 20.19 or later (Vite 7); Debian 12's own nodejs is 18, so it is not
# installed from here: use NodeSource's node_20.x (or later) repository.
node_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number);console.log(a>20||(a===20&&b>=19)?1:0)' 2>/dev/null || echo 0)
if [ "$node_ok" != 1 ]; then
  echo "setup: Node.js >= 20.19 not found (needed for the UI): install it from NodeSource" >&2
  exit 1
fi
# The WebDriver bridge the app's end-to-end tests drive Tauri through, pinned (Tauri 2's).
TAURI_DRIVER_VERSION=2.1.0
if ! grep -qs "^\"tauri-driver $TAURI_DRIVER_VERSION " "${CARGO_HOME:-$HOME/.cargo}/.crates.toml"; then
  echo "setup: installing tauri-driver $TAURI_DRIVER_VERSION" >&2
  cargo install tauri-driver --version "=$TAURI_DRIVER_VERSION" --locked >&2
fi

# UI dependencies at the locked versions. `npm install` rather than `npm ci`: the lock file
# lists only this platform's native packages (esbuild, rollup, the Tauri CLI), and `npm ci`
# refuses a lock without every platform's; `install` keeps the locked versions and adds the
# native package of the machine it runs on.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  npm --prefix ui install --no-audit --no-fund --no-save >&2
fi
echo "setup: done" >&2
