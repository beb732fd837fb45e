#!/usr/bin/env bash
# Every test of the project, in the order that fails fastest: lint, unit tests, the short fuzz run,
# then the local stack (Firebase emulators + functions server + fake Toss) for the integration tests,
# then the desktop app under Xvfb and the UI in Chromium. Starts and stops every service it needs.
# `make test` runs it after scripts/setup.sh; .ci/run runs `make test`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# A missing service is a failure here, never a skip.
export IC_REQUIRE_SERVICES=1
# Test stack state apart from a developer's `make run` stack, on its own ports.
export IC_LOCAL_DIR=$ROOT/.local/test
export IC_AUTH_PORT=${IC_AUTH_PORT:-9191} IC_FIRESTORE_PORT=${IC_FIRESTORE_PORT:-8191}
export IC_HUB_PORT=${IC_HUB_PORT:-4491} IC_LOGGING_PORT=${IC_LOGGING_PORT:-4591}
export IC_API_PORT=${IC_API_PORT:-8082} IC_TOSS_PORT=${IC_TOSS_PORT:-8092} IC_HOSTING_PORT=${IC_HOSTING_PORT:-5191}

step() { printf '\n=== %s\n' "$*"; }
failed=()
steps=0
run() { # NAME COMMAND...: run a step, remember a failure, go on so one run shows every failure.
  local name=$1; shift
  steps=$((steps + 1))
  step "$name"
  if ! "$@"; then failed+=("$name"); echo "--- FAILED: $name"; fi
}

stack_up=0
cleanup() {
  if [[ $stack_up == 1 ]]; then scripts/stack.sh stop || true; fi
}
trap cleanup EXIT INT TERM

step "frontend build (the app embeds frontend/dist)"
(cd frontend && npm run build)

run "lint: gofmt, go vet, svelte-check" make --no-print-directory lint
run "converter and runs (race detector)" go test -race -count=1 ./converter/... ./runs/...
run "fuzz: decode (short)" go test -run='^$' -fuzz='^FuzzDecode$' -fuzztime=20s ./converter/decode
run "cmd/convert" go test -count=1 ./cmd/...
run "window guard (WebKitGTK)" go test -count=1 -tags webkit2_41 ./platform

step "local stack: emulators, functions server, fake Toss"
stack_up=1
scripts/stack.sh start
eval "$(scripts/stack.sh env)"

run "functions: routes, rules, payments on the emulators" bash -c 'cd functions && go test -count=1 -p 1 ./...'
# Every root package but the converter (tested above with -race): app, licensing, platform, ...
run "licensing and app on the emulators" go test -count=1 -p 1 $(go list ./... | grep -v -e '/converter' -e '/cmd/' -e '/runs')
run "licensing: real Secret Service keychain" licensing/secrets/run_keychain_test.sh
run "checkout pages in Chromium (fake Toss windows)" node web/e2e/checkout.e2e.mjs
if [[ -x tests/gui/run.sh ]]; then run "desktop window under Xvfb: native drop" tests/gui/run.sh; fi
if [[ -x tests/e2e/run.sh ]]; then run "UI in Chromium (Playwright)" tests/e2e/run.sh; fi

printf '\nsteps: %d passed, %d failed\n' $((steps - ${#failed[@]})) ${#failed[@]}
if ((${#failed[@]})); then
  printf 'FAILED steps:\n'; printf '  %s\n' "${failed[@]}"
  exit 1
fi
