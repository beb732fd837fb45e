#!/usr/bin/env bash
# Makes the photos the packaging tests convert, in the folder given ($1), and lists them on stdout:
#
#   photo.jpg       a real 13-megapixel camera JPEG (Dragonfly by Bolly, from Debian's
#                   lomiri-wallpapers-16.04 package, CC BY-SA)
#   portrait.jpg    a real portrait-format photo, 2056×3088
#   alpha.png       a real photo, 1600 px wide, with a soft transparent vignette (RGBA)
#   cmyk.jpg        a real photo converted to CMYK (Adobe-style inverted JPEG, no profile)
#   mountains.heic  a real photo encoded by heif-enc (x265), 2048 px
#   field.avif      a real photo encoded by avifenc, 2048 px, with a transparent vignette
#   + from converter/testdata: jpeg_cmyk_icc.jpg (CMYK with an embedded profile), heic_still.heic,
#     avif_10bit.avif, png_rgba.png
#
# Every name is different before its extension: the app never converts a file that looks like the
# output of another one next to it (photo.avif beside photo.jpg).
# The wallpaper package is fetched once with `apt-get download` into ~/.cache/imageconverter.
# Needs: imagemagick, libheif-examples (heif-enc), libavif-bin (avifenc), dpkg-dev.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dst=${1:?usage: photos.sh DIR}
mkdir -p "$dst"
PKG=lomiri-wallpapers-16.04
cache=${IC_CACHE_DIR:-$HOME/.cache/imageconverter}/photos-$PKG
if [[ ! -f $cache/.complete ]]; then
  rm -rf "$cache" && mkdir -p "$cache/deb"
  (cd "$cache/deb" && apt-get download "$PKG" >/dev/null 2>&1) || {
    echo "photos: apt-get download $PKG failed (run apt-get update)" >&2; exit 1; }
  dpkg-deb -x "$cache"/deb/*.deb "$cache/x"
  touch "$cache/.complete"
fi
src() { find "$cache/x" -type f -name "$1" | head -1; }
for f in Dragonfly_by_Bolly.jpg friends_by_Aitzol_Berasategi.jpg Bridge_by_Sander_Klootwijk.jpg \
  picosdeeuropa_by_Aitzol_Berasategi.jpg aitzgorri_by_Aitzol_Berasategi.jpg life_by_Aitzol_Berasategi.jpg; do
  [[ -n $(src "$f") ]] || { echo "photos: $f is not in $PKG any more" >&2; exit 1; }
done

cp "$(src Dragonfly_by_Bolly.jpg)" "$dst/photo.jpg"
cp "$(src friends_by_Aitzol_Berasategi.jpg)" "$dst/portrait.jpg"
# A vignette that fades to fully transparent at the corners: every alpha level appears.
convert "$(src Bridge_by_Sander_Klootwijk.jpg)" -resize 1600x \( +clone -fill white -colorize 100 \
  -background black -vignette 0x120 \) -alpha off -compose copy_opacity -composite "$dst/alpha.png"
convert "$(src picosdeeuropa_by_Aitzol_Berasategi.jpg)" -resize 1600x -colorspace CMYK -quality 92 "$dst/cmyk.jpg"
convert "$(src aitzgorri_by_Aitzol_Berasategi.jpg)" -resize 2048x "$dst/heic-src.png"
heif-enc -q 80 -o "$dst/mountains.heic" "$dst/heic-src.png" >/dev/null
convert "$(src life_by_Aitzol_Berasategi.jpg)" -resize 2048x \( +clone -fill white -colorize 100 \
  -background black -vignette 0x80 \) -alpha off -compose copy_opacity -composite "$dst/avif-src.png"
avifenc -s 8 --min 20 --max 30 "$dst/avif-src.png" "$dst/field.avif" >/dev/null
rm "$dst/heic-src.png" "$dst/avif-src.png"
for f in jpeg_cmyk_icc.jpg heic_still.heic avif_10bit.avif png_rgba.png; do
  cp "$ROOT/converter/testdata/$f" "$dst/"
done
ls "$dst"
