#!/usr/bin/env bash
# Runs every test of the project (what CI runs): formatting, lints, unit, integration,
# host-accuracy and end-to-end tests, the desktop app's UI tests (Vitest, i18n completeness,
# accessibility audit, bindings drift), its end-to-end tests in the real app, and its packages
# (.deb and AppImage, built from the debug binary, installed and started).
# Installs missing dependencies first.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

# A test run builds everything once: incremental caches would only double the target folder.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

# The short variant of the three-processes test (20 runs by default; the figures of a full run
# are in the README).
export GUICHET_CONCURRENT_RUNS=${GUICHET_CONCURRENT_RUNS:-4}

# One feature set for every build of the run (lints, tests, the app's end-to-end build and its
# packages): the whole workspace with the app's UI embedded. Cargo unifies features per build,
# so `-p guichet-app` alone or `-p guichet-cli` alone would compile a second copy of most
# dependencies; with the same set everywhere each crate is compiled once for checking and once
# for running.
export GUICHET_CARGO_SET="--workspace --features guichet-app/custom-protocol"

# The desktop app embeds the built UI (ui/dist): build it (type check included) before Cargo.
echo "== UI: type check and build" >&2
npm --prefix ui run build

echo "== cargo fmt --check" >&2
cargo fmt --all -- --check

# Clippy lints while the tests build, not in a pass of its own: its driver compiles the
# workspace's own crates (RUSTC_WORKSPACE_WRAPPER, as `cargo clippy` sets it, with the same
# arguments), so every dependency is compiled once, for running, instead of once more in check
# mode (about ten minutes of a clean run on two cores). Exported: the app's end-to-end build
# below then reuses these artifacts.
export RUSTC_WORKSPACE_WRAPPER="$(rustc --print sysroot)/bin/clippy-driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
echo "== cargo clippy -D warnings (every target, while building the tests)" >&2
cargo test $GUICHET_CARGO_SET --all-targets --locked --no-run

echo "== cargo test" >&2
cargo test $GUICHET_CARGO_SET --locked

echo "== UI: component and i18n tests" >&2
npm --prefix ui test

echo "== UI: accessibility audit (axe-core, headless Chromium)" >&2
npm --prefix ui run audit:a11y

# Already run by `cargo test` above (a unit test of the app); named here so a drift is easy to
# spot. Same feature set: nothing is rebuilt.
echo "== typed bindings are up to date" >&2
cargo test $GUICHET_CARGO_SET --locked --lib bindings_are_up_to_date

echo "== desktop app end to end (Xvfb, tauri-driver)" >&2
./scripts/test-app.sh

# The debug flavour: it bundles the end-to-end tests' binary as it is (no second build); a release
# build would cost over ten minutes on CI's two cores for the same proof.
echo "== packages: the .deb and the AppImage install and start (debug build)" >&2
./scripts/package.sh --debug --check

# Every fuzz target for a few seconds, seeded from the fixtures (the long runs: scripts/fuzz.sh).
echo "== fuzz targets: build, then a few seconds each" >&2
./scripts/fuzz.sh --smoke
