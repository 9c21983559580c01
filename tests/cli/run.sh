#!/usr/bin/env bash
# The scimlet CLI: its unit tests (`cargo test --features cli --bin scimlet`, which
# `cargo test` alone does not build), then against a running scimlet:
#   - the README's CLI example, run as printed (its user count scaled to this worker's
#     cap), with the token remembered by `servers create` and nothing copied by hand;
#   - what that load made, checked through SCIM against the generator's own data (a
#     reference server the worker seeds itself): every manager, every group's members;
#   - a load that cannot fit is refused before anything is sent; one that meets a full
#     server stops at its first 403 with a non-zero exit and nothing beyond the cap;
#   - the hints, remembered tokens, `servers list` counts, and a purge that touches nothing
#     but what its filter selects.
#
#   scripts/with-worker.sh tests/cli/run.sh     # a throwaway `wrangler dev` (make worker first)
#   SCIMLET_URL=http://127.0.0.1:PORT SCIMLET_ADMIN_TOKEN=... tests/cli/run.sh
#   tests/cli/run.sh --standin                   # against tests/cli/standin.rs (the engine
#                                                # behind a minimal HTTP server): the CLI, not the Worker
#
# Env: SCIMLET_URL, SCIMLET_ADMIN_TOKEN, SCIMLET_MAX_RESOURCES (the worker's cap; without it
# the capacity checks are skipped and CLI_USERS users are loaded, 10000 by default),
# CARGO_TARGET_DIR. Prints "N passed, N failed"; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

TARGET_DIR=${CARGO_TARGET_DIR:-target}
CAP=${SCIMLET_MAX_RESOURCES:-}
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
lacks() { # lacks NAME NEEDLE HAYSTACK
  if [[ "$3" != *"$2"* ]]; then ok "$1"; else ko "$1: '$2' in: $3"; fi
}
holds() { # holds NAME PYTHON-CONDITION (on the variables it names)
  if python3 -c "import sys; sys.exit(0 if ($2) else 1)"; then ok "$1"; else ko "$1: not ($2)"; fi
}
commas() { python3 -c "print(f'{$1:,}')"; } # 12,000 as the CLI writes it
json() { # json PYTHON-EXPRESSION-ON-d < json
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null
}
config_dir=""
finish() {
  [[ -n "$standin_pid" ]] && kill "$standin_pid" 2>/dev/null
  [[ -n "$config_dir" ]] && rm -rf "$config_dir"
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
  exit $?
}

echo "the CLI's unit tests (the pipeline against loopback servers, the engine among them)"
if cargo test --features cli --bin scimlet --quiet 2>&1 | tail -n 3; then ok "cargo test --features cli --bin scimlet"
else ko "cargo test --features cli --bin scimlet"; fi
echo "building the CLI"
cargo build --release --features cli --bin scimlet --quiet || { ko "cargo build --features cli"; finish; }
CLI="$PWD/$TARGET_DIR/release/scimlet"
# The README runs `scimlet ...`: this build, first on PATH.
export PATH="$PWD/$TARGET_DIR/release:$PATH"

if [[ "${1:-}" == "--standin" ]]; then
  cargo build --release --example cli-standin --quiet || { ko "build the stand-in"; finish; }
  export SCIMLET_ADMIN_TOKEN=standin-admin
  out=$(mktemp)
  "$TARGET_DIR/release/examples/cli-standin" 0 "$SCIMLET_ADMIN_TOKEN" >"$out" 2>&1 &
  standin_pid=$!
  for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.1; done
  SCIMLET_URL=$(sed -n 's/^listening on //p' "$out")
  rm -f "$out"
  CAP=""
  echo "stand-in (not the Worker) at $SCIMLET_URL, pid $standin_pid"
fi
: "${SCIMLET_URL:?set SCIMLET_URL to a running scimlet, or pass --standin}"
export SCIMLET_URL
unset SCIMLET_TOKEN
# Remembered tokens go to a fresh, private configuration directory.
config_dir=$(mktemp -d)
export XDG_CONFIG_HOME="$config_dir"
TOKENS="$config_dir/scimlet/servers.json"
remembered() { # remembered ID: the token remembered for server ID here, or nothing
  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['servers'][sys.argv[2]][sys.argv[3]]['token'])" \
    "$TOKENS" "$SCIMLET_URL" "$1" 2>/dev/null
}
show() { # show ID PYTHON-EXPRESSION-ON-d: from `servers show ID --json`
  "$CLI" --json servers show "$1" | json "$2"
}
total() { # total ID: the resources server ID holds
  show "$1" 'd.get("total", sum(d["counts"].values()))'
}

# --- arguments and errors -------------------------------------------------------------
"$CLI" --help >/dev/null; check "--help" 0 $?
for cmd in "servers create" "servers config" "servers list" load purge; do
  help=$($CLI $cmd --help); check "$cmd --help" 0 $?
  # Global options in their own section, after the command's own.
  own=$(sed -n '/^Options:/,/^$/p' <<<"$help")
  global=$(sed -n '/^Global options:/,/^$/p' <<<"$help")
  contains "$cmd --help lists --admin-token under Global options" "--admin-token" "$global"
  lacks "$cmd --help keeps --url out of its own options" "--url" "$own"
done
"$CLI" load --server x --users 0 >/dev/null 2>&1; check "load --users 0 is a usage error" 2 $?
"$CLI" purge --server x >/dev/null 2>&1; check "purge without --filter is a usage error" 2 $?
"$CLI" servers show 'bad.id' >/dev/null 2>&1; check "a bad server id is a usage error" 2 $?
msg=$("$CLI" --url http://127.0.0.1:9 servers show x 2>&1); code=$?
check "unreachable server exits 1" 1 $code
contains "unreachable server says so" "cannot reach scimlet at http://127.0.0.1:9" "$msg"

# --- the README example, as printed ----------------------------------------------------
# Its load fills a server of the README's 20,000-resource cap; here the cap is $CAP.
README_USERS=18000
if [[ -n "$CAP" ]]; then USERS=$((README_USERS - (20000 - CAP))); else USERS=${CLI_USERS:-10000}; fi
# The section's first code block (the CSV commands come in a later one).
mapfile -t example < <(sed -n '/^## The CLI/,/^## /p' README.md | awk '/^```/ { n++; next } n == 1' | grep '^scimlet ')
check "the README shows create, load and purge" 3 "${#example[@]}"
[[ "${example[1]:-}" == *"--users $README_USERS "* ]] || ko "the README's load has --users $README_USERS: ${example[1]:-}"
example[1]=${example[1]/--users $README_USERS /--users $USERS }
DOMAIN=$(grep -o '@load-[0-9]*\.example\.org' <<<"${example[2]:-}" | tr -d @)
ID=$(grep -o -- '--id [A-Za-z0-9_-]*' <<<"${example[0]:-}" | cut -d' ' -f2)
NGROUPS=$(grep -o -- '--groups [0-9]*' <<<"${example[1]:-}" | cut -d' ' -f2)
[[ -n "$DOMAIN" && -n "$ID" && -n "$NGROUPS" ]] || { ko "read the README example: ${example[*]}"; finish; }

echo "\$ ${example[0]}"
out=$(eval "${example[0]}" 2>&1); check "README: servers create exits 0" 0 $?
echo "$out" | sed 's/token: .*/token: .../'
contains "servers create says where the token is kept" "remembered in $TOKENS" "$out"
TOKEN=$(remembered "$ID")
[[ -n "$TOKEN" ]] && ok "the token is remembered" || ko "no token for $ID in $TOKENS"
check "the token file is private" 600 "$(stat -c %a "$TOKENS")"
seeded=$(total "$ID")
echo "    ($ID holds $seeded resources)"

# Resources the purge must not touch.
SCIM=$(show "$ID" 'd["scim"]')
auth=(-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/scim+json")
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
before_users=$(show "$ID" 'd["counts"]["User"]')
before_groups=$(show "$ID" 'd["counts"]["Group"]')

echo "\$ ${example[1]}"
out=$(eval "${example[1]}" 2>&1); check "README: load exits 0" 0 $?
echo "$out"
if [[ "$out" =~ Created\ ([0-9,]+)\ users\ in\ [0-9.]+\ s:\ ([0-9,]+)\ users/s ]]; then
  ok "load reports a whole number of users/s"
  load_rate=${BASH_REMATCH[2]}
  check "load created every user" "$USERS" "${BASH_REMATCH[1]//,/}"
else
  ko "load's summary: $out"
fi
contains "load created the groups" "Created $NGROUPS groups" "$out"
check "users after the load" $((before_users + USERS)) "$(show "$ID" 'd["counts"]["User"]')"
check "groups after the load" $((before_groups + NGROUPS)) "$(show "$ID" 'd["counts"]["Group"]')"
if [[ -n "$CAP" ]]; then
  total=$(total "$ID")
  holds "the README example fits the cap ($total of $CAP)" "$total <= $CAP"
fi

# --- what the load made, against the generator --------------------------------------
# The same users and groups, seeded by the worker itself (same seed: load's default, 1).
ref=$("$CLI" --json servers create --id reference --users "$USERS" --groups "$NGROUPS" --seed 1)
check "a reference server seeded by the worker" 0 $?
REF_SCIM=$(json 'd["scim"]' <<<"$ref")
REF_TOKEN=$(json 'd["token"]' <<<"$ref")
rich=$(python3 tests/cli/check_rich.py "$SCIM" "$TOKEN" "$DOMAIN" "$REF_SCIM" "$REF_TOKEN")
echo "    $rich"
check "every loaded user is there" "$USERS" "$(json 'd["users"]' <<<"$rich")"
check "the generator gives managers to as many" "$(json 'd["referenceManagers"]' <<<"$rich")" "$(json 'd["managers"]' <<<"$rich")"
holds "most users have a manager" "$(json 'd["managers"]' <<<"$rich") > $USERS * 0.8"
check "every manager.value resolves to a loaded user" 0 "$(json 'd["dangling"]' <<<"$rich")"
check "every manager is the generator's (concurrency 8)" 0 "$(json 'd["managerMismatches"]' <<<"$rich")"
check "the loaded groups" "$NGROUPS" "$(json 'd["groups"]' <<<"$rich")"
holds "the groups have members" "$(json 'd["members"]' <<<"$rich") >= $USERS"
check "each group has the generator's members" True "$(json 'd["groupsEqual"]' <<<"$rich")"

# The same users again: every one is a userName conflict, reported, exit 1.
again=$("$CLI" --json load --server "$ID" --users 50 --batch 25 2>/dev/null); code=$?
check "loading the same users again exits 1" 1 $code
check "... with each conflict listed" 50 "$(json 'len(d["failures"])' <<<"$again")"
check "... and a whole rate" True "$(json 'isinstance(d["perSecond"], int)' <<<"$again")"

# --- servers list ---------------------------------------------------------------------
listing=$("$CLI" servers list); check "servers list exits 0" 0 $?
row=$(grep -E "^$ID " <<<"$listing")
contains "servers list shows $ID's users" " $(show "$ID" 'd["counts"]["User"]') " "$row"
contains "servers list shows $ID's total" " $(total "$ID") " "$row"
listed=$("$CLI" --json servers list | json "[s['counts']['User'] for s in d['servers'] if s['id'] == 'reference'][0]")
check "servers list --json has counts" "$USERS" "$listed"

# --- tokens and hints ----------------------------------------------------------------
msg=$(SCIMLET_TOKEN=wrong "$CLI" load --server "$ID" --users 5 2>&1); code=$?
check "a wrong --token exits 1" 1 $code
contains "a wrong --token is a 401" "401" "$msg"
contains "... blamed on the server's token" "does not open server $ID" "$msg"
msg=$(SCIMLET_TOKEN=wrong "$CLI" purge --server "$ID" --filter 'userName eq "x"' 2>&1)
contains "purge with a wrong token: 401" "401" "$msg"
lacks "... never suggests the admin token for SCIM data" "with --admin-token" "$msg"
# No token remembered (another configuration directory), only the admin token, which
# opens /api/servers but never SCIM data.
msg=$(XDG_CONFIG_HOME="$config_dir/elsewhere" "$CLI" load --server "$ID" --users 5 2>&1); code=$?
check "a load with only the admin token exits 1" 1 $code
contains "... and says no server token is known" "No token for server $ID" "$msg"
contains "... nor would the admin token do" "admin token never opens SCIM data" "$msg"
# A remembered token that no longer opens the server (deleted, created again elsewhere).
cp "$TOKENS" "$TOKENS.bak"
python3 - "$TOKENS" "$SCIMLET_URL" "$ID" <<'EOF'
import json, sys
path, url, sid = sys.argv[1:4]
d = json.load(open(path))
d["servers"][url][sid]["token"] = "stale"
json.dump(d, open(path, "w"))
EOF
msg=$(env -u SCIMLET_ADMIN_TOKEN "$CLI" purge --server "$ID" --filter 'userName eq "x"' 2>&1)
contains "a stale remembered token is named as such" "token remembered for server $ID in $TOKENS was refused" "$msg"
mv "$TOKENS.bak" "$TOKENS"

# --- purge, as printed ----------------------------------------------------------------
echo "\$ ${example[2]}"
out=$(eval "${example[2]}" 2>&1); check "README: purge exits 0" 0 $?
echo "$out"
if [[ "$out" =~ Deleted\ ([0-9,]+)\ users\ in\ [0-9.]+\ s:\ ([0-9,]+)\ users/s ]]; then
  purge_rate=${BASH_REMATCH[2]}
  check "purge deleted every loaded user" "$USERS" "${BASH_REMATCH[1]//,/}"
else
  ko "purge's summary: $out"
fi
left=$(curl -s -G "${auth[@]}" "$SCIM/Users" --data-urlencode "filter=userName ew \"@$DOMAIN\"" --data-urlencode count=0 | json 'd["totalResults"]')
check "no loaded user is left" 0 "$left"
check "users after purge: all but the loaded" "$before_users" "$(show "$ID" 'd["counts"]["User"]')"
for r in "${unrelated[@]}"; do
  check "$r untouched" "${version_before[$r]}" "$(curl -s "${auth[@]}" "$SCIM/$r" | json 'd["meta"]["version"]')"
done
again=$("$CLI" --json purge --server "$ID" --filter "userName ew \"@$DOMAIN\"")
check "a second purge finds nothing" 0 "$(json 'd["deleted"]' <<<"$again")"

# --- a full server --------------------------------------------------------------------
if [[ -n "$CAP" ]]; then
  # A few resources already, so that the cap falls inside a batch.
  "$CLI" servers create --id full --users 37 >/dev/null; check "a server with some data" 0 $?
  held=$(total full)
  if [[ -n "$(show full 'd.get("limits", {}).get("maxResources", "")')" ]]; then
    check "the server states its cap" "$CAP" "$(show full 'd["limits"]["maxResources"]')"
    started=$SECONDS
    msg=$("$CLI" load --server full --users $((CAP - held + 1)) 2>&1); code=$?
    check "a load that cannot fit exits 1" 1 $code
    contains "... says how much room there is" "room for $(commas $((CAP - held))) more resources" "$msg"
    contains "... and that nothing was sent" "nothing was sent" "$msg"
    check "... and sends nothing" "$held" "$(total full)"
    holds "... at once" "$((SECONDS - started)) < 5"
  else
    echo "note: GET /api/servers/full states no limits: the check before a load is not exercised"
  fi
  # Its cap unknown beforehand (any SCIM URL), the load meets the full server.
  FULL_SCIM=$(show full 'd["scim"]')
  ASKED=$((CAP + 5000))
  started=$SECONDS
  full=$("$CLI" --json --token "$(remembered full)" load --scim "$FULL_SCIM" --users $ASKED --batch 100 --concurrency 8 2>/dev/null); code=$?
  took=$((SECONDS - started))
  echo "    $(json '{k: d[k] for k in ("created", "refused", "notSent", "failed", "seconds", "perSecond", "serverFull")}' <<<"$full") (${took} s)"
  check "a load into a full server exits 1" 1 $code
  check "... says the server is full" True "$(json 'd["serverFull"]' <<<"$full")"
  contains "... in its words" "is full" "$(json 'd["aborted"]' <<<"$full")"
  total=$(total full)
  created=$(json 'd["created"]' <<<"$full")
  check "... created what the server holds" "$total" "$((held + created))"
  holds "nothing beyond the cap ($total of $CAP)" "$total <= $CAP"
  holds "... filled but for less than a batch" "$CAP - $total < 100"
  holds "... at most the 8 requests in flight refused" "0 < $(json 'd["refused"]' <<<"$full") <= 800"
  holds "... the rest never sent" "$(json 'd["notSent"]' <<<"$full") >= $ASKED - ($CAP - $held) - 800"
  check "... every user accounted for" $ASKED "$(json 'd["created"] + d["refused"] + d["notSent"] + d["failed"]' <<<"$full")"
  check "... no user failed on its own" 0 "$(json 'd["failed"]' <<<"$full")"
fi

# --- config: a merge patch of what is set; a typo changes nothing ---------------------
before=$("$CLI" servers config "$ID" | json 'json.dumps(d, sort_keys=True)')
"$CLI" servers config "$ID" --set nosuch=1 >/dev/null 2>&1; check "config --set of an unknown key exits 1" 1 $?
check "... and changes nothing" "$before" "$("$CLI" servers config "$ID" | json 'json.dumps(d, sort_keys=True)')"
"$CLI" servers config "$ID" --set maxResults=0 >/dev/null 2>&1; check "config --set out of range exits 1" 1 $?
out=$("$CLI" servers config "$ID" --set maxResults=500); check "config --set maxResults=500" 0 $?
check "... sets only it" "500 False" "$(json '"%s %s" % (d["maxResults"], d["strict"])' <<<"$out")"
"$CLI" servers config "$ID" --set maxResults=1000 >/dev/null

# --- csv import and export through an identity domain's job API ----------------------
# An `oci` server; a Users.csv of CSV_ROWS rows, one of them bad; the README's csv commands.
if [[ -z "$standin_pid" ]]; then
  CSV_ROWS=${CSV_ROWS:-300}
  csv_dir=$(mktemp -d)
  out=$("$CLI" servers create --id hr --persona oci 2>&1); check "servers create --persona oci" 0 $?
  users_before=$(show hr 'd["counts"].get("User", 0)')
  python3 - "$csv_dir/Users.csv" "$CSV_ROWS" <<'EOF2'
import csv, sys
path, rows = sys.argv[1], int(sys.argv[2])
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["User Name", "First Name", "Last Name", "Work Email", "Title", "Active"])
    for i in range(1, rows + 1):
        # Row 7 (line 8 of the file) is bad: Active is not a boolean. Some cells a spreadsheet
        # would run, quoted as identity domains export them; names that are not ASCII.
        active = "maybe" if i == 7 else "true"
        title = "'=1+2'" if i % 50 == 0 else ("Ingénieure, R&D" if i % 3 == 0 else "Engineer")
        w.writerow([f"csv.user{i}@example.com", "Zoë" if i % 2 else "O'Brien", f"Last{i}",
                    f"csv.user{i}@example.com", title, active])
EOF2
  out=$("$CLI" csv import hr "$csv_dir/Users.csv" 2>"$csv_dir/err"); code=$?
  echo "$out" | head -5
  check "csv import with one bad row exits 3 (rows failed)" 3 $code
  contains "... says how many went through" "$((CSV_ROWS - 1)) of $CSV_ROWS users succeeded, 1 failed" "$out"
  contains "... and lists the bad row by its number and name" 'row 7 (csv.user7@example.com): attribute "active" must be a boolean' "$out"
  check "... created every good row" $((users_before + CSV_ROWS - 1)) "$(show hr 'd["counts"]["User"]')"
  lacks "... and wrote nothing on stderr but the progress line" "error" "$(cat "$csv_dir/err")"

  "$CLI" csv export hr >"$csv_dir/Export.csv" 2>"$csv_dir/err"; check "csv export exits 0" 0 $?
  contains "... says what it exported" "Exported" "$(cat "$csv_dir/err")"
  exported=$(python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig'))); print(sum(1 for x in r if x['User Name'].startswith('csv.user')))" "$csv_dir/Export.csv")
  check "... holds every imported user" $((CSV_ROWS - 1)) "$exported"
  formula=$(python3 -c "import csv,sys; r=[x for x in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig')) if x['User Name']=='csv.user50@example.com']; print(r[0]['Title'])" "$csv_dir/Export.csv")
  check "... with a formula cell quoted again" "'=1+2'" "$formula"

  # The export imported into another domain, exported again: the same file.
  "$CLI" servers create --id hr2 --persona oci >/dev/null; check "a second oci server" 0 $?
  again=$("$CLI" --json csv import hr2 "$csv_dir/Export.csv" 2>/dev/null); check "re-importing the export exits 0" 0 $?
  rows_in_export=$(python3 -c "import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig')))))" "$csv_dir/Export.csv")
  check "... every row went through" "0 $rows_in_export" "$(json '"%s %s" % (d["failed"], d["succeeded"])' <<<"$again")"
  "$CLI" csv export hr2 -o "$csv_dir/Again.csv" 2>/dev/null; check "csv export -o exits 0" 0 $?
  # The same heading, and the same lines for the imported users (each domain has its own
  # administrator besides).
  if [[ "$(head -1 "$csv_dir/Export.csv")" == "$(head -1 "$csv_dir/Again.csv")" ]] &&
     cmp -s <(grep 'csv\.user' "$csv_dir/Export.csv") <(grep 'csv\.user' "$csv_dir/Again.csv"); then
    ok "export, import, export gives the same rows"
  else
    ko "export, import, export differ: $(diff <(grep 'csv\.user' "$csv_dir/Export.csv") <(grep 'csv\.user' "$csv_dir/Again.csv") | head -5)"
  fi

  # Refusals: a wrong token, a server that is not an identity domain, a bad header.
  msg=$(SCIMLET_TOKEN=wrong "$CLI" csv import hr "$csv_dir/Users.csv" 2>&1); code=$?
  check "csv import with a wrong token exits 1" 1 $code
  contains "... and says why" "401" "$msg"
  printf 'Nickname\r\nx\r\n' >"$csv_dir/Bad.csv"
  before=$(show hr 'd["counts"]["User"]')
  msg=$("$CLI" csv import hr "$csv_dir/Bad.csv" 2>&1); code=$?
  check "a file with a column the domain has not exits 1" 1 $code
  contains "... says which" 'unknown column "Nickname"' "$msg"
  check "... and creates nothing" "$before" "$(show hr 'd["counts"]["User"]')"
  "$CLI" servers create --id plain >/dev/null
  msg=$("$CLI" csv export plain 2>&1); code=$?
  check "csv export of a SCIM (not oci) server exits 1" 1 $code
  contains "... and hints at the persona" "oci" "$msg"
  for id in hr2 plain; do "$CLI" servers delete "$id" >/dev/null; done
  rm -rf "$csv_dir"
fi

# --- export, delete -----------------------------------------------------------------
if [[ -z "$standin_pid" ]]; then
  exported=$("$CLI" servers export "$ID" | json 'len(d["resources"])')
  check "export holds every resource" "$(total "$ID")" "$exported"
fi
for id in "$ID" reference full hr; do
  [[ -n "$(remembered "$id")" ]] || continue
  "$CLI" servers delete "$id" >/dev/null; check "servers delete $id" 0 $?
  "$CLI" servers show "$id" >/dev/null 2>&1; check "$id is gone" 1 $?
  check "$id's token is forgotten" "" "$(remembered "$id")"
done

echo "rates: load ${load_rate:-?} users/s, purge ${purge_rate:-?} users/s"
finish
