#!/usr/bin/env bash
# Prints the version of this checkout, the one number the binary, the installer and the .deb carry.
#
#   scripts/dist/version.sh            1.2.3 | 1.2.3+4.gabc1234 | 0.0.0-dev+gabc1234 (+ .dirty)
#   scripts/dist/version.sh --windows  1.2.3.0    (Windows file/product version: four numbers)
#   scripts/dist/version.sh --deb      1.2.3, 1.3.0~beta.1, 0.0.0~dev+gabc1234 (Debian ordering)
#
# From the newest tag vX.Y.Z[-pre] reachable from HEAD (`git describe`). Commits after the tag become
# build metadata ("+N.gSHA"), so a developer's build never looks older than the release it grew from
# (an update check would otherwise offer that release as an update). IC_VERSION overrides, for a
# build from a source tarball without .git.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

semver() {
  if [[ -n ${IC_VERSION:-} ]]; then echo "${IC_VERSION#v}"; return; fi
  local desc sha dirty=""
  if ! git rev-parse --git-dir >/dev/null 2>&1; then echo "0.0.0-dev"; return; fi
  git diff --quiet HEAD -- 2>/dev/null || dirty=dirty
  if desc=$(git describe --tags --long --match 'v[0-9]*.[0-9]*.[0-9]*' 2>/dev/null) &&
    [[ $desc =~ ^v(.+)-([0-9]+)-(g[0-9a-f]+)$ ]]; then # vX.Y.Z[-pre]-N-gSHA
    local tag=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]}
    sha=${BASH_REMATCH[3]}
    if [[ $n == 0 ]]; then
      echo "$tag${dirty:++$dirty}"
    else
      echo "$tag+$n.$sha${dirty:+.$dirty}"
    fi
  else
    sha=g$(git rev-parse --short=7 HEAD)
    echo "0.0.0-dev+$sha${dirty:+.$dirty}"
  fi
}

v=$(semver)
case ${1:-} in
  "") echo "$v" ;;
  --windows)
    core=${v%%[-+]*}
    IFS=. read -r major minor patch <<<"$core"
    echo "${major:-0}.${minor:-0}.${patch:-0}.0" ;;
  --deb) echo "${v//-/\~}" ;;
  *) echo "usage: $0 [--windows|--deb]" >&2; exit 2 ;;
esac
