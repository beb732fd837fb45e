#!/usr/bin/env bash
# Native-window test: builds the real desktop app (with the e2e test hooks),
# runs it under Xvfb and drops photos, folders and a non-image file on it with
# real X11 drags (a tiny GTK3 drag source + xdotool): tests/gui/drops.test.mjs.
# Stops everything it started.
# Needs: gcc, libgtk-3-dev, libwebkit2gtk-4.1-dev, xvfb, xdotool, imagemagick,
# libwebp-dev, Node 20 (frontend build and the test driver).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export IC_GUI_SHOTS=${IC_GUI_SHOTS:-$root/tests/gui/test-results}
work=$(mktemp -d /tmp/ic-gui.XXXXXX)
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

[ -d frontend/node_modules ] || (cd frontend && npm ci --no-audit --no-fund)
(cd frontend && npm run build >/dev/null)
# -tags e2e: the stand-in account takes its plan from IC_E2E_PLAN, and the
# test hooks (IC_E2E_CONTROL) answer pings and keep a journal of drops.
go build -tags desktop,production,webkit2_41,e2e,localstack -o "$work/imageconverter" .
gcc -O1 -o "$work/dragsource" tests/gui/dragsource.c $(pkg-config --cflags --libs gtk+-3.0)
go build -o "$work/notifyd" ./tests/gui/notifyd
gcc -O1 -o "$work/closewin" tests/gui/closewin.c -lX11

mkdir -p "$work/data" "$work/config" "$IC_GUI_SHOTS"
convert -size 1200x900 -seed 11 plasma:fractal -blur 0x1 -quality 95 "$work/data/base.jpg"
convert -size 2400x1800 -seed 12 plasma:fractal -blur 0x1 -quality 95 "$work/data/big.jpg"

export DISPLAY=:$((190 + RANDOM % 100))
Xvfb "$DISPLAY" -screen 0 1600x1000x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
sleep 1

# The tests run on their own D-Bus session bus: the single-instance lock and
# notifications use it; notifyd stands in for the desktop's notification server.
cat >"$work/tests.sh" <<'SH'
set -u
status=0
"$IC_GUI_NOTIFYD" "$IC_GUI_NOTES" >/dev/null &
notifyd=$!
node tests/gui/drops.test.mjs || status=1
node tests/gui/background.test.mjs || status=1
kill $notifyd 2>/dev/null
exit $status
SH
status=0
IC_GUI_APP="$work/imageconverter" IC_GUI_DRAGSOURCE="$work/dragsource" IC_GUI_WORK="$work" \
  IC_GUI_NOTIFYD="$work/notifyd" IC_GUI_NOTES="$work/notes.jsonl" IC_GUI_CLOSEWIN="$work/closewin" \
  IC_E2E_CONTROL=127.0.0.1:$((34300 + RANDOM % 500)) IC_E2E_CONTROL_BG=127.0.0.1:$((34800 + RANDOM % 500)) \
  dbus-run-session -- bash "$work/tests.sh" || status=1
if [ $status != 0 ]; then
  for l in "$work/app.log" "$work/background/app.log"; do [ -f "$l" ] && { echo "--- $l"; tail -30 "$l"; }; done
fi
exit $status
