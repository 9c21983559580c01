"""Issue 13 at a size CI affords: a server of SCALE_TEST_USERS users (10,000 by default,
so that `make test`'s deployment cap of 12,000 resources holds it with room for the cap
check; WORKER_MAX_RESOURCES=60000 SCALE_TEST_USERS=50000 for 50,000), Bulk-created over
HTTP in batches of 100, 4 in flight, as a migration rehearsal does. Checks:
- the cap: a Bulk that would take the server past `limits.maxResources` (GET
  /api/servers/{id}) is refused 403 and keeps nothing; only where the deployment's cap is
  within reach of a test (CAP_REACH more resources), as it is under scripts/with-worker.sh;
- the cold start: after a restart of the worker, the first `userName eq` answers rightly,
  in under a second (the figure is printed; `make bench-scale` measures it against 100 ms);
- a cursor walk (RFC 9865) of 500 a page, each page's users deleted in one Bulk before the
  next page: every user is seen exactly once and the server ends empty.
The timings `make bench-scale` holds to its targets are not asserted here: a shared CI
machine would make them flaky.
"""

from __future__ import annotations

import os
import random
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import BULK_SCHEMA, MAX_RESOURCES, assert_scim_error, new_server, restart_worker, user_body
from test_cursor import walk

USERS = int(os.environ.get("SCALE_TEST_USERS", "10000"))
BATCH = 100
CONCURRENCY = 4
CAP_REACH = 20_000  # the most resources the cap check adds to reach the cap


def bulk(server, ops: list[dict], status: str) -> list[dict]:
    resp = server.post("/Bulk", {"schemas": [BULK_SCHEMA], "Operations": ops})
    assert resp.status_code == 200, resp.text
    done = resp.json()["Operations"]
    assert [op["status"] for op in done] == [status] * len(ops), done
    return done


def creates(prefix: str, start: int, stop: int) -> list[dict]:
    return [{"method": "POST", "path": "/Users", "bulkId": f"{prefix}{i}",
             "data": user_body(f"{prefix}{i:07}", userType="Employee")}
            for i in range(start, stop)]


def fill(server, count: int, prefix: str = "user", start: int = 0) -> list[str]:
    """Bulk-creates `count` users, BATCH an operation, CONCURRENCY in flight; their ids."""
    batches = [creates(prefix, i, min(i + BATCH, start + count)) for i in range(start, start + count, BATCH)]
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        done = pool.map(lambda ops: bulk(server, ops, "201"), batches)
        return [op["location"].rsplit("/", 1)[1] for ops in done for op in ops]


def total(server) -> int:
    resp = server.get("/Users", params={"count": 0})
    assert resp.status_code == 200, resp.text
    return resp.json()["totalResults"]


@pytest.fixture
def big(http):
    """A server of USERS users (their ids in `.created["ids"]`), deleted after the test."""
    if MAX_RESOURCES and USERS > int(MAX_RESOURCES):
        pytest.skip(f"SCALE_TEST_USERS={USERS} is past the deployment's cap of {MAX_RESOURCES}")
    srv = new_server(http, prefix="scale")
    started = time.monotonic()
    srv.created["ids"] = fill(srv, USERS)
    took = time.monotonic() - started
    print(f"\n  {USERS:,} users in Bulk of {BATCH}, {CONCURRENCY} in flight: {took:.1f} s "
          f"({USERS / took:,.0f}/s)")
    assert total(srv) == USERS
    yield srv
    srv.admin("DELETE")


def test_a_bulk_past_the_cap_is_refused_and_keeps_nothing(big):
    shown = big.admin("GET")
    assert shown.status_code == 200, shown.text
    cap = shown.json()["limits"]["maxResources"]
    held = shown.json()["total"]
    assert held == USERS
    if cap - held > CAP_REACH:
        pytest.skip(f"the deployment's cap ({cap:,}) is {cap - held:,} resources away: out of a test's reach")
    # Up to 50 short of the cap, then a Bulk of 100 would pass it.
    room = cap - held - 50
    fill(big, room, prefix="more", start=USERS)
    assert total(big) == cap - 50
    over = creates("over", 0, BATCH)
    error = assert_scim_error(big.post("/Bulk", {"schemas": [BULK_SCHEMA], "Operations": over}), 403)
    assert "server is full" in error["detail"], error
    assert total(big) == cap - 50
    found = big.get("/Users", params={"filter": 'userName sw "over"', "count": 0}).json()
    assert found["totalResults"] == 0, "a refused Bulk kept users"
    # The 50 that fit are taken; one more is not.
    bulk(big, over[:50], "201")
    assert big.admin("GET").json()["total"] == cap
    assert_scim_error(big.post("/Users", user_body("one.too.many")), 403)
    assert total(big) == cap


def test_the_first_request_after_a_restart_answers_quickly(big):
    name = f"user{random.randrange(USERS):07}"
    restart_worker()
    started = time.monotonic()
    resp = big.get("/Users", params={"filter": f'userName eq "{name}"'})
    took = time.monotonic() - started
    assert resp.status_code == 200, resp.text
    found = resp.json()
    assert found["totalResults"] == 1 and found["Resources"][0]["userName"] == name, found
    print(f"\n  first userName eq after a restart, {USERS:,} users: {took * 1000:.1f} ms "
          f"(Server-Timing: {resp.headers.get('server-timing')})")
    assert took < 1.0, f"the first request after a restart took {took:.2f} s"


def test_a_cursor_walk_while_deleting_sees_every_user_once_and_empties_the_server(big):
    def delete(ids: list[str]):
        for start in range(0, len(ids), BATCH):
            bulk(big, [{"method": "DELETE", "path": f"/Users/{i}"} for i in ids[start:start + BATCH]], "204")

    seen = walk(big, {"attributes": "id"}, 500, on_page=delete)
    assert len(seen) == len(set(seen)), "a user seen twice"
    assert set(seen) == set(big.created["ids"]), "a user missed"
    assert total(big) == 0
    assert big.admin("GET").json()["total"] == 0


def test_a_clean_up_walk_after_a_restart_counts_exactly_and_deletes_everyone(big):
    """The migration rehearsal's last step, as people write it: filter on an attribute and
    `id gt` the last id seen, `sortBy=id`, 100 a page, each page deleted in one Bulk. After
    a restart, so the store learns its row order from SQLite; every page's `totalResults`
    must be exactly what is left (none of them is read to count it)."""
    others = fill(big, 30, prefix="contractor")  # not Employees: the filter keeps them out
    for i in others:
        patched = big.patch(f"/Users/{i}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                            "Operations": [{"op": "replace", "path": "userType", "value": "Contractor"}]})
        assert patched.status_code == 200, patched.text
    restart_worker()
    last, left, seen = "", USERS, []
    while True:
        resp = big.get("/Users", params={"filter": f'userType eq "Employee" and id gt "{last}"',
                                         "sortBy": "id", "count": BATCH, "attributes": "id"})
        assert resp.status_code == 200, resp.text
        page = resp.json()
        assert page["totalResults"] == left, (page["totalResults"], left, last)
        ids = [r["id"] for r in page["Resources"]]
        if not ids:
            break
        assert ids == sorted(ids) and all(i > last for i in ids), "a page out of id order"
        bulk(big, [{"method": "DELETE", "path": f"/Users/{i}"} for i in ids], "204")
        seen += ids
        last, left = ids[-1], left - len(ids)
    assert sorted(seen) == sorted(big.created["ids"]), "an Employee missed or seen twice"
    assert total(big) == len(others), "the Contractors are all that is left"
