"""Each SCIM endpoint through the Worker and its Durable Object: what the host must carry
(method, path, raw query, If-Match / If-None-Match, Content-Type, body) and add (absolute
URLs under this server's base, CORS, Server-Timing)."""

import re

import pytest

from conftest import (
    BASE,
    BULK_SCHEMA,
    GROUP_SCHEMA,
    PATCH_SCHEMA,
    SCIM,
    SEARCH_SCHEMA,
    assert_scim_error,
    user_body,
)

TIMING = re.compile(r"(^|, )engine;dur=\d+(\.\d+)?(,|$)")


def test_post_user_answers_201_with_location_under_this_servers_base(server):
    resp = server.post("/Users", user_body("located"))
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert resp.headers["location"] == f"{server.scim}/Users/{created['id']}"
    assert created["meta"]["location"] == resp.headers["location"]
    assert resp.headers["content-type"].startswith(SCIM)
    assert resp.headers["etag"] == created["meta"]["version"]


def test_get_put_patch_delete_a_user(server):
    user = server.create_user("crud.user")
    path = f"/Users/{user['id']}"
    got = server.get(path)
    assert got.status_code == 200 and got.json()["userName"] == "crud.user"

    replaced = server.put(path, user_body("crud.user", displayName="Replaced"))
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["displayName"] == "Replaced"

    patched = server.patch(path, {"schemas": [PATCH_SCHEMA],
                                  "Operations": [{"op": "replace", "path": "active", "value": False}]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["active"] is False

    assert server.delete(path).status_code == 204
    assert_scim_error(server.get(path), 404)


def test_if_none_match_and_if_match_reach_the_engine(server):
    user = server.create_user("etagged")
    path = f"/Users/{user['id']}"
    etag = server.get(path).headers["etag"]
    assert server.get(path, headers={"If-None-Match": etag}).status_code == 304
    stale = server.put(path, user_body("etagged"), headers={"If-Match": 'W/"stale"'})
    assert_scim_error(stale, 412)
    fresh = server.put(path, user_body("etagged", nickName="ok"), headers={"If-Match": etag})
    assert fresh.status_code == 200, fresh.text


@pytest.mark.parametrize(
    "query",
    [
        'filter=userName%20eq%20%22Query.User%22',
        'filter=userName+eq+%22query.user%22',
        'filter=userName eq "QUERY.USER"',
    ],
    ids=["percent-encoded", "plus-for-space", "encoded-by-client"],
)
def test_raw_query_string_reaches_the_engine(server, query):
    server.create_user("query.user")
    server.create_user("someone.else")
    resp = server.get(f"/Users?{query}")
    assert resp.status_code == 200, resp.text
    assert [u["userName"] for u in resp.json()["Resources"]] == ["query.user"]


def test_search_with_post_body(server):
    server.create_user("searched")
    resp = server.post("/Users/.search", {"schemas": [SEARCH_SCHEMA],
                                          "filter": 'userName sw "sea"', "count": 10})
    assert resp.status_code == 200, resp.text
    assert resp.json()["totalResults"] == 1


def test_groups_with_members(server):
    user = server.create_user("member")
    resp = server.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "Crew",
                                   "members": [{"value": user["id"]}]})
    assert resp.status_code == 201, resp.text
    group = resp.json()
    assert [m["value"] for m in group["members"]] == [user["id"]]
    listed = server.get("/Groups").json()
    assert listed["totalResults"] == 1


def test_bulk_creates_with_bulk_id_references(server):
    resp = server.post("/Bulk", {
        "schemas": [BULK_SCHEMA],
        "Operations": [
            {"method": "POST", "path": "/Users", "bulkId": "u1", "data": user_body("bulk.one")},
            {"method": "POST", "path": "/Groups", "bulkId": "g1",
             "data": {"schemas": [GROUP_SCHEMA], "displayName": "Bulkers",
                      "members": [{"value": "bulkId:u1"}]}},
        ],
    })
    assert resp.status_code == 200, resp.text
    statuses = [op["status"] for op in resp.json()["Operations"]]
    assert statuses == ["201", "201"]
    assert server.get("/Groups").json()["Resources"][0]["members"][0]["value"]


@pytest.mark.parametrize("path", ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas"])
def test_discovery_endpoints_answer_scim_json(server, path):
    resp = server.get(path)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith(SCIM)
    assert isinstance(resp.json(), dict)


def test_every_response_carries_server_timing_and_cors(http, server):
    user = server.create_user("timed")
    responses = [
        http.get(f"{BASE}/healthz"),
        http.get(f"{BASE}/nowhere"),
        http.get(server.url("/Users")),  # 401
        server.get("/Users"),
        server.get(f"/Users/{user['id']}"),
        server.get("/Users/missing"),
        server.admin("GET"),
        http.options(server.url("/Users"), headers={
            "Origin": "https://example.com",
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, content-type, if-match",
        }),
    ]
    for resp in responses:
        assert TIMING.search(resp.headers.get("server-timing", "")), (resp.url, resp.headers)
        assert resp.headers["access-control-allow-origin"] == "*", resp.url
        assert "Server-Timing" in resp.headers["access-control-expose-headers"]


def test_root_serves_the_browser_page_with_cors_and_timing(http):
    resp = http.get(f"{BASE}/")
    assert resp.status_code == 200, resp.text[:200]
    assert resp.headers["content-type"].startswith("text/html")
    assert resp.headers["access-control-allow-origin"] == "*"
    assert TIMING.search(resp.headers["server-timing"])


def test_cors_preflight_allows_scim_methods_and_asked_headers(http, server):
    resp = http.options(server.url("/Users/x"), headers={
        "Origin": "https://example.com",
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization, content-type, if-match",
    })
    assert resp.status_code == 204
    allowed = {m.strip() for m in resp.headers["access-control-allow-methods"].split(",")}
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= allowed
    assert "if-match" in resp.headers["access-control-allow-headers"].lower()


def test_engine_time_is_reported_for_scim_requests(server):
    resp = server.get("/Users")
    timing = dict(
        (part.split(";dur=")[0].strip(), float(part.split(";dur=")[1]))
        for part in resp.headers["server-timing"].split(",")
    )
    assert timing["engine"] >= 0
