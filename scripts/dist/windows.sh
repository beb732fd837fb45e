#!/usr/bin/env bash
# Builds the Windows x64 app on Linux and packs it into an NSIS installer:
#
#   build/dist/windows/ImageConverter/     the program folder, exactly as installed
#   build/dist/ImageConverter-<version>-windows-x64-setup.exe
#
#   scripts/dist/windows.sh --enginecheck FILE   builds only cmd/enginecheck (a test command that is
#       never packed) the same way, for tests/dist/windows.sh
#
# The app is cross-compiled with cgo and Debian's MinGW-w64 against the codec libraries that
# scripts/dist/mingw-codecs.sh builds from Debian's sources (cached under ~/.cache/imageconverter).
#
# Environment (all optional):
#   IC_WINDOWS_SIGN_PFX, IC_WINDOWS_SIGN_PASSWORD   Authenticode certificate (PKCS#12) and its
#       password: signs ImageConverter.exe, the DLLs, the uninstaller and the installer with
#       osslsigncode. IC_WINDOWS_SIGN_TIMESTAMP_URL adds an RFC 3161 timestamp (needs the network).
#   IC_WEBVIEW2_BOOTSTRAPPER   path to Microsoft's MicrosoftEdgeWebview2Setup.exe, bundled so the
#       installer can install the WebView2 Runtime where it is missing.
#   IC_PUBLISHER               publisher shown in "Apps & features" (default ImageConverter).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
log() { printf 'dist-windows: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
for tool in makensis x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres x86_64-w64-mingw32-objdump x86_64-w64-mingw32-strip convert go; do
  command -v "$tool" >/dev/null || die "$tool is missing (run scripts/setup.sh)"
done

PREFIX=$(scripts/dist/mingw-codecs.sh | tail -1)
VERSION=$(scripts/dist/version.sh)
VERSION4=$(scripts/dist/version.sh --windows)
PUBLISHER=${IC_PUBLISHER:-ImageConverter}
OUT=$ROOT/build/dist
STAGE=$OUT/windows/ImageConverter
RES=$OUT/windows/res
SETUP=$OUT/ImageConverter-$VERSION-windows-x64-setup.exe
mkdir -p "$RES"

# cgo runs `pkg-config --cflags/--libs NAME`; static libraries need their private dependencies too,
# so this wrapper always answers --static, from the codec prefix only. The C++ runtime and
# winpthreads those dependencies name are linked statically: the exe needs no MinGW DLL.
cat >"$RES/pkg-config" <<EOF
#!/bin/sh
out=\$(PKG_CONFIG_LIBDIR="$PREFIX/lib/pkgconfig" PKG_CONFIG_PATH= pkg-config --static "\$@") || exit
printf '%s\\n' "\$out" | sed -e 's/-lpthread\\b/-l:libwinpthread.a/g' -e 's/-lstdc++\\b/-l:libstdc++.a/g'
EOF
chmod +x "$RES/pkg-config"
export GOOS=windows GOARCH=amd64 CGO_ENABLED=1
export CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++-posix PKG_CONFIG=$RES/pkg-config
# Static C runtime support, so the program folder holds only our DLLs (checked below). The prefix
# also goes into the flags because Go's build cache keys cgo packages on the environment, not on
# what pkg-config answers: a new codec prefix must not reuse objects linked against the old one.
export CGO_CFLAGS="-O2 -g -I$PREFIX/include" CGO_LDFLAGS="-L$PREFIX/lib -static-libgcc"

if [[ ${1:-} == --enginecheck ]]; then
  go build -trimpath -tags enginecheck -ldflags "-X imageconverter/version.Version=$VERSION" -o "${2:?output file}" ./cmd/enginecheck
  exit 0
fi
rm -rf "$STAGE" && mkdir -p "$STAGE"
rm -f "$OUT"/ImageConverter-*-windows-x64-setup.exe

scripts/dist/windows-resources.sh "$RES" "$VERSION" "$VERSION4" "$PUBLISHER"

# Go links every .syso file of the main package's folder: put it there for this build only.
SYSO=$ROOT/rsrc_windows_amd64.syso
cp "$RES/app.syso" "$SYSO"
trap 'rm -f "$SYSO"' EXIT

[[ -f frontend/dist/index.html ]] || die "frontend/dist is empty: run 'make frontend' first"
LDFLAGS="-H windowsgui $(scripts/dist/ldflags.sh)"
log "building ImageConverter.exe $VERSION"
t0=$SECONDS
go build -trimpath -tags desktop,production -ldflags "$LDFLAGS" -o "$STAGE/ImageConverter.exe" .
log "built in $((SECONDS - t0)) s"
rm -f "$SYSO"

# The DLLs that stay dynamic (see mingw-codecs.sh for why) and the licences of everything bundled.
cp "$PREFIX/bin/libwebp.dll" "$PREFIX/bin/libheif.dll" "$PREFIX/bin/libde265.dll" "$STAGE/"
x86_64-w64-mingw32-strip --strip-unneeded "$STAGE"/*.dll
mkdir -p "$STAGE/licenses"
cp -r "$PREFIX/share/licenses/." "$STAGE/licenses/"
cp "$PREFIX/VERSIONS" "$STAGE/licenses/VERSIONS.txt"

# Every DLL the program loads must be a Windows system DLL or one we ship.
imports() { x86_64-w64-mingw32-objdump -p "$1" | awk '/DLL Name:/ {print $3}'; }
system_dll='^(kernel32|user32|gdi32|advapi32|shell32|ole32|oleaut32|comdlg32|comctl32|shlwapi|uxtheme|dwmapi|winmm|ws2_32|winspool|version|msvcrt|ntdll|crypt32|bcrypt|secur32|iphlpapi|powrprof|setupapi|userenv|netapi32|wtsapi32|mswsock|dnsapi|imm32|shcore|uiautomationcore|api-ms-win-.*)\.dll$'
for f in "$STAGE"/*.exe "$STAGE"/*.dll; do
  while read -r dll; do
    lc=${dll,,}
    [[ $lc =~ $system_dll ]] && continue
    [[ -f $STAGE/$dll ]] || die "$(basename "$f") needs $dll, which is neither a Windows DLL nor shipped"
  done < <(imports "$f")
done

# Signing: the files inside here, the uninstaller and the installer in windows-installer.sh.
if [[ -n ${IC_WINDOWS_SIGN_PFX:-} ]]; then
  for f in "$STAGE"/*.exe "$STAGE"/*.dll; do scripts/dist/sign-windows.sh "$f"; done
fi

scripts/dist/windows-installer.sh "$STAGE" "$RES" "$SETUP" "$VERSION" "$VERSION4" "$PUBLISHER"
log "$(du -h "$SETUP" | cut -f1) $SETUP; program folder $(du -sh "$STAGE" | cut -f1)"
echo "$SETUP"
