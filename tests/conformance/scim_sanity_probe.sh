#!/usr/bin/env bash
# Runs `scim-sanity probe` (strict mode) against a fresh scimlet server. scim-sanity exits
# non-zero on any FAIL or ERROR, which fails this script.
set -euo pipefail
cd "$(dirname "$0")"
read -r url token < <(../../.venv/bin/python new_server.py scim-sanity)
exec ../../.venv/bin/scim-sanity probe "$url" --token "$token" --i-accept-side-effects --timeout 30
