#!/usr/bin/env bash
# Runs a command against a throwaway local scimlet Worker on a free loopback port with fresh
# state in a temporary directory, stopped (by its process-group id) when the command ends,
# however it ends. SERVE=wrangler serves it with `wrangler dev` instead of Miniflare alone
# (see scripts/worker.sh).
#
#   [SERVE=miniflare|wrangler] scripts/with-worker.sh COMMAND [ARGS...]
#
# The command sees SCIMLET_URL, SCIMLET_ADMIN_TOKEN, SCIMLET_CREATE_LIMIT,
# SCIMLET_MAX_RESOURCES, SCIMLET_RESTART (a shell command restarting the worker on the
# same port and state), SCIMLET_SERVE (how it is served) and SCIMLET_PID_FILE (holding the
# id of its process group, for measuring its memory).
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/scimlet-worker.XXXXXX")"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ADMIN_TOKEN="admin-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
CREATE_LIMIT=60
# Room for the CLI's 10,000-user load and the benchmark, small enough to test filling up
# (WORKER_MAX_RESOURCES=110000 for the 100,000-row CSV job benchmark).
MAX_RESOURCES="${WORKER_MAX_RESOURCES:-12000}"
export SERVE="${SERVE:-miniflare}"
export PORT RUN_DIR PERSIST_DIR="$RUN_DIR/state"
# Seeds past the creation's first chunk go on in short alarm slices, so tests exercise
# that path (deployed: 3 s in the creation, then slices of 0.5 s).
# WORKER_MIRROR_RESOURCES lowers the size up to which a server is also held in memory
# (make test's Miniflare run: 2,000, so its 10,000-user servers run over SQLite alone).
export WORKER_VARS="SERVER_TTL_SECONDS:0 ADMIN_TOKEN:$ADMIN_TOKEN CREATE_LIMIT_PER_MINUTE:$CREATE_LIMIT MAX_RESOURCES_PER_SERVER:$MAX_RESOURCES SEED_INLINE_MS:${WORKER_SEED_INLINE_MS:-0} SEED_SLICE_MS:${WORKER_SEED_SLICE_MS:-50} MIRROR_RESOURCES:${WORKER_MIRROR_RESOURCES:-12000}"

cleanup() {
    scripts/worker.sh stop || true
    if [[ "${KEEP_WORKER_LOG:-}" ]]; then
        echo "worker log kept in $RUN_DIR/worker.log"
    else
        rm -rf "$RUN_DIR"
    fi
}
trap cleanup EXIT

echo "==> starting the worker ($SERVE) on 127.0.0.1:$PORT (state in $PERSIST_DIR)"
started=$SECONDS
if ! scripts/worker.sh start; then
    KEEP_WORKER_LOG=1
    exit 1
fi
echo "    ready in $((SECONDS - started)) s"

export SCIMLET_URL="http://127.0.0.1:$PORT" SCIMLET_ADMIN_TOKEN="$ADMIN_TOKEN"
export SCIMLET_CREATE_LIMIT="$CREATE_LIMIT" SCIMLET_MAX_RESOURCES="$MAX_RESOURCES"
export SCIMLET_RESTART="$PWD/scripts/worker.sh restart"
export SCIMLET_SERVE="$SERVE" SCIMLET_PID_FILE="$RUN_DIR/pid"
status=0
"$@" || status=$?
if ((status != 0)); then
    KEEP_WORKER_LOG=1
fi
exit $status
