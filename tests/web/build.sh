#!/usr/bin/env bash
# Builds the browser engine into www/pkg (no wasm-pack): cargo -> wasm-bindgen --target web
# -> wasm-opt (npm binaryen). Installs what it needs, idempotently. Prints the sizes.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
WASM_BINDGEN_VERSION=0.2.130
target_dir="${CARGO_TARGET_DIR:-$root/target}"

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
"$root/tests/web/deps.sh" node

cargo build --target wasm32-unknown-unknown --release --features web --lib
mkdir -p www/pkg
wasm-bindgen --target web --no-typescript --out-dir www/pkg "$target_dir/wasm32-unknown-unknown/release/scimlet.wasm"

bg=www/pkg/scimlet_bg.wasm
raw=$(stat -c %s "$bg")
wasm_opt="$root/tests/web/node_modules/.bin/wasm-opt"
if [ -x "$wasm_opt" ]; then
  # The features rustc enables by default for wasm32-unknown-unknown.
  "$wasm_opt" -O3 --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue "$bg" -o "$bg.opt"
  mv "$bg.opt" "$bg"
fi
opt=$(stat -c %s "$bg")
gz=$(gzip -9 -c "$bg" | wc -c)
echo "wasm: ${raw} bytes after wasm-bindgen, ${opt} after wasm-opt, ${gz} gzip -9"
