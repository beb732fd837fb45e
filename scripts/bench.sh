#!/usr/bin/env bash
# Speed benchmark of the converter against the reference encoders. Not a test: it prints
# figures and never fails on timing.
#
#   scripts/bench.sh                 # WebP and AVIF on the whole wallpaper corpus
#   BENCH_FORMATS=webp scripts/bench.sh
#   BENCH_AVIF_FILES=12 scripts/bench.sh   # AVIF on the first 12 images only (AVIF is slow)
#   BENCH_REPEAT=3 scripts/bench.sh        # alternate the two sides 3 times, keep each side's fastest
#
# On a shared machine wall time mostly measures the neighbours: compare CPU (user+sys), and use
# BENCH_REPEAT on a busy box. The load average is printed before and after.
#
# Corpus: real photos from Debian wallpaper packages, fetched with `apt-get download` (works offline
# from a Debian mirror/cache, no other network) and unpacked with dpkg-deb into bench/corpus/
# (git-ignored). Each side runs two encodes at a time on the same files with the same settings:
#   WebP: cmd/convert -to webp -quality 80 -effort 4 -workers 2   vs  cwebp -q 80 -m 4, xargs -P2
#   AVIF: cmd/convert -to avif -quality 70 -effort 6 -workers 2   vs  avifenc -s 6 -j 1 --min 19 --max 19
#         -y 420, xargs -P2 (quality 70 = quantizer 19, libavif 1.x's mapping; 2 workers on 2 cores
#         leave 1 thread per AVIF encode in cmd/convert, hence -j 1)
# /usr/bin/time -v gives wall time, user+sys CPU and the peak RSS (for xargs: of the largest single
# encoder process, so "two processes" is twice that).
# Needs: apt packages webp, libavif-bin, time, dpkg-dev (dpkg-deb); Go; the cgo libraries of the app.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench
CORPUS=$BENCH/corpus
OUT=$BENCH/out
FORMATS=${BENCH_FORMATS:-webp avif}
AVIF_FILES=${BENCH_AVIF_FILES:-0} # 0 = all
REPEAT=${BENCH_REPEAT:-1}
WEBP_Q=80 WEBP_M=4
AVIF_Q=70 AVIF_S=6
AVIF_QUANT=$(( ((100 - AVIF_Q) * 63 + 50) / 100 )) # same mapping as encode.avifQuantizer

for tool in cwebp avifenc /usr/bin/time dpkg-deb go; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install webp libavif-bin time dpkg-dev)" >&2; exit 2; }
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
PHOTOS=$CORPUS/photos
mapfile -t FILES < <(find "$PHOTOS" -type f | sort)
MP=$(identify -format '%w %h\n' "${FILES[@]}" 2>/dev/null | awk '{s += $1 * $2} END {printf "%.0f", s / 1e6}')
echo "bench: load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "bench: corpus ${#FILES[@]} images, ${MP} MP, $(du -sh "$PHOTOS" | cut -f1) in $PHOTOS"

# --- build once ---------------------------------------------------------------------------------
mkdir -p "$OUT"
go build -o "$OUT/convert" ./cmd/convert

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

# One reference encode per call, for xargs -P2 (exported so the child bash sees them).
enc_cwebp() { cwebp -quiet -q "$WEBP_Q" -m "$WEBP_M" "$1" -o "$OUT/cwebp/$(basename "${1%.*}").webp"; }
enc_avifenc() {
  avifenc -j 1 -s "$AVIF_S" --min "$AVIF_QUANT" --max "$AVIF_QUANT" --minalpha 0 --maxalpha 0 -y 420 \
    "$1" "$OUT/avifenc/$(basename "${1%.*}").avif" >/dev/null
}

export OUT WEBP_Q WEBP_M AVIF_S AVIF_QUANT
two_at_a_time() { # FUNC FILES...
  local fn=$1; shift
  printf '%s\0' "$@" | xargs -0 -P2 -n1 bash -c "$fn \"\$0\""
}
export -f enc_cwebp enc_avifenc two_at_a_time

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
if [[ " $FORMATS " == *" avif "* ]]; then
  AFILES=("${FILES[@]}")
  if [ "$AVIF_FILES" -gt 0 ]; then AFILES=("${FILES[@]:0:$AVIF_FILES}"); fi
  rm -rf "$OUT/avif-in" "$OUT/go-avif.time" "$OUT/avifenc.time" && mkdir -p "$OUT/avif-in"
  for f in "${AFILES[@]}"; do ln -f "$f" "$OUT/avif-in/"; done
  for ((i = 1; i <= REPEAT; i++)); do
    rm -rf "$OUT/go-avif" "$OUT/avifenc" && mkdir -p "$OUT/go-avif" "$OUT/avifenc"
    echo "bench: AVIF q$AVIF_Q (quantizer $AVIF_QUANT) speed $AVIF_S, ${#AFILES[@]} images, run $i/$REPEAT: cmd/convert…"
    measure go-avif "$OUT/convert" -to avif -quality "$AVIF_Q" -effort "$AVIF_S" -workers 2 -json -out "$OUT/go-avif" "$OUT/avif-in"
    cp "$OUT/go-avif.log" "$OUT/go-avif.json"
    echo "bench: AVIF, run $i/$REPEAT: avifenc ×2…"
    measure avifenc bash -c 'two_at_a_time "$@"' _ enc_avifenc "${AFILES[@]}"
  done
  report avif go-avif avifenc "avifenc ×2 (xargs -P2)"
fi
echo
echo "bench: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: targets: WebP wall and CPU ≤ 1.05, bytes within 2 %, memory ≤ 1.5 of two cwebp; AVIF ≤ 1.2 of avifenc."
