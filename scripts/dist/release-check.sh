#!/usr/bin/env bash
# Says whether the packages about to be built can be released: a build without a production
# entitlement key compiled in (licensing/keys.go) would put every paying user on the Free plan.
# Without IC_RELEASE it only warns, so CI and developers can build and test the packages; with
# IC_RELEASE=1 (the tag workflow) it fails the build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if go test -count=1 -tags releasecheck -run '^TestReleaseHasBuiltinKeys$' ./licensing/ >/dev/null 2>&1; then
  exit 0
fi
if [[ ${IC_RELEASE:-} == 1 ]]; then
  echo "release-check: no production entitlement key is compiled in (licensing/keys.go): refusing a release build" >&2
  exit 1
fi
cat >&2 <<'MSG'
release-check: NOT FOR RELEASE: no production entitlement key is compiled in (licensing/keys.go),
release-check: so these packages would put every paying user on Free. Fine for tests; a tagged
release build (IC_RELEASE=1) refuses.
MSG
