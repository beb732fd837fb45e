#!/usr/bin/env bash
# Deploys ImageConverter's backend to one Firebase/Google Cloud project in one command:
#   the `api` Cloud Function (gen2, Go 1.26, secrets from Secret Manager, its own service account),
#   the Firestore rules and indexes and the checkout pages (Firebase Hosting), the default plans,
#   the Cloud Scheduler job of the renewal run (hourly, OIDC), and prints the Toss webhook URLs to register.
#
#   scripts/deploy.sh --project ID [--config FILE] [--dry-run]
#   make deploy PROJECT=ID [DRY_RUN=1]
#
# The settings are in deploy/<ID>.env (see deploy/example.env; no secrets in it: those are Secret Manager
# names). A preflight runs first, offline, and lists everything missing in one go: CLIs present and
# logged in, the project id, every setting and secret name, Toss client keys of the right kind for each
# MID, the production entitlement key compiled into the desktop app, the checkout pages' production API
# base, and the Firestore rules tests. --dry-run runs the preflight, then prints every command it would
# run and touches nothing. Everything it runs can be run again (describe-or-create, idempotent bindings).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROJECT="" CONFIG="" DRY_RUN=0

usage() { echo "usage: scripts/deploy.sh --project ID [--config FILE] [--dry-run]" >&2; exit 2; }
while (($#)); do
  case $1 in
  --project) PROJECT=${2:-}; shift 2 || usage ;;
  --project=*) PROJECT=${1#*=}; shift ;;
  --config) CONFIG=${2:-}; shift 2 || usage ;;
  --config=*) CONFIG=${1#*=}; shift ;;
  --dry-run) DRY_RUN=1; shift ;;
  -h | --help) usage ;;
  *) echo "deploy: unknown argument $1" >&2; usage ;;
  esac
done

problems=()
problem() { problems+=("$*"); }

# --- preflight -------------------------------------------------------------------------------------

if [[ -z $PROJECT ]]; then
  problem "--project is missing (the Google Cloud / Firebase project id)"
elif ! [[ $PROJECT =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]]; then
  problem "project id \"$PROJECT\" is not a valid project id (6–30 lowercase letters, digits and hyphens)"
fi

CONFIG=${CONFIG:-$ROOT/deploy/$PROJECT.env}
if [[ -n $PROJECT && -f $CONFIG ]]; then
  # shellcheck disable=SC1090
  source "$CONFIG"
elif [[ -n $PROJECT ]]; then
  problem "settings file $CONFIG is missing (copy deploy/example.env)"
fi

REGION=${REGION:-asia-northeast3}
MIN_INSTANCES=${MIN_INSTANCES:-0}
MAX_INSTANCES=${MAX_INSTANCES:-20}
TOSS_KEY_MODE=${TOSS_KEY_MODE:-live}
TOSS_BILLING_UPGRADES=${TOSS_BILLING_UPGRADES:-0}
FUNCTION_SERVICE_ACCOUNT=${FUNCTION_SERVICE_ACCOUNT:-api@$PROJECT.iam.gserviceaccount.com}
SCHEDULER_SERVICE_ACCOUNT=${SCHEDULER_SERVICE_ACCOUNT:-renewals@$PROJECT.iam.gserviceaccount.com}
WEB_BASE_URL=${WEB_BASE_URL:-https://$PROJECT.web.app}
CORS_ORIGINS=${CORS_ORIGINS:-$WEB_BASE_URL}
FUNCTION_URL=https://$REGION-$PROJECT.cloudfunctions.net/api
RENEWALS_URL=$FUNCTION_URL/v1/renewals/run

for v in ENTITLEMENT_KEY_ID SECRET_ENTITLEMENT_SIGNING_KEY SECRET_TOSS_SECRET_KEY SECRET_TOSS_BILLING_SECRET_KEY \
  TOSS_CLIENT_KEY TOSS_BILLING_CLIENT_KEY OPERATOR_EMAIL; do
  if [[ -f $CONFIG && -z ${!v:-} ]]; then problem "$v is not set in $CONFIG"; fi
done
for v in SECRET_ENTITLEMENT_SIGNING_KEY SECRET_TOSS_SECRET_KEY SECRET_TOSS_BILLING_SECRET_KEY; do
  if [[ -n ${!v:-} && ! ${!v} =~ ^[A-Za-z0-9_-]{1,255}$ ]]; then problem "$v=\"${!v}\" is not a Secret Manager secret name"; fi
done
if [[ $TOSS_KEY_MODE != live && $TOSS_KEY_MODE != test ]]; then
  problem "TOSS_KEY_MODE=\"$TOSS_KEY_MODE\": want live (production) or test (a staging project)"
fi
# The checkout pages open each MID's payment window with its client key: it must be that MID's
# API 개별 연동 키 (…_ck_…), not a 결제위젯 key (…_gck_…, which the SDK's payment() refuses), and
# test/live as the project wants. (The secret keys are checked by the function when it starts.)
for v in TOSS_CLIENT_KEY TOSS_BILLING_CLIENT_KEY; do
  key=${!v:-}
  [[ -z $key ]] && continue
  if [[ $key =~ ^(test|live)_gck_ ]]; then
    problem "$v is a 결제위젯 (payment widget) key; the payment window needs the MID's API 개별 연동 키 (${TOSS_KEY_MODE}_ck_…)"
  elif ! [[ $key =~ ^${TOSS_KEY_MODE}_ck_. ]]; then
    problem "$v is not a ${TOSS_KEY_MODE} client key (want ${TOSS_KEY_MODE}_ck_…)"
  fi
done
if [[ -n ${OPERATOR_EMAIL:-} && ! $OPERATOR_EMAIL =~ ^[^@[:space:]]+@[^@[:space:]]+$ ]]; then
  problem "OPERATOR_EMAIL=\"$OPERATOR_EMAIL\" is not an e-mail address"
fi
if [[ $TOSS_BILLING_UPGRADES != 0 && $TOSS_BILLING_UPGRADES != 1 ]]; then
  problem "TOSS_BILLING_UPGRADES=\"$TOSS_BILLING_UPGRADES\": want 1 (the automatic-payments contract allows off-cycle charges) or 0"
fi

# CLIs, and logged in (both read local credentials only).
FIREBASE=$(command -v firebase || echo "$ROOT/node_modules/.bin/firebase")
for cli in gcloud go node curl; do
  command -v "$cli" >/dev/null || problem "$cli is not installed"
done
[[ -x $FIREBASE ]] || problem "the firebase CLI is not installed (npm ci at the repository root)"
if command -v gcloud >/dev/null; then
  if [[ -z $(gcloud auth list --filter=status:ACTIVE --format='value(account)' 2>/dev/null) ]]; then
    problem "gcloud is not logged in (gcloud auth login)"
  fi
  adc=${GOOGLE_APPLICATION_CREDENTIALS:-${CLOUDSDK_CONFIG:-$HOME/.config/gcloud}/application_default_credentials.json}
  [[ -f $adc ]] || problem "no application default credentials for seeding the plans (gcloud auth application-default login)"
fi
if [[ -x $FIREBASE ]] && ! "$FIREBASE" login:list 2>/dev/null | grep -q "Logged in as"; then
  problem "the firebase CLI is not logged in (firebase login)"
fi

# The repository is ready for this project.
for f in firebase.json firestore.rules firestore.indexes.json functions/go.mod web/config.js; do
  [[ -f $ROOT/$f ]] || problem "$f is missing"
done
if [[ -f $ROOT/web/config.js ]] && ! grep -q "apiBase: \"$FUNCTION_URL\"" "$ROOT/web/config.js"; then
  problem "web/config.js: the checkout pages' production API base is not $FUNCTION_URL (set apiBase)"
fi
if [[ -n ${ENTITLEMENT_KEY_ID:-} ]] && ! grep -q "\"$ENTITLEMENT_KEY_ID\":" "$ROOT/licensing/keys.go" 2>/dev/null; then
  problem "licensing/keys.go: the desktop app does not trust entitlement key \"$ENTITLEMENT_KEY_ID\" (add its public key to builtinKeys; docs/licensing.md)"
fi
if command -v go >/dev/null; then
  if ! out=$(cd "$ROOT" && go test -count=1 -tags releasecheck -run '^TestReleaseHasBuiltinKeys$' ./licensing/ 2>&1); then
    problem "release check failed: a release build would trust no entitlement key (go test -tags releasecheck ./licensing/): $(tail -n 3 <<<"$out" | tr '\n' ' ')"
  fi
  # The rules tests need the emulators: the running ones, or a pair started for this check.
  started=0
  if [[ -z ${FIRESTORE_EMULATOR_HOST:-} || -z ${FIREBASE_AUTH_EMULATOR_HOST:-} ]]; then
    export IC_LOCAL_DIR=$ROOT/.local/preflight IC_HOSTING=0
    export IC_AUTH_PORT=${IC_AUTH_PORT:-9195} IC_FIRESTORE_PORT=${IC_FIRESTORE_PORT:-8195}
    export IC_HUB_PORT=${IC_HUB_PORT:-4495} IC_LOGGING_PORT=${IC_LOGGING_PORT:-4595}
    if "$ROOT/scripts/emulators.sh" start >/dev/null 2>&1; then
      started=1
      eval "$("$ROOT/scripts/emulators.sh" env)"
    else
      problem "the Firestore rules tests could not run: the emulators did not start (scripts/emulators.sh start)"
    fi
  fi
  if [[ -n ${FIRESTORE_EMULATOR_HOST:-} ]] &&
    ! out=$(cd "$ROOT/functions" && IC_REQUIRE_SERVICES=1 go test -count=1 -run '^TestFirestoreRules$' . 2>&1); then
    problem "the Firestore rules tests fail (cd functions && go test -run TestFirestoreRules .): $(tail -n 3 <<<"$out" | tr '\n' ' ')"
  fi
  if ((started)); then "$ROOT/scripts/emulators.sh" stop >/dev/null 2>&1; fi
fi

if ((${#problems[@]})); then
  echo "deploy: the preflight found ${#problems[@]} problem(s); nothing was deployed:" >&2
  printf '  - %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "deploy: preflight passed for project $PROJECT ($REGION)"

# --- deploy ---------------------------------------------------------------------------------------

# run prints a command and, unless --dry-run, runs it (stopping at the first failure).
run() {
  printf '+ %s\n' "$*"
  if ((!DRY_RUN)); then
    "$@" || { echo "deploy: failed: $*" >&2; exit 1; }
  fi
}
# ensure DESCRIBE... -- CREATE...: creates what describe does not find.
ensure() {
  local describe=() create=()
  while [[ $1 != -- ]]; do describe+=("$1"); shift; done
  shift
  create=("$@")
  printf '+ %s || %s\n' "${describe[*]}" "${create[*]}"
  if ((!DRY_RUN)) && ! "${describe[@]}" >/dev/null 2>&1; then
    "${create[@]}" || { echo "deploy: failed: ${create[*]}" >&2; exit 1; }
  fi
}

P=--project=$PROJECT
# Secrets must exist already (their values never pass through this script).
for s in "$SECRET_ENTITLEMENT_SIGNING_KEY" "$SECRET_TOSS_SECRET_KEY" "$SECRET_TOSS_BILLING_SECRET_KEY"; do
  run gcloud secrets describe "$s" "$P" --format=value\(name\)
done
# The function's own service account: Firestore, Firebase Auth (plan claims), its three secrets.
ensure gcloud iam service-accounts describe "$FUNCTION_SERVICE_ACCOUNT" "$P" -- \
  gcloud iam service-accounts create "${FUNCTION_SERVICE_ACCOUNT%%@*}" "$P" --display-name="ImageConverter api function"
for role in roles/datastore.user roles/firebaseauth.admin; do
  run gcloud projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$FUNCTION_SERVICE_ACCOUNT" --role="$role" --condition=None --quiet
done
for s in "$SECRET_ENTITLEMENT_SIGNING_KEY" "$SECRET_TOSS_SECRET_KEY" "$SECRET_TOSS_BILLING_SECRET_KEY"; do
  run gcloud secrets add-iam-policy-binding "$s" "$P" --member="serviceAccount:$FUNCTION_SERVICE_ACCOUNT" --role=roles/secretmanager.secretAccessor --quiet
done
# Cloud Scheduler calls the renewal run with an OIDC token of this account (the function checks it).
ensure gcloud iam service-accounts describe "$SCHEDULER_SERVICE_ACCOUNT" "$P" -- \
  gcloud iam service-accounts create "${SCHEDULER_SERVICE_ACCOUNT%%@*}" "$P" --display-name="ImageConverter renewal run"

env_vars="GOOGLE_CLOUD_PROJECT=$PROJECT;ENTITLEMENT_KEY_ID=$ENTITLEMENT_KEY_ID;TOSS_CLIENT_KEY=$TOSS_CLIENT_KEY"
env_vars+=";TOSS_BILLING_CLIENT_KEY=$TOSS_BILLING_CLIENT_KEY;TOSS_BILLING_UPGRADES=$TOSS_BILLING_UPGRADES"
env_vars+=";WEB_BASE_URL=$WEB_BASE_URL;CORS_ORIGINS=$CORS_ORIGINS;OPERATOR_EMAIL=$OPERATOR_EMAIL"
env_vars+=";SCHEDULER_OIDC_AUDIENCE=$RENEWALS_URL;SCHEDULER_SERVICE_ACCOUNT=$SCHEDULER_SERVICE_ACCOUNT"
secrets="ENTITLEMENT_SIGNING_KEY=$SECRET_ENTITLEMENT_SIGNING_KEY:latest,TOSS_SECRET_KEY=$SECRET_TOSS_SECRET_KEY:latest"
secrets+=",TOSS_BILLING_SECRET_KEY=$SECRET_TOSS_BILLING_SECRET_KEY:latest"
# (The ^;^ prefix makes ; the separator: CORS_ORIGINS may hold commas.)
run gcloud functions deploy api --gen2 "$P" --region="$REGION" --runtime=go126 --source="$ROOT/functions" \
  --entry-point=api --trigger-http --allow-unauthenticated --service-account="$FUNCTION_SERVICE_ACCOUNT" \
  --memory=256Mi --timeout=300s --min-instances="$MIN_INSTANCES" --max-instances="$MAX_INSTANCES" \
  --set-env-vars="^;^$env_vars" --set-secrets="$secrets"
run "$FIREBASE" deploy --only firestore:rules,firestore:indexes,hosting "$P" --non-interactive --config="$ROOT/firebase.json"
# Default plans, where none exist yet (plans edited in the console are kept).
run env GOOGLE_CLOUD_PROJECT="$PROJECT" go -C "$ROOT/functions" run ./cmd/admin seed-plans
job=(--location="$REGION" --schedule="0 * * * *" --time-zone=Asia/Seoul --uri="$RENEWALS_URL" --http-method=POST
  --oidc-service-account-email="$SCHEDULER_SERVICE_ACCOUNT" --oidc-token-audience="$RENEWALS_URL" --attempt-deadline=300s)
printf '+ %s\n' "gcloud scheduler jobs describe renewals $P --location=$REGION && gcloud scheduler jobs update http renewals $P ${job[*]} || gcloud scheduler jobs create http renewals $P ${job[*]}"
if ((!DRY_RUN)); then
  if gcloud scheduler jobs describe renewals "$P" --location="$REGION" >/dev/null 2>&1; then
    gcloud scheduler jobs update http renewals "$P" "${job[@]}" || { echo "deploy: scheduler job update failed" >&2; exit 1; }
  else
    gcloud scheduler jobs create http renewals "$P" "${job[@]}" || { echo "deploy: scheduler job create failed" >&2; exit 1; }
  fi
fi
# The function starts, reads its secrets (it refuses Toss keys of the wrong kind) and reaches Firestore.
run curl -fsS --retry 5 --retry-delay 3 "$FUNCTION_URL/v1/health?deep=1"

cat <<EOF

Register in the Toss developer center (개발자센터 → 웹훅), event PAYMENT_STATUS_CHANGED, one URL per MID:
  one-time payments MID:     $FUNCTION_URL/v1/webhooks/toss?merchant=once
  automatic payments MID:    $FUNCTION_URL/v1/webhooks/toss?merchant=billing
Once per project: firebase ext:install firebase/firestore-send-email --project=$PROJECT (collection "mail").
EOF
if ((DRY_RUN)); then echo "deploy: dry run: nothing was changed"; fi
