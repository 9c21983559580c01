"""Server lifecycle: create, show, reset, export/import, config, delete, list, expiry, limits."""

import json
import os
import re
import time

import pytest

from conftest import (
    ADMIN_TOKEN,
    BASE,
    BULK_SCHEMA,
    CREATE_LIMIT,
    MAX_RESOURCES,
    assert_scim_error,
    bearer,
    create_server,
    fake_client_ip,
    new_server,
    user_body,
)


def test_healthz_answers_200_without_auth(http):
    resp = http.get(f"{BASE}/healthz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok"}


def test_create_answers_201_with_id_token_and_absolute_scim_base(http):
    server_id = f"life-{os.urandom(4).hex()}"
    resp = create_server(http, id=server_id)
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert created["id"] == server_id
    assert re.fullmatch(r"[0-9a-f]{64}", created["token"])
    assert created["scim"] == f"{BASE}/scim-identifier/{server_id}/scim/v2"
    assert resp.headers["location"] == f"{BASE}/api/servers/{server_id}"
    users = http.get(f"{created['scim']}/Users", headers=bearer(created["token"]))
    assert users.status_code == 200
    assert users.json()["totalResults"] == 0


def test_create_without_id_picks_a_valid_random_one(http):
    first, second = create_server(http).json(), create_server(http).json()
    for created in (first, second):
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", created["id"])
    assert first["id"] != second["id"]
    assert first["token"] != second["token"]


def test_create_with_chosen_token_opens_with_that_token(http):
    token = "my-own-token-" + os.urandom(8).hex()
    server = new_server(http, token=token)
    assert server.token == token
    assert server.get("/Users").status_code == 200


def test_create_existing_id_gives_409_and_keeps_the_first_server(http, server):
    server.create_user("first.owner")
    resp = create_server(http, id=server.id)
    assert_scim_error(resp, 409, "uniqueness")
    assert server.get("/Users").json()["totalResults"] == 1


@pytest.mark.parametrize(
    "body, content, scim_type",
    [
        (None, b"{not json", "invalidSyntax"),
        (None, b"[1, 2]", "invalidSyntax"),
        ({"id": "x", "colour": "blue"}, None, "invalidSyntax"),
        ({"token": "short"}, None, "invalidValue"),
        ({"token": "has spaces in the middle of it"}, None, "invalidValue"),
        ({"seed": {"users": 10**9}}, None, "invalidValue"),
        ({"settings": {"maxResults": 0}}, None, "invalidValue"),
    ],
    ids=["malformed-json", "not-an-object", "unknown-field", "short-token", "token-with-spaces",
         "seed-over-resource-limit", "invalid-settings"],
)
def test_create_rejects_bad_orders_with_400(http, body, content, scim_type):
    headers = {"CF-Connecting-IP": fake_client_ip(), "Content-Type": "application/json"}
    if content is None:
        resp = http.post(f"{BASE}/api/servers", json=body, headers=headers)
    else:
        resp = http.post(f"{BASE}/api/servers", content=content, headers=headers)
    assert_scim_error(resp, 400, scim_type)


def test_create_with_seed_fills_the_server_with_generated_data(http):
    spec = {"users": 30, "groups": 4, "entitlements": 3, "roles": 2, "seed": 7}
    resp = create_server(http, seed=spec)
    if resp.status_code == 501:
        pytest.skip("the fake-data generator is not built into this engine yet")
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert created["counts"] == {"User": 30, "Group": 4, "Entitlement": 3, "Role": 2}
    users = http.get(f"{created['scim']}/Users?count=1", headers=bearer(created["token"]))
    assert users.json()["totalResults"] == 30


def test_show_reports_counts_created_and_expiry(server):
    server.create_user("shown.user")
    resp = server.admin("GET")
    assert resp.status_code == 200, resp.text
    shown = resp.json()
    assert shown["id"] == server.id
    assert shown["scim"] == server.scim
    assert shown["counts"]["User"] == 1
    assert shown["total"] == sum(shown["counts"].values())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", shown["created"])
    assert shown["expires"] is None  # SERVER_TTL_SECONDS=0 in tests


def test_delete_answers_204_and_removes_the_server_and_its_data(http, server):
    server.create_user("doomed.user")
    assert server.admin("DELETE").status_code == 204
    # A deleted server answers exactly as a wrong token would: ids cannot be probed.
    gone = assert_scim_error(server.admin("GET"), 401)
    assert gone["detail"] == f"this token does not open server '{server.id}' (or there is no such server)"
    assert_scim_error(server.get("/Users"), 401)
    again = create_server(http, id=server.id).json()
    users = http.get(f"{again['scim']}/Users", headers=bearer(again["token"]))
    assert users.json()["totalResults"] == 0
    assert_scim_error(http.get(f"{again['scim']}/Users", headers=server.auth), 401)


def test_reset_empties_the_server_and_keeps_token_and_settings(server):
    server.admin("PUT", "config", json={"patchResponse": "noContent"})
    server.create_user("reset.me")
    resp = server.admin("POST", "reset")
    assert resp.status_code == 200, resp.text
    assert resp.json()["total"] == 0
    assert server.get("/Users").json()["totalResults"] == 0
    assert server.admin("GET", "config").json()["patchResponse"] == "noContent"


def test_export_then_import_into_another_server_is_lossless(server, other_server):
    alice = server.create_user("alice", password="Secret-123", externalId="ext-1")
    bob = server.create_user("bob")
    group = server.post("/Groups", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "Pilots",
        "members": [{"value": alice["id"]}, {"value": bob["id"]}],
    })
    assert group.status_code == 201, group.text
    exported = server.export()
    assert len(exported["resources"]) == 3

    other_server.create_user("replaced.by.import")
    resp = other_server.admin("PUT", "import", json=exported)
    assert resp.status_code == 200, resp.text
    assert resp.json()["counts"]["User"] == 2
    assert other_server.export() == exported
    fetched = other_server.get(f"/Users/{alice['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["userName"] == "alice"


def test_import_of_invalid_json_gives_400_and_keeps_the_data(server):
    server.create_user("kept.user")
    before = server.export()
    resp = server.admin("PUT", "import", content=b"{broken",
                        headers={"Content-Type": "application/json"})
    assert_scim_error(resp, 400, "invalidSyntax")
    assert server.export() == before


def test_config_put_changes_behaviour_and_bad_config_changes_nothing(server):
    before = server.admin("GET", "config")
    assert before.status_code == 200
    assert before.json()["patchResponse"] == "resource"

    user = server.create_user("configured")
    patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "path": "active", "value": False}]}
    assert server.patch(f"/Users/{user['id']}", patch).status_code == 200

    resp = server.admin("PUT", "config", json={**before.json(), "patchResponse": "noContent"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["patchResponse"] == "noContent"
    assert server.patch(f"/Users/{user['id']}", patch).status_code == 204

    bad = server.admin("PUT", "config", json={"maxResults": 0})
    assert_scim_error(bad, 400, "invalidValue")
    assert server.admin("GET", "config").json()["patchResponse"] == "noContent"


def test_listing_servers_needs_the_admin_token(http, server):
    assert_scim_error(http.get(f"{BASE}/api/servers"), 401)
    assert_scim_error(http.get(f"{BASE}/api/servers", headers=server.auth), 401)
    if not ADMIN_TOKEN:
        pytest.skip("needs SCIMLET_ADMIN_TOKEN")
    resp = http.get(f"{BASE}/api/servers", headers=bearer(ADMIN_TOKEN))
    assert resp.status_code == 200, resp.text
    listed = resp.json()
    assert listed["total"] == len(listed["servers"])
    assert server.id in {s["id"] for s in listed["servers"]}


def test_expired_server_answers_401_and_its_data_is_removed(http):
    server = new_server(http, settings={"ttlSeconds": 1})
    server.create_user("short.lived")
    assert server.admin("GET").json()["expires"] is not None
    time.sleep(1.3)
    assert_scim_error(server.get("/Users"), 401)
    assert_scim_error(server.admin("GET"), 401)
    again = create_server(http, id=server.id)
    assert again.status_code == 201, again.text
    fresh = again.json()
    users = http.get(f"{fresh['scim']}/Users", headers=bearer(fresh["token"]))
    assert users.json()["totalResults"] == 0


def test_expired_server_leaves_the_registry_unasked_through_its_alarm(http):
    if not ADMIN_TOKEN:
        pytest.skip("needs SCIMLET_ADMIN_TOKEN")
    server = new_server(http, settings={"ttlSeconds": 1})

    def listed():
        resp = http.get(f"{BASE}/api/servers", headers=bearer(ADMIN_TOKEN))
        return {s["id"] for s in resp.json()["servers"]}

    assert server.id in listed()
    deadline = time.monotonic() + 10
    while server.id in listed() and time.monotonic() < deadline:
        time.sleep(0.25)
    assert server.id not in listed()


def test_server_creation_is_limited_per_client_address_per_minute(http):
    if not CREATE_LIMIT:
        pytest.skip("needs SCIMLET_CREATE_LIMIT (the worker's CREATE_LIMIT_PER_MINUTE)")
    client = fake_client_ip()
    created = []
    for _ in range(int(CREATE_LIMIT)):
        resp = create_server(http, client_ip=client)
        assert resp.status_code == 201, resp.text
        created.append(resp.json())
    refused = create_server(http, client_ip=client)
    assert_scim_error(refused, 429)
    assert int(refused.headers["retry-after"]) >= 1
    assert create_server(http, client_ip=fake_client_ip()).status_code == 201
    for c in created:
        http.delete(f"{BASE}/api/servers/{c['id']}", headers=bearer(c["token"]))


def clones(template: dict, count: int, prefix: str) -> list[dict]:
    """`count` stored users made from one exported user, with their own ids and names."""
    out = []
    for i in range(count):
        user = json.loads(json.dumps(template))
        user["id"] = f"{prefix}-{i:06}"
        user["userName"] = f"{prefix}.{i:06}"
        if "location" in user.get("meta", {}):
            user["meta"]["location"] = user["meta"]["location"].rsplit("/", 1)[0] + "/" + user["id"]
        out.append(user)
    return out


def test_a_full_server_refuses_growth_and_keeps_what_it_had(server):
    if not MAX_RESOURCES:
        pytest.skip("needs SCIMLET_MAX_RESOURCES (the worker's MAX_RESOURCES_PER_SERVER)")
    limit = int(MAX_RESOURCES)
    server.create_user("template")
    exported = server.export()
    template = exported["resources"][0]

    over = {**exported, "resources": clones(template, limit + 1, "over")}
    assert_scim_error(server.admin("PUT", "import", json=over), 403)
    assert server.export() == exported

    near = {**exported, "resources": clones(template, limit - 2, "near")}
    resp = server.admin("PUT", "import", json=near)
    assert resp.status_code == 200, resp.text
    bulk = {"schemas": [BULK_SCHEMA], "Operations": [
        {"method": "POST", "path": "/Users", "bulkId": f"b{i}", "data": user_body(f"bulk.{i}")}
        for i in range(5)
    ]}
    assert_scim_error(server.post("/Bulk", bulk), 403)
    assert server.get("/Users?count=0").json()["totalResults"] == limit - 2
    assert server.create_user("fits.one")["userName"] == "fits.one"
    assert server.create_user("fits.two")["userName"] == "fits.two"
    assert_scim_error(server.post("/Users", user_body("one.too.many")), 403)
    first = server.get("/Users/near-000000")
    assert first.status_code == 200 and first.json()["userName"] == "near.000000"
