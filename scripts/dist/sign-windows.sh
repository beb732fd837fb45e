#!/usr/bin/env bash
# Authenticode-signs one Windows file in place with osslsigncode (SHA-256), using the PKCS#12
# certificate in IC_WINDOWS_SIGN_PFX and its password in IC_WINDOWS_SIGN_PASSWORD; with
# IC_WINDOWS_SIGN_TIMESTAMP_URL set, the signature is timestamped so it stays valid after the
# certificate expires. Called by windows.sh for the program files and the installer, and by makensis
# (!uninstfinalize) for the uninstaller it writes.
set -euo pipefail
f=${1:?usage: sign-windows.sh FILE}
: "${IC_WINDOWS_SIGN_PFX:?IC_WINDOWS_SIGN_PFX is not set}"
[[ -f $IC_WINDOWS_SIGN_PFX ]] || { echo "sign-windows: $IC_WINDOWS_SIGN_PFX is not a file" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The password goes through a file, not the command line, where `ps` would show it.
printf '%s' "${IC_WINDOWS_SIGN_PASSWORD:-}" >"$tmp/pass"
args=(sign -pkcs12 "$IC_WINDOWS_SIGN_PFX" -readpass "$tmp/pass" -h sha256 -n ImageConverter)
[[ -n ${IC_WINDOWS_SIGN_TIMESTAMP_URL:-} ]] && args+=(-ts "$IC_WINDOWS_SIGN_TIMESTAMP_URL")
osslsigncode "${args[@]}" -in "$f" -out "$tmp/signed" >/dev/null
mv "$tmp/signed" "$f"
echo "sign-windows: signed $(basename "$f")" >&2
