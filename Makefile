# scimlet. Start here:
#   make dev          install what is missing, build, run on http://127.0.0.1:8787 (PORT=...)
#   make test         everything CI runs: cargo tests, worker HTTP tests, conformance suites
#   make bench-load   10,000 users over HTTP into a throwaway local worker, then timed lists
SHELL := /bin/bash
.DEFAULT_GOAL := help

CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CARGO_BIN):$(PATH)
# worker-build would download these from GitHub; point it at the installed, pinned ones.
export WASM_BINDGEN_BIN := $(CARGO_BIN)/wasm-bindgen
export WASM_OPT_BIN := $(CURDIR)/node_modules/.bin/wasm-opt
export ESBUILD_BIN := $(CURDIR)/node_modules/.bin/esbuild
export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false

WORKER_INPUTS := $(shell find src -name '*.rs') Cargo.toml Cargo.lock

.PHONY: help dev test tools worker bench-load clean-state

help:
	@sed -n 's/^#   //p' Makefile

# The page at / needs www/pkg (the engine built for the browser).
dev: tools worker $(if $(wildcard tests/web/build.sh),www/pkg/scimlet.js)
	scripts/dev.sh

www/pkg/scimlet.js: $(WORKER_INPUTS)
	tests/web/build.sh

test:
	scripts/test.sh

bench-load: worker
	scripts/tools.sh test
	scripts/with-worker.sh .venv/bin/python benches/load.py

tools:
	scripts/tools.sh build

# The Worker bundle (build/index.js + build/index_bg.wasm); wrangler's [build] runs this too,
# so an unchanged tree starts without rebuilding.
worker: build/index.js

build/index.js: $(WORKER_INPUTS) | tools
	worker-build --release --features worker
	@touch $@

# The browser page's targets (make web, web-build, test-web, web-screenshot).
-include tests/web/Makefile.web

# Forget local servers of `make dev` (.wrangler/state).
clean-state:
	rm -rf .wrangler/state
