#!/usr/bin/env bash
# Remakes the decode test corpus in this folder. The generated files are committed too, so tests never
# need these tools; run this only to change or extend the corpus, then update README.md.
#
# Needs (Debian 12): imagemagick (IM6 convert), webp (cwebp, img2webp), libavif-bin (avifenc),
# libheif-examples (heif-enc), libimage-exiftool-perl (exiftool), icc-profiles-free and colord-data
# (real ICC profiles), ghostscript's ICC profiles (/usr/share/color/icc/ghostscript, from libgs-common),
# python3 (only to forge the oversized headers).
set -euo pipefail
cd "$(dirname "$0")"

# /usr/local/bin/convert may be a wrapper on some machines; use ImageMagick itself.
IM_BIN=${IM:-/usr/bin/convert}
# IM puts creation/modification dates into PNGs; leave them out so a remake gives the same bytes.
IM() { "$IM_BIN" "${@:1:$#-1}" -define png:exclude-chunk=date,time "${@: -1}"; }
ICC=/usr/share/color/icc
SRGB=$ICC/colord/sRGB.icc
ADOBE=$ICC/colord/AdobeRGB1998.icc
SWAP=$ICC/colord/SwappedRedAndGreen.icc
CMYK=$ICC/ghostscript/default_cmyk.icc
GRAYLIN=$ICC/Gray.icc
for f in "$SRGB" "$ADOBE" "$SWAP" "$CMYK" "$GRAYLIN"; do
	[ -f "$f" ] || { echo "missing ICC profile $f" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f ./*.jpg ./*.png ./*.gif ./*.bmp ./*.tif ./*.webp ./*.avif ./*.heic

# The reference picture, 60x40 (landscape, so a rotation shows in the dimensions): grey field with four
# 20x20 patches: red top-left, green top-right, blue bottom-left, white bottom-right. A decoder that gets
# orientation or channel order wrong moves or swaps a patch.
IM -size 60x40 xc:'#808080' \
	-fill '#ff0000' -draw 'rectangle 0,0 19,19' \
	-fill '#00ff00' -draw 'rectangle 40,0 59,19' \
	-fill '#0000ff' -draw 'rectangle 0,20 19,39' \
	-fill '#ffffff' -draw 'rectangle 40,20 59,39' \
	-strip PNG24:"$tmp/ref.png"
# A small real photograph (ImageMagick's built-in rose), scaled up so its scan data is large enough to cut.
IM rose: -resize 400% -strip PNG24:"$tmp/photo.png"
# The reference with a 50 % transparent vertical band in the middle (x 20..39).
IM "$tmp/ref.png" \( +clone -fill white -colorize 100 -fill '#808080' -draw 'rectangle 20,0 39,39' \) \
	-alpha off -compose CopyOpacity -composite -strip PNG32:"$tmp/rgba.png"

# --- JPEG ---
IM "$tmp/ref.png" -quality 95 -sampling-factor 4:2:0 jpeg_baseline.jpg
IM "$tmp/ref.png" -quality 95 -interlace JPEG jpeg_progressive.jpg
IM "$tmp/ref.png" -colorspace Gray -quality 95 jpeg_gray.jpg
# Gray tagged with icc-profiles-free's linear (gamma 1.0) Gray.icc: through the gray ICC route the patches
# come out much lighter than their stored values.
IM "$tmp/ref.png" -colorspace Gray -profile "$GRAYLIN" -quality 95 jpeg_gray_icc.jpg
# CMYK through a real CMYK profile, embedded. libjpeg writes an Adobe APP14 marker and ImageMagick stores
# the samples inverted (Adobe convention), as Photoshop does.
IM "$tmp/ref.png" -profile "$SRGB" -profile "$CMYK" -quality 95 jpeg_cmyk_icc.jpg
# CMYK with no profile: the decoder must fall back to a plain conversion.
IM "$tmp/ref.png" -colorspace CMYK -quality 95 jpeg_cmyk_noprofile.jpg
# Pixels converted into Adobe RGB (1998) and tagged with it: read without the profile the colours are dull.
IM "$tmp/ref.png" -profile "$SRGB" -profile "$ADOBE" -quality 95 jpeg_adobergb.jpg
# Orientation 1..8: each file stores the reference so that applying its EXIF orientation gives it back.
stored=("" "" "-flop" "-rotate 180" "-flip" "-transpose" "-rotate -90" "-transverse" "-rotate 90")
for o in 1 2 3 4 5 6 7 8; do
	# shellcheck disable=SC2086 # the transform is a list of words on purpose
	IM "$tmp/ref.png" ${stored[$o]} -quality 95 "jpeg_orient$o.jpg"
	exiftool -q -overwrite_original -n -Orientation=$o "jpeg_orient$o.jpg"
done
# A camera-like photo: GPS position, camera make, orientation 6, and XMP; for strip/keep metadata.
IM "$tmp/photo.png" -rotate -90 -quality 90 jpeg_gps_exif.jpg
exiftool -q -overwrite_original -n -Orientation=6 -Make=TestCam -Model='TC-1' \
	-GPSLatitude=37.5665 -GPSLatitudeRef=N -GPSLongitude=126.978 -GPSLongitudeRef=E \
	-XMP-dc:Title='corpus photo' jpeg_gps_exif.jpg
IM "$tmp/photo.png" -quality 90 jpeg_photo.jpg

# --- PNG ---
IM "$tmp/ref.png" -colors 8 PNG8:png_palette.png
IM "$tmp/ref.png" -depth 16 PNG48:png_16bit.png
cp "$tmp/rgba.png" png_rgba.png
IM "$tmp/rgba.png" -interlace PNG PNG32:png_interlaced.png
IM "$tmp/rgba.png" -colorspace Gray -define png:color-type=4 png_gray_alpha.png
IM "$tmp/ref.png" -colorspace Gray -define png:color-type=0 png_gray.png
# Tagged with a profile that swaps red and green (pixels untouched): an ICC-aware decoder shows the
# red patch as green.
IM "$tmp/ref.png" -profile "$SWAP" PNG24:png_icc_swapped.png
# Transparency and an Adobe RGB profile together: the alpha must survive the colour conversion.
IM "$tmp/rgba.png" -profile "$SRGB" -profile "$ADOBE" PNG32:png_rgba_adobergb.png
# Orientation 8 in an eXIf chunk, and XMP in an iTXt chunk.
IM "$tmp/ref.png" -rotate 90 PNG24:png_exif_orient8.png
exiftool -q -overwrite_original -n -Orientation=8 -XMP-dc:Title='corpus png' png_exif_orient8.png

# --- GIF, BMP, TIFF ---
IM "$tmp/ref.png" gif_still.gif
# The same without the trailer byte: many writers leave it out, and readers accept it.
head -c -1 gif_still.gif >gif_no_trailer.gif
IM -delay 20 "$tmp/ref.png" \( "$tmp/ref.png" -flop \) -loop 0 gif_animated.gif
IM "$tmp/ref.png" BMP3:bmp_24bit.bmp
IM "$tmp/ref.png" -compress lzw tiff_lzw.tif
IM "$tmp/ref.png" -rotate -90 -compress none tiff_orient6.tif
exiftool -q -overwrite_original -n -Orientation=6 tiff_orient6.tif

# --- WebP ---
cwebp -quiet -q 95 "$tmp/ref.png" -o webp_lossy.webp
cwebp -quiet -lossless -exact "$tmp/rgba.png" -o webp_lossless_alpha.webp
IM "$tmp/ref.png" -flop "$tmp/flop.png"
img2webp -loop 0 -lossy -q 90 -d 100 "$tmp/ref.png" -d 100 "$tmp/flop.png" -o webp_animated.webp 2>/dev/null
# EXIF (orientation 6) and an Adobe RGB ICC profile in a VP8X file, carried over from a JPEG by cwebp.
cwebp -quiet -q 95 -metadata exif,icc jpeg_orient6.jpg -o "$tmp/o6.webp"
IM "$tmp/ref.png" -rotate -90 -profile "$SRGB" -profile "$ADOBE" -quality 98 "$tmp/o6adobe.jpg"
exiftool -q -overwrite_original -n -Orientation=6 "$tmp/o6adobe.jpg"
cwebp -quiet -q 95 -metadata exif,icc "$tmp/o6adobe.jpg" -o webp_exif_icc.webp

# --- AVIF, HEIC ---
avifenc --min 8 --max 16 -s 8 "$tmp/ref.png" avif_8bit.avif >/dev/null
avifenc --min 8 --max 16 -s 8 "$tmp/rgba.png" avif_alpha.avif >/dev/null
avifenc --min 8 --max 16 -s 8 -d 10 "$tmp/ref.png" avif_10bit.avif >/dev/null
# irot 1 = 90 degrees anticlockwise on display; store the reference turned 90 degrees clockwise.
IM "$tmp/ref.png" -rotate 90 "$tmp/cw.png"
avifenc --min 8 --max 16 -s 8 --irot 1 "$tmp/cw.png" avif_irot.avif >/dev/null
heif-enc -q 90 "$tmp/ref.png" -o heic_still.heic >/dev/null

# --- bad inputs ---
: >bad_empty.jpg
head -c "$(($(stat -c %s jpeg_photo.jpg) * 6 / 10))" jpeg_photo.jpg >bad_truncated.jpg
IM "$tmp/photo.png" PNG24:"$tmp/photo24.png"
head -c "$(($(stat -c %s "$tmp/photo24.png") * 6 / 10))" "$tmp/photo24.png" >bad_truncated.png
cp png_rgba.png bad_png_named.jpg
printf 'this is a text file, not a picture\n' >bad_not_image.jpg
python3 - <<'EOF'
import struct, zlib
# A PNG whose IHDR (valid CRC) declares 60000x60000 RGBA: 14.4 GB of pixels from a 100-byte file.
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 6, 0, 0, 0)
idat = zlib.compress(b"\x00" * 64)
open("bad_huge_declared.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
# A real JPEG whose SOF header is patched to declare 60000x60000.
b = bytearray(open("jpeg_baseline.jpg", "rb").read())
i = 2
while True:
    assert b[i] == 0xFF
    m = b[i + 1]
    n = struct.unpack(">H", b[i + 2:i + 4])[0]
    if m in (0xC0, 0xC1, 0xC2):
        struct.pack_into(">HH", b, i + 5, 60000, 60000)
        break
    i += 2 + n
open("bad_huge_declared.jpg", "wb").write(bytes(b))
# A PNG with a broken IHDR (CRC does not match).
p = bytearray(open("png_rgba.png", "rb").read())
p[16:24] = b"\xde\xad\xbe\xef\xde\xad\xbe\xef"
open("bad_corrupt_header.png", "wb").write(bytes(p))
EOF

ls -l
du -ch . | tail -1
