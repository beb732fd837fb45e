#!/usr/bin/env bash
# The Windows installer built natively in MSYS2's UCRT64 environment (GitHub Actions): a cross-check
# of the Linux cross-build (scripts/dist/windows.sh) with another toolchain and MSYS2's own codec
# DLLs, packed by the same NSIS script. Output: build/dist/windows-msys2/ImageConverter/ and
# build/dist/windows-msys2/ImageConverter-<version>-windows-x64-setup.exe.
#
#   windows-msys2.sh [--enginecheck]   also runs cmd/enginecheck from the program folder on the
#                                      samples in converter/testdata (native encoders, no failure)
#
# Needs (pacman): mingw-w64-ucrt-x86_64-{gcc,pkgconf,libjpeg-turbo,lcms2,libwebp,libavif,libheif,
# nsis,ntldd,imagemagick}, Go and Node on PATH. Never run on this project's Debian machines.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
log() { printf 'dist-windows-msys2: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ ${MSYSTEM:-} == UCRT64 ]] || die "run this in an MSYS2 UCRT64 shell"
[[ -f frontend/dist/index.html ]] || die "frontend/dist is empty: build the frontend first"

VERSION=$(scripts/dist/version.sh)
VERSION4=$(scripts/dist/version.sh --windows)
PUBLISHER=${IC_PUBLISHER:-ImageConverter}
OUT=$ROOT/build/dist/windows-msys2
STAGE=$OUT/ImageConverter RES=$OUT/res
SETUP=$OUT/ImageConverter-$VERSION-windows-x64-setup.exe
rm -rf "$OUT" && mkdir -p "$STAGE" "$RES"

WINDRES=windres scripts/dist/windows-resources.sh "$RES" "$VERSION" "$VERSION4" "$PUBLISHER"
cp "$RES/app.syso" rsrc_windows_amd64.syso
trap 'rm -f "$ROOT/rsrc_windows_amd64.syso"' EXIT
export CGO_ENABLED=1 CC=gcc CXX=g++
go build -trimpath -tags desktop,production -ldflags "-H windowsgui $(scripts/dist/ldflags.sh)" \
  -o "$STAGE/ImageConverter.exe" .
rm -f rsrc_windows_amd64.syso

# Every DLL it loads from UCRT64 goes next to it (Windows searches the exe's folder first), with the
# licence files of the packages they come from.
mkdir -p "$STAGE/licenses"
ntldd -R "$STAGE/ImageConverter.exe" | awk '{print $3}' | grep -i 'ucrt64' | sort -u | while read -r dll; do
  dll=$(cygpath -u "$dll")
  cp "$dll" "$STAGE/"
  pkg=$(pacman -Qqo "$dll")
  lic=/ucrt64/share/licenses/${pkg#mingw-w64-ucrt-x86_64-}
  [[ -d $lic ]] && cp -r "$lic" "$STAGE/licenses/"
done
ls "$STAGE"/libwebp*.dll >/dev/null 2>&1 || die "no libwebp DLL was bundled: the WebP encoder would fall back to WASM"

if [[ ${1:-} == --enginecheck ]]; then
  go build -trimpath -tags enginecheck -o "$STAGE/enginecheck.exe" ./cmd/enginecheck
  samples=(converter/testdata/jpeg_photo.jpg converter/testdata/jpeg_cmyk_icc.jpg converter/testdata/png_rgba_adobergb.png
    converter/testdata/heic_still.heic converter/testdata/avif_10bit.avif)
  "$STAGE/enginecheck.exe" -out "$OUT/enginecheck" "${samples[@]}" | tee "$OUT/enginecheck.json"
  rm "$STAGE/enginecheck.exe" # never packed
fi

# The installer's own stubs: MSYS2's NSIS may lack the 64-bit ones.
NSIS_TARGET=${NSIS_TARGET:-x86-unicode} scripts/dist/windows-installer.sh "$STAGE" "$RES" "$SETUP" "$VERSION" "$VERSION4" "$PUBLISHER"
log "$(du -h "$SETUP" | cut -f1) $SETUP; program folder $(du -sh "$STAGE" | cut -f1)"
echo "$SETUP"
