#!/usr/bin/env bash
# The scimlet CLI against a running scimlet: load 10,000 generated users through /Bulk,
# purge them by filter, and check that nothing else was touched.
#
#   SCIMLET_URL=http://127.0.0.1:PORT SCIMLET_ADMIN_TOKEN=... tests/cli/run.sh
#   tests/cli/run.sh --standin     # against tests/cli/standin.rs (the engine behind a
#                                  # minimal HTTP server): checks the CLI, not the Worker
#
# Env: SCIMLET_URL, SCIMLET_ADMIN_TOKEN (optional: create needs none), CLI_USERS (10000),
# CARGO_TARGET_DIR. Prints "N passed, N failed"; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

USERS=${CLI_USERS:-10000}
SEED=7
DOMAIN="load-$SEED.example.org"
TARGET_DIR=${CARGO_TARGET_DIR:-target}
passed=0
failed=0
standin_pid=""

ok() { passed=$((passed + 1)); echo "ok   $1"; }
ko() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then ok "$1"; else ko "$1: expected '$2', got '$3'"; fi
}
contains() { # contains NAME NEEDLE HAYSTACK
  if [[ "$3" == *"$2"* ]]; then ok "$1"; else ko "$1: '$2' not in: $3"; fi
}
json() { # json PYTHON-EXPRESSION-ON-d < json
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null
}
finish() {
  [[ -n "$standin_pid" ]] && kill "$standin_pid" 2>/dev/null
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
  exit $?
}

echo "building the CLI"
cargo build --release --features cli --bin scimlet --quiet || { ko "cargo build --features cli"; finish; }
CLI="$TARGET_DIR/release/scimlet"

if [[ "${1:-}" == "--standin" ]]; then
  cargo build --release --example cli-standin --quiet || { ko "build the stand-in"; finish; }
  export SCIMLET_ADMIN_TOKEN=standin-admin
  out=$(mktemp)
  "$TARGET_DIR/release/examples/cli-standin" 0 "$SCIMLET_ADMIN_TOKEN" >"$out" 2>&1 &
  standin_pid=$!
  for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.1; done
  SCIMLET_URL=$(sed -n 's/^listening on //p' "$out")
  export SCIMLET_URL
  rm -f "$out"
  echo "stand-in (not the Worker) at $SCIMLET_URL, pid $standin_pid"
fi
: "${SCIMLET_URL:?set SCIMLET_URL to a running scimlet, or pass --standin}"
export SCIMLET_URL
unset SCIMLET_TOKEN

# --- arguments and errors -------------------------------------------------------------
"$CLI" --help >/dev/null; check "--help" 0 $?
for cmd in "servers create" "servers config" load purge; do
  $CLI $cmd --help >/dev/null; check "$cmd --help" 0 $?
done
"$CLI" load --server x --users 0 >/dev/null 2>&1; check "load --users 0 is a usage error" 2 $?
"$CLI" purge --server x >/dev/null 2>&1; check "purge without --filter is a usage error" 2 $?
"$CLI" servers show 'bad.id' >/dev/null 2>&1; check "a bad server id is a usage error" 2 $?
msg=$("$CLI" --url http://127.0.0.1:9 servers show x 2>&1); code=$?
check "unreachable server exits 1" 1 $code
contains "unreachable server says so" "cannot reach scimlet at http://127.0.0.1:9" "$msg"

# --- a server with some generated data ----------------------------------------------
created=$("$CLI" --json servers create --users 20 --groups 3 --entitlements 4 --roles 2 --seed 42)
check "servers create" 0 $?
ID=$(json 'd["id"]' <<<"$created")
export SCIMLET_TOKEN=$(json 'd["token"]' <<<"$created")
SCIM=$(json 'd["scim"]' <<<"$created")
[[ -n "$ID" && -n "$SCIMLET_TOKEN" ]] || { ko "servers create returned id and token: $created"; finish; }
echo "server $ID at $SCIM"

msg=$(SCIMLET_TOKEN=wrong SCIMLET_ADMIN_TOKEN= "$CLI" servers show "$ID" 2>&1); code=$?
check "a wrong token exits 1" 1 $code
contains "a wrong token is reported as 401" "401" "$msg"

count() { # count TYPE: resources of a type on the server
  "$CLI" --json servers show "$ID" | json "d['counts'].get('$1', 0)"
}
check "seeded users" 20 "$(count User)"

# --- load -------------------------------------------------------------------------
load=$("$CLI" --json load --server "$ID" --users "$USERS" --batch 100 --concurrency 4 --seed $SEED)
check "load exits 0" 0 $?
check "load created every user" "$USERS" "$(json 'd["created"]' <<<"$load")"
check "load had no failures" 0 "$(json 'd["failed"]' <<<"$load")"
echo "load: $(json 'd["perSecond"]' <<<"$load") users/s"
check "users after load" $((USERS + 20)) "$(count User)"

# The same users again: every one is a userName conflict, reported, exit 1.
again=$("$CLI" --json load --server "$ID" --users 50 --batch 25 --seed $SEED 2>/dev/null); code=$?
check "loading the same users again exits 1" 1 $code
check "... with each conflict listed" 50 "$(json 'len(d["failures"])' <<<"$again")"

# --- unrelated resources, which the purge must not touch ---------------------------
auth=(-H "Authorization: Bearer $SCIMLET_TOKEN" -H "Content-Type: application/scim+json")
unrelated=()
for name in keep.one keep.two keep.three; do
  id=$(curl -s "${auth[@]}" -X POST "$SCIM/Users" \
    -d "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"$name@example.com\",\"displayName\":\"$name\"}" | json 'd["id"]')
  [[ -n "$id" ]] && unrelated+=("Users/$id")
done
first=${unrelated[0]#Users/}
for group in Keepers Bystanders; do
  id=$(curl -s "${auth[@]}" -X POST "$SCIM/Groups" \
    -d "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"$group\",\"members\":[{\"value\":\"$first\"}]}" | json 'd["id"]')
  [[ -n "$id" ]] && unrelated+=("Groups/$id")
done
check "unrelated users and groups created" 5 "${#unrelated[@]}"
declare -A version_before
for r in "${unrelated[@]}"; do
  version_before[$r]=$(curl -s "${auth[@]}" "$SCIM/$r" | json 'd["meta"]["version"]')
done

# --- purge ------------------------------------------------------------------------
purge=$("$CLI" --json purge --server "$ID" --filter "userName ew \"@$DOMAIN\"" --batch 100 --concurrency 4)
check "purge exits 0" 0 $?
check "purge deleted every loaded user" "$USERS" "$(json 'd["deleted"]' <<<"$purge")"
check "purge had no failures" 0 "$(json 'd["failed"]' <<<"$purge")"
echo "purge: $(json 'd["perSecond"]' <<<"$purge") users/s"

left=$(curl -s -G "${auth[@]}" "$SCIM/Users" --data-urlencode "filter=userName ew \"@$DOMAIN\"" --data-urlencode count=0 | json 'd["totalResults"]')
check "no loaded user is left" 0 "$left"
check "users after purge: the seeded and the unrelated" 23 "$(count User)"
check "groups after purge" 5 "$(count Group)"
for r in "${unrelated[@]}"; do
  check "$r untouched" "${version_before[$r]}" "$(curl -s "${auth[@]}" "$SCIM/$r" | json 'd["meta"]["version"]')"
done
again=$("$CLI" --json purge --server "$ID" --filter "userName ew \"@$DOMAIN\"")
check "a second purge finds nothing" 0 "$(json 'd["deleted"]' <<<"$again")"

# --- export, delete -----------------------------------------------------------------
if [[ -z "$standin_pid" ]]; then
  exported=$("$CLI" servers export "$ID" | json 'len(d["resources"])')
  check "export holds every resource" $((23 + 5 + 4 + 2)) "$exported"
fi
"$CLI" servers delete "$ID" >/dev/null; check "servers delete" 0 $?
"$CLI" servers show "$ID" >/dev/null 2>&1; check "a deleted server is gone" 1 $?

finish
