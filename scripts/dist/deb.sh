#!/usr/bin/env bash
# Builds the Linux package for the distribution this runs on (Debian 12 here; CI also builds on
# Ubuntu): build/dist/imageconverter_<version>+<distro>_amd64.deb.
#
# The app links the distribution's own codec and WebKitGTK libraries, so the package's Depends come
# from dpkg-shlibdeps on the binary: apt installs exactly what it needs. Library package names
# differ between releases (libavif15 on Debian 12, libavif16 on Ubuntu 24.04), which is why the
# version carries the distribution and each release gets its own build.
#
# Contents: /usr/bin/imageconverter, a .desktop entry, hicolor icons from build/appicon.png,
# AppStream metadata, /usr/share/doc/imageconverter/copyright. No maintainer scripts: dpkg's triggers
# refresh the icon cache and the desktop database.
#
# Environment: IC_APP_ID (reverse-DNS id used for the .desktop, icon and AppStream file names),
# IC_DEB_MAINTAINER, IC_PUBLISHER.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
log() { printf 'dist-deb: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli convert go; do
  command -v "$tool" >/dev/null || die "$tool is missing (run scripts/setup.sh)"
done
[[ -f frontend/dist/index.html ]] || die "frontend/dist is empty: run 'make frontend' first"

APPID=${IC_APP_ID:-com.imageconverter.ImageConverter}
PUBLISHER=${IC_PUBLISHER:-ImageConverter}
MAINTAINER=${IC_DEB_MAINTAINER:-ImageConverter <support@imageconverter.app>}
VERSION=$(scripts/dist/version.sh)
DISTRO=$(. /etc/os-release && echo "$ID${VERSION_ID:-}")
DEBVERSION=$(scripts/dist/version.sh --deb)+$DISTRO
ARCH=$(dpkg --print-architecture)
OUT=$ROOT/build/dist
PKG=$OUT/deb/root
DEB=$OUT/imageconverter_${DEBVERSION}_$ARCH.deb
rm -rf "$OUT/deb" && mkdir -p "$PKG/DEBIAN" "$PKG/usr/bin"

log "building imageconverter $VERSION for $DISTRO"
CGO_ENABLED=1 go build -trimpath -tags desktop,production,webkit2_41 \
  -ldflags "$(scripts/dist/ldflags.sh)" -o "$PKG/usr/bin/imageconverter" .

install -Dm644 build/linux/imageconverter.desktop "$PKG/usr/share/applications/$APPID.desktop"
sed -i "s/@APPID@/$APPID/" "$PKG/usr/share/applications/$APPID.desktop"
desktop-file-validate "$PKG/usr/share/applications/$APPID.desktop"

install -Dm644 build/linux/imageconverter.metainfo.xml "$PKG/usr/share/metainfo/$APPID.metainfo.xml"
developer_id=$(echo "$APPID" | awk -F. '{print $1"."$2}')
sed -i -e "s/@APPID@/$APPID/g" -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$(date -u -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)" +%F)/" \
  -e "s/@DEVELOPER_ID@/$developer_id/" "$PKG/usr/share/metainfo/$APPID.metainfo.xml"
appstreamcli validate --no-net --pedantic "$PKG/usr/share/metainfo/$APPID.metainfo.xml" >&2 ||
  die "AppStream metadata does not validate"

for size in 16 24 32 48 64 128 256 512; do
  mkdir -p "$PKG/usr/share/icons/hicolor/${size}x$size/apps"
  convert build/appicon.png -resize "${size}x$size" -strip "$PKG/usr/share/icons/hicolor/${size}x$size/apps/$APPID.png"
done

mkdir -p "$PKG/usr/share/doc/imageconverter"
cat >"$PKG/usr/share/doc/imageconverter/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ImageConverter
Comment: The image codecs (libjpeg-turbo, Little CMS, libwebp, libavif, libheif) and WebKitGTK are
 used from the distribution's own packages, each under its own licence (see their copyright files).

Files: *
Copyright: $PUBLISHER
License: proprietary
 All rights reserved.
EOF

# Depends: what the binary links, as the distribution's shlibs files name it. libwebp is also
# loaded at run time by the encoder, by soname, so it stays even if the linker ever dropped it.
shl=$(mktemp -d)
mkdir -p "$shl/debian"
printf 'Source: imageconverter\n\nPackage: imageconverter\nArchitecture: any\n' >"$shl/debian/control"
depends=$(cd "$shl" && dpkg-shlibdeps -O -e"$PKG/usr/bin/imageconverter" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
rm -rf "$shl"
[[ -n $depends ]] || die "dpkg-shlibdeps found no dependencies"
[[ $depends == *libwebp7* ]] || depends="$depends, libwebp7"

cat >"$PKG/DEBIAN/control" <<EOF
Package: imageconverter
Version: $DEBVERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
Depends: $depends
Section: graphics
Priority: optional
Description: make WebP and AVIF copies of photos
 Drop photos or folders on the window and get smaller WebP or AVIF copies
 next to them, converted on this computer. Reads JPEG (including CMYK), PNG,
 HEIC, AVIF, WebP, GIF, BMP and TIFF; the originals are never changed.
EOF

rm -f "$OUT"/imageconverter_*_"$ARCH".deb
dpkg-deb --root-owner-group -Zxz --build "$PKG" "$DEB" >/dev/null
log "$(du -h "$DEB" | cut -f1) $DEB"
log "Depends: $depends"
echo "$DEB"
