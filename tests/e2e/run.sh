#!/usr/bin/env bash
# Playwright tests of the UI against the dev binary's devserver (real Go
# bindings over the Wails websocket). Builds the frontend and the dev binary,
# starts Xvfb and the app, runs tests/e2e/ui.test.mjs, tests/e2e/compare.test.mjs and
# tests/e2e/fine.test.mjs (stand-in Pro account, and a Free one for fine.test.mjs; no backend), then — when the local backend is up (IC_API_BASE etc. from
# `eval "$(scripts/stack.sh env)"`) — tests/e2e/account.test.mjs against a second
# app instance wired to it. Stops what it started.
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
go build -tags dev,webkit2_41,e2e,localstack -o "$work/imageconverter-dev" .

# Test photos: one real-looking JPEG, copied (the engine does not care).
mkdir -p "$work/data/small" "$work/data/many" "$work/data/account" "$work/config" "$work/config2"
convert -size 1200x900 -seed 7 plasma:fractal -blur 0x1 -quality 95 "$work/data/base.jpg"
for i in $(seq 1 6); do cp "$work/data/base.jpg" "$work/data/small/p$i.jpg"; done
head -c 4000 "$work/data/base.jpg" >"$work/data/small/broken.jpg" # truncated: a per-file failure
for i in $(seq 1 40); do cp "$work/data/base.jpg" "$work/data/many/p$i.jpg"; done
cp "$work/data/base.jpg" "$work/data/account/q1.jpg" # one file: the demo Basic user has 50 a day
# The computer scan (two folders, one inside the other) and a watched folder.
mkdir -p "$work/data/scan/trip/day2" "$work/data/watch"
for i in 1 2 3; do cp "$work/data/base.jpg" "$work/data/scan/trip/t$i.jpg"; done
for i in 1 2; do cp "$work/data/base.jpg" "$work/data/scan/trip/day2/d$i.jpg"; done
mkdir -p "$work/data/waiting" # two photos for the Free plan's one-at-a-time queue
for i in 1 2; do cp "$work/data/base.jpg" "$work/data/waiting/w$i.jpg"; done
# The compare view's 12-megapixel photo, in a folder of its own (the test checks nothing is written beside it).
mkdir -p "$work/data/compare"
convert "$work/data/base.jpg" -resize '4000x3000!' -quality 92 "$work/data/compare/photo12.jpg"

display=${IC_E2E_DISPLAY:-:$((90 + RANDOM % 100))} # IC_E2E_DISPLAY: a display of your own
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
sleep 1
# IC_E2E_PLAN=pro: the e2e build's stand-in account allows folders (the free plan refuses them).
DISPLAY=$display XDG_CONFIG_HOME="$work/config" IC_E2E_PLAN=pro LANG=ko_KR.UTF-8 \
  "$work/imageconverter-dev" -devserver "$addr" -assetdir frontend/dist -loglevel Warning >"$work/app.log" 2>&1 &
pids+=($!)
wait_up() { # ADDR LOG
  for _ in $(seq 1 100); do
    curl -sf "http://$1/" >/dev/null && return 0
    sleep 0.2
  done
  echo "the dev server on $1 did not start"
  cat "$2"
  exit 1
}
wait_up "$addr" "$work/app.log"
export IC_E2E_SHOTS=${IC_E2E_SHOTS:-$root/tests/e2e/test-results}
status=0
IC_E2E_ADDR=$addr IC_E2E_DATA="$work/data" IC_E2E_CONFIG="$work/config" node tests/e2e/ui.test.mjs || status=1
IC_E2E_ADDR=$addr IC_E2E_DATA="$work/data" node tests/e2e/compare.test.mjs || status=1
# Fine control: the Pro instance above, and one on the Free plan where the controls are locked.
free_addr=${IC_E2E_FREE_ADDR:-127.0.0.1:34118}
mkdir -p "$work/config-free"
DISPLAY=$display XDG_CONFIG_HOME="$work/config-free" IC_E2E_PLAN=free LANG=ko_KR.UTF-8 \
  "$work/imageconverter-dev" -devserver "$free_addr" -assetdir frontend/dist -loglevel Warning >"$work/app-free.log" 2>&1 &
pids+=($!)
wait_up "$free_addr" "$work/app-free.log"
IC_E2E_ADDR=$addr IC_E2E_FREE_ADDR=$free_addr IC_E2E_DATA="$work/data" node tests/e2e/fine.test.mjs || status=1

if [ -n "${IC_API_BASE:-}" ] && [ -n "${FIREBASE_AUTH_EMULATOR_HOST:-}" ]; then
  addr2=${IC_E2E_ACCOUNT_ADDR:-127.0.0.1:34116}
  # The app reaches the API through a proxy the test can unplug (offline).
  api_port=${IC_API_BASE##*:}
  proxy_port=$((35000 + RANDOM % 500)) proxy_ctl=$((35500 + RANDOM % 500)) control2=127.0.0.1:$((36000 + RANDOM % 500))
  node tests/e2e/netproxy.mjs "$proxy_port" "127.0.0.1:$api_port" "$proxy_ctl" &
  pids+=($!)
  DISPLAY=$display XDG_CONFIG_HOME="$work/config2" IC_API_BASE="http://127.0.0.1:$proxy_port" IC_E2E_CONTROL="$control2" \
    "$work/imageconverter-dev" -devserver "$addr2" -assetdir frontend/dist -loglevel Warning >"$work/app2.log" 2>&1 &
  pids+=($!)
  wait_up "$addr2" "$work/app2.log"
  IC_E2E_ACCOUNT_ADDR=$addr2 IC_E2E_DATA="$work/data" IC_E2E_PROXY="127.0.0.1:$proxy_ctl" IC_E2E_CONTROL="$control2" \
    node tests/e2e/account.test.mjs || status=1

  # Updates: a third instance checks a manifest the test publishes through the Hosting emulator,
  # signed by a key made for this run (trusted through IC_UPDATE_KEYS, which only test builds read).
  addr3=${IC_E2E_UPDATE_ADDR:-127.0.0.1:34117}
  run_id=e2e-$$-$RANDOM
  updates_dir=$root/web/updates/$run_id # gitignored; removed below
  mkdir -p "$updates_dir"
  cleanup_updates() { rm -rf "$updates_dir"; rmdir "$root/web/updates" 2>/dev/null || true; }
  trap 'cleanup_updates; cleanup' EXIT
  pub=$(go run ./cmd/releasetool keygen -kind update -kid "$run_id" -out "$work/update.key" | grep -o "\"$run_id:[A-Za-z0-9_-]*\"" | tr -d '"')
  DISPLAY=$display XDG_CONFIG_HOME="$work/config3" XDG_CACHE_HOME="$work/cache3" IC_E2E_PLAN=pro \
    IC_UPDATE_URL="${IC_WEB_BASE:-http://127.0.0.1:5190}/updates/$run_id/stable.json" IC_UPDATE_KEYS="$pub" \
    "$work/imageconverter-dev" -devserver "$addr3" -assetdir frontend/dist -loglevel Warning >"$work/app3.log" 2>&1 &
  pids+=($!)
  wait_up "$addr3" "$work/app3.log"
  IC_E2E_UPDATE_ADDR=$addr3 IC_E2E_DATA="$work/data" IC_E2E_UPDATE_DIR="$updates_dir" IC_E2E_UPDATE_URL="${IC_WEB_BASE:-http://127.0.0.1:5190}/updates/$run_id" \
    IC_E2E_UPDATE_KEY="$work/update.key" IC_E2E_UPDATE_PUB="$pub" IC_E2E_UPDATE_CACHE="$work/cache3" \
    node tests/e2e/update.test.mjs || status=1
elif [ "${IC_REQUIRE_SERVICES:-}" = 1 ]; then
  echo "FAIL the account suite needs the local backend: eval \"\$(scripts/stack.sh env)\""
  status=1
else
  echo "skip account suite: the local backend is not set up (scripts/stack.sh start; eval \"\$(scripts/stack.sh env)\")"
fi
exit $status
