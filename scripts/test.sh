#!/usr/bin/env bash
# `make test` (and CI): every check, in order, continuing past failures so one run shows
# them all; exits non-zero if any failed.
#   1. cargo test                      the engine, its administration, the CLI's stand-in;
#                                      then the engine's request tables again over the
#                                      SQLite store (SCIMLET_TEST_STORE=sql) and over it
#                                      mirrored in memory (=mirrored)
#   2. the bare core for wasm32        no_std, no features
#   3. the Worker bundle               make worker (scripts/build.mjs), and the unit tests
#                                      of its entry glue (worker/shim.mjs)
#   4. against a throwaway worker      in one Miniflare instance (what `make dev` serves):
#                                      tests/http (pytest), the conformance suites
#                                      (scim2-tester, scim-sanity), tests/cli/run.sh if present;
#                                      under `wrangler dev`: tests/http again
#   5. tests/web/run.sh                the browser page, in headless Chromium
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

failed=()
step() {
    local name=$1
    shift
    printf '\n\033[1m==> %s\033[0m\n' "$name"
    local started=$SECONDS
    if "$@"; then
        printf '\033[32m--> ok: %s (%d s)\033[0m\n' "$name" $((SECONDS - started))
    else
        printf '\033[31m--> FAILED: %s (%d s)\033[0m\n' "$name" $((SECONDS - started))
        failed+=("$name")
    fi
}

step "install tools" scripts/tools.sh test || true
if ((${#failed[@]})); then
    echo "cannot test without the tools" >&2
    exit 1
fi
step "cargo test" cargo test
step "engine tables over the SQLite store" \
    env SCIMLET_TEST_STORE=sql cargo test --test engine --test cursor
step "engine tables over SQLite mirrored in memory" \
    env SCIMLET_TEST_STORE=mirrored cargo test --test engine --test cursor
step "core builds for wasm32 with no features" \
    cargo build --target wasm32-unknown-unknown --no-default-features
step "worker build" make --no-print-directory worker
step "worker entry glue (node --test worker/)" node --test worker/
if [[ " ${failed[*]} " != *" worker build "* ]]; then
    # Servers past 2,000 resources over SQLite alone here, as big ones are; under wrangler
    # dev below, mirrored up to 12,000 as shipped.
    step "worker (Miniflare): HTTP tests, conformance, CLI" \
        env WORKER_MIRROR_RESOURCES=2000 scripts/with-worker.sh scripts/worker-tests.sh
    step "worker (wrangler dev): HTTP tests" env SERVE=wrangler scripts/with-worker.sh \
        .venv/bin/pytest tests/http -q -p no:cacheprovider
fi
step "browser tests" tests/web/run.sh

echo
if ((${#failed[@]})); then
    printf '\033[31mmake test: %d step(s) failed:\033[0m\n' ${#failed[@]}
    printf '  - %s\n' "${failed[@]}"
    exit 1
fi
printf '\033[32mmake test: all steps passed\033[0m\n'
