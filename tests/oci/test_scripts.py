"""The identity-domain scripts people rehearse against a mock: a Bulk load of fake users
by one app (10 concurrent requests of 100), a clean-up by that app through
`idcsCreatedBy.value eq ... and id gt ...` sorted by id (4 concurrent Bulk deletes of 100,
then the empty Bulk it always sends), leaving exactly what another app made. Also the
Bulk rate through /admin/v1 next to /scim/v2.
"""

from __future__ import annotations

import concurrent.futures
import time

from conftest import BASE, BULK_SCHEMA, new_domain
from iam_script import IamScript, bulk_id, user_operation


def load(script: IamScript, emails: list[str], batch: int = 100, workers: int = 10) -> list[dict]:
    batches = [emails[i:i + batch] for i in range(0, len(emails), batch)]
    ops = [[user_operation("Ada", f"L{n}", e) for n, e in enumerate(b)] for b in batches]
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(script.bulk, ops))


def statuses(answers: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for answer in answers:
        for op in answer["Operations"]:
            counts[op["status"]] = counts.get(op["status"], 0) + 1
    return counts


def clean_up(script: IamScript) -> int:
    """The clean-up script's walk: returns how many users it deleted."""
    app_id = script.my_app_id()
    last, pending, deleted = "0", [], 0
    futures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        while True:
            page = script.users({
                "sortBy": "id",
                "attributes": "id",
                "filter": f'idcsCreatedBy.value eq "{app_id}" and id gt "{last}"',
                "count": 1000,
            })
            if page["totalResults"] == 0:
                break
            for user in page["Resources"]:
                assert user["userName"], user  # asked for id only; userName comes always
                last = user["id"]
                pending.append({"method": "DELETE", "path": f"/Users/{user['id']}", "bulkId": bulk_id()})
                if len(pending) == 100:
                    futures.append(pool.submit(script.bulk, pending))
                    pending = []
                deleted += 1
        futures.append(pool.submit(script.bulk, pending))
        for f in futures:
            for op in f.result()["Operations"]:
                assert op["status"] == "204", op
    return deleted


def test_a_bulk_load_by_one_app_and_its_clean_up_leave_the_other_apps_users(http):
    domain = new_domain(http)
    try:
        admin = IamScript(domain.url, domain.client_id, domain.client_secret)
        _, a_client, a_secret = admin.create_app("loader A")
        _, b_client, b_secret = admin.create_app("loader B")
        a = IamScript(domain.url, a_client, a_secret)
        b = IamScript(domain.url, b_client, b_secret)

        emails_a = [f"user{i}@a.example.com" for i in range(2000)]
        # A few repeated addresses, as Faker gives at a few thousand: 409, never a second user.
        emails_a[1500] = emails_a[10]
        emails_a[1999] = emails_a[20]
        started = time.perf_counter()
        answers = load(a, emails_a)
        seconds = time.perf_counter() - started
        assert statuses(answers) == {"201": 1998, "409": 2}
        print(f"\nBulk through /admin/v1: 2000 users in 20 requests of 100, 10 at once: "
              f"{2000 / seconds:.0f} users/s")
        assert statuses(load(b, [f"user{i}@b.example.com" for i in range(300)])) == {"201": 300}

        assert clean_up(a) == 1998
        left = b.users({"count": 1000, "attributes": "idcsCreatedBy"})
        assert left["totalResults"] == 300
        b_id = b.my_app_id()
        assert {u["idcsCreatedBy"]["value"] for u in left["Resources"]} == {b_id}
        assert {u["idcsCreatedBy"]["type"] for u in left["Resources"]} == {"App"}
    finally:
        domain.delete(http)


def test_the_same_bulk_load_through_scim_v2_for_comparison(http):
    domain = new_domain(http)
    scim = f"{BASE}/scim-identifier/{domain.id}/scim/v2"
    headers = {"Authorization": f"Bearer {domain.token}", "Content-Type": "application/scim+json"}

    def bulk(n: int) -> dict:
        ops = [user_operation("Ada", "L", f"u{n}-{i}@s.example.com") for i in range(100)]
        r = http.post(f"{scim}/Bulk", json={"schemas": [BULK_SCHEMA], "Operations": ops}, headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    try:
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(bulk, range(20)))
        seconds = time.perf_counter() - started
        assert statuses(answers) == {"201": 2000}
        print(f"\nBulk through /scim/v2: 2000 users in 20 requests of 100, 10 at once: "
              f"{2000 / seconds:.0f} users/s")
        # The server token at /scim/v2 records the domain itself as the writer.
        users = http.get(f"{scim}/Users?count=1", headers=headers).json()["Resources"]
        assert users[0]["idcsCreatedBy"]["value"] == "IDCSAppId"
    finally:
        domain.delete(http)


def test_an_empty_bulk_and_a_rate_limited_one(http):
    domain = new_domain(http, settings={"rateLimits": {"enabled": True}})
    try:
        script = IamScript(domain.url, domain.client_id, domain.client_secret)
        answers = [script.call("POST", "/admin/v1/Bulk", {"schemas": [BULK_SCHEMA], "Operations": []}, ok=False)
                   for _ in range(16)]
        codes = [r.status_code for r in answers]
        assert codes.count(200) >= 5 and 429 in codes, codes
        refused = next(r for r in answers if r.status_code == 429)
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.json()["status"] == "429"
    finally:
        domain.delete(http)
