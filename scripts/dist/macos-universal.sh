#!/usr/bin/env bash
# Merges the arm64 and x86_64 builds of macos-app.sh into one universal ImageConverter.app, signs it
# (hardened runtime) and packs it into build/dist/ImageConverter-<version>-macos-universal.dmg, then
# notarises and staples the DMG. Without the signing variables it makes an unsigned DMG and says so.
#
#   macos-universal.sh ARM64_APP X86_64_APP
#
# Environment (GitHub secrets in the workflow; see docs/release.md):
#   MACOS_SIGN_IDENTITY     "Developer ID Application: <name> (<team id>)", present in a keychain
#   MACOS_CERTIFICATE_P12, MACOS_CERTIFICATE_PASSWORD   optional: a .p12 file to import into a
#                           temporary keychain first (CI)
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   notarisation (an app-specific password)
#
# Runs on macOS only; never run on the Debian machines this project is developed on. Written for
# macOS's bash 3.2 too.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
log() { printf 'dist-macos: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
arm=${1:?usage: macos-universal.sh ARM64_APP X86_64_APP} x86=${2:?usage: macos-universal.sh ARM64_APP X86_64_APP}
VERSION=$(scripts/dist/version.sh)
OUT=$ROOT/build/dist/macos/universal
APP=$OUT/ImageConverter.app
DMG=$ROOT/build/dist/ImageConverter-$VERSION-macos-universal.dmg
rm -rf "$OUT" && mkdir -p "$OUT"
cp -R "$arm" "$APP"

# Both builds must carry the same dylibs (same Homebrew formulae on both runners).
(cd "$arm/Contents/Frameworks" && ls) >"$OUT/arm.txt"
(cd "$x86/Contents/Frameworks" && ls) >"$OUT/x86.txt"
diff -u "$OUT/arm.txt" "$OUT/x86.txt" >&2 || die "the two builds bundle different dylibs (Homebrew versions differ between the runners?)"
lipo -create "$arm/Contents/MacOS/ImageConverter" "$x86/Contents/MacOS/ImageConverter" -output "$APP/Contents/MacOS/ImageConverter"
while read -r lib; do
  lipo -create "$arm/Contents/Frameworks/$lib" "$x86/Contents/Frameworks/$lib" -output "$APP/Contents/Frameworks/$lib"
done <"$OUT/arm.txt"
for f in "$APP/Contents/MacOS/ImageConverter" "$APP"/Contents/Frameworks/*.dylib; do
  lipo "$f" -verify_arch arm64 x86_64 || die "$f is not universal"
done

signed=0
if [[ -n ${MACOS_SIGN_IDENTITY:-} ]]; then
  if [[ -n ${MACOS_CERTIFICATE_P12:-} ]]; then
    kc=$OUT/build.keychain-db kcpass=$(openssl rand -hex 16)
    security create-keychain -p "$kcpass" "$kc"
    security set-keychain-settings -lut 3600 "$kc"
    security unlock-keychain -p "$kcpass" "$kc"
    security import "$MACOS_CERTIFICATE_P12" -k "$kc" -P "${MACOS_CERTIFICATE_PASSWORD:-}" -T /usr/bin/codesign
    security set-key-partition-list -S apple-tool:,apple:,codesign: -s -k "$kcpass" "$kc" >/dev/null
    keychains=()
    while read -r k; do keychains+=("$(echo "$k" | tr -d '"')"); done < <(security list-keychains -d user)
    security list-keychains -d user -s "$kc" "${keychains[@]}"
  fi
  # Inside out: every dylib, then the app (the hardened runtime is required for notarisation).
  for f in "$APP"/Contents/Frameworks/*.dylib; do
    codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY" "$f"
  done
  codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY" "$APP"
  codesign --verify --deep --strict --verbose=2 "$APP"
  signed=1
else
  # Ad hoc, so it at least runs on the Mac that downloads the artifact (after removing quarantine).
  for f in "$APP"/Contents/Frameworks/*.dylib; do codesign --force --sign - "$f"; done
  codesign --force --sign - "$APP"
fi

stage=$OUT/dmg
mkdir -p "$stage"
cp -R "$APP" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$DMG"
hdiutil create -volname ImageConverter -srcfolder "$stage" -ov -format UDZO "$DMG" >&2
if ((signed)); then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
  if [[ -n ${APPLE_ID:-} && -n ${APPLE_TEAM_ID:-} && -n ${APPLE_APP_PASSWORD:-} ]]; then
    xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
      --password "$APPLE_APP_PASSWORD" --wait
    xcrun stapler staple "$DMG"
    spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
    log "signed, notarised and stapled: $DMG"
  else
    log "signed but NOT NOTARISED (set APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD): Gatekeeper will block it on other Macs"
  fi
else
  log "UNSIGNED DMG (set MACOS_SIGN_IDENTITY): Gatekeeper blocks it on other Macs; for testing only"
fi
log "$(du -h "$DMG" | cut -f1) $DMG"
echo "$DMG"
