#!/usr/bin/env bash
# `make test-dist`: the packaging tests, after `make dist` built the packages.
#   tests/dist/windows.sh   the Windows installer under Wine
#   tests/dist/deb.sh       the .deb: apt-get install, window + drop under Xvfb, apt-get purge
# Runs both even when the first fails, then prints one "dist: N passed, M failed" line.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
pass=0 fail=0 status=0
for t in tests/dist/windows.sh tests/dist/deb.sh; do
  printf '\n=== %s\n' "$t"
  out=$(mktemp)
  "$t" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  counts=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)
  rm -f "$out"
  if [[ -z $counts ]]; then
    echo "--- $t stopped before its checks ran (exit $rc)"
    fail=$((fail + 1))
  else
    p=${counts#*: }; p=${p%% *}
    f=${counts%% failed}; f=${f##* }
    pass=$((pass + p)) fail=$((fail + f))
  fi
  ((rc == 0)) || status=1
done
printf '\ndist: %d passed, %d failed\n' "$pass" "$fail"
exit $status
