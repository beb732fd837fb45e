#!/usr/bin/env bash
# `make run`: the whole product on this machine, offline. Starts the local backend (Firebase Auth,
# Firestore and Hosting emulators, the `api` function server, the fake Toss Payments with its payment
# pages, seeded plans and demo users), then the desktop app pointed at it. Closing the app stops the
# backend again unless IC_KEEP_STACK=1.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN=build/bin/imageconverter
[[ -x $BIN ]] || { echo "run: $BIN is missing; run 'make build' first" >&2; exit 1; }

scripts/stack.sh start
if [[ ${IC_KEEP_STACK:-0} != 1 ]]; then trap 'scripts/stack.sh stop' EXIT INT TERM; fi
eval "$(scripts/stack.sh env)"

cat <<MSG

ImageConverter is starting against the local stack.
  Demo accounts (local only): free@example.com, basic@example.com, pro@example.com — password "password"
  Test cards on the fake payment page: 4330000000000001 approves, 4000000000000002 is declined,
  4000000000000119 fails at the card company.
MSG

if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
  # A server without a desktop: run the window on a virtual display so the product still starts;
  # `import -display :${IC_DISPLAY:-77} -window root shot.png` takes a look at it.
  echo "  No display found: running the app on the virtual display :${IC_DISPLAY:-77} (Xvfb)."
  Xvfb ":${IC_DISPLAY:-77}" -screen 0 1280x860x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  trap 'kill $xvfb_pid 2>/dev/null; [[ ${IC_KEEP_STACK:-0} == 1 ]] || scripts/stack.sh stop' EXIT INT TERM
  export DISPLAY=":${IC_DISPLAY:-77}"
  sleep 1
fi
"$BIN"
