#!/usr/bin/env bash
# Starts and stops the Firebase emulators of the local stack, offline:
#   Firestore: Google's emulator jar from Debian's google-cloud-cli-firestore-emulator, on Java 17+;
#   Auth:      firebase-tools (pinned in package.json; installed with `npm ci --omit=optional`).
# On a laptop with internet and no jar, IC_EMULATOR_MODE=firebase (or auto without the jar) runs both
# through plain `firebase emulators:start`.
#
#   scripts/emulators.sh start|stop|restart|status|env|reset
#
# `env` prints the export lines for clients and tests: eval "$(scripts/emulators.sh env)".
# `reset` deletes all Firestore documents and Auth accounts of the project (tests use the same calls).
# Ports, project and state directory come from the environment (defaults: docs/ARCHITECTURE.md):
#   IC_AUTH_PORT=9190 IC_FIRESTORE_PORT=8190 IC_HOSTING_PORT=5190 IC_HUB_PORT=4490 IC_LOGGING_PORT=4590
#   IC_HOSTING=auto|0|1 (auto: serve web/ — the checkout pages — when web/index.html exists)
#   IC_PROJECT=demo-imageconverter IC_LOCAL_DIR=<repo>/.local IC_EMULATOR_MODE=auto|jar|firebase
#   IC_FIRESTORE_JAR=/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar
# PID files and logs live in $IC_LOCAL_DIR (git-ignored).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL=${IC_LOCAL_DIR:-$ROOT/.local}
PROJECT=${IC_PROJECT:-demo-imageconverter}
AUTH_PORT=${IC_AUTH_PORT:-9190}
FS_PORT=${IC_FIRESTORE_PORT:-8190}
HOSTING_PORT=${IC_HOSTING_PORT:-5190}
HOSTING=${IC_HOSTING:-auto}
HUB_PORT=${IC_HUB_PORT:-4490}
LOGGING_PORT=${IC_LOGGING_PORT:-4590}
JAR=${IC_FIRESTORE_JAR:-/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar}
MODE=${IC_EMULATOR_MODE:-auto}
FIREBASE=$ROOT/node_modules/.bin/firebase
export NO_UPDATE_NOTIFIER=1 FIREBASE_CLI_DISABLE_UPDATE_CHECK=1

log() { printf 'emulators: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

mkdir -p "$LOCAL"

if [[ $HOSTING == auto ]]; then
  if [[ -f $ROOT/web/index.html ]]; then HOSTING=1; else HOSTING=0; fi
fi

if [[ $MODE == auto ]]; then
  if [[ -f $JAR ]]; then MODE=jar; else MODE=firebase; fi
fi

pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_http URL SECONDS NAME PIDFILE LOG: until URL answers 2xx, the process dies, or time runs out.
wait_http() {
  local url=$1 secs=$2 name=$3 pidfile=$4 logfile=$5 i
  for ((i = 0; i < secs * 4; i++)); do
    if curl -sf -o /dev/null --max-time 2 "$url"; then return 0; fi
    if ! pid_alive "$pidfile"; then
      log "$name exited during start-up; last lines of $logfile:"; tail -n 30 "$logfile" >&2 || true
      return 1
    fi
    sleep 0.25
  done
  log "$name did not answer at $url within ${secs}s; last lines of $logfile:"; tail -n 30 "$logfile" >&2 || true
  return 1
}

java_major() {
  java -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]); exit}'
}

ensure_firebase_tools() {
  if [[ ! -x $FIREBASE ]]; then
    command -v npm >/dev/null || die "npm is missing (Node 20 is needed for firebase-tools)"
    log "installing firebase-tools (npm ci --omit=optional, ~35 s)"
    (cd "$ROOT" && npm ci --omit=optional --no-audit --no-fund >"$LOCAL/npm-ci.log" 2>&1) ||
      die "npm ci failed; see $LOCAL/npm-ci.log"
  fi
}

# A firebase-tools config for our ports, inside $LOCAL so that its logs and
# state stay there.
write_firebase_config() {
  local only=$1 fs="" hosting=""
  if [[ $only == *firestore* ]]; then
    fs="\"firestore\": { \"host\": \"127.0.0.1\", \"port\": $FS_PORT },"
  fi
  if [[ $only == *hosting* ]]; then
    hosting="\"hosting\": { \"host\": \"127.0.0.1\", \"port\": $HOSTING_PORT },"
  fi
  # Relative to $LOCAL: firebase-tools joins paths onto its project directory.
  local rel; rel=$(realpath --relative-to="$LOCAL" "$ROOT")
  cat >"$LOCAL/firebase.json" <<JSON
{
  "firestore": { "rules": "$rel/firestore.rules", "indexes": "$rel/firestore.indexes.json" },
  "hosting": { "public": "$rel/web", "ignore": ["e2e/**"] },
  "emulators": {
    "singleProjectMode": true,
    "auth": { "host": "127.0.0.1", "port": $AUTH_PORT },
    $fs
    $hosting
    "hub": { "host": "127.0.0.1", "port": $HUB_PORT },
    "logging": { "host": "127.0.0.1", "port": $LOGGING_PORT },
    "ui": { "enabled": false }
  }
}
JSON
}

start_firestore_jar() {
  local pidfile=$LOCAL/firestore.pid logfile=$LOCAL/firestore.log
  if pid_alive "$pidfile"; then log "firestore already running (pid $(cat "$pidfile"), port $FS_PORT)"; return 0; fi
  port_busy "$FS_PORT" && die "port $FS_PORT is already in use by another program (set IC_FIRESTORE_PORT)"
  command -v java >/dev/null || die "java is missing: apt-get install openjdk-17-jre-headless"
  local major; major=$(java_major)
  ((major >= 17)) || die "the Firestore emulator jar needs Java 17+, found $major"
  log "starting firestore emulator (jar, Java $major) on 127.0.0.1:$FS_PORT"
  # setsid: its own process group, so a Ctrl-C of the caller does not take it down half-way.
  setsid java -cp "$JAR" com.google.cloud.datastore.emulator.firestore.CloudFirestore start \
    --host=127.0.0.1 --port="$FS_PORT" --rules="$ROOT/firestore.rules" --project_id="$PROJECT" \
    >"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
  wait_http "http://127.0.0.1:$FS_PORT/" 60 firestore "$pidfile" "$logfile" || { stop_one firestore; exit 1; }
}

start_firebase_tools() {
  local only=$1 pidfile=$LOCAL/firebase.pid logfile=$LOCAL/firebase.log
  if pid_alive "$pidfile"; then log "firebase-tools already running (pid $(cat "$pidfile"))"; return 0; fi
  port_busy "$AUTH_PORT" && die "port $AUTH_PORT is already in use by another program (set IC_AUTH_PORT)"
  if [[ $only == *hosting* ]] && port_busy "$HOSTING_PORT"; then
    die "port $HOSTING_PORT is already in use by another program (set IC_HOSTING_PORT)"
  fi
  ensure_firebase_tools
  write_firebase_config "$only"
  log "starting firebase-tools emulators ($only) on auth 127.0.0.1:$AUTH_PORT (takes ~20 s)"
  (cd "$LOCAL" && exec setsid "$FIREBASE" emulators:start --only "$only" --project "$PROJECT" \
    --config "$LOCAL/firebase.json" >"$logfile" 2>&1 </dev/null) &
  echo $! >"$pidfile"
  wait_http "http://127.0.0.1:$AUTH_PORT/" 120 "auth emulator" "$pidfile" "$logfile" || { stop_one firebase; exit 1; }
  if [[ $only == *firestore* ]]; then
    wait_http "http://127.0.0.1:$FS_PORT/" 60 firestore "$pidfile" "$logfile" || { stop_one firebase; exit 1; }
  fi
  if [[ $only == *hosting* ]]; then
    wait_http "http://127.0.0.1:$HOSTING_PORT/" 60 "hosting emulator" "$pidfile" "$logfile" || { stop_one firebase; exit 1; }
  fi
}

# stop_one NAME: TERM the process (firebase-tools then stops its own children,
# e.g. a java Firestore), wait, and only then clean up its process group.
stop_one() {
  local name=$1 pidfile=$LOCAL/$1.pid pid i
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 120; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop after 30 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  # Leftovers in the group we created with setsid (pgid = pid).
  if kill -0 -- "-$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    sleep 1
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

print_env() {
  cat <<ENV
export GOOGLE_CLOUD_PROJECT=$PROJECT
export FIRESTORE_EMULATOR_HOST=127.0.0.1:$FS_PORT
export FIREBASE_AUTH_EMULATOR_HOST=127.0.0.1:$AUTH_PORT
ENV
}

reset_data() {
  curl -sf -X DELETE "http://127.0.0.1:$FS_PORT/emulator/v1/projects/$PROJECT/databases/(default)/documents" >/dev/null ||
    die "could not reset Firestore at 127.0.0.1:$FS_PORT"
  curl -sf -X DELETE "http://127.0.0.1:$AUTH_PORT/emulator/v1/projects/$PROJECT/accounts" >/dev/null ||
    die "could not reset Auth at 127.0.0.1:$AUTH_PORT"
  log "emptied Firestore and Auth of $PROJECT"
}

case ${1:-} in
start)
  if [[ $MODE == jar ]]; then
    [[ -f $JAR ]] || die "no Firestore emulator jar at $JAR (apt-get install google-cloud-cli-firestore-emulator, or IC_EMULATOR_MODE=firebase)"
    start_firestore_jar
    only=auth
  else
    # firebase-tools runs its own Firestore emulator (downloaded on first use) on Java 21+ only.
    command -v java >/dev/null || die "java is missing (firebase-tools' Firestore emulator needs Java 21+)"
    major=$(java_major)
    ((major >= 21)) || die "firebase-tools' Firestore emulator needs Java 21+, found $major; install google-cloud-cli-firestore-emulator and use IC_EMULATOR_MODE=jar (Java 17 is enough)"
    only=auth,firestore
  fi
  if [[ $HOSTING == 1 ]]; then only=$only,hosting; fi
  start_firebase_tools "$only"
  log "ready: firestore 127.0.0.1:$FS_PORT, auth 127.0.0.1:$AUTH_PORT$([[ $HOSTING == 1 ]] && echo ", hosting http://127.0.0.1:$HOSTING_PORT"), project $PROJECT (mode $MODE)"
  ;;
stop)
  stop_one firebase
  stop_one firestore
  ;;
restart)
  "$0" stop
  "$0" start
  ;;
status)
  for n in firestore firebase; do
    if pid_alive "$LOCAL/$n.pid"; then echo "$n: running (pid $(cat "$LOCAL/$n.pid"))"; else echo "$n: stopped"; fi
  done
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$FS_PORT/" && echo "firestore: answering on $FS_PORT" || echo "firestore: not answering on $FS_PORT"
  curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$AUTH_PORT/" && echo "auth: answering on $AUTH_PORT" || echo "auth: not answering on $AUTH_PORT"
  if [[ $HOSTING == 1 ]]; then
    curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$HOSTING_PORT/" && echo "hosting: answering on $HOSTING_PORT" || echo "hosting: not answering on $HOSTING_PORT"
  fi
  ;;
env) print_env ;;
reset) reset_data ;;
*)
  echo "usage: $0 start|stop|restart|status|env|reset" >&2
  exit 2
  ;;
esac
