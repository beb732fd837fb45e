# The same verbs for developers and CI (.ci/run calls `make test`).
#   make run    the whole product locally: emulators + functions + fake Toss + demo data + the desktop app
#   make test   every test: lint, unit, integration on the emulators, fuzz (short), GUI under Xvfb, browser
#   make lint   gofmt, go vet (both modules), svelte-check
#   make build  the desktop app binary (build/bin/imageconverter)
#   make bench  converter speed against cwebp/avifenc, side by side (prints ratios)
SHELL := /bin/bash
APP_TAGS := desktop,production,webkit2_41
BIN := build/bin/imageconverter

.PHONY: setup frontend build run stack-start stack-stop test lint bench clean

setup:
	@scripts/setup.sh

frontend:
	cd frontend && npm run build

build: frontend
	go build -tags $(APP_TAGS) -o $(BIN) .

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

clean:
	rm -rf build/bin frontend/dist/assets frontend/dist/index.html
