#!/usr/bin/env bash
# Native-window test: builds the real desktop app, opens it under Xvfb, drops
# a folder on it with a real X11 drag-and-drop (a tiny GTK3 drag source +
# xdotool), then checks that the outputs appear on disk and that a screenshot
# shows the summary (its green "saved" line). Stops everything it started.
# Needs: gcc, libgtk-3-dev, libwebkit2gtk-4.1-dev, xvfb, xdotool, imagemagick,
# libwebp-dev, Node 20 (frontend build).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
shots=${IC_GUI_SHOTS:-$root/tests/gui/test-results}
work=$(mktemp -d /tmp/ic-gui.XXXXXX)
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL $*"; [ -f "$work/app.log" ] && tail -20 "$work/app.log"; exit 1; }

[ -d frontend/node_modules ] || (cd frontend && npm ci --no-audit --no-fund)
(cd frontend && npm run build >/dev/null)
# -tags e2e: the stand-in account takes its plan from IC_E2E_PLAN (folders need Basic+).
go build -tags desktop,production,webkit2_41,e2e,localstack -o "$work/imageconverter" .
gcc -O1 -o "$work/dragsource" tests/gui/dragsource.c $(pkg-config --cflags --libs gtk+-3.0)

album="$work/data/album"
mkdir -p "$album/sub" "$work/config" "$shots"
convert -size 1200x900 -seed 11 plasma:fractal -blur 0x1 -quality 95 "$work/base.jpg"
for f in a1 a2 a3; do cp "$work/base.jpg" "$album/$f.jpg"; done
cp "$work/base.jpg" "$album/sub/b1.jpg"
printf 'not an image' >"$album/notes.txt" # ignored by the walk

export DISPLAY=:$((190 + RANDOM % 100))
Xvfb "$DISPLAY" -screen 0 1600x1000x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
sleep 1
XDG_CONFIG_HOME="$work/config" IC_E2E_PLAN=pro "$work/imageconverter" >"$work/app.log" 2>&1 &
pids+=($!)
win=$(timeout 30 xdotool search --sync --onlyvisible --name '^ImageConverter$' | head -1) || fail "the app window did not open"
sleep 3 # let the page load and subscribe to drops
eval "$(xdotool getwindowgeometry --shell "$win")" # X Y WIDTH HEIGHT of the app window
[ "$WIDTH" -ge 800 ] || fail "found a ${WIDTH}x${HEIGHT} window, not the app's main window"
import -window root "$shots/gui-start.png"

# drag PATH...: a real X11 drag from the drag source onto the app's drop zone.
drag() {
  "$work/dragsource" 10 10 "$@" >"$work/drag.log" 2>&1 &
  pids+=($!)
  timeout 10 xdotool search --sync --onlyvisible --name '^ic-drag-source$' >/dev/null || fail "the drag source did not open"
  sleep 2 # the source must be mapped and idle before the press starts a drag
  # Press on the source, move onto the drop zone (the main pane's upper part), release.
  local tx=$((X + 220 + (WIDTH - 220) / 2)) ty=$((Y + 190)) i
  xdotool mousemove 90 60
  sleep 0.2
  xdotool mousedown 1
  for i in $(seq 1 20); do
    xdotool mousemove $((90 + (tx - 90) * i / 20)) $((60 + (ty - 60) * i / 20))
    sleep 0.05
  done
  sleep 0.5
  xdotool mouseup 1
}
drag "$album"

# Outputs on disk: the four photos, mirrored next to the originals.
want=("$album/a1.webp" "$album/a2.webp" "$album/a3.webp" "$album/sub/b1.webp")
for _ in $(seq 1 120); do
  n=0
  for f in "${want[@]}"; do [ -s "$f" ] && n=$((n + 1)); done
  [ "$n" -eq ${#want[@]} ] && break
  sleep 0.5
done
[ "$n" -eq ${#want[@]} ] || { ls -R "$album"; cat "$work/drag.log"; import -window root "$shots/gui-fail.png"; fail "only $n of ${#want[@]} outputs appeared after the drop"; }
for f in "${want[@]}"; do
  [ "$(head -c 4 "$f")" = RIFF ] || fail "$f is not a WebP file"
done
cmp -s "$work/base.jpg" "$album/a1.jpg" || fail "an original was modified"
ls -A "$album" | grep -q '^\.ic-tmp' && fail "a temporary file was left"
echo "ok   native folder drop converted ${#want[@]} photos"

# The summary: its "saved" line is the only large green (#1f8a4c) text in the UI.
sleep 1.5
import -window root "$shots/gui-summary.png"
green=$(convert "$shots/gui-summary.png" -fuzz 15% -fill black +opaque '#1f8a4c' -fill white -opaque '#1f8a4c' -format '%[fx:round(mean*w*h)]' info:)
[ "$green" -gt 800 ] || fail "the screenshot shows no summary ($green green pixels; see $shots/gui-summary.png)"
echo "ok   screenshot shows the summary ($green green pixels): $shots/gui-summary.png"

# A second drop, of one file, onto the summary of the first run.
single="$work/data/single.jpg"
cp "$work/base.jpg" "$single"
drag "$single"
for _ in $(seq 1 60); do
  [ -s "$work/data/single.webp" ] && break
  sleep 0.5
done
[ -s "$work/data/single.webp" ] || fail "a file dropped on the summary was not converted"
echo "ok   a second native drop (one file, onto the summary) converted it"
