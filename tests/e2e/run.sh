#!/usr/bin/env bash
# Playwright test of the UI against the dev binary's devserver (real Go
# bindings over the Wails websocket). Builds the frontend and the dev binary,
# starts Xvfb and the app, runs tests/e2e/ui.test.mjs, and stops what it started.
# Needs: Node 20 (root node_modules with playwright-core: `npm ci` at the root),
# /usr/bin/chromium, xvfb, imagemagick, libwebkit2gtk-4.1-dev, libwebp-dev.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
addr=${IC_E2E_ADDR:-127.0.0.1:34115}
work=$(mktemp -d /tmp/ic-e2e.XXXXXX)
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

[ -d frontend/node_modules ] || (cd frontend && npm ci --no-audit --no-fund)
(cd frontend && npm run build >/dev/null)
go build -tags dev,webkit2_41,e2e -o "$work/imageconverter-dev" .

# Test photos: one real-looking JPEG, copied (the engine does not care).
mkdir -p "$work/data/small" "$work/data/many" "$work/config"
convert -size 1200x900 -seed 7 plasma:fractal -blur 0x1 -quality 95 "$work/data/base.jpg"
for i in $(seq 1 6); do cp "$work/data/base.jpg" "$work/data/small/p$i.jpg"; done
for i in $(seq 1 40); do cp "$work/data/base.jpg" "$work/data/many/p$i.jpg"; done

display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
sleep 1
# IC_E2E_PLAN=pro: the e2e build's stand-in account allows folders (the free plan refuses them).
DISPLAY=$display XDG_CONFIG_HOME="$work/config" IC_E2E_PLAN=pro LANG=ko_KR.UTF-8 \
  "$work/imageconverter-dev" -devserver "$addr" -assetdir frontend/dist -loglevel Warning >"$work/app.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -sf "http://$addr/" >/dev/null && break
  sleep 0.2
done
curl -sf "http://$addr/" >/dev/null || { echo "the dev server did not start"; cat "$work/app.log"; exit 1; }

IC_E2E_ADDR=$addr IC_E2E_DATA="$work/data" IC_E2E_CONFIG="$work/config" \
  IC_E2E_SHOTS="${IC_E2E_SHOTS:-$root/tests/e2e/test-results}" node tests/e2e/ui.test.mjs
