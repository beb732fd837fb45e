# The same verbs for developers and CI (.ci/run calls `make test`).
#   make run    the whole product locally: emulators + functions + fake Toss + demo data + the desktop app
#   make test   every test: lint, unit, integration on the emulators, fuzz (short), GUI under Xvfb, browser
#   make lint   gofmt, go vet (both modules), svelte-check
#   make build  the desktop app binary for the local stack (build/bin/imageconverter; learns the local API's key)
#   make release the shippable binary (build/bin/imageconverter-release): trusts only compiled-in keys, refuses to build without one
#   make bench  converter speed against cwebp/avifenc, side by side (prints ratios)
#   make deploy PROJECT=<id> [DRY_RUN=1]  the backend to one Google Cloud project (scripts/deploy.sh, deploy/<id>.env)
SHELL := /bin/bash
APP_TAGS := desktop,production,webkit2_41
BIN := build/bin/imageconverter

.PHONY: setup frontend build release run stack-start stack-stop test lint bench deploy clean

setup:
	@scripts/setup.sh

frontend:
	cd frontend && npm run build

# localstack: the local product learns the local stack's per-checkout signing
# key from GET /v1/keys (licensing/trust_localstack.go). Never shipped.
build: frontend
	go build -tags $(APP_TAGS),localstack -o $(BIN) .

# A release trusts only licensing/keys.go: the check fails while no production
# key is compiled in, as that build would put every paying user on Free.
release:
	go test -count=1 -tags releasecheck -run '^TestReleaseHasBuiltinKeys$$' ./licensing/
	$(MAKE) frontend
	go build -tags $(APP_TAGS) -o build/bin/imageconverter-release .

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

test: setup
	scripts/test.sh

bench: setup
	scripts/bench.sh

# A preflight runs first and lists everything missing; DRY_RUN=1 prints the commands and changes nothing.
deploy:
	scripts/deploy.sh --project "$(PROJECT)" $(if $(DRY_RUN),--dry-run)

clean:
	rm -rf build/bin frontend/dist/assets frontend/dist/index.html
