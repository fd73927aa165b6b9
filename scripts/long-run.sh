#!/usr/bin/env bash
# Long run of the agent: `guichet bench agent` against a real Request Tracker 5 (started by the
# test kit from scripts/rt), CYCLES runs (default 500) in one process with a ticket and a reply
# (each with a file) queued before each run: resident memory must grow less than 5 % after cycle
# BASELINE (default 50) and the open descriptors stay the same. Then the same with one
# `guichet agent run` process per cycle (what the systemd timer starts): each run's peak memory
# must grow less than 5 % after BASELINE. Prints a `long run:` line with the figures for each.
#
#   scripts/long-run.sh [CYCLES [BASELINE]]
#
# Not in CI (minutes long: a full inventory each cycle).
set -euo pipefail
cd "$(dirname "$0")/.."
export GUICHET_LONG_RUN_CYCLES=${1:-${GUICHET_LONG_RUN_CYCLES:-500}}
export GUICHET_LONG_RUN_BASELINE=${2:-${GUICHET_LONG_RUN_BASELINE:-50}}
cargo test -p guichet-cli --test long_run_live -- --ignored --nocapture
GUICHET_LONG_RUN_PROCESSES=1 cargo test -p guichet-cli --test long_run_live -- --ignored --nocapture
