#!/usr/bin/env bash
# Packs a staged Windows program folder into the NSIS installer (build/windows/installer.nsi), from
# Linux (scripts/dist/windows.sh) or MSYS2 (scripts/dist/windows-msys2.sh):
#
#   windows-installer.sh STAGE RESDIR SETUP VERSION VERSION4 PUBLISHER
#
# STAGE is the folder exactly as it is to be installed; RESDIR holds icon.ico (windows-resources.sh)
# and receives the generated file lists. Signs the uninstaller and the installer when
# IC_WINDOWS_SIGN_PFX is set (sign-windows.sh) and says plainly when it did not. Bundles Microsoft's
# WebView2 bootstrapper when IC_WEBVIEW2_BOOTSTRAPPER names it. NSIS_TARGET picks the installer's
# own architecture (default amd64-unicode; NSIS builds without 64-bit stubs need x86-unicode).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
stage=${1:?usage: windows-installer.sh STAGE RESDIR SETUP VERSION VERSION4 PUBLISHER} res=${2:?} setup=${3:?}
version=${4:?} version4=${5:?} publisher=${6:?}
log() { printf 'dist-windows: %s\n' "$*" >&2; }
# makensis reads paths relative to the .nsi file: make them absolute.
stage=$(cd "$stage" && pwd) res=$(cd "$res" && pwd) setup=$(cd "$(dirname "$setup")" && pwd)/$(basename "$setup")
# makensis is a Windows program under MSYS2: give it Windows paths there.
native() { if command -v cygpath >/dev/null; then cygpath -w "$1"; else echo "$1"; fi; }

# What to install and what the uninstaller removes: exactly the staged files, nothing else.
files=$res/files.nsh unfiles=$res/unfiles.nsh
: >"$files"
: >"$unfiles"
while read -r d; do
  d=${d#.}; d=${d#/}
  win=${d//\//\\}
  echo "SetOutPath \"\$INSTDIR${win:+\\$win}\"" >>"$files"
  while read -r f; do
    f=${f#./}
    echo "File \"$(native "$stage/${d:+$d/}$f")\"" >>"$files"
    echo "Delete \"\$INSTDIR\\${win:+$win\\}$f\"" >>"$unfiles"
  done < <(cd "$stage/${d:-.}" && find . -maxdepth 1 -type f | sort)
done < <(cd "$stage" && find . -type d | sort)
while read -r d; do
  d=${d#./}
  echo "RMDir \"\$INSTDIR\\${d//\//\\}\"" >>"$unfiles"
done < <(cd "$stage" && find . -mindepth 1 -type d | sort -r)
echo 'SetOutPath "$INSTDIR"' >>"$files"

defs=(-DVERSION="$version" -DVERSION4="$version4" -DPUBLISHER="$publisher" -DICON="$(native "$res/icon.ico")"
  -DOUTFILE="$(native "$setup")" -DFILES_NSH="$(native "$files")" -DUNFILES_NSH="$(native "$unfiles")"
  -DTARGET="${NSIS_TARGET:-amd64-unicode}")
if [[ -n ${IC_WEBVIEW2_BOOTSTRAPPER:-} ]]; then
  [[ -f $IC_WEBVIEW2_BOOTSTRAPPER ]] || { log "ERROR: IC_WEBVIEW2_BOOTSTRAPPER=$IC_WEBVIEW2_BOOTSTRAPPER is not a file"; exit 1; }
  defs+=(-DWEBVIEW2_BOOTSTRAPPER="$(native "$IC_WEBVIEW2_BOOTSTRAPPER")")
  log "bundling the WebView2 bootstrapper $IC_WEBVIEW2_BOOTSTRAPPER"
else
  log "no WebView2 bootstrapper bundled (IC_WEBVIEW2_BOOTSTRAPPER): where WebView2 is missing, the installer says how to get it"
fi
sign=$ROOT/scripts/dist/sign-windows.sh
[[ -n ${IC_WINDOWS_SIGN_PFX:-} ]] && defs+=(-DUNINSTALLER_SIGN="bash $(native "$sign")")
rm -f "$setup"
makensis -V2 -INPUTCHARSET UTF8 "${defs[@]}" "$(native "$ROOT/build/windows/installer.nsi")" >&2
if [[ -n ${IC_WINDOWS_SIGN_PFX:-} ]]; then
  "$sign" "$setup"
  log "signed installer: $setup"
else
  log "UNSIGNED installer (set IC_WINDOWS_SIGN_PFX and IC_WINDOWS_SIGN_PASSWORD to sign): Windows SmartScreen will warn whoever runs it"
fi
