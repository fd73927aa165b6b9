#!/usr/bin/env bash
# Builds the desktop app's packages: a .deb (Tauri's bundler) and an AppImage (assembled here,
# offline, from the same binary and the .deb's data tree).
#   ./scripts/package.sh            release build: target/release/bundle/{deb,appimage}/
#   ./scripts/package.sh --debug    debug build (quicker; what the tests package)
#   ./scripts/package.sh --check    then install and start both (scripts/check-packages.sh)
#
# Why not Tauri's own AppImage step: it downloads linuxdeploy, its GTK plugin and AppRun from
# GitHub at build time. This script does the same job with what Debian ships (ldd, mksquashfs)
# plus the AppImage type-2 runtime, taken from a pinned crates.io package. The result bundles
# WebKitGTK, GTK and their dependencies; the host provides glibc, the graphics stack, X11/xcb,
# fontconfig/freetype and FUSE (or the user passes --appimage-extract-and-run).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=${CARGO_TARGET_DIR:-$root/target}

profile=release check=0
for arg in "$@"; do
  case $arg in
    --debug) profile=debug ;;
    --check) check=1 ;;
    *) echo "usage: $0 [--debug] [--check]" >&2; exit 2 ;;
  esac
done

for tool in mksquashfs glib-compile-schemas ldd curl sha256sum dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "package: $tool not found: run ./scripts/setup.sh" >&2; exit 1; }
done
[ -x ui/node_modules/.bin/tauri ] || npm --prefix ui install --no-audit --no-fund --no-save

version=$(node -p "require('./src-tauri/tauri.conf.json').version")
product=Guichet bin=guichet-app arch=x86_64 multiarch=x86_64-linux-gnu
bundle=$target/$profile/bundle
lib=/usr/lib/$multiarch

# 1. The .deb, and the binary it contains (release or debug, the UI embedded). `tauri build`
#    runs the UI build itself (beforeBuildCommand). A debug package bundles the binary the
#    end-to-end tests built (scripts/test-app.sh, the test run's feature set) when it is there:
#    `tauri bundle` packages without compiling again.
flag=""; [ "$profile" = debug ] && flag="--debug"
if [ "$profile" = debug ] && [ -n "${GUICHET_CARGO_SET:-}" ] && [ -x "$target/debug/$bin" ]; then
  (cd src-tauri && ../ui/node_modules/.bin/tauri bundle --debug --features custom-protocol --bundles deb)
else
  (cd src-tauri && ../ui/node_modules/.bin/tauri build $flag --features custom-protocol --bundles deb)
fi
deb=$bundle/deb/${product}_${version}_amd64.deb
debdata=$bundle/deb/${product}_${version}_amd64/data
[ -f "$deb" ] && [ -d "$debdata/usr" ] || { echo "package: $deb or its data tree is missing" >&2; exit 1; }
# The host tools the checks and actions run are declared as Recommends (tauri.conf.json):
# bubblewrap, the sandbox of published actions (without it they are refused, never run
# unsandboxed), and cups-client (lpstat, cancel, cupsenable: without it the printing checks
# answer "unknown" and the print-queue action is refused). The AppImage cannot declare them and
# behaves the same way where they are missing.
recommends=$(dpkg-deb -f "$deb" Recommends)
for tool in bubblewrap cups-client; do
  case ", $recommends," in
    *", $tool,"*) ;;
    *) echo "package: the .deb does not recommend $tool (Recommends: $recommends)" >&2; exit 1 ;;
  esac
done

# 2. The AppImage runtime (the ELF stub that mounts the squashfs appended to it and runs AppRun):
#    AppImageKit's type-2 runtime as shipped in the `appimage` crate 0.4.0 (Apache-2.0 OR MIT),
#    fetched from crates.io and checked against the checksum crates.io's index publishes.
runtime_crate_url=https://static.crates.io/crates/appimage/appimage-0.4.0.crate
runtime_crate_sha256=567a4da6b94a2ac20a27620933c80fc14cf475b5fe7d7b137d20eb237d6b1920
tools=$target/appimage-tools
runtime=$tools/runtime-$arch
if [ ! -f "$runtime" ]; then
  mkdir -p "$tools"
  curl -sSfL --retry 3 -o "$tools/appimage.crate" "$runtime_crate_url"
  echo "$runtime_crate_sha256  $tools/appimage.crate" | sha256sum -c --quiet - \
    || { echo "package: appimage-0.4.0.crate does not match its pinned checksum" >&2; exit 1; }
  tar -xzf "$tools/appimage.crate" -C "$tools" --strip-components=2 appimage-0.4.0/assets/runtime-x86_64
  rm "$tools/appimage.crate"
fi

# 3. The AppDir. Start from the .deb's tree (binary, desktop entry, icons), as Tauri's own
#    AppImage step does, so both packages carry the same files.
out=$bundle/appimage
appdir=$out/$product.AppDir
rm -rf "$appdir" && mkdir -p "$out"
cp -a "$debdata" "$appdir"
applib=$appdir/usr/lib/$multiarch
mkdir -p "$applib"
# Tauri marks the binary with the package type it ships in (read by its updater); the .deb's copy
# says "deb": mark this one "AppImage" the way Tauri's own AppImage step does (same length).
sed -i 's/__TAURI_BUNDLE_TYPE_VAR_[A-Z][A-Z][A-Z]/__TAURI_BUNDLE_TYPE_VAR_APP/' "$appdir/usr/bin/$bin"
grep -qaF __TAURI_BUNDLE_TYPE_VAR_APP "$appdir/usr/bin/$bin" \
  || { echo "package: the binary carries no Tauri bundle-type marker to set" >&2; exit 1; }

# WebKitGTK's helper processes: the UI process spawns them from a directory compiled into the
# library, and the web process loads the injected bundle from there too.
webkit_helpers=$lib/webkit2gtk-4.1
mkdir -p "$applib/webkit2gtk-4.1/injected-bundle"
for helper in WebKitWebProcess WebKitNetworkProcess WebKitGPUProcess; do
  if [ -x "$webkit_helpers/$helper" ]; then cp "$webkit_helpers/$helper" "$applib/webkit2gtk-4.1/"; fi
done
cp "$webkit_helpers/injected-bundle/libwebkit2gtkinjectedbundle.so" "$applib/webkit2gtk-4.1/injected-bundle/"

# The tray: Tauri loads the appindicator library with dlopen when it creates the tray icon, so
# ldd does not list it; without it the app cannot start where the host lacks it.
# awk reads ldconfig's whole listing (no early `exit`): on a machine with many libraries the
# listing outgrows the pipe's buffer, and an early exit would kill ldconfig with SIGPIPE, which
# pipefail turns into this script's failure (exit 141).
indicator=$(ldconfig -p | awk '$1 == "libayatana-appindicator3.so.1" && !found {print $NF; found = 1}')
[ -n "$indicator" ] || { echo "package: libayatana-appindicator3.so.1 not found: run ./scripts/setup.sh" >&2; exit 1; }
cp -L "$indicator" "$applib/libayatana-appindicator3.so.1"

# GdkPixbuf loaders (GTK's icons are SVG and go through the svg loader), with their cache. The
# cache names each loader by path; gdk-pixbuf as Debian builds it does not resolve paths against
# a prefix, so they are written relative to usr/, the directory AppRun starts the app in.
pixbuf=gdk-pixbuf-2.0/2.10.0
mkdir -p "$applib/$pixbuf"
cp -a "$lib/$pixbuf/loaders" "$applib/$pixbuf/"
"$lib/gdk-pixbuf-2.0/gdk-pixbuf-query-loaders" "$applib/$pixbuf"/loaders/*.so |
  sed "s|\"$applib/|\"lib/$multiarch/|" >"$applib/$pixbuf/loaders.cache"

# The dconf GSettings back-end, so GTK follows the desktop's settings (theme, fonts) instead of
# falling back to defaults in memory. GIO_MODULE_DIR (AppRun) points GLib here, never at the
# host's modules, which were built against the host's GLib.
mkdir -p "$applib/gio/modules"
cp "$lib/gio/modules/libdconfsettings.so" "$applib/gio/modules/"

# Compiled GSettings schemas for the bundled GTK (file chooser, settings), found through
# GSETTINGS_SCHEMA_DIR.
mkdir -p "$appdir/usr/share/glib-2.0/schemas"
cp /usr/share/glib-2.0/schemas/*.xml "$appdir/usr/share/glib-2.0/schemas/"
glib-compile-schemas "$appdir/usr/share/glib-2.0/schemas"

# Shared libraries: everything the app, the helpers and the loaded modules link against (ldd
# gives the whole closure), except what must come from the host. The exclusions follow the
# AppImage project's excludelist: glibc and the C++ runtime (the host's must be at least as new
# anyway, and ld.so must match libc), the graphics stack (libGL/EGL/gbm/drm and Wayland's client
# side are tied to the host's drivers), X11/xcb (tied to the display server's protocol set),
# fontconfig/freetype/harfbuzz/fribidi (the host's font configuration files follow the host's
# versions), and low-level system libraries every distribution has.
excluded() {
  case $1 in
    ld-linux*.so* | libc.so.* | libm.so.* | libdl.so.* | libpthread.so.* | librt.so.* | \
    libresolv.so.* | libutil.so.* | libanl.so.* | libmvec.so.* | libnss_*.so.* | libthread_db.so.* | \
    libBrokenLocale.so.* | libstdc++.so.* | libgcc_s.so.*) return 0 ;;
    libGL.so.* | libEGL.so.* | libGLX.so.* | libGLdispatch.so.* | libOpenGL.so.* | libGLESv2.so.* | \
    libglapi.so.* | libgbm.so.* | libdrm.so.* | libwayland-*.so.* | libvulkan.so.*) return 0 ;;
    libX11.so.* | libX11-xcb.so.* | libxcb.so.* | libxcb-*.so.* | libxshmfence.so.*) return 0 ;;
    libfontconfig.so.* | libfreetype.so.* | libharfbuzz.so.* | libfribidi.so.* | libthai.so.*) return 0 ;;
    libz.so.* | libexpat.so.* | libasound.so.* | libjack.so.* | libpipewire-*.so.* | libgpg-error.so.* | \
    libcom_err.so.* | libp11-kit.so.* | libusb-1.0.so.* | libuuid.so.* | libICE.so.* | libSM.so.* | \
    libgmp.so.*) return 0 ;;
  esac
  return 1
}
elfs=("$appdir/usr/bin/$bin" "$applib/libayatana-appindicator3.so.1" "$applib"/webkit2gtk-4.1/Web* "$applib"/webkit2gtk-4.1/injected-bundle/*.so
  "$applib/$pixbuf"/loaders/*.so "$applib"/gio/modules/*.so)
declare -A bundled=()
for elf in "${elfs[@]}"; do
  # `ldd` prints "soname => /path (address)"; a library it cannot find is a broken build host.
  while read -r name _ path _; do
    [ "$path" = "not" ] && { echo "package: $elf needs $name, which is not installed" >&2; exit 1; }
    [[ $path == /* ]] || continue
    excluded "$name" && continue
    [ -n "${bundled[$name]:-}" ] && continue
    cp -L "$path" "$applib/$name"
    bundled[$name]=1
  done < <(env -u LD_LIBRARY_PATH ldd "$elf" | grep '=>')
done
[ -f "$applib/libwebkit2gtk-4.1.so.0" ] || { echo "package: WebKitGTK was not bundled" >&2; exit 1; }

# WebKitGTK finds its helpers at an absolute path compiled into the library
# ($lib/webkit2gtk-4.1, the same string prefixes the injected bundle's path), and only developer
# builds honour an override. Rewrite "/usr" in that one string to "././", which has the same
# length, so the path becomes relative ("././/lib/...") and resolves against the working
# directory AppRun sets: the AppDir's usr/. Nothing else in the library is touched.
webkit_lib=$applib/libwebkit2gtk-4.1.so.0
sed -i "s|$lib/webkit2gtk-4.1|././/lib/$multiarch/webkit2gtk-4.1|g" "$webkit_lib"
if grep -qaF "$lib/webkit2gtk-4.1" "$webkit_lib" || ! grep -qaF "././/lib/$multiarch/webkit2gtk-4.1" "$webkit_lib"; then
  echo "package: WebKitGTK's helper path was not made relative; this WebKitGTK stores it differently" >&2
  exit 1
fi

# AppRun: the entry point the runtime executes. The runtime exports APPDIR (its mount point or
# extraction directory); the variables below point GTK, GLib, GdkPixbuf and the dynamic loader
# at the bundle. OWD keeps the directory the user started from, as AppImageKit's AppRun does.
cat >"$appdir/AppRun" <<'APPRUN'
#!/bin/sh
# Starts Guichet from its AppImage with the bundled WebKitGTK, GTK and their libraries.
set -e
APPDIR=${APPDIR:-$(dirname "$(readlink -f "$0")")}
lib="$APPDIR/usr/lib/x86_64-linux-gnu"
export APPDIR OWD="$PWD"
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GDK_PIXBUF_MODULE_FILE="$lib/gdk-pixbuf-2.0/2.10.0/loaders.cache"
export GIO_MODULE_DIR="$lib/gio/modules"
export GSETTINGS_SCHEMA_DIR="$APPDIR/usr/share/glib-2.0/schemas"
export XDG_DATA_DIRS="$APPDIR/usr/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
# WebKitGTK's helper path and the pixbuf loaders' paths are relative to usr/ (see package.sh).
cd "$APPDIR/usr"
exec "$APPDIR/usr/bin/guichet-app" "$@"
APPRUN
chmod +x "$appdir/AppRun"

# The AppImage specification wants the desktop entry and its icon at the AppDir's top.
desktop=$(basename "$(ls "$appdir"/usr/share/applications/*.desktop)")
ln -s "usr/share/applications/$desktop" "$appdir/$desktop"
icon=$(sed -n 's/^Icon=//p' "$appdir/usr/share/applications/$desktop")
icon_file=$(ls "$appdir"/usr/share/icons/hicolor/*/apps/"$icon".png | sort -V | tail -1)
cp "$icon_file" "$appdir/$icon.png"
ln -s "$icon.png" "$appdir/.DirIcon"

# 4. Squash the AppDir and put the runtime in front of it: that concatenation is the AppImage.
#    gzip: the compression the runtime reads fastest (it also reads xz).
appimage=$out/${product}_${version}_amd64.AppImage
rm -f "$appimage" "$out/$product.squashfs"
mksquashfs "$appdir" "$out/$product.squashfs" -root-owned -noappend -comp gzip -quiet >/dev/null
cat "$runtime" "$out/$product.squashfs" >"$appimage"
chmod +x "$appimage"
rm "$out/$product.squashfs"

echo "package: $(du -h "$deb" | cut -f1) $deb" >&2
echo "package: $(du -h "$appimage" | cut -f1) $appimage (${#bundled[@]} libraries bundled)" >&2
[ "$check" = 1 ] && exec "$root/scripts/check-packages.sh" "$profile"
exit 0
