#!/usr/bin/env bash
# Says whether the packages about to be built can be released (cmd/releasetool check): the production
# entitlement key and the update key compiled in (licensing/keys.go, update/keys.go) and every
# production setting given (IC_RELEASE_*, docs/release.md). Without IC_RELEASE it only warns, so CI and
# developers can build and test the packages; with IC_RELEASE=1 (the tag workflow) it fails the build
# and names every gap.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec env -u GOOS -u GOARCH go run ./cmd/releasetool check
