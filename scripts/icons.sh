#!/usr/bin/env bash
# Makes the desktop app's icons (src-tauri/icons/) from their source artwork (icons/*.svg).
#   ./scripts/icons.sh           writes src-tauri/icons/
#   ./scripts/icons.sh --check   fails when src-tauri/icons/ differs from what the sources give
# The names and sizes are the ones src-tauri/tauri.conf.json (bundle.icon) and Tauri expect: the
# bundler installs each listed PNG into the .deb's hicolor theme, and the first one listed
# (32x32.png) is the app's window and tray icon. The SVG is rendered afresh at every size (no
# downscaling of a large PNG), so the small sizes keep the pixel-aligned edges it is drawn on.
# Needs rsvg-convert (Debian's librsvg2-bin), installed here when missing: only whoever changes
# the artwork runs this, so it is not part of scripts/setup.sh. Its PNGs carry no timestamp, so
# the same sources and the same librsvg give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
case ${1:-} in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ! command -v rsvg-convert >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "icons: installing librsvg2-bin" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends librsvg2-bin >&2
fi

# Output file, size in pixels, source.
ICONS=(
  "32x32.png       32 icons/guichet.svg"
  "128x128.png    128 icons/guichet.svg"
  "128x128@2x.png 256 icons/guichet.svg"
  "256x256.png    256 icons/guichet.svg"
  "icon.png       512 icons/guichet.svg"
)

out=src-tauri/icons
if [ "$check" = 1 ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
for row in "${ICONS[@]}"; do
  read -r name size source <<<"$row"
  rsvg-convert --width "$size" --height "$size" "$source" --output "$out/$name"
done

if [ "$check" = 1 ]; then
  stale=0
  for row in "${ICONS[@]}"; do
    read -r name _ <<<"$row"
    cmp -s "$out/$name" "src-tauri/icons/$name" \
      || { echo "icons: src-tauri/icons/$name is stale" >&2; stale=1; }
  done
  [ "$stale" = 0 ] || { echo "icons: run ./scripts/icons.sh" >&2; exit 1; }
  echo "icons: src-tauri/icons/ matches icons/" >&2
else
  echo "icons: wrote ${#ICONS[@]} files to $out/" >&2
fi
