#!/usr/bin/env bash
# Speed benchmark of the converter against the reference tools. Not a test: it prints figures and
# never fails on timing.
#
#   scripts/bench.sh                         # WebP, AVIF, resize and one-photo runs
#   BENCH_FORMATS="webp resize" scripts/bench.sh
#   BENCH_AVIF_FILES=12 scripts/bench.sh     # AVIF on the first 12 wallpapers only (default: all + camera)
#   BENCH_REPEAT=3 scripts/bench.sh          # alternate the sides 3 times, keep each side's fastest
#   BENCH_BASELINE=main scripts/bench.sh     # also time cmd/convert as built from that git ref
#
# On a shared machine wall time mostly measures the neighbours: compare CPU (user+sys), and use
# BENCH_REPEAT on a busy box. The load average is printed before and after.
#
# Corpus: real photos from Debian wallpaper packages, fetched with `apt-get download` (works offline
# from a Debian mirror/cache, no other network) and unpacked with dpkg-deb into bench/corpus/
# (git-ignored), plus six camera-size JPEGs (12 and 24 MP, quality 92) made with ImageMagick in
# bench/corpus/camera: two plasma fractals with grain, four wallpapers enlarged to 4000x3000 or
# 6000x4000 with grain (sensor-like noise, so they compress like photos, not like smooth art).
# Each side runs two encodes at a time on the same files with the same settings:
#   webp:   cmd/convert -to webp -quality 80 -effort 4 -workers 2   vs  cwebp -q 80 -m 4, xargs -P2
#   avif:   cmd/convert -to avif (Balanced preset) -workers 2       vs  avifenc -s 6 -j 1 --min 19 --max 19
#           -y 420, xargs -P2 (quality 70 = quantizer 19, libavif 1.x's mapping; avifenc's default codec
#           and speed, one thread per encode as two run at once)
#   resize: wallpapers + camera JPEGs to at most 1920 wide, WebP q80 m4: cmd/convert -max-width 1920
#           vs `cwebp -resize 1920 0` (only for pictures wider than that) vs `vips thumbnail … 1920
#           --size down -o x.webp[Q=80,strip]`, xargs -P2; then cmd/ssim scores every output against
#           the original decoded at full size and scaled with Lanczos-3 to the output's size
#   one:    a single 24 MP camera JPEG, the one-photo drop: cmd/convert alone vs cwebp, and vs
#           avifenc -j 2 (all cores) for AVIF
# /usr/bin/time -v gives wall time, user+sys CPU and the peak RSS (for xargs: of the largest single
# encoder process, so "two processes" is twice that).
# Needs: apt packages webp, libavif-bin, libvips-tools, imagemagick, time, dpkg-dev (dpkg-deb); Go;
# the cgo libraries of the app.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench
CORPUS=$BENCH/corpus
OUT=$BENCH/out
FORMATS=${BENCH_FORMATS:-webp avif resize one}
BASELINE=${BENCH_BASELINE:-}
RESIZE_W=${BENCH_RESIZE_WIDTH:-1920}
AVIF_FILES=${BENCH_AVIF_FILES:-0} # 0 = all
REPEAT=${BENCH_REPEAT:-1}
WEBP_Q=80 WEBP_M=4
AVIF_Q=70 AVIF_S=6
AVIF_QUANT=$(( ((100 - AVIF_Q) * 63 + 50) / 100 )) # same mapping as encode.avifQuantizer

for tool in cwebp avifenc vips identify /usr/bin/time dpkg-deb go; do
  command -v "$tool" >/dev/null || {
    echo "bench: $tool is missing (apt-get install webp libavif-bin libvips-tools imagemagick time dpkg-dev)" >&2; exit 2; }
done

# --- corpus -------------------------------------------------------------------------------------
PACKAGES=(lomiri-wallpapers lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 mate-backgrounds ukui-wallpapers sway-backgrounds)
if [ ! -f "$CORPUS/.complete" ]; then
  echo "bench: fetching the wallpaper corpus (${PACKAGES[*]})"
  rm -rf "$CORPUS" && mkdir -p "$CORPUS/debs" "$CORPUS/extract" "$CORPUS/photos"
  (cd "$CORPUS/debs" && apt-get download "${PACKAGES[@]}" >/dev/null 2>&1) || {
    echo "bench: apt-get download failed; run 'apt-get update' first" >&2; exit 2; }
  for deb in "$CORPUS"/debs/*.deb; do dpkg-deb -x "$deb" "$CORPUS/extract"; done
  # One flat folder of real files (wallpaper packages also ship symlinks to the same pictures).
  find "$CORPUS/extract" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) -print0 |
    while IFS= read -r -d '' f; do
      rel=${f#"$CORPUS/extract/"}
      ln -f "$f" "$CORPUS/photos/${rel//\//_}"
    done
  touch "$CORPUS/.complete"
fi
# Camera-size JPEGs: deterministic (fixed seeds, fixed sources), made once.
CAMERA=$CORPUS/camera
if [ ! -f "$CAMERA/.complete" ]; then
  echo "bench: making the camera-size JPEGs (ImageMagick, about a minute)"
  rm -rf "$CAMERA" && mkdir -p "$CAMERA"
  im=$(command -v convert-im6.q16 || command -v convert)
  bg=$CORPUS/photos/usr_share_backgrounds_
  grain=(-attenuate 0.15 +noise Gaussian -quality 92)
  "$im" -seed 11 -size 4000x3000 plasma:fractal -blur 0x1 -attenuate 0.25 +noise Gaussian -quality 92 "$CAMERA/cam_plasma_12mp.jpg"
  "$im" -seed 12 -size 6000x4000 plasma:fractal -blur 0x1 -attenuate 0.25 +noise Gaussian -quality 92 "$CAMERA/cam_plasma_24mp.jpg"
  "$im" -seed 21 "${bg}Kleiber_by_Lukas_Baubkus.jpg" -resize 6000x4000^ -gravity center -extent 6000x4000 "${grain[@]}" "$CAMERA/cam_kleiber_24mp.jpg"
  "$im" -seed 22 "${bg}sunset_by_Aitzol_Berasategi.jpg" -resize 6000x4000^ -gravity center -extent 6000x4000 "${grain[@]}" "$CAMERA/cam_sunset_24mp.jpg"
  "$im" -seed 23 "${bg}seeding_by_Clements_Engelhardt.jpg" -resize 4000x3000^ -gravity center -extent 4000x3000 "${grain[@]}" "$CAMERA/cam_seeding_12mp.jpg"
  "$im" -seed 24 "${bg}Dragonfly_by_Bolly.jpg" -resize 4000x3000^ -gravity center -extent 4000x3000 "${grain[@]}" "$CAMERA/cam_dragonfly_12mp.jpg"
  touch "$CAMERA/.complete"
fi
PHOTOS=$CORPUS/photos
mapfile -t FILES < <(find "$PHOTOS" -type f | sort)
mapfile -t CAMFILES < <(find "$CAMERA" -type f -name '*.jpg' | sort)
MP=$(identify -format '%w %h\n' "${FILES[@]}" 2>/dev/null | awk '{s += $1 * $2} END {printf "%.0f", s / 1e6}')
echo "bench: load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "bench: corpus ${#FILES[@]} images, ${MP} MP, $(du -sh "$PHOTOS" | cut -f1) in $PHOTOS"

# --- build once ---------------------------------------------------------------------------------
mkdir -p "$OUT"
go build -o "$OUT/convert" ./cmd/convert
go build -o "$OUT/ssim" ./cmd/ssim
# BENCH_BASELINE: the same command as it was at another commit, for before/after ratios in one run.
if [ -n "$BASELINE" ]; then
  rm -rf "$OUT/baseline-src" && mkdir -p "$OUT/baseline-src"
  git archive "$BASELINE" | tar -x -C "$OUT/baseline-src"
  (cd "$OUT/baseline-src" && go build -o "$OUT/convert-baseline" ./cmd/convert)
  echo "bench: baseline cmd/convert from $BASELINE ($(git rev-parse --short "$BASELINE"))"
fi

# measure NAME CMD... : runs CMD under /usr/bin/time -v; keeps the report of the fastest run so far
# (by wall time) in $OUT/NAME.time
measure() {
  local name=$1; shift
  /usr/bin/time -v -o "$OUT/$name.try.time" "$@" >"$OUT/$name.log" 2>&1 || {
    echo "bench: $name failed, see $OUT/$name.log" >&2; tail -5 "$OUT/$name.log" >&2; return 1; }
  if [ ! -f "$OUT/$name.time" ] || awk -v a="$(stat "$name.try" wall)" -v b="$(stat "$name" wall)" 'BEGIN {exit !(a < b)}'; then
    mv "$OUT/$name.try.time" "$OUT/$name.time"
  else
    rm -f "$OUT/$name.try.time"
  fi
}
# stat NAME FIELD : wall seconds, cpu seconds (user+sys) or peak RSS MiB from a time -v report
stat() {
  awk -v f="$2" '
    /User time/ {u = $NF} /System time/ {s = $NF} /Maximum resident/ {r = $NF}
    /Elapsed \(wall clock\)/ {n = split($NF, a, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + a[i]}
    END {if (f == "wall") printf "%.2f", w; else if (f == "cpu") printf "%.2f", u + s; else printf "%.1f", r / 1024}' "$OUT/$1.time"
}
bytes_of() { find "$1" -type f -name "*.$2" -printf '%s\n' | awk '{s += $1} END {printf "%d", s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.3f", a / b; else print "n/a"}'; }
backend_of() { grep -o '"backend": *"[a-z]*"' "$OUT/go-$1.json" 2>/dev/null | head -1 | sed 's/.*"\([a-z]*\)"$/backend \1/' || true; }

report() { # FORMAT GO_NAME REF_NAME REF_LABEL
  local f=$1 g=$2 r=$3 label=$4
  local gw gc gm rw rc rm gb rb
  gw=$(stat "$g" wall) gc=$(stat "$g" cpu) gm=$(stat "$g" rss)
  rw=$(stat "$r" wall) rc=$(stat "$r" cpu) rm=$(stat "$r" rss)
  gb=$(bytes_of "$OUT/$g" "$f") rb=$(bytes_of "$OUT/$r" "$f")
  printf '\n%s, %d files (%s), best of %d\n' "$f" "$(find "$OUT/$g" -type f -name "*.$f" | wc -l)" "$(backend_of "$f")" "$REPEAT"
  printf '  %-24s wall %8ss  cpu %8ss  peak RSS %7s MiB  output %11s bytes\n' "cmd/convert -workers 2" "$gw" "$gc" "$gm" "$gb"
  printf '  %-24s wall %8ss  cpu %8ss  peak RSS %7s MiB  output %11s bytes (2 processes: %s MiB)\n' "$label" "$rw" "$rc" "$rm" "$rb" \
    "$(awk -v m="$rm" 'BEGIN {printf "%.1f", 2 * m}')"
  printf '  ratios: wall %s  cpu %s  bytes %s  peak memory vs two %s processes %s\n' \
    "$(ratio "$gw" "$rw")" "$(ratio "$gc" "$rc")" "$(ratio "$gb" "$rb")" "${label%% *}" \
    "$(awk -v g="$gm" -v r="$rm" 'BEGIN {printf "%.3f", g / (2 * r)}')"
}

# side NAME LABEL EXT [VS]: one line for a timed side; with VS also its ratios to that side.
side() {
  local n=$1 label=$2 ext=$3 vs=${4:-}
  printf '  %-34s wall %7ss  cpu %7ss  peak RSS %7s MiB  output %11s bytes\n' "$label" \
    "$(stat "$n" wall)" "$(stat "$n" cpu)" "$(stat "$n" rss)" "$(bytes_of "$OUT/$n" "$ext")"
  if [ -n "$vs" ]; then
    printf '  %-34s wall %s  cpu %s  bytes %s\n' "  ratios to $vs:" "$(ratio "$(stat "$n" wall)" "$(stat "$vs" wall)")" \
      "$(ratio "$(stat "$n" cpu)" "$(stat "$vs" cpu)")" "$(ratio "$(bytes_of "$OUT/$n" "$ext")" "$(bytes_of "$OUT/$vs" "$ext")")"
  fi
}

# One reference encode per call, for xargs -P2 (exported so the child bash sees them).
enc_cwebp() { cwebp -quiet -q "$WEBP_Q" -m "$WEBP_M" "$1" -o "$OUT/cwebp/$(basename "${1%.*}").webp"; }
enc_avifenc() {
  avifenc -j 1 -s "$AVIF_S" --min "$AVIF_QUANT" --max "$AVIF_QUANT" --minalpha 0 --maxalpha 0 -y 420 \
    "$1" "$OUT/avifenc/$(basename "${1%.*}").avif" >/dev/null
}

# Resize references: cwebp resizes only what is wider than the box (as cmd/convert and vips do);
# the argument is "WIDTH FILE" so the width is looked up before the clock runs.
enc_cwebp_resize() {
  local w=${1%% *} f=${1#* } r=()
  if [ "$w" -gt "$RESIZE_W" ]; then r=(-resize "$RESIZE_W" 0); fi
  cwebp -quiet -q "$WEBP_Q" -m "$WEBP_M" "${r[@]}" "$f" -o "$OUT/cwebp-resize/$(basename "${f%.*}").webp"
}
enc_vips_resize() {
  local f=${1#* }
  vips thumbnail "$f" "$OUT/vips-resize/$(basename "${f%.*}").webp[Q=$WEBP_Q,effort=$WEBP_M,strip]" "$RESIZE_W" \
    --height 100000 --size down
}

export OUT WEBP_Q WEBP_M AVIF_S AVIF_QUANT RESIZE_W
two_at_a_time() { # FUNC FILES...
  local fn=$1; shift
  printf '%s\0' "$@" | xargs -0 -P2 -n1 bash -c "$fn \"\$0\""
}
export -f enc_cwebp enc_avifenc enc_cwebp_resize enc_vips_resize two_at_a_time

# --- WebP ---------------------------------------------------------------------------------------
if [[ " $FORMATS " == *" webp "* ]]; then
  rm -f "$OUT/go-webp.time" "$OUT/cwebp.time"
  for ((i = 1; i <= REPEAT; i++)); do
    rm -rf "$OUT/go-webp" "$OUT/cwebp" && mkdir -p "$OUT/go-webp" "$OUT/cwebp"
    echo "bench: WebP q$WEBP_Q m$WEBP_M, run $i/$REPEAT: cmd/convert…"
    measure go-webp "$OUT/convert" -to webp -quality "$WEBP_Q" -effort "$WEBP_M" -workers 2 -json -out "$OUT/go-webp" "$PHOTOS"
    cp "$OUT/go-webp.log" "$OUT/go-webp.json"
    echo "bench: WebP q$WEBP_Q m$WEBP_M, run $i/$REPEAT: cwebp ×2…"
    measure cwebp bash -c 'two_at_a_time "$@"' _ enc_cwebp "${FILES[@]}"
  done
  report webp go-webp cwebp "cwebp ×2 (xargs -P2)"
  # Byte-for-byte comparison per file: the same settings should give the same files.
  same=0 diff=0
  for f in "$OUT"/cwebp/*.webp; do
    g=$(find "$OUT/go-webp" -name "$(basename "$f")" -print -quit)
    if [ -n "$g" ] && cmp -s "$f" "$g"; then same=$((same + 1)); else diff=$((diff + 1)); fi
  done
  echo "  identical files: $same, different or missing: $diff"
fi

# --- AVIF ---------------------------------------------------------------------------------------
# cmd/convert runs the Balanced preset as the app does (its codec, speed and quantizer); avifenc runs
# its defaults at the quality the preset is compared with (quantizer 19). cmd/ssim then scores both
# against the originals, so "same quality" is checked, not assumed.
if [[ " $FORMATS " == *" avif "* ]]; then
  AFILES=("${FILES[@]}" "${CAMFILES[@]}")
  if [ "$AVIF_FILES" -gt 0 ]; then AFILES=("${FILES[@]:0:$AVIF_FILES}"); fi
  rm -rf "$OUT/avif-in" "$OUT/go-avif.time" "$OUT/avifenc.time" "$OUT/base-avif.time" && mkdir -p "$OUT/avif-in"
  for f in "${AFILES[@]}"; do ln -f "$f" "$OUT/avif-in/"; done
  for ((i = 1; i <= REPEAT; i++)); do
    rm -rf "$OUT/go-avif" "$OUT/avifenc" "$OUT/base-avif" && mkdir -p "$OUT/go-avif" "$OUT/avifenc" "$OUT/base-avif"
    echo "bench: AVIF Balanced preset, ${#AFILES[@]} images, run $i/$REPEAT: cmd/convert…"
    measure go-avif "$OUT/convert" -to avif -workers 2 -json -out "$OUT/go-avif" "$OUT/avif-in"
    cp "$OUT/go-avif.log" "$OUT/go-avif.json"
    echo "bench: AVIF, run $i/$REPEAT: avifenc -s $AVIF_S --min $AVIF_QUANT --max $AVIF_QUANT ×2…"
    measure avifenc bash -c 'two_at_a_time "$@"' _ enc_avifenc "${AFILES[@]}"
    if [ -n "$BASELINE" ]; then
      echo "bench: AVIF, run $i/$REPEAT: baseline cmd/convert…"
      measure base-avif "$OUT/convert-baseline" -to avif -workers 2 -json -out "$OUT/base-avif" "$OUT/avif-in"
    fi
  done
  report avif go-avif avifenc "avifenc ×2 (xargs -P2)"
  if [ -n "$BASELINE" ]; then side base-avif "baseline cmd/convert ($BASELINE)" avif avifenc; fi
  echo "  quality (cmd/ssim against the originals):"
  dirs=("$OUT/go-avif" "$OUT/avifenc")
  if [ -n "$BASELINE" ]; then dirs+=("$OUT/base-avif"); fi
  "$OUT/ssim" "$OUT/avif-in" "${dirs[@]}" | sed 's/^/    /'
fi

# --- resize ---------------------------------------------------------------------------------------
if [[ " $FORMATS " == *" resize "* ]]; then
  RFILES=("${FILES[@]}" "${CAMFILES[@]}")
  rm -rf "$OUT/resize-in" && mkdir -p "$OUT/resize-in"
  for f in "${RFILES[@]}"; do ln -f "$f" "$OUT/resize-in/"; done
  mapfile -t RARGS < <(identify -ping -format '%w %d/%f\n' "$OUT"/resize-in/* 2>/dev/null)
  rm -f "$OUT"/{go-resize,cwebp-resize,vips-resize,base-resize}.time
  for ((i = 1; i <= REPEAT; i++)); do
    rm -rf "$OUT"/{go-resize,cwebp-resize,vips-resize,base-resize} && mkdir -p "$OUT"/{go-resize,cwebp-resize,vips-resize,base-resize}
    echo "bench: resize to ${RESIZE_W} wide, WebP q$WEBP_Q m$WEBP_M, ${#RFILES[@]} images, run $i/$REPEAT: cmd/convert…"
    measure go-resize "$OUT/convert" -to webp -quality "$WEBP_Q" -effort "$WEBP_M" -max-width "$RESIZE_W" -workers 2 -json \
      -out "$OUT/go-resize" "$OUT/resize-in"
    echo "bench: resize, run $i/$REPEAT: cwebp -resize ×2…"
    measure cwebp-resize bash -c 'two_at_a_time "$@"' _ enc_cwebp_resize "${RARGS[@]}"
    echo "bench: resize, run $i/$REPEAT: vips thumbnail ×2…"
    measure vips-resize bash -c 'two_at_a_time "$@"' _ enc_vips_resize "${RARGS[@]}"
    if [ -n "$BASELINE" ]; then
      echo "bench: resize, run $i/$REPEAT: baseline cmd/convert…"
      measure base-resize "$OUT/convert-baseline" -to webp -quality "$WEBP_Q" -effort "$WEBP_M" -max-width "$RESIZE_W" \
        -workers 2 -json -out "$OUT/base-resize" "$OUT/resize-in"
    fi
  done
  printf '\nresize to %s wide, WebP q%s m%s, %d files, best of %d\n' "$RESIZE_W" "$WEBP_Q" "$WEBP_M" "${#RFILES[@]}" "$REPEAT"
  side go-resize "cmd/convert -workers 2" webp
  side cwebp-resize "cwebp -resize ×2" webp
  side vips-resize "vips thumbnail ×2" webp
  side go-resize "cmd/convert vs cwebp -resize" webp cwebp-resize | tail -1
  side go-resize "cmd/convert vs vips thumbnail" webp vips-resize | tail -1
  dirs=("$OUT/go-resize" "$OUT/cwebp-resize" "$OUT/vips-resize")
  if [ -n "$BASELINE" ]; then
    side base-resize "baseline cmd/convert ($BASELINE)" webp
    side go-resize "cmd/convert vs baseline" webp base-resize | tail -1
    dirs+=("$OUT/base-resize")
  fi
  echo "  quality (cmd/ssim against the full-size decode scaled with Lanczos-3):"
  "$OUT/ssim" -resize "$OUT/resize-in" "${dirs[@]}" | sed 's/^/    /'
fi

# --- one photo ------------------------------------------------------------------------------------
# The one-photo drop: a single 24 MP camera JPEG, nothing else running in the batch.
if [[ " $FORMATS " == *" one "* ]]; then
  ONE=$CAMERA/cam_kleiber_24mp.jpg
  rm -f "$OUT"/one-*.time
  for ((i = 1; i <= REPEAT; i++)); do
    for fmt in webp avif; do
      rm -rf "$OUT"/one-{go,ref,base}-$fmt && mkdir -p "$OUT"/one-{go,ref,base}-$fmt
      echo "bench: one 24 MP photo to $fmt, run $i/$REPEAT…"
      measure one-go-$fmt "$OUT/convert" -to $fmt -json -out "$OUT/one-go-$fmt" "$ONE"
      if [ $fmt = webp ]; then
        measure one-ref-$fmt cwebp -quiet -q "$WEBP_Q" -m "$WEBP_M" "$ONE" -o "$OUT/one-ref-$fmt/one.webp"
      else
        measure one-ref-$fmt avifenc -j "$(nproc)" -s "$AVIF_S" --min "$AVIF_QUANT" --max "$AVIF_QUANT" -y 420 "$ONE" \
          "$OUT/one-ref-$fmt/one.avif"
      fi
      if [ -n "$BASELINE" ]; then
        measure one-base-$fmt "$OUT/convert-baseline" -to $fmt -json -out "$OUT/one-base-$fmt" "$ONE"
      fi
    done
  done
  printf '\none 24 MP photo (%s), best of %d\n' "$(basename "$ONE")" "$REPEAT"
  side one-go-webp "cmd/convert → WebP" webp
  side one-ref-webp "cwebp -q $WEBP_Q -m $WEBP_M" webp
  side one-go-webp "cmd/convert vs cwebp" webp one-ref-webp | tail -1
  if cmp -s "$OUT/one-go-webp/$(basename "${ONE%.*}").webp" "$OUT/one-ref-webp/one.webp"; then
    echo "  WebP: byte-identical to cwebp"; else echo "  WebP: DIFFERENT bytes from cwebp"; fi
  side one-go-avif "cmd/convert → AVIF (Balanced)" avif
  side one-ref-avif "avifenc -j $(nproc) -s $AVIF_S (q $AVIF_QUANT)" avif
  side one-go-avif "cmd/convert vs avifenc" avif one-ref-avif | tail -1
  if [ -n "$BASELINE" ]; then
    side one-base-webp "baseline → WebP ($BASELINE)" webp
    side one-go-webp "cmd/convert vs baseline, WebP" webp one-base-webp | tail -1
    side one-base-avif "baseline → AVIF ($BASELINE)" avif
    side one-go-avif "cmd/convert vs baseline, AVIF" avif one-base-avif | tail -1
  fi
fi
echo
echo "bench: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: targets: WebP wall and CPU ≤ 1.05 of cwebp, bytes within 2 %, memory ≤ 1.5 of two cwebp;"
echo "       AVIF wall ≤ 0.7 of avifenc at ≤ 1.02 bytes and no lower SSIM; resize wall ≤ 0.6 of cwebp -resize and"
echo "       below vips thumbnail at no lower SSIM; one photo ≤ 0.65 of the baseline's wall."
