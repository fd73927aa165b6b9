#!/bin/bash
# stop-cups.sh DIR [--purge]
# Stops the cupsd that start-cups.sh started for DIR (SIGTERM, then SIGKILL after 10 s).
# --purge also deletes DIR.
set -uo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 DIR [--purge]" >&2; exit 2; }
DIR=$1 PURGE=${2:-}
[ -z "$PURGE" ] || [ "$PURGE" = --purge ] || { echo "unknown option $PURGE" >&2; exit 2; }
PIDFILE=$DIR/cupsd.pid
if [ -f "$PIDFILE" ]; then
    PID=$(cat "$PIDFILE")
    # only a cupsd whose command line names this DIR's configuration
    if [[ "$PID" =~ ^[0-9]+$ ]] && kill -0 "$PID" 2>/dev/null \
            && ps -o args= -p "$PID" 2>/dev/null | grep -qF -- "$DIR/etc/cupsd.conf"; then
        kill -TERM "$PID" 2>/dev/null
        for _ in $(seq 1 100); do
            kill -0 "$PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$PID" 2>/dev/null; then
            echo "cupsd $PID did not exit on TERM, killing" >&2
            kill -KILL "$PID" 2>/dev/null
        fi
    fi
    rm -f "$PIDFILE"
fi
if [ "$PURGE" = --purge ]; then
    # the watchdog (if any) sees DIR gone and exits by itself
    rm -rf -- "$DIR"
fi
exit 0
