#!/usr/bin/env bash
# Tests the Windows installer under Wine (Debian's wine64), on Linux:
#
#  1. installs build/dist/ImageConverter-*-windows-x64-setup.exe silently (/S) into a new Wine prefix;
#  2. the program folder holds exactly the files the installer carries (listed by 7-Zip, which reads
#     NSIS installers) plus its uninstaller; Start menu and desktop shortcuts exist; "Apps & features"
#     (HKCU, not HKLM) has the version and publisher;
#  3. the conversion engine, run from the program folder with the DLLs installed there, converts real
#     photos (JPEG, PNG with alpha, CMYK JPEG with and without a profile, HEIC, AVIF) to WebP and AVIF
#     with the native encoders (never WASM). It runs as cmd/enginecheck, a test-only command that is
#     copied in for the check and removed again: no installer contains it;
#  4. every output decodes on Linux (dwebp, avifdec) and matches the Linux build's output for the same
#     photo within the tolerances below;
#  5. the uninstaller removes every file, shortcut and registry key it installed and keeps the
#     user's settings (a silent uninstall answers "keep" to the settings question);
#  6. WebView2: with Microsoft's bootstrapper bundled (a stand-in, tests/dist/fake-webview2-setup.c),
#     the installer runs it silently where the runtime is missing, and not where it is installed.
#
# The app's window cannot be tested here: Wine has no WebView2 Runtime, which draws it. The GUI is
# tested on Linux (tests/gui, tests/dist/deb.sh), where it is the same Svelte UI and Go code.
#
# Debian 12's Wine 8 lacks bcryptprimitives.dll, which Go 1.22+ programs need at start (Windows 10/11
# have it); the test builds a stand-in from tests/dist/wine-processprng.c into the throwaway prefix.
#
# Needs: wine64, 7zip, gcc-mingw-w64-x86-64, webp, libavif-bin, libheif-examples, imagemagick, Go, and
# the codec prefix of scripts/dist/mingw-codecs.sh (built by `make dist-windows`).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

# Tolerances against the Linux build (same photo, same default settings):
# - WebP: libwebp, libjpeg-turbo, lcms2, libheif and libde265 are the same versions on both sides, so
#   the files must be byte-identical, except from AVIF inputs, which libavif 1.4.2 (Windows) and
#   0.11.1 (Linux) turn into RGB: there, decoded pixels at most 1 level apart.
# - AVIF: the file bytes differ (libavif 1.4.2 writes its boxes a little differently), the pictures
#   must not: decoded pixels at most 1 level apart. Measured on 4 Dec 2026: 0 for all 9 files, i.e.
#   aom 3.6.0 made the same AV1 frames under both libavif versions.
MAXDIFF=1

WINE=${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
WINESERVER=${WINESERVER:-$(command -v wineserver || echo /usr/lib/wine/wineserver64)}
for tool in "$WINE" "$WINESERVER" 7zz x86_64-w64-mingw32-gcc osslsigncode openssl dwebp avifdec heif-enc avifenc convert go; do
  command -v "$tool" >/dev/null || { echo "tests/dist/windows.sh: $tool is missing (run scripts/setup.sh)"; exit 1; }
done
setup=$(ls -t build/dist/ImageConverter-*-windows-x64-setup.exe 2>/dev/null | head -1)
built_setup=$setup
[[ -n $setup ]] || { echo "no installer in build/dist: run 'make dist-windows' first"; exit 1; }
version=${setup##*/ImageConverter-}
version=${version%-windows-x64-setup.exe}

work=$(mktemp -d /tmp/ic-wine.XXXXXX)
cleanup() { WINEPREFIX=$work/prefix "$WINESERVER" -k 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

echo "== test photos and the Linux reference"
photos=$work/photos
tests/dist/photos.sh "$photos" >/dev/null
(cd "$photos" && sha256sum -- *) >"$work/photos.sha256"
go build -o "$work/pixdiff" ./tests/dist/pixdiff
go build -tags enginecheck -o "$work/enginecheck-linux" ./cmd/enginecheck
scripts/dist/windows.sh --enginecheck "$work/enginecheck.exe"
t0=$SECONDS
"$work/enginecheck-linux" -out "$work/out-linux" "$photos" >"$work/linux.json" || { cat "$work/linux.json"; bad "the Linux engine converts the photos"; }
linux_s=$((SECONDS - t0))

echo "== Authenticode signing"
# An unsigned build gets signed here with a throwaway certificate (through the same
# sign-windows.sh a release uses), checked, and that copy is what gets installed below: a signature
# must not break the installer (NSIS checks its own data).
signature=$(osslsigncode verify -in "$setup" 2>&1 || true)
if grep -q "No signature found" <<<"$signature"; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 \
    -subj "/CN=ImageConverter test signing" -addext extendedKeyUsage=codeSigning 2>/dev/null
  openssl pkcs12 -export -inkey "$work/key.pem" -in "$work/cert.pem" -out "$work/test.pfx" -passout pass:test
  cp "$setup" "$work/setup.exe"
  IC_WINDOWS_SIGN_PFX=$work/test.pfx IC_WINDOWS_SIGN_PASSWORD=test scripts/dist/sign-windows.sh "$work/setup.exe" 2>/dev/null
  check "sign-windows.sh signs the installer (osslsigncode verify with the test CA)" bash -c \
    "osslsigncode verify -CAfile '$work/cert.pem' -in '$work/setup.exe' 2>&1 | grep -q 'Signature verification: ok'"
  setup=$work/setup.exe
else
  check "the installer is signed" grep -q "Signer" <<<"$signature"
fi

echo "== install into a new Wine prefix"
export WINEPREFIX=$work/prefix WINEDEBUG=-all WINEARCH=win64
# No Mono/Gecko prompts, no desktop menu entries; HOME is private so Wine's links to the user's
# Desktop and Documents point into the test folder, not the real home.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d" HOME=$work/home
unset DISPLAY
mkdir -p "$HOME"
"$WINE" wineboot --init >/dev/null 2>&1
"$WINESERVER" -w
x86_64-w64-mingw32-gcc -O2 -shared -s -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  tests/dist/wine-processprng.c -ladvapi32
snapshot() { (cd "$WINEPREFIX/drive_c" && find . -path ./windows -prune -o -print | grep -v -i -e '/temp\b' -e '/temp/' | sort); }
snapshot >"$work/before.txt"

users=$WINEPREFIX/drive_c/users/$(id -un)
instdir=$users/AppData/Local/Programs/ImageConverter
t0=$SECONDS
check "silent install (/S) exits 0" "$WINE" "$setup" /S
"$WINESERVER" -w
echo "     installed in $((SECONDS - t0)) s"

# What the installer carries, as 7-Zip lists it ($PLUGINSDIR holds the installer's own helpers); from
# the file make dist built, as 7-Zip reads an appended signature as extra entries.
7zz l -slt "$built_setup" | sed -n 's/^Path = //p' | tail -n +2 | grep -v '^\$PLUGINSDIR' | sort >"$work/carried.txt"
(cd "$instdir" && find . -type f | sed 's|^\./||' | sort) >"$work/installed.txt"
check "the program folder holds exactly the files the installer carries ($(wc -l <"$work/carried.txt"))" \
  diff -u "$work/carried.txt" "$work/installed.txt"
check "the only programs are ImageConverter.exe and uninstall.exe (no enginecheck, no converter)" \
  test "$(grep -i '\.exe$' "$work/installed.txt" | tr '\n' ' ')" = "ImageConverter.exe uninstall.exe "
check "Start menu shortcut" test -f "$users/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/ImageConverter.lnk"
check "desktop shortcut" test -f "$HOME/ImageConverter.lnk" -o -f "$users/Desktop/ImageConverter.lnk"
uninst_key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\ImageConverter'
"$WINE" reg query "$uninst_key" >"$work/reg.txt" 2>&1 || true
check "Apps & features: DisplayVersion $version" grep -q "DisplayVersion *REG_SZ *$version\b" "$work/reg.txt"
check "Apps & features: Publisher" grep -q "Publisher *REG_SZ *." "$work/reg.txt"
check "Apps & features: per user, nothing under HKLM" bash -c "! '$WINE' reg query 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\ImageConverter' >/dev/null 2>&1"

echo "== the engine from the program folder, under Wine"
cp "$work/enginecheck.exe" "$instdir/"
t0=$SECONDS
winpath() { echo "Z:${1//\//\\}"; }
"$WINE" "$instdir/enginecheck.exe" -out "$(winpath "$work/out-wine")" "$(winpath "$photos")" >"$work/wine.json" 2>"$work/wine.err" || true
"$WINESERVER" -w
wine_s=$((SECONDS - t0))
rm "$instdir/enginecheck.exe"
echo "     Linux ${linux_s} s, Wine ${wine_s} s"
check "ran as a Windows program" grep -q '"os": "windows"' "$work/wine.json"
check "WebP encoder is native, from the installed libwebp.dll" grep -q '"detail": "libwebp .* loaded from C:\\\\users.*Programs\\\\ImageConverter\\\\libwebp.dll"' "$work/wine.json"
check "AVIF encoder is native libavif with aom" grep -q '"detail": "libavif .* (cgo) with the aom encoder"' "$work/wine.json"
check "no problem reported (no failed file, no WASM)" grep -q '"problems": \[\]' "$work/wine.json"
[[ -s $work/wine.err ]] && sed 's/^/     wine: /' "$work/wine.err" | head -20

echo "== outputs against the Linux build"
(cd "$work/out-linux" && find . -type f | sort) >"$work/linux-files.txt"
(cd "$work/out-wine" && find . -type f | sort) >"$work/wine-files.txt"
check "the same $(wc -l <"$work/linux-files.txt") files were converted on both" diff -u "$work/linux-files.txt" "$work/wine-files.txt"
identical=0 compared=0
printf '     %-40s %10s %10s  %s\n' file Windows Linux "pixels (Windows vs Linux)"
while read -r rel; do
  rel=${rel#./}
  w=$work/out-wine/$rel l=$work/out-linux/$rel
  [[ -f $w ]] || continue
  base=$(basename "${rel%.*}")
  case $rel in
    *.webp) dwebp -quiet "$w" -o "$work/w.png" && dwebp -quiet "$l" -o "$work/l.png" || { bad "$rel decodes with dwebp"; continue; } ;;
    *.avif) avifdec "$w" "$work/w.png" >/dev/null && avifdec "$l" "$work/l.png" >/dev/null || { bad "$rel decodes with avifdec"; continue; } ;;
  esac
  compared=$((compared + 1))
  res=$("$work/pixdiff" "$work/w.png" "$work/l.png") || { bad "$rel: $res"; continue; }
  max=${res#maxdiff=}; max=${max%% *}

  same=""
  cmp -s "$w" "$l" && { same=" (same bytes)"; identical=$((identical + 1)); }
  printf '     %-40s %10d %10d  %s%s\n' "$rel" "$(stat -c %s "$w")" "$(stat -c %s "$l")" "$res" "$same"
  from_avif=0
  [[ -f $photos/$base.avif ]] && from_avif=1
  if [[ $rel == *.webp && $from_avif == 0 ]]; then
    [[ -n $same ]] || bad "$rel: a WebP from the same decoder and encoder versions should be the same file"
  else
    [[ $max -le $MAXDIFF ]] || bad "$rel: $res (want at most $MAXDIFF level apart)"
  fi
done <"$work/linux-files.txt"
check "compared $compared outputs ($identical byte-identical)" test "$compared" -ge 14
(cd "$photos" && sha256sum -c --quiet "$work/photos.sha256") && ok "the photos were not modified" || bad "a photo was modified"

installed_size=$(du -sh "$instdir" | cut -f1)

echo "== uninstall"
mkdir -p "$users/AppData/Roaming/ImageConverter"
echo '{"format":"avif"}' >"$users/AppData/Roaming/ImageConverter/settings.json"
"$WINE" "$instdir/uninstall.exe" /S
"$WINESERVER" -w # the uninstaller runs from a temporary copy: wait for it
check "the program folder is gone" test ! -e "$instdir"
check "the shortcuts are gone" bash -c "! ls '$users/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/ImageConverter.lnk' '$HOME/ImageConverter.lnk' >/dev/null 2>&1"
check "the Apps & features entry is gone" bash -c "! '$WINE' reg query '$uninst_key' >/dev/null 2>&1"
check "the settings were kept" test -f "$users/AppData/Roaming/ImageConverter/settings.json"
rm -r "$users/AppData/Roaming/ImageConverter"
# %LOCALAPPDATA%\Programs is Windows' per-user program folder, shared by other apps: it stays.
snapshot | grep -v '^\./users/[^/]*/AppData/Local/Programs$' >"$work/after.txt"
check "nothing else was left behind (drive C: as before the install)" diff -u "$work/before.txt" "$work/after.txt"

echo "== WebView2 Runtime: missing, the bundled bootstrapper runs; present, it does not"
# A test build of the same installer with a stand-in bootstrapper (Microsoft's cannot be fetched
# here). Wine has no WebView2 Runtime, so the first install must run it, silently.
x86_64-w64-mingw32-gcc -O2 -s -o "$work/fake-webview2-setup.exe" tests/dist/fake-webview2-setup.c
cp -r build/dist/windows/res "$work/res"
IC_WEBVIEW2_BOOTSTRAPPER=$work/fake-webview2-setup.exe scripts/dist/windows-installer.sh build/dist/windows/ImageConverter \
  "$work/res" "$work/setup-webview2.exe" "$version" "$(scripts/dist/version.sh --windows)" ImageConverter
marker=$WINEPREFIX/drive_c/webview2-setup-ran.txt
"$WINE" "$work/setup-webview2.exe" /S && "$WINESERVER" -w
check "WebView2 missing: the installer ran the bundled bootstrapper with /silent /install" \
  test "$(tr -d '\r' <"$marker" 2>/dev/null)" = "/silent /install" # Windows text files end lines with CR LF
"$WINE" "$instdir/uninstall.exe" /S && "$WINESERVER" -w
rm -f "$marker"
"$WINE" reg add 'HKLM\SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}' \
  /v pv /t REG_SZ /d 131.0.2903.70 /f >/dev/null 2>&1
"$WINE" "$work/setup-webview2.exe" /S && "$WINESERVER" -w
check "WebView2 present (its registry version): the bootstrapper is not run" test ! -e "$marker"
check "that install worked too" test -f "$instdir/ImageConverter.exe"
"$WINE" "$instdir/uninstall.exe" /S && "$WINESERVER" -w

echo "== the app's updater: a newer installer, silently over the installed version, then the app again"
# update.startInstall runs the downloaded installer with /S /RELAUNCH and quits; the installer
# replaces the program and starts it. Under Wine the started app stops at once (no WebView2) and says
# so on the stderr it inherits: that line is how the test sees it was started.
"$WINE" reg delete 'HKLM\SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}' /f >/dev/null 2>&1
IC_WEBVIEW2_BOOTSTRAPPER="" scripts/dist/windows-installer.sh build/dist/windows/ImageConverter \
  "$work/res" "$work/setup-next.exe" 9.9.9 9.9.9.0 ImageConverter 2>/dev/null
"$WINE" "$setup" /S && "$WINESERVER" -w
"$WINE" "$work/setup-next.exe" /S >"$work/next.out" 2>&1 && "$WINESERVER" -w
"$WINE" reg query "$uninst_key" >"$work/reg-next.txt" 2>&1 || true
check "a silent upgrade installs over the installed version (Apps & features: 9.9.9)" grep -q "DisplayVersion *REG_SZ *9.9.9" "$work/reg-next.txt"
(cd "$instdir" && find . -type f | sed 's|^\./||' | sort) >"$work/installed-next.txt"
check "after the upgrade the program folder holds the same files" diff -u "$work/installed.txt" "$work/installed-next.txt"
check "without /RELAUNCH the installer does not start the app" bash -c "! grep -q 'WebView2 runtime not installed' '$work/next.out'"
"$WINE" "$work/setup-next.exe" /S /RELAUNCH >"$work/relaunch.out" 2>&1 && "$WINESERVER" -w
check "with /RELAUNCH (the updater's way) the installer starts the new version" grep -q 'WebView2 runtime not installed' "$work/relaunch.out"
"$WINE" "$instdir/uninstall.exe" /S && "$WINESERVER" -w

echo "installer $(du -h "$built_setup" | cut -f1), program folder $installed_size"
printf '\nwine: %d passed, %d failed\n' "$pass" "$fail"
((fail == 0))
