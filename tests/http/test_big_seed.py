"""A big seed fills a server in slices (the Durable Object's alarm; under
scripts/with-worker.sh the creation makes its first chunk of 5,000 and slices of 50 ms do
the rest): the creation answers at once with its progress, the server shows that progress while it
fills, SCIM requests are answered in between, and the counts end at what was asked."""

from __future__ import annotations

import time

from conftest import new_server

# Past the first chunk the creation makes itself (5,000), within the tests' cap (12,000).
USERS = 11000


def test_a_big_seed_fills_in_slices_while_the_server_answers(http):
    srv = new_server(http, wait=False,
                     seed={"users": USERS, "groups": 0, "entitlements": 0, "roles": 0})
    try:
        seeding = srv.created.get("seeding")
        assert seeding and seeding["total"] == USERS and 0 < seeding["done"] < USERS, srv.created
        progress = [seeding["done"]]
        deadline = time.monotonic() + 120
        while True:
            show = srv.admin("GET")
            assert show.status_code == 200, show.text
            shown = show.json()
            # SCIM is answered while the seed fills the server.
            listed = srv.get("/Users", params={"count": 1, "attributes": "userName"})
            assert listed.status_code == 200, listed.text
            if "seeding" not in shown:
                break
            progress.append(shown["seeding"]["done"])
            assert time.monotonic() < deadline, f"still seeding after 120 s: {progress[-5:]}"
            time.sleep(0.05)
        assert shown["counts"]["User"] == USERS
        assert progress == sorted(progress)
        print(f"\n  seed of {USERS}: progress seen {progress}")
        assert len(progress) > 1, "no request was answered while the server filled"
        users = srv.get("/Users", params={"count": 0}).json()
        assert users["totalResults"] == USERS
    finally:
        srv.admin("DELETE")
