#!/usr/bin/env bash
# The linker flags of a shipped build: stripped, the version from the git tag (version.sh), and the
# production settings from IC_RELEASE_* (cmd/releasetool ldflags: all of them or none; none makes a
# test package that talks to the local stack, and says so on stderr; IC_RELEASE=1 refuses that).
# Runs the tool for this machine even when the caller cross-compiles.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
settings=$(env -u GOOS -u GOARCH -u CC -u CXX -u PKG_CONFIG -u CGO_CFLAGS -u CGO_LDFLAGS -u CGO_ENABLED \
  go run ./cmd/releasetool ldflags)
echo "-s -w -X imageconverter/version.Version=$(scripts/dist/version.sh) $settings"
