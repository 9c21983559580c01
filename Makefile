# scimlet. Start here:
#   make dev             install what is missing, build, serve http://127.0.0.1:8787 (PORT=...) with a `demo` server; reloads after `make worker` and on www/ changes
#   make test            everything CI runs: cargo tests, the Worker over HTTP (Miniflare and wrangler dev), conformance suites, browser tests
#   make dev-wrangler    `make dev` under `wrangler dev` instead: rebuilds on src/ changes, DevTools (press d), 2 to 3 times slower per request
#   make worker          build the Worker into build/ (WASM_OPT=1 with -B: also wasm-opt, 35 s for 10% less wasm)
#   make both-builds     the Worker and the browser engine, built side by side (what make dev does first)
#   make web             build the browser engine into www/pkg and serve www/ alone on http://127.0.0.1:8080 (WEB_PORT=...)
#   make web-build       only build the browser engine into www/pkg
#   make test-web        the browser tests alone, in headless Chromium
#   make web-screenshot  the browser tests, saving the main screen to docs/screenshot.png
#   make bench-load      10,000 users over HTTP into a throwaway local Worker, then timed lists, beside the reference scim2-server (SERVE=wrangler: under wrangler dev)
#   make bench-scale     1,000,000 users (USERS=...) over HTTP into one server of a throwaway local Worker: ingest per 100,000, lookups, cold start, memory, a clean-up walk, against issue 13's targets
#   make bench-csv       CSV import/export of 100,000 users: in the engine (cargo bench --bench csv), then through an identity domain's job API on a throwaway local Worker
#   make tools           install the build tools (scripts/tools.sh: Rust wasm target, npm ci)
#   make clean-state     forget the servers of `make dev` (.wrangler/state)
#   make help            this list
SHELL := /bin/bash
.DEFAULT_GOAL := help

export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)
export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false
# How scripts/with-worker.sh serves the Worker (miniflare or wrangler), when given.
export SERVE

BUILD_INPUTS := $(shell find src -name '*.rs') Cargo.toml Cargo.lock scripts/build.mjs
WEB_PORT ?= 8080

.PHONY: help dev dev-wrangler both-builds test tools worker web web-build test-web web-screenshot bench-load bench-scale bench-csv clean-state

help:
	@sed -n 's/^#   //p' Makefile

# The page at / needs www/pkg (the engine built for the browser). The two builds have
# their own cargo target directories, so they run side by side on two cores.
dev: both-builds
	scripts/dev.sh

dev-wrangler: both-builds
	scripts/dev.sh wrangler

both-builds:
	@$(MAKE) --no-print-directory -j2 worker web-build

test:
	scripts/test.sh

tools:
	scripts/tools.sh build

# The Worker bundle (build/index.js + build/index_bg.wasm). wrangler.toml's [build] runs
# this too, so `wrangler dev` and `wrangler deploy` start without rebuilding an unchanged tree.
worker: build/index.js

build/index.js: $(BUILD_INPUTS) worker/shim.mjs wrangler.toml | tools
	node scripts/build.mjs worker $(if $(filter 1,$(WASM_OPT)),--opt)

web: web-build
	python3 scripts/serve-www.py --port $(WEB_PORT)

web-build: www/pkg/scimlet.js

www/pkg/scimlet.js: $(BUILD_INPUTS) | tools
	node scripts/build.mjs web

test-web:
	tests/web/run.sh

web-screenshot:
	SCREENSHOT=docs/screenshot.png tests/web/run.sh

bench-load: worker
	scripts/tools.sh test
	scripts/with-worker.sh .venv/bin/python benches/load.py

# The worker's cap raised past the million users and thousand groups (USERS=50000 for a quick try).
bench-scale: worker
	scripts/tools.sh test
	WORKER_MAX_RESOURCES=2100000 scripts/with-worker.sh .venv/bin/python benches/scale.py

# The worker's cap raised for a 100,000-row file (scripts/with-worker.sh's default is 12,000).
bench-csv: worker
	cargo bench --bench csv
	scripts/tools.sh test
	WORKER_MAX_RESOURCES=110000 scripts/with-worker.sh .venv/bin/python benches/csv_jobs.py

# Refused while a server (make dev, make dev-wrangler) holds the state's lock.
clean-state:
	@mkdir -p .wrangler
	@$(if $(shell command -v flock),flock -n .wrangler/state.lock) rm -rf .wrangler/state || \
		{ echo "a local server is using .wrangler/state: stop it first" >&2; exit 1; }
