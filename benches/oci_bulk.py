"""Bulk rate of an `oci` server through /admin/v1 (an app's access token) next to /scim/v2
(the server's token), into the same server, two rounds in alternating order: 2,000 users
each time in 20 Bulk requests of 100, 10 at once (what the identity-domain loader sends).

    scripts/with-worker.sh .venv/bin/python benches/oci_bulk.py
"""

from __future__ import annotations

import concurrent.futures
import os
import time

import httpx

BASE = os.environ.get("SCIMLET_URL", "http://127.0.0.1:8787").rstrip("/")
BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"


def operations(tag: str, n: int) -> list[dict]:
    return [{
        "method": "POST", "path": "/Users/", "bulkId": f"b{i}",
        "data": {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": f"{tag}-{n}-{i}@example.com",
            "name": {"givenName": "Ada", "familyName": "Lovelace", "formatted": "Ada Lovelace"},
            "emails": [{"value": f"{tag}-{n}-{i}@example.com", "type": "work", "primary": True}],
            "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User:bypassNotification": True,
        },
    } for i in range(100)]


def load(http: httpx.Client, url: str, token: str, tag: str) -> float:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}

    def one(n: int) -> None:
        r = http.post(url, json={"schemas": [BULK], "Operations": operations(tag, n)}, headers=headers)
        assert r.status_code == 200, r.text
        assert all(op["status"] == "201" for op in r.json()["Operations"]), r.text[:300]

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(one, range(20)))
    return 2000 / (time.perf_counter() - started)


def main() -> None:
    with httpx.Client(timeout=120) as http:
        created = http.post(f"{BASE}/api/servers", json={"settings": {"persona": "oci"}},
                            headers={"CF-Connecting-IP": "10.77.0.1"}).json()
        oci = created["oci"]
        token = http.post(f"{oci['domainUrl']}/oauth2/v1/token", auth=(oci["clientId"], oci["clientSecret"]),
                          data={"grant_type": "client_credentials", "scope": "urn:opc:idm:__myscopes__"}).json()["access_token"]
        try:
            for round_ in range(2):
                paths = [("/admin/v1", f"{oci['domainUrl']}/admin/v1/Bulk", token),
                         ("/scim/v2", f"{created['scim']}/Bulk", created["token"])]
                rates = {}
                for name, url, credential in paths if round_ == 0 else reversed(paths):
                    rates[name] = load(http, url, credential, f"{name[1]}{round_}")
                print(f"round {round_ + 1}: /admin/v1 {rates['/admin/v1']:.0f} users/s, "
                      f"/scim/v2 {rates['/scim/v2']:.0f} users/s")
        finally:
            http.delete(f"{BASE}/api/servers/{created['id']}", headers={"Authorization": f"Bearer {created['token']}"})


if __name__ == "__main__":
    main()
