#!/usr/bin/env bash
# Long run of the desktop app: the built app (Xvfb, a private D-Bus session, a throw-away HOME)
# connected to a real Request Tracker 5 (scripts/rt, seeded as the tests do), for CYCLES passes
# of its background sync loop, with a ticket and a reply (each with a file) queued after each pass
# by the headless agent on the same store. The loop passes at every connectivity probe: the
# settings' interval is set to 0 in the store (the app's form allows 5 minutes at least) and the
# probe runs every PROBE_SECS seconds (default 3; the app's own is 20 s, which made 500 cycles
# take about 3 hours). After each pass: the app process's resident memory (VmRSS, of
# which anonymous) and open descriptors (/proc/PID/fd), the resident memory of its WebKit
# processes, and what is still queued. Prints the figures at cycles 1, 10, BASELINE, every 50th
# and the last, the growth after BASELINE, and the app's log files.
#
#   scripts/long-run-app.sh [CYCLES [BASELINE]]      (default 500 and 50)
#   GUICHET_APP=path GUICHET_CLI=path scripts/long-run-app.sh   (binaries built elsewhere)
#   SAMPLES=FILE keeps the samples (cycle, RSS, anonymous, fds, WebKit RSS KiB, queued)
# Without GUICHET_APP it builds the app as scripts/test-app.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cycles=${1:-500}
baseline=${2:-50}
target=${CARGO_TARGET_DIR:-$root/target}
cargo_set=${GUICHET_CARGO_SET:---workspace --features guichet-app/custom-protocol}
if [ -z "${GUICHET_APP:-}" ]; then
  [ -d ui/node_modules ] || npm --prefix ui install --no-audit --no-fund --no-save
  npm --prefix ui run build
  # shellcheck disable=SC2086 # the set is several words on purpose
  cargo build --locked $cargo_set --all-targets
fi
app=${GUICHET_APP:-$target/debug/guichet-app}
cli=${GUICHET_CLI:-$target/debug/guichet}

export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup} CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
scratch=$(mktemp -d)
cleanup() {
  [ -f "$scratch/app.pid" ] && kill "$(cat "$scratch/app.pid")" 2>/dev/null || true
  scripts/rt/stop-rt.sh "$scratch/rt" --purge >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# RT on a free loopback port, seeded as the tests' (queue ServiceDesk, its key fields).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=$(RT_SEED_DATAFILE=$root/scripts/rt/guichet-seed.pl RT_OWNER_PID=$$ \
  scripts/rt/start-rt.sh "$scratch/rt" "$port" | tail -1)

export HOME=$scratch/home XDG_CONFIG_HOME=$scratch/home/.config XDG_DATA_HOME=$scratch/home/.local/share \
  XDG_CACHE_HOME=$scratch/home/.cache GUICHET_DATA_DIR=$scratch/data \
  GUICHET_EXIT_ON_CLOSE=1 WEBKIT_SKIA_ENABLE_CPU_RENDERING=1 LANG=en_GB.UTF-8 LC_ALL= USER=alice \
  GUICHET_PROBE_SECS=${PROBE_SECS:-3}
mkdir -p "$HOME" "$GUICHET_DATA_DIR"
agent() { env -u DBUS_SESSION_BUS_ADDRESS "$cli" "$@"; }
echo guichet-pass | agent connect rt --url "$url" --user guichet-user --queue ServiceDesk >/dev/null 2>&1
head -c 16384 /dev/urandom >"$scratch/file.bin"
# The interval: 0 minutes, a pass at every probe.
sqlite3 "$GUICHET_DATA_DIR/guichet.db" "INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES
  ('app.settings', '{\"locale\":\"en\",\"theme\":\"system\",\"sync_interval_minutes\":0,\"proxy_url\":\"\",\"ca_file\":\"\",\"autostart\":false}', datetime('now'))"
samples=${SAMPLES:-$scratch/samples}

cat >"$scratch/run.sh" <<'RUN'
#!/usr/bin/env bash
# Inside the display session: start the app, then queue, wait for its pass, sample; CYCLES times.
set -euo pipefail
app=$1; cli=$2; cycles=$3; scratch=$4
agent() { env -u DBUS_SESSION_BUS_ADDRESS "$cli" "$@"; }
"$app" >/dev/null 2>"$scratch/app.err" &
pid=$!
echo "$pid" >"$scratch/app.pid"
passes() { grep -c 'sync pass' "$scratch/app.err" || true; }
for _ in $(seq 1 600); do [ "$(passes)" -ge 1 ] && break; sleep 0.1; done
previous=""
for i in $(seq 1 "$cycles"); do
  # What the next pass sends: a ticket, and a reply to the one before.
  ticket=$(agent ticket new --title "long run $i" --body "The printer jams ($i)." \
    --attach "$scratch/file.bin" 2>/dev/null)
  agent ticket reply "${previous:-$ticket}" --body "reply $i" --attach "$scratch/file.bin" >/dev/null 2>&1
  previous=$ticket
  seen=$(passes)
  for _ in $(seq 1 1200); do [ "$(passes)" -gt "$seen" ] && break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null || { echo "the app exited" >&2; exit 1; }
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  anon=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status")
  fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
  web=0
  for c in $(pgrep -P "$pid" || true); do
    web=$((web + $(awk '/^VmRSS:/ {print $2}' "/proc/$c/status" 2>/dev/null || echo 0)))
  done
  queued=$(agent sync --status --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["queue"]))')
  echo "$i $rss $anon $fds $web $queued"
done
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
RUN
chmod +x "$scratch/run.sh"

started=$(date +%s)
# An interrupted run (the app gone, the session stopped) still reports the passes it made.
status=0
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- \
  "$scratch/run.sh" "$app" "$cli" "$cycles" "$scratch" >"$samples" || status=$?
elapsed=$(($(date +%s) - started))

printf '%7s %10s %10s %5s %12s %7s\n' cycle "RSS MiB" "anon MiB" fds "WebKit MiB" queued
# Only the sample lines: programs of the session (the keyring daemon) print on the same output.
grep -E '^[0-9]+ ' "$samples" >"$scratch/clean" || true
awk -v b="$baseline" -v n="$cycles" '$1==1 || $1==10 || $1==b || $1%50==0 || $1==n {
  printf "%7d %10.1f %10.1f %5d %12.1f %7d\n", $1, $2/1024, $3/1024, $4, $5/1024, $6 }' "$scratch/clean"
awk -v b="$baseline" -v t="$elapsed" '
  $1==b {base=$2; ab=$3; fb=$4; wb=$5}
  $1>=b { if ($2>max) max=$2; if ($3>amax) amax=$3; if (fmin=="" || $4<fmin) fmin=$4; if ($4>fmax) fmax=$4; if ($5>wmax) wmax=$5 }
  {last=$1; lq=$6}
  END { printf "app: %d passes in %d s; after cycle %d: RSS %.1f -> at most %.1f MiB (%+.2f %%), anonymous %+.2f %%, fds %d..%d (baseline %d), WebKit %.1f -> at most %.1f MiB; %d still queued at the end\n",
    last, t, b, base/1024, max/1024, (max-base)/base*100, (amax-ab)/ab*100, fmin, fmax, fb, wb/1024, wmax/1024, lq }' "$scratch/clean"
echo "log files:"
find "$HOME" -name '*.log' -printf '  %p %s bytes\n'
wc -l <"$scratch/app.err" | xargs printf '  %s lines on stderr\n'
exit "$status"
