#!/usr/bin/env bash
# Load benchmark (not a test) of GET /v1/entitlement, POST /v1/usage/reserve and the daily
# POST /v1/entitlement (sync entry + reserve block): starts the
# emulators if needed, a dedicated api server with the rate limits off on IC_LOADTEST_PORT
# (default 8181), runs functions/cmd/loadtest (200 clients, 30 s per route), stops that server.
#   scripts/loadtest.sh [-clients N] [-duration 30s] [-routes entitlement,reserve,daily]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL=${IC_LOCAL_DIR:-$ROOT/.local}
PORT=${IC_LOADTEST_PORT:-8181}
"$ROOT/scripts/emulators.sh" start
eval "$("$ROOT/scripts/emulators.sh" env)"
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "loadtest: port $PORT is in use; set IC_LOADTEST_PORT" >&2
  exit 1
fi
mkdir -p "$LOCAL/bin"
(cd "$ROOT/functions" && go build -o "$LOCAL/bin/server" ./cmd/server && go build -o "$LOCAL/bin/loadtest" ./cmd/loadtest)
(cd "$ROOT/functions" && exec env PORT="$PORT" RATE_LIMIT_IP_RPS=0 RATE_LIMIT_USER_RPS=0 "$LOCAL/bin/server" \
  >"$LOCAL/loadtest-server.log" 2>&1) &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/v1/health?deep=1" && break
  kill -0 $SERVER 2>/dev/null || { echo "loadtest: server did not start:" >&2; cat "$LOCAL/loadtest-server.log" >&2; exit 1; }
  sleep 0.25
done
"$LOCAL/bin/loadtest" -base "http://127.0.0.1:$PORT" "$@"
