#!/usr/bin/env bash
# Installs and starts the packages scripts/package.sh built, and fails unless each one reaches
# the app's first screen:
#   * the .deb: installed with apt when run as root (and removed afterwards; when a Guichet
#     package is already installed, or not root, it is unpacked with dpkg-deb into a scratch
#     root instead), then /usr/bin/guichet-app (or the unpacked one) is started;
#   * the AppImage: started through FUSE when /dev/fuse is usable here, and with
#     --appimage-extract-and-run; either way the running app, its WebKit library and its
#     WebKitWebProcess must come from inside the AppImage, not from the host.
# Each start runs under Xvfb in a private D-Bus session, with a throw-away HOME and data folder.
#   ./scripts/check-packages.sh [release|debug]      (default release)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-release}
target=${CARGO_TARGET_DIR:-$PWD/target}
version=$(node -p "require('./src-tauri/tauri.conf.json').version")
deb=$target/$profile/bundle/deb/Guichet_${version}_amd64.deb
appimage=$target/$profile/bundle/appimage/Guichet_${version}_amd64.AppImage
hint=./scripts/package.sh; [ "$profile" = debug ] && hint="$hint --debug"
for f in "$deb" "$appimage"; do
  [ -f "$f" ] || { echo "check: $f not found: run $hint" >&2; exit 1; }
done
for tool in xvfb-run dbus-run-session dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "check: $tool not found: run ./scripts/setup.sh" >&2; exit 1; }
done

# The throw-away HOMEs below must not hide the Rust toolchain from anything started later.
export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup} CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
scratch=$(mktemp -d)
package=$(dpkg-deb -f "$deb" Package)
installed_here=0
cleanup() {
  if [ "$installed_here" = 1 ]; then
    apt-get remove -y -qq -o DPkg::Lock::Timeout=300 "$package" >/dev/null 2>&1 \
      || echo "check: could not remove the $package package it installed" >&2
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# Install the .deb. A real `apt-get install` also proves its dependencies resolve; it needs root,
# and must not replace (then remove) a Guichet the machine already has.
if [ "$(id -u)" = 0 ] && ! dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null | grep -qx installed; then
  echo "check: apt-get install $deb" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$deb" >/dev/null
  installed_here=1
  deb_app=/usr/bin/guichet-app
else
  echo "check: unpacking $deb (not root, or $package already installed)" >&2
  dpkg-deb -x "$deb" "$scratch/deb-root"
  deb_app=$scratch/deb-root/usr/bin/guichet-app
fi
[ -x "$deb_app" ] || { echo "check: the .deb did not install $deb_app" >&2; exit 1; }

# FUSE: the runtime mounts the AppImage with libfuse2 through /dev/fuse. Where that is not
# available (containers often lack it) only the extract-and-run mode is checked, and it says so.
# grep reads all of ldconfig's listing: `grep -q` stops at the first match, and on a machine
# whose listing outgrows the pipe's buffer pipefail would count ldconfig's SIGPIPE as "no FUSE".
fuse=0
if [ -c /dev/fuse ] && [ -r /dev/fuse ] && [ -w /dev/fuse ] && ldconfig -p | grep 'libfuse\.so\.2 ' >/dev/null; then
  fuse=1
else
  echo "check: /dev/fuse or libfuse2 unavailable: the AppImage is checked with --appimage-extract-and-run only" >&2
fi

cat >"$scratch/start.sh" <<'START'
#!/usr/bin/env bash
# One start: label, "host" or "bundle" (where WebKit must come from), then the command.
# Waits for the first screen, checks where the running code comes from, then stops the app.
set -euo pipefail
label=$1 origin=$2; shift 2
dir=$SCRATCH/$label
mkdir -p "$dir/home" "$dir/data" "$dir/tmp"
fail() { echo "check: $label: $*" >&2; echo "--- $label stderr (last lines):" >&2; tail -n 30 "$dir/stderr" >&2; exit 1; }

# setsid: the app, the AppImage runtime and WebKit's processes form one group, stopped together.
HOME=$dir/home XDG_CONFIG_HOME=$dir/home/.config XDG_DATA_HOME=$dir/home/.local/share \
  XDG_CACHE_HOME=$dir/home/.cache TMPDIR=$dir/tmp GUICHET_DATA_DIR=$dir/data \
  GUICHET_BENCH=1 GUICHET_EXIT_ON_CLOSE=1 setsid "$@" >/dev/null 2>"$dir/stderr" &
leader=$!
stop() { kill -TERM -- "-$leader" 2>/dev/null || true; sleep 1; kill -KILL -- "-$leader" 2>/dev/null || true; wait "$leader" 2>/dev/null || true; }
trap stop EXIT

t0=$(date +%s%3N)
for _ in $(seq 1 900); do
  grep -q FIRST_SCREEN_EPOCH_MS= "$dir/stderr" && break
  kill -0 "$leader" 2>/dev/null || fail "exited before its first screen"
  sleep 0.1
done
grep -q FIRST_SCREEN_EPOCH_MS= "$dir/stderr" || fail "no first screen within 90 s"
t1=$(grep -m1 -o 'FIRST_SCREEN_EPOCH_MS=[0-9]*' "$dir/stderr" | cut -d= -f2)

# The processes of the group, by executable: the app itself and WebKit's web process.
group=$(ps -e -o pid=,pgid= | awk -v g="$leader" '$2 == g {print $1}')
app="" web=""
for p in $group; do
  case $(readlink "/proc/$p/exe" 2>/dev/null) in
    */guichet-app) app=$p ;;
    */WebKitWebProcess) web=$p ;;
  esac
done
[ -n "$app" ] || fail "no guichet-app process in its process group"
[ -n "$web" ] || fail "no WebKitWebProcess started by the app"
app_exe=$(readlink "/proc/$app/exe") web_exe=$(readlink "/proc/$web/exe")
webkit=$(grep -m1 -o '/.*/libwebkit2gtk-4\.1\.so[.0-9]*' "/proc/$app/maps") || fail "WebKitGTK not mapped"

if [ "$origin" = bundle ]; then
  # APPDIR is the runtime's mount point (FUSE) or its extraction directory.
  appdir=$(tr '\0' '\n' <"/proc/$app/environ" | sed -n 's/^APPDIR=//p')
  [ -n "$appdir" ] || fail "the app runs without APPDIR: not started through AppRun"
  for path in "$app_exe" "$webkit" "$web_exe"; do
    case $path in "$appdir"/*) ;; *) fail "$path is not inside the AppImage ($appdir)" ;; esac
  done
  # No library the AppImage bundles may be loaded from the host instead (by name up to ".so":
  # the host's files carry full versions, the bundle's their sonames).
  stems=$(ls "$appdir/usr/lib/x86_64-linux-gnu" | sed -n 's/\.so.*/.so/p' | sort -u)
  bundled_mapped=0
  for p in "$app" "$web"; do
    for path in $(awk '$6 ~ /\.so/ {print $6}' "/proc/$p/maps" | sort -u); do
      stem=$(basename "$path" | sed 's/\.so.*/.so/')
      grep -qxF "$stem" <<<"$stems" || continue
      case $path in "$appdir"/*) bundled_mapped=$((bundled_mapped + 1)) ;; *) fail "$path is loaded from the host, not the AppImage" ;; esac
    done
  done
  where="the app, WebKitGTK, WebKitWebProcess and $bundled_mapped bundled library mappings from $appdir"
else
  case $webkit in /usr/lib/*) ;; *) fail "the installed app maps WebKitGTK from $webkit" ;; esac
  where="$app_exe with the system's WebKitGTK"
fi
echo "check: $label: first screen $((t1 - t0)) ms after start; $where" >&2
START
chmod +x "$scratch/start.sh"

export SCRATCH=$scratch WEBKIT_SKIA_ENABLE_CPU_RENDERING=1 LANG=en_GB.UTF-8
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- bash -c '
  set -euo pipefail
  start=$1 deb_app=$2 appimage=$3 fuse=$4
  "$start" deb host "$deb_app"
  [ "$fuse" = 1 ] && "$start" appimage-fuse bundle "$appimage"
  "$start" appimage-extracted bundle "$appimage" --appimage-extract-and-run
' _ "$scratch/start.sh" "$deb_app" "$appimage" "$fuse"
echo "check: packages install and start ($(du -h "$deb" | cut -f1) .deb, $(du -h "$appimage" | cut -f1) AppImage)" >&2
