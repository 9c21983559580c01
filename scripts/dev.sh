#!/usr/bin/env bash
# `make dev` / `make dev-wrangler`: serves the built Worker on 127.0.0.1:$PORT (default 8787)
# and, once it answers, makes sure a `demo` server with sample data exists and prints how
# to call it. Local state lives in .wrangler/state and survives restarts; servers never
# expire here.
#
#   scripts/dev.sh            one Miniflare instance (scripts/serve.mjs): the fast path;
#                             reloads when `make worker` replaces build/ or www/ changes
#   scripts/dev.sh wrangler   `wrangler dev`: rebuilds on src/ changes, DevTools (press d)
#
# Both use the same state, one at a time: the lock on .wrangler/state.lock is held for as
# long as the server runs, and a second server refuses to start.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE="${1:-miniflare}"
PORT="${PORT:-8787}"
DEMO_ID="${DEMO_ID:-demo}"
# Fixed local tokens, so the demo server keeps working across restarts. Not for deployment.
DEMO_TOKEN="${DEMO_TOKEN:-scimlet-demo-token}"
ADMIN_TOKEN="${ADMIN_TOKEN:-scimlet-dev-admin-token}"
BASE="http://127.0.0.1:$PORT"
STATE=.wrangler/state
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
# wrangler and Miniflare need Node >= 22 (the build does not).
NODE22="$(scripts/tools.sh node22)"

mkdir -p .wrangler
if command -v flock >/dev/null; then
    # Inherited by the server below (exec keeps the descriptor): the lock lives as long as it.
    exec 9>>"$STATE.lock"
    if ! flock -n 9; then
        echo "error: another local server (make dev or make dev-wrangler) is using $STATE; stop it first" >&2
        exit 1
    fi
else
    echo "note: without flock (util-linux), nothing keeps a second server off $STATE" >&2
fi
# An Oracle identity domain beside it (the oci persona). Its app's client secret is shown
# only when it is made, so it is kept next to the local state (.wrangler/, never committed).
OCI_DEMO_ID="${OCI_DEMO_ID:-oci-demo}"
OCI_DEMO_FILE=.wrangler/oci-demo.json
oci_demo() {
    local body status
    body="$(mktemp)"
    status="$(curl -s -o "$body" -w '%{http_code}' -X POST "$BASE/api/servers" \
        -H 'Content-Type: application/json' \
        -d "{\"id\": \"$OCI_DEMO_ID\", \"settings\": {\"persona\": \"oci\"}, \"seed\": {\"users\": 50, \"groups\": 4, \"seed\": 42}}")"
    if [[ "$status" == 201 ]]; then
        mkdir -p .wrangler
        python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["oci"], indent=2))' "$body" >"$OCI_DEMO_FILE"
    elif [[ "$status" != 409 ]]; then
        echo "warning: creating '$OCI_DEMO_ID' answered $status: $(cat "$body")" >&2
    fi
    rm -f "$body"
}

announce_demo() {
    local main_pid=$1
    until curl -sf -o /dev/null "$BASE/healthz"; do
        kill -0 "$main_pid" 2>/dev/null || return 0
        sleep 0.2
    done
    local seed='{"users": 50, "groups": 8, "entitlements": 8, "roles": 4, "seed": 42}'
    local body status
    body="$(mktemp)"
    status="$(curl -s -o "$body" -w '%{http_code}' -X POST "$BASE/api/servers" \
        -H 'Content-Type: application/json' \
        -d "{\"id\": \"$DEMO_ID\", \"token\": \"$DEMO_TOKEN\", \"seed\": $seed}")"
    case "$status" in
        201) ;;
        409)
            status="$(curl -s -o "$body" -w '%{http_code}' "$BASE/api/servers/$DEMO_ID" \
                -H "Authorization: Bearer $DEMO_TOKEN")"
            if [[ "$status" != 200 ]]; then
                echo "warning: server '$DEMO_ID' exists but DEMO_TOKEN does not open it" >&2
            fi
            ;;
        *) echo "warning: creating '$DEMO_ID' answered $status: $(cat "$body")" >&2 ;;
    esac
    rm -f "$body"
    oci_demo
    cat <<MSG

  scimlet is running at $BASE ($MODE)
  demo server   $BASE/scim-identifier/$DEMO_ID/scim/v2
  demo token    $DEMO_TOKEN
  admin token   $ADMIN_TOKEN   (GET /api/servers)

  try:  curl -H 'Authorization: Bearer $DEMO_TOKEN' '$BASE/scim-identifier/$DEMO_ID/scim/v2/Users?count=2'

  identity domain '$OCI_DEMO_ID' (domainUrl, clientId, clientSecret, tenancy):
$(cat "$OCI_DEMO_FILE" 2>/dev/null || echo "    (made before; its client secret was shown then)")

MSG
}

announce_demo $$ 9>&- &
vars=(--var SERVER_TTL_SECONDS:0 --var "ADMIN_TOKEN:$ADMIN_TOKEN")
case "$MODE" in
    miniflare) exec "$NODE22" scripts/serve.mjs --watch --ip 127.0.0.1 --port "$PORT" --persist-to "$STATE" "${vars[@]}" ;;
    wrangler) exec "$NODE22" node_modules/wrangler/bin/wrangler.js dev --ip 127.0.0.1 --port "$PORT" --persist-to "$STATE" "${vars[@]}" ;;
    *) echo "usage: $0 [miniflare|wrangler]" >&2; exit 2 ;;
esac
