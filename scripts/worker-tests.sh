#!/usr/bin/env bash
# The checks that need a running worker (scripts/with-worker.sh provides it): the HTTP
# tests, both conformance suites, and the CLI's tests if present. Runs them all; non-zero
# if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
: "${SCIMLET_URL:?run me through scripts/with-worker.sh}"

failed=()
run() {
    local name=$1
    shift
    printf '\n\033[1m==> %s\033[0m\n' "$name"
    "$@" || failed+=("$name")
}

run "HTTP tests (pytest tests/http)" .venv/bin/pytest tests/http -q -p no:cacheprovider
# -s: the oci tests print the Bulk rates through /admin/v1 and /scim/v2.
run "oci persona: the OCI SDK and identity-domain scripts (pytest tests/oci)" \
    .venv/bin/pytest tests/oci -q -s -p no:cacheprovider
run "conformance: scim2-tester" .venv/bin/python tests/conformance/scim2_tester_check.py
run "conformance: scim-sanity probe" tests/conformance/scim_sanity_probe.sh
if [[ -x tests/cli/run.sh ]]; then
    run "CLI tests (tests/cli/run.sh)" tests/cli/run.sh
fi

if ((${#failed[@]})); then
    printf '\033[31mfailed against the worker:\033[0m\n'
    printf '  - %s\n' "${failed[@]}"
    exit 1
fi
