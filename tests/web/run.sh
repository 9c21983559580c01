#!/usr/bin/env bash
# Browser sandbox tests: build the engine for the web (make web-build: www/pkg), serve www/
# on a free loopback port (scripts/serve-www.py), drive headless Debian chromium with
# playwright-core, stop the server by its PID.
# Prints "N passed, N failed" and exits non-zero on any failure.
#   SCREENSHOT=docs/screenshot.png saves the main screen there (`make web-screenshot`); unset, none is saved,
#   so `make test` leaves the tree clean.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

scripts/tools.sh browser
make --no-print-directory web-build

log="$(mktemp)"
python3 scripts/serve-www.py --port 0 --quiet >"$log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -f "$log"' EXIT

base=""
for _ in $(seq 1 100); do
  base="$(sed -n 's|^serving .* on \(http://127\.0\.0\.1:[0-9]*\)/$|\1|p' "$log")"
  [ -n "$base" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log"; echo "0 passed, 1 failed (static server did not start)"; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "0 passed, 1 failed (static server did not start)"; exit 1; }

BASE_URL="$base" SCREENSHOT="${SCREENSHOT-}" node "$here/sandbox.test.mjs"
