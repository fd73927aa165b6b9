#!/usr/bin/env bash
# Start-up and memory benchmark of the desktop app against a bare Tauri window built the same
# way (same Tauri, profile and features: tests/bare-window), side by side, interleaved:
#   * launch to first screen: from exec to the page's first painted frame, wall clock (both
#     report it the same way: a timer set in a frame callback, then a command), and on the way
#     when the page's navigation started (the web view is up) and when its load event came;
#     Guichet's first screen is static markup (ui/src/boot.ts), so when the app behind it was
#     live (its own first frame painted) is reported too;
#   * idle memory: PSS of the app and its WebKit processes after IDLE seconds.
# Runs under Xvfb in a private D-Bus session, with a throw-away HOME.
#   ./scripts/bench-app.sh [RUNS]         (default 5; reuses the e2e build when present)
#   PROFILE=release ./scripts/bench-app.sh
#   GUICHET_APP=path GUICHET_BARE=path ./scripts/bench-app.sh   (binaries built elsewhere, as is)
# Targets: first screen < 500 ms; Guichet's PSS < 115 % of the bare window's.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
idle=${IDLE:-10}
profile=${PROFILE:-debug}
target=${CARGO_TARGET_DIR:-$PWD/target}
flag=""; [ "$profile" = release ] && flag="--release"

[ -d ui/node_modules ] || npm --prefix ui install --no-audit --no-fund --no-save
[ -f ui/dist/index.html ] || npm --prefix ui run build
app=${GUICHET_APP:-$target/$profile/guichet-app}
[ -x "$app" ] && [ -z "${REBUILD:-}" ] || cargo build --locked $flag -p guichet-app --features custom-protocol
bare=${GUICHET_BARE:-$target/$profile/guichet-bare-window}
[ -n "${GUICHET_BARE:-}" ] || cargo build --locked $flag -p guichet-bare-window --features custom-protocol

# The throw-away HOME below must not hide the Rust toolchain.
export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup} CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME=$scratch/home GUICHET_DATA_DIR=$scratch/data GUICHET_BENCH=1 GUICHET_EXIT_ON_CLOSE=1 \
  WEBKIT_SKIA_ENABLE_CPU_RENDERING=1 LANG=en_GB.UTF-8
mkdir -p "$HOME" "$GUICHET_DATA_DIR"

cat > "$scratch/one.sh" <<'ONE'
#!/usr/bin/env bash
# One run: prints "<first screen ms> <PSS KiB>" for the given binary.
set -euo pipefail
bin=$1; idle=$2; log=$(mktemp)
t0=$(date +%s%3N)
"$bin" 2>"$log" &
pid=$!
for _ in $(seq 1 300); do
  grep -q FIRST_SCREEN_EPOCH_MS "$log" && break
  sleep 0.02
done
t1=$(grep -m1 -o 'FIRST_SCREEN_EPOCH_MS=[0-9]*' "$log" | cut -d= -f2)
t2=$(grep -m1 -o 'PAGE_LOADED_EPOCH_MS=[0-9]*' "$log" | cut -d= -f2 || true)
t3=$(grep -m1 -o 'PAGE_NAVIGATION_EPOCH_MS=[0-9]*' "$log" | cut -d= -f2 || true)

sleep "$idle"
# The bare window has no app behind its first screen: live when painted.
t4=$(grep -m1 -o 'APP_LIVE_EPOCH_MS=[0-9]*' "$log" | cut -d= -f2 || echo "$t1")
# Total PSS, then per process "name:pss:anon:file" (KiB) to see where a difference comes from.
pss=0; parts=""
for p in $pid $(pgrep -P "$pid" || true); do
  read -r v a f < <(awk '/^Pss:/ {p=$2} /^Pss_Anon:/ {a=$2} /^Pss_File:/ {f=$2}
    END {print p+0, a+0, f+0}' "/proc/$p/smaps_rollup" 2>/dev/null || echo "0 0 0")
  name=$(cat "/proc/$p/comm" 2>/dev/null || echo gone)
  [ "$p" = "$pid" ] && name=main
  pss=$((pss + v)); parts="$parts ${name}:${v}:${a}:${f}"
done
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
rm -f "$log"
echo "$((t1 - t0)) $pss loaded:$((${t2:-$t0} - t0)) navigation:$((${t3:-$t0} - t0)) live:$((t4 - t0))$parts"
ONE
chmod +x "$scratch/one.sh"

xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- bash -c '
  set -euo pipefail
  runs=$1; idle=$2; app=$3; bare=$4; one=$5
  # A warm-up of each: the first launch pays for cold caches (fontconfig, shaders).
  "$one" "$app" 1 >/dev/null; "$one" "$bare" 1 >/dev/null
  for i in $(seq 1 "$runs"); do
    echo "app $("$one" "$app" "$idle")"
    echo "bare $("$one" "$bare" "$idle")"
  done
' _ "$runs" "$idle" "$app" "$bare" "$scratch/one.sh" | tee "$scratch/results"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
a_ms=$(awk '$1=="app"{print $2}' "$scratch/results" | median)
b_ms=$(awk '$1=="bare"{print $2}' "$scratch/results" | median)
a_kb=$(awk '$1=="app"{print $3}' "$scratch/results" | median)
b_kb=$(awk '$1=="bare"{print $3}' "$scratch/results" | median)
ratio=$(awk -v a="$a_kb" -v b="$b_kb" 'BEGIN{printf "%.1f", (a/b-1)*100}')
printf '\n%-28s %12s %12s\n' "median of $runs ($profile)" "Guichet" "bare window"
printf '%-28s %9s ms %9s ms\n' "launch to first screen" "$a_ms" "$b_ms"
at() { awk -v w="$1" -v k="^$2:" '$1==w { for (i=4; i<=NF; i++) if ($i ~ k) { sub(k, "", $i); print $i } }' "$scratch/results" | median; }
printf '%-28s %9s ms %9s ms\n' "  page navigation started" "$(at app navigation)" "$(at bare navigation)"
printf '%-28s %9s ms %9s ms\n' "  page loaded" "$(at app loaded)" "$(at bare loaded)"
printf '%-28s %9s ms %9s ms\n' "app live (its first frame)" "$(at app live)" "$(at bare live)"
printf '%-28s %8s MiB %8s MiB\n' "idle PSS (app + WebKit)" "$((a_kb / 1024))" "$((b_kb / 1024))"
# Per process: median PSS (anonymous / file-backed), MiB.
for who in app bare; do
  for proc in main WebKitWebProces WebKitNetworkPr; do
    awk -v w="$who" -v p="$proc" '$1==w { for (i=4; i<=NF; i++) { split($i, f, ":");
      if (f[1]==p) print f[2], f[3], f[4] } }' "$scratch/results" | sort -n |
      awk -v w="$who" -v p="$proc" '{t[NR]=$1; a[NR]=$2; f[NR]=$3} END { if (NR) { m=int((NR+1)/2);
        printf "  %-5s %-16s PSS %6.1f MiB (anonymous %6.1f, file-backed %6.1f)\n", w, p, t[m]/1024, a[m]/1024, f[m]/1024 } }'
  done
done
printf 'Guichet uses %s %% more memory than the bare window (target < 15 %%); first screen target < 500 ms\n' "$ratio"
