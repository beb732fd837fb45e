# The same verbs for developers and CI (.ci/run calls `make test`).
#   make run    the whole product locally: emulators + functions + fake Toss + demo data + the desktop app
#   make test   every test: lint, unit, integration on the emulators, fuzz (short), GUI under Xvfb, browser
#   make lint   gofmt, go vet (both modules), svelte-check, actionlint (the release workflow)
#   make build  the desktop app binary for the local stack (build/bin/imageconverter; learns the local API's key)
#   make release the shippable binary (build/bin/imageconverter-release): compiled-in keys and the production
#               settings (IC_RELEASE_*), or it refuses and names what is missing
#   make release-manifest  the signed update manifest of a release's packages (docs/release.md)
#   make bench  converter speed against cwebp/avifenc, side by side (prints ratios)
#   make dist   every package this machine can build, into build/dist/: the Windows x64 installer
#               (cross-built, codecs from Debian's sources, cached in ~/.cache/imageconverter) and the .deb
#   make test-dist  the packages tested: the installer under Wine, the .deb installed, run and purged
#   make deploy PROJECT=<id> [DRY_RUN=1]  the backend to one Google Cloud project (scripts/deploy.sh, deploy/<id>.env)
# docs/release.md tells how a release is made (and what only GitHub Actions builds: macOS).
SHELL := /bin/bash
APP_TAGS := desktop,production,webkit2_41
BIN := build/bin/imageconverter
# One version for the binary and the packages, from the git tag (scripts/dist/version.sh).
VERSION := $(shell scripts/dist/version.sh)
VERSION_LDFLAGS := -X imageconverter/version.Version=$(VERSION)
ACTIONLINT := github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

.PHONY: setup frontend build release release-manifest run stack-start stack-stop test lint bench deploy clean \
	dist dist-setup dist-windows dist-deb test-dist

setup:
	@scripts/setup.sh

frontend:
	cd frontend && npm run build

# localstack: the local product learns the local stack's per-checkout signing
# key from GET /v1/keys (licensing/trust_localstack.go). Never shipped.
build: frontend
	go build -tags $(APP_TAGS),localstack -ldflags "$(VERSION_LDFLAGS)" -o $(BIN) .

# A release trusts only the compiled-in keys and talks to the production settings (IC_RELEASE_*):
# cmd/releasetool names every missing key or setting and refuses.
release:
	IC_RELEASE=1 scripts/dist/release-check.sh
	$(MAKE) frontend
	go build -tags $(APP_TAGS) -ldflags "$$(IC_RELEASE=1 scripts/dist/ldflags.sh)" -o build/bin/imageconverter-release .

# The signed update manifest the apps check (web/updates/stable.json, deployed with Hosting), for the
# packages of one release (docs/release.md, "Publishing an update"):
#   make release-manifest UPDATE_KEY=~/safe/update-2026-12.key NOTES=release-notes/1.4.0 \
#     DOWNLOAD_BASE=https://github.com/OWNER/REPO/releases/download/v1.4.0 PACKAGES="release/*" [MINIMUM=1.2.0]
release-manifest:
	go run ./cmd/releasetool manifest -version "$(VERSION)" -minimum "$(MINIMUM)" -notes "$(NOTES)" -key "$(UPDATE_KEY)" \
		-base-url "$(DOWNLOAD_BASE)" -out web/updates/stable.json $(PACKAGES)
	go run ./cmd/releasetool verify -online web/updates/stable.json

run: setup build
	scripts/run-local.sh

stack-start:
	scripts/stack.sh start

stack-stop:
	scripts/stack.sh stop

lint:
	@out=$$(gofmt -s -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt -s would change:"; echo "$$out"; exit 1; fi
	go vet ./...
	cd functions && go vet ./...
	cd frontend && npm run check
	go run $(ACTIONLINT) -no-color

test: setup
	scripts/test.sh

bench: setup
	scripts/bench.sh

dist: dist-windows dist-deb

dist-setup:
	@scripts/setup.sh --dist

# The packages are built with the shippable tags. scripts/dist/release-check.sh says loudly what a
# release would lack (production keys, IC_RELEASE_* settings) and fails a tagged build (IC_RELEASE=1).
dist-windows: dist-setup frontend
	scripts/dist/release-check.sh
	scripts/dist/windows.sh

dist-deb: dist-setup frontend
	scripts/dist/release-check.sh
	scripts/dist/deb.sh

test-dist: dist-setup
	tests/dist/run.sh

# A preflight runs first and lists everything missing; DRY_RUN=1 prints the commands and changes nothing.
deploy:
	scripts/deploy.sh --project "$(PROJECT)" $(if $(DRY_RUN),--dry-run)

clean:
	rm -rf build/bin build/dist frontend/dist/assets frontend/dist/index.html
