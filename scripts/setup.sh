#!/usr/bin/env bash
# Installs what building, running and testing ImageConverter needs on a Debian/Ubuntu machine:
# the C libraries the desktop build links (GTK/WebKit for the window, libwebp/libavif/libjpeg-turbo/lcms2
# for native-speed codecs), the Firestore emulator and Java, Xvfb and Chromium for the GUI tests, and the
# npm and Go modules. Idempotent: a second run installs nothing and takes a few seconds.
# `scripts/setup.sh --dist` also installs what `make dist` and `make test-dist` need (MinGW-w64 and
# the tools to build the codecs from Debian's sources, NSIS, Wine, osslsigncode, the .deb checks).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential pkg-config git make
  libgtk-3-dev libwebkit2gtk-4.1-dev
  libwebp-dev libavif-dev libturbojpeg0-dev liblcms2-dev libheif-dev
  webp libavif-bin imagemagick
  xvfb xauth xdotool chromium fonts-dejavu-core fonts-noto-cjk
  openjdk-17-jre-headless curl ca-certificates time
  gnome-keyring dbus libx11-dev
  shellcheck # actionlint (make lint) checks the workflows' shell steps with it
)
if [[ ${1:-} == --dist ]]; then
  APT_PACKAGES+=(
    gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 cmake meson ninja-build nasm dpkg-dev
    debian-archive-keyring nsis osslsigncode wine64 7zip libheif-examples desktop-file-utils appstream
    openssl
  )
fi

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
FIRESTORE_JAR=/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar
if [ ! -f "$FIRESTORE_JAR" ] && ! command -v firebase >/dev/null; then
  # Google's Debian package of the Firestore emulator (from the Cloud SDK apt repository); on a laptop
  # with internet, `firebase emulators:start` downloads its own copy instead.
  missing+=(google-cloud-cli-firestore-emulator)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm: the Firebase CLI (Auth and Hosting emulators) and Playwright at the root, the UI in frontend/.
# --omit=optional skips re2's 4-minute native build; firebase-tools falls back to its JS regex engine.
if [ ! -x node_modules/.bin/firebase ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --omit=optional --no-audit --no-fund --loglevel=error
fi
if [ -f frontend/package-lock.json ] && { [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; }; then
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
fi

go mod download
(cd functions && go mod download)
echo "setup: ready"
