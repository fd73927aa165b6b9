#!/usr/bin/env bash
# Builds the desktop app with the UI embedded (custom protocol) and runs the end-to-end tests
# in the real app: Xvfb, a private D-Bus session, tauri-driver + WebKitWebDriver, a throw-away
# HOME and data folder, the network reported offline. Screenshots: tests/artifacts/.
#   ./scripts/test-app.sh            build (if needed) and test
#   GUICHET_APP=path ./scripts/test-app.sh   test an already-built binary
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=${CARGO_TARGET_DIR:-$root/target}

# The UI: dependencies from the lock file, then the production build Tauri embeds.
[ -d ui/node_modules ] || npm --prefix ui install --no-audit --no-fund --no-save
npm --prefix ui run build

command -v tauri-driver >/dev/null || { echo "tauri-driver not found: run ./scripts/setup.sh" >&2; exit 1; }

# The feature set of the whole test run (scripts/test.sh), so that these builds reuse its
# compiled crates; alone, the same set.
cargo_set=${GUICHET_CARGO_SET:---workspace --features guichet-app/custom-protocol}
if [ -z "${GUICHET_APP:-}" ]; then
  # Every target, not only the binaries: with test targets in the build, Cargo resolves the
  # dev-dependencies' features too, as the test run did, so the binaries are linked from the
  # test run's compiled crates (`--bins` alone resolved other features and rebuilt about 40
  # dependencies on a clean CI run).
  # shellcheck disable=SC2086 # the set is several words on purpose
  cargo build --locked $cargo_set --all-targets
  export GUICHET_APP=$target/debug/guichet-app
fi

artifacts=$root/tests/artifacts
# Only this script's screenshots: the live GLPI tests keep theirs in glpi/ beside them.
mkdir -p "$artifacts" && find "$artifacts" -maxdepth 1 -type f -delete
# The throw-away HOME below must not hide the Rust toolchain.
export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup} CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/seed"

# Build the test binary outside the display session (compilation is the slow part).
# shellcheck disable=SC2086
cargo test --locked $cargo_set --test app --no-run

# Seed the knowledge base the way an admin does, with the headless agent.
# (the `guichet` binary: built above with the other binaries of the workspace)
"$target/debug/guichet" --data-dir "$scratch/seed" kb import tests/e2e/fixtures/kb.json
# … and one machine of the site register (the app's import goes through a native file dialog).
"$target/debug/guichet" --data-dir "$scratch/seed" site import --location "Room 2" \
  crates/guichet-inventory/tests/fixtures/import/fusioninventory-debian12-vm.xml >/dev/null
# … and a disconnected site's offline bundle (its register gained a printer), with a truncated
# copy, for the admin section's bundle inspection and import.
"$target/debug/guichet" --data-dir "$scratch/site" asset add --type printer --make HP \
  --serial SITE-0042 >/dev/null
"$target/debug/guichet" --data-dir "$scratch/site" bundle export "$scratch/site.guichet" >/dev/null
head -c 1500 "$scratch/site.guichet" >"$scratch/site-cut.guichet"

export HOME=$scratch/home XDG_CONFIG_HOME=$scratch/home/.config XDG_DATA_HOME=$scratch/home/.local/share \
  XDG_CACHE_HOME=$scratch/home/.cache GUICHET_DATA_DIR=$scratch/data GUICHET_OFFLINE=1 \
  GUICHET_ARTIFACTS=$artifacts GUICHET_E2E_BUNDLE=$scratch/site.guichet LANG=en_GB.UTF-8 LC_ALL= LANGUAGE= \
  WEBKIT_SKIA_ENABLE_CPU_RENDERING=1
# One retry: a rare GTK start-up failure under a fresh Xvfb was seen once in the probe. Each
# attempt starts from the seeded store and an empty HOME: what a failed attempt queued or saved
# must not leak into the next.
for attempt in 1 2; do
  rm -rf "$scratch/data" "$scratch/home"
  cp -a "$scratch/seed" "$scratch/data"
  mkdir -p "$scratch/home"
  if xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- \
      timeout -k 10 600 cargo test --locked $cargo_set --test app -- --nocapture; then
    echo "e2e: passed; screenshots in tests/artifacts/" >&2
    exit 0
  fi
  echo "e2e: attempt $attempt failed" >&2
done
exit 1
