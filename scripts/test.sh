#!/usr/bin/env bash
# Runs every test of the project (what CI runs): formatting, lints, unit, integration,
# host-accuracy and end-to-end tests. Installs missing dependencies first.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

echo "== cargo fmt --check" >&2
cargo fmt --all -- --check

echo "== cargo clippy -D warnings" >&2
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test" >&2
cargo test --workspace --locked
