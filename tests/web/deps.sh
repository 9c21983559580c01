#!/usr/bin/env bash
# Idempotent installs for the browser build and tests.
#   deps.sh node      npm packages of tests/web (playwright-core, binaryen), from the lock file
#   deps.sh chromium  Debian chromium, if /usr/bin/chromium is missing
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for what in "$@"; do
  case "$what" in
    node)
      stamp="$here/node_modules/.package-lock.json"
      if [ ! -f "$stamp" ] || [ "$here/package-lock.json" -nt "$stamp" ]; then
        (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
      fi ;;
    chromium)
      if [ ! -x /usr/bin/chromium ]; then
        apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
      fi ;;
    *) echo "deps.sh: unknown $what" >&2; exit 2 ;;
  esac
done
