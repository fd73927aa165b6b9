#!/usr/bin/env bash
# Kill -9 soak: `guichet sync` against a real Request Tracker 5 (started by the test kit from
# scripts/rt) behind a slow fault proxy, killed with SIGKILL at random moments KILLS times
# (default 100), with tickets and replies (with files) queued between kills and beside running
# syncs; `PRAGMA integrity_check` after each kill; then a clean sync, and every ticket and reply
# must be on RT exactly once. Prints one `soak:` line with the figures.
#
#   scripts/soak.sh [KILLS]          GUICHET_SOAK_SEED=N replays a run's random choices
#
# CI runs the same test with 10 kills (cargo test's default for it).
set -euo pipefail
cd "$(dirname "$0")/.."
export GUICHET_SOAK_KILLS=${1:-${GUICHET_SOAK_KILLS:-100}}
exec cargo test -p guichet-cli --test soak_live -- --nocapture
