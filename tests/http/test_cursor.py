"""RFC 9865 cursor pagination over the real worker: the walk a migration rehearsal does
(each page's users deleted in one Bulk before the next page), cursors surviving a
restart of the worker, and the refusals."""

from __future__ import annotations

import re

import pytest

from conftest import BULK_SCHEMA, SEARCH_SCHEMA, assert_scim_error, new_server, restart_worker

UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]+")
USERS = 900  # within one page of maxResults (1000), for the whole-listing checks


@pytest.fixture
def seeded(http):
    """A server holding generated users, groups, entitlements and roles."""
    srv = new_server(http, seed={"users": USERS, "groups": 20, "entitlements": 0, "roles": 0})
    yield srv
    srv.admin("DELETE")


def user_ids(server) -> set[str]:
    resp = server.get("/Users", params={"count": 10000, "attributes": "id"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["totalResults"] == len(body["Resources"])
    return {r["id"] for r in body["Resources"]}


def walk(server, params: dict, count: int, on_page=None) -> list[str]:
    """The ids a cursor walk sees, page by page, calling `on_page(ids)` after each."""
    seen: list[str] = []
    cursor = ""
    pages = 0
    while True:
        resp = server.get("/Users", params={**params, "cursor": cursor, "count": count})
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert "startIndex" not in body, body.keys()
        ids = [r["id"] for r in body["Resources"]]
        assert len(ids) <= count and body["itemsPerPage"] == len(ids)
        seen.extend(ids)
        if on_page:
            on_page(ids)
        pages += 1
        assert pages <= USERS, "the walk does not end"
        cursor = body.get("nextCursor")
        if cursor is None:
            return seen
        assert UNRESERVED.fullmatch(cursor), cursor


@pytest.mark.parametrize(
    "params",
    [
        {"attributes": "id"},
        {"sortBy": "userName", "attributes": "id,userName"},
        {"sortBy": "name.familyName", "sortOrder": "descending"},
        {"filter": 'userName co "@"', "sortBy": "meta.created"},
    ],
    ids=["id-order", "sorted", "sorted-descending-with-ties", "filtered-typed-sort"],
)
def test_walk_and_delete_in_bulk_sees_every_user_exactly_once(seeded, params):
    everyone = user_ids(seeded)
    assert len(everyone) == USERS

    def delete(ids: list[str]):
        if not ids:
            return
        resp = seeded.post(
            "/Bulk",
            {
                "schemas": [BULK_SCHEMA],
                "Operations": [{"method": "DELETE", "path": f"/Users/{i}"} for i in ids],
            },
        )
        assert resp.status_code == 200, resp.text
        assert [op["status"] for op in resp.json()["Operations"]] == ["204"] * len(ids)

    seen = walk(seeded, params, 100, on_page=delete)
    assert len(seen) == len(set(seen)), "a user seen twice"
    assert set(seen) == everyone, "a user missed"
    assert user_ids(seeded) == set()


def test_cursor_walk_equals_index_paging_and_survives_a_restart(seeded):
    params = {"sortBy": "name.familyName", "attributes": "id"}
    whole = seeded.get("/Users", params={**params, "count": 10000}).json()
    expected = [r["id"] for r in whole["Resources"]]

    first = seeded.get("/Users", params={**params, "cursor": "", "count": 200}).json()
    assert first["totalResults"] == USERS and "previousCursor" not in first
    # Nothing is kept on the server: the cursor means the same after a restart.
    restart_worker()
    seen = [r["id"] for r in first["Resources"]]
    cursor = first["nextCursor"]
    while cursor:
        body = seeded.get("/Users", params={**params, "cursor": cursor, "count": 200}).json()
        assert body["totalResults"] == USERS
        assert "previousCursor" in body
        seen.extend(r["id"] for r in body["Resources"])
        cursor = body.get("nextCursor")
    assert seen == expected

    # Back from the last page by previousCursor: the same pages in reverse.
    last = seeded.get(
        "/Users", params={**params, "cursor": first["nextCursor"], "count": 200}
    ).json()
    back = seeded.get(
        "/Users", params={**params, "cursor": last["previousCursor"], "count": 200}
    ).json()
    assert [r["id"] for r in back["Resources"]] == expected[:200]
    assert "previousCursor" not in back and "nextCursor" in back


def test_search_with_a_cursor_in_the_body(seeded):
    body = {
        "schemas": [SEARCH_SCHEMA],
        "attributes": ["userName"],
        "filter": 'userName co "@"',
        "cursor": "",
        "count": 500,
    }
    seen: list[str] = []
    while True:
        resp = seeded.post("/Users/.search", body)
        assert resp.status_code == 200, resp.text
        page = resp.json()
        assert page["totalResults"] == USERS
        seen.extend(r["id"] for r in page["Resources"])
        if "nextCursor" not in page:
            break
        body["cursor"] = page["nextCursor"]
    assert len(seen) == USERS == len(set(seen))


def test_service_provider_config_advertises_both_pagination_methods(server):
    spc = server.get("/ServiceProviderConfig").json()
    pagination = spc["pagination"]
    assert pagination["cursor"] is True and pagination["index"] is True
    assert pagination["defaultPaginationMethod"] == "index"
    assert pagination["maxPageSize"] == spc["filter"]["maxResults"]


def test_bad_cursors_and_counts_are_400_and_change_nothing(seeded):
    good = seeded.get("/Users", params={"cursor": "", "count": 10}).json()["nextCursor"]
    before = seeded.export()
    cases = [
        ({"cursor": "not-a-cursor"}, "invalidCursor"),
        ({"cursor": good[:-4]}, "invalidCursor"),
        ({"cursor": good, "filter": 'userName sw "a"'}, "invalidCursor"),
        ({"cursor": good, "sortBy": "userName"}, "invalidCursor"),
        ({"cursor": "", "count": 0}, "invalidCount"),
        ({"cursor": "", "count": -1}, "invalidCount"),
        ({"cursor": "", "count": "many"}, "invalidCount"),
        ({"cursor": "", "startIndex": 11}, "invalidValue"),
    ]
    for params, scim_type in cases:
        assert_scim_error(seeded.get("/Users", params=params), 400, scim_type)
    assert_scim_error(seeded.get("/Groups", params={"cursor": good}), 400, "invalidCursor")
    assert_scim_error(
        seeded.post("/Users/.search", {"schemas": [SEARCH_SCHEMA], "cursor": 7}),
        400,
        "invalidCursor",
    )
    after = seeded.export()
    assert after == before


def test_scim2_client_walks_by_cursor(seeded):
    """The reference client (scim2-client over scim2-models) discovers cursor support and
    walks every user by `nextCursor`, validating each ListResponse on the way."""
    import httpx2
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_models import SearchRequest

    client = SyncSCIMClient(httpx2.Client(base_url=seeded.scim, headers=seeded.auth, timeout=30))
    client.discover()
    seen: list[str] = []
    cursor = ""
    while True:
        page = client.query("User", query_parameters=SearchRequest(cursor=cursor, count=300))
        seen.extend(u.id for u in page.resources or [])
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == USERS
