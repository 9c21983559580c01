#!/usr/bin/env bash
# Installs what building and testing scimlet needs, each at its pinned version, skipping
# whatever is already there. Safe to run again and again (make dev / make test call it).
#
#   scripts/tools.sh            Rust wasm target, wasm-bindgen-cli, worker-build, npm ci
#   scripts/tools.sh test       the above, plus the Python test venv (.venv)
#   scripts/tools.sh browser    Chromium and chromedriver from apt (browser tests)
#
# Needs: rustup + cargo, Node >= 20.3 with npm, python3 (with venv) for tests. Reaches only
# crates.io, npm, PyPI and Debian's archive: worker-build is pointed at installed tools
# (see Makefile) so it never downloads from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130 # must equal the wasm-bindgen pin in Cargo.toml
WORKER_BUILD_VERSION=0.8.7   # must match the worker crate pin in Cargo.toml
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

rust_tools() {
    command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs)"
    if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
        say "rustup target add wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi
    if [[ "$("$CARGO_BIN/wasm-bindgen" --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
        say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
        cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
    fi
    if [[ "$("$CARGO_BIN/worker-build" --version 2>/dev/null)" != "$WORKER_BUILD_VERSION" ]]; then
        say "cargo install worker-build $WORKER_BUILD_VERSION (about 7 minutes)"
        cargo install worker-build --version "$WORKER_BUILD_VERSION" --force
    fi
}

node_tools() {
    command -v node >/dev/null || die "node not found: install Node.js 20.3 or newer"
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    ((major >= 20)) || die "Node $(node --version) is too old: wrangler needs 20.3 or newer"
    # npm ci only when package-lock.json changed since the last install.
    if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
        say "npm ci (wrangler, esbuild, binaryen)"
        npm ci --no-audit --no-fund
        touch node_modules/.package-lock.json
    fi
}

python_tools() {
    command -v python3 >/dev/null || die "python3 not found"
    if [[ ! -x .venv/bin/python ]]; then
        say "python3 -m venv .venv"
        python3 -m venv .venv || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    fi
    if [[ ! -f .venv/.installed || requirements-test.txt -nt .venv/.installed ]]; then
        say "pip install -r requirements-test.txt"
        .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
        touch .venv/.installed
    fi
}

browser_tools() {
    if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
        return
    fi
    local sudo=""
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null || die "Chromium is missing and installing it needs root"
        sudo="sudo"
    fi
    say "apt-get install chromium chromium-driver"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver
}

case "${1:-build}" in
    build) rust_tools; node_tools ;;
    test) rust_tools; node_tools; python_tools ;;
    browser) browser_tools ;;
    *) die "usage: $0 [build|test|browser]" ;;
esac
