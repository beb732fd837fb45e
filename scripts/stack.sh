#!/usr/bin/env bash
# The local backend: Firebase emulators + seeded plans and demo users + the `api` function server
# (+ the fake Toss, with its two MIDs, when functions/cmd/faketoss exists). Idempotent: `start` on a
# running stack only checks it and re-seeds; `stop` stops what the PID files name.
#
#   scripts/stack.sh start|stop|restart|status|env
#
# Demo users (local only): free@example.com, basic@example.com, pro@example.com, password "password".
# Ports (defaults: docs/ARCHITECTURE.md): IC_API_PORT=8081 IC_TOSS_PORT=8091, plus the emulator ports
# of scripts/emulators.sh (IC_AUTH_PORT, IC_FIRESTORE_PORT, ...). State and logs: $IC_LOCAL_DIR (.local/).
# `env` prints exports for clients and tests: eval "$(scripts/stack.sh env)".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL=${IC_LOCAL_DIR:-$ROOT/.local}
API_PORT=${IC_API_PORT:-8081}
TOSS_PORT=${IC_TOSS_PORT:-8091}
WEB_PORT=${IC_HOSTING_PORT:-5190} # the checkout pages, served by the Hosting emulator
SCHEDULER_SECRET=${SCHEDULER_SECRET:-local-scheduler-secret}
EMU=$ROOT/scripts/emulators.sh
BIN=$LOCAL/bin
UPDATE_KEY=$ROOT/.local/update.key UPDATE_PUB=$ROOT/.local/update.pub
export IC_LOCAL_DIR=$LOCAL

log() { printf 'stack: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

have_faketoss() { [[ -f $ROOT/functions/cmd/faketoss/main.go ]]; }

print_env() {
  "$EMU" env
  cat <<ENV
export IC_API_BASE=http://127.0.0.1:$API_PORT
export IC_WEB_BASE=http://127.0.0.1:$WEB_PORT
export SCHEDULER_SECRET=$SCHEDULER_SECRET
ENV
  if have_faketoss; then echo "export TOSS_API_BASE=http://127.0.0.1:$TOSS_PORT"; fi
  # Local builds trust the local update key (only builds with the localstack tag read it).
  if [[ -f $UPDATE_PUB ]]; then
    echo "export IC_UPDATE_KEYS=$(cat "$UPDATE_PUB")"
    echo "export IC_UPDATE_URL=http://127.0.0.1:$WEB_PORT/updates/local/stable.json"
  fi
}

# publish_local_update: the manifest the local builds check for updates (web/updates/local/, which
# firebase.json keeps out of deploys), signed by a key of this checkout (.local/update.key, shared by
# every stack of the checkout so they all write the same trust). It announces 0.0.0-dev: any build
# of the working tree is up to date, and "check for updates" answers as it will in production.
publish_local_update() {
  if [[ ! -f $UPDATE_KEY || ! -f $UPDATE_PUB ]]; then
    mkdir -p "$(dirname "$UPDATE_KEY")"
    rm -f "$UPDATE_KEY"
    "$BIN/releasetool" keygen -kind update -kid local -out "$UPDATE_KEY" |
      grep -o '"local:[A-Za-z0-9_-]*"' | tr -d '"' >"$UPDATE_PUB.tmp" && mv "$UPDATE_PUB.tmp" "$UPDATE_PUB"
  fi
  "$BIN/releasetool" local-manifest -key "$UPDATE_KEY" -out "$ROOT/web/updates/local/stable.json" >/dev/null ||
    die "could not write the local update manifest"
}

wait_http() { # URL SECONDS NAME PIDFILE LOG
  local i
  for ((i = 0; i < $2 * 4; i++)); do
    curl -sf -o /dev/null --max-time 2 "$1" && return 0
    if ! pid_alive "$4"; then log "$3 exited; last lines of $5:"; tail -n 30 "$5" >&2; return 1; fi
    sleep 0.25
  done
  log "$3 did not answer at $1 within $2 s; last lines of $5:"; tail -n 30 "$5" >&2
  return 1
}

build() {
  mkdir -p "$BIN"
  log "building functions/cmd/{server,admin$(have_faketoss && echo ,faketoss)}"
  (cd "$ROOT/functions" && go build -o "$BIN/server" ./cmd/server && go build -o "$BIN/admin" ./cmd/admin) ||
    die "go build failed"
  if have_faketoss; then
    (cd "$ROOT/functions" && go build -o "$BIN/faketoss" ./cmd/faketoss) || die "go build ./cmd/faketoss failed"
  fi
  (cd "$ROOT" && go build -o "$BIN/releasetool" ./cmd/releasetool) || die "go build ./cmd/releasetool failed"
}

# start_bg NAME PORT URL -- CMD...: run CMD in functions/ (so the dev key is found) in its own
# process group, with a PID file and a log, and wait until URL answers.
start_bg() {
  local name=$1 port=$2 url=$3; shift 4
  local pidfile=$LOCAL/$name.pid logfile=$LOCAL/$name.log
  if pid_alive "$pidfile"; then log "$name already running (pid $(cat "$pidfile"))"; return 0; fi
  port_busy "$port" && die "port $port is already in use by another program (set the IC_*_PORT variable)"
  (cd "$ROOT/functions" && exec setsid "$@" >"$logfile" 2>&1 </dev/null) &
  echo $! >"$pidfile"
  wait_http "$url" 60 "$name" "$pidfile" "$logfile" || { stop_one "$name"; exit 1; }
  log "$name ready on 127.0.0.1:$port"
}

stop_one() {
  local pidfile=$LOCAL/$1.pid pid i
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $1 (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

start() {
  "$EMU" start
  eval "$("$EMU" env)"
  export SCHEDULER_SECRET
  build
  publish_local_update
  (cd "$ROOT/functions" && "$BIN/admin" seed-plans && "$BIN/admin" seed-demo) || die "seeding failed"
  if have_faketoss; then
    # Fake Toss with two MIDs (one-time payments, automatic payments), each sending its webhooks to
    # the URL registered for it, as in production. Same keys as the api function below.
    export TOSS_SECRET_KEY=${TOSS_SECRET_KEY:-test_sk_fake_imageconverter}
    export TOSS_CLIENT_KEY=${TOSS_CLIENT_KEY:-test_ck_fake_imageconverter}
    export TOSS_BILLING_SECRET_KEY=${TOSS_BILLING_SECRET_KEY:-test_sk_fake_imageconverter_billing}
    export TOSS_BILLING_CLIENT_KEY=${TOSS_BILLING_CLIENT_KEY:-test_ck_fake_imageconverter_billing}
    FAKETOSS_ADDR=127.0.0.1:$TOSS_PORT \
      FAKETOSS_WEBHOOK_URL="http://127.0.0.1:$API_PORT/v1/webhooks/toss?merchant=once" \
      FAKETOSS_BILLING_WEBHOOK_URL="http://127.0.0.1:$API_PORT/v1/webhooks/toss?merchant=billing" \
      start_bg faketoss "$TOSS_PORT" "http://127.0.0.1:$TOSS_PORT/sdk.js" -- "$BIN/faketoss"
    export TOSS_API_BASE=http://127.0.0.1:$TOSS_PORT
  fi
  # The checkout links the server hands out, and the origins its CORS answers, follow the hosting port.
  export WEB_BASE_URL=${WEB_BASE_URL:-http://127.0.0.1:$WEB_PORT}
  export CORS_ORIGINS=${CORS_ORIGINS:-http://127.0.0.1:$WEB_PORT,http://localhost:$WEB_PORT}
  PORT=$API_PORT start_bg server "$API_PORT" "http://127.0.0.1:$API_PORT/v1/health?deep=1" -- "$BIN/server"
  log "ready: api http://127.0.0.1:$API_PORT — demo users free@/basic@/pro@example.com, password \"password\""
  log "for clients and tests: eval \"\$(scripts/stack.sh env)\""
}

case ${1:-} in
start) start ;;
stop)
  stop_one server
  stop_one faketoss
  "$EMU" stop
  ;;
restart)
  "$0" stop
  "$0" start
  ;;
status)
  "$EMU" status
  for n in server faketoss; do
    if pid_alive "$LOCAL/$n.pid"; then echo "$n: running (pid $(cat "$LOCAL/$n.pid"))"; else echo "$n: stopped"; fi
  done
  ;;
env) print_env ;;
*)
  echo "usage: $0 start|stop|restart|status|env" >&2
  exit 2
  ;;
esac
