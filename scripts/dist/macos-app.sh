#!/usr/bin/env bash
# Builds ImageConverter.app for the Mac this runs on (arm64 or x86_64), with Homebrew's codec
# libraries copied into the bundle, into build/dist/macos/<arch>/ImageConverter.app. Unsigned: the
# two architectures are merged, signed and put in a DMG by macos-universal.sh.
#
# Runs on macOS only (GitHub Actions, .github/workflows/release.yml); never run on the Debian
# machines this project is developed on. Written for macOS's bash 3.2 too. Needs: Homebrew's pkg-config jpeg-turbo little-cms2 webp
# libavif libheif dylibbundler, Go, and frontend/dist built.
#
# Libraries: every codec dylib the binary links (and what those link, e.g. aom, dav1d, libde265,
# libsharpyuv) is copied into Contents/Frameworks with its install name rewritten to @rpath/…, and
# the binary gets the rpath @executable_path/../Frameworks. The WebP encoder
# opens Contents/Frameworks/libwebp.7.dylib at run time (converter/encode/webplib_unix.go), which is
# the copy the decoder links. docs/native-libraries.md has the background.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
log() { printf 'dist-macos: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ $(uname -s) == Darwin ]] || die "builds on macOS only"
for tool in brew go pkg-config dylibbundler sips iconutil otool install_name_tool; do
  command -v "$tool" >/dev/null || die "$tool is missing (brew install pkg-config jpeg-turbo little-cms2 webp libavif libheif dylibbundler)"
done
[[ -f frontend/dist/index.html ]] || die "frontend/dist is empty: build the frontend first"

arch=$(uname -m) # arm64 or x86_64
APPID=${IC_APP_ID:-com.imageconverter.ImageConverter}
VERSION=$(scripts/dist/version.sh)
SHORT=${VERSION%%[-+]*}
# Homebrew's bottles are built for the runner's macOS: the app cannot run on anything older.
MINOS=${MACOSX_DEPLOYMENT_TARGET:-$(sw_vers -productVersion | cut -d. -f1).0}
OUT=$ROOT/build/dist/macos/$arch
APP=$OUT/ImageConverter.app
BREW=$(brew --prefix)
rm -rf "$OUT" && mkdir -p "$APP/Contents/MacOS" "$APP/Contents/Resources" "$APP/Contents/Frameworks"

# jpeg-turbo is keg-only: its pkg-config file is not on the default path.
jpeg_turbo=$(brew --prefix jpeg-turbo)
export PKG_CONFIG_PATH="$jpeg_turbo/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export CGO_ENABLED=1 MACOSX_DEPLOYMENT_TARGET=$MINOS
log "building ImageConverter $VERSION for $arch (macOS $MINOS and later)"
go build -trimpath -tags desktop,production -ldflags "$(scripts/dist/ldflags.sh)" \
  -o "$APP/Contents/MacOS/ImageConverter" .

sed -e "s/@APPID@/$APPID/" -e "s/@VERSION@/$VERSION/" -e "s/@SHORTVERSION@/$SHORT/" -e "s/@MINOS@/$MINOS/" \
  build/darwin/Info.plist >"$APP/Contents/Info.plist"
iconset=$OUT/iconfile.iconset
mkdir -p "$iconset"
for s in 16 32 128 256 512; do
  sips -z "$s" "$s" build/appicon.png --out "$iconset/icon_${s}x$s.png" >/dev/null
  sips -z $((2 * s)) $((2 * s)) build/appicon.png --out "$iconset/icon_${s}x$s@2x.png" >/dev/null
done
iconutil -c icns "$iconset" -o "$APP/Contents/Resources/iconfile.icns"
rm -rf "$iconset"

dylibbundler --overwrite-files --bundle-deps --create-dir \
  --fix-file "$APP/Contents/MacOS/ImageConverter" \
  --dest-dir "$APP/Contents/Frameworks" --install-path @rpath/ --search-path "$BREW/lib" >&2
# One rpath entry (newer dyld refuses duplicates): add it unless dylibbundler already did.
if ! otool -l "$APP/Contents/MacOS/ImageConverter" | grep -q 'path @executable_path/../Frameworks '; then
  install_name_tool -add_rpath @executable_path/../Frameworks "$APP/Contents/MacOS/ImageConverter"
fi
[[ -f $APP/Contents/Frameworks/libwebp.7.dylib ]] || die "libwebp.7.dylib was not bundled: the WebP encoder would fall back to WASM"

# Nothing may point back into Homebrew: the user's Mac does not have it.
if otool -L "$APP/Contents/MacOS/ImageConverter" "$APP"/Contents/Frameworks/*.dylib | grep -E "$BREW/|/usr/local/(opt|Cellar)/"; then
  die "a library still refers to Homebrew (listed above)"
fi
# Editing load commands breaks the linker's ad-hoc signature, and Apple silicon runs no unsigned
# code: sign ad hoc again (macos-universal.sh signs properly after merging).
for f in "$APP"/Contents/Frameworks/*.dylib "$APP/Contents/MacOS/ImageConverter"; do codesign --force --sign - "$f"; done
log "$(du -sh "$APP" | cut -f1) $APP ($(find "$APP/Contents/Frameworks" -name '*.dylib' | wc -l | tr -d ' ') dylibs)"
echo "$APP"
