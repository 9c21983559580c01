"""Runs scim2-tester's whole check suite against a fresh scimlet server.

Passes only if discovery succeeds, every resource type the server advertises in
/ResourceTypes was exercised, and no check ended ERROR or CRITICAL.
"""

import collections
import sys

import httpx
import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from new_server import new_server

BAD = {Status.ERROR, Status.CRITICAL}


def main() -> int:
    url, token = new_server("scim2-tester")
    headers = {"Authorization": f"Bearer {token}"}
    advertised = httpx.get(f"{url}/ResourceTypes", headers=headers, timeout=30).json()
    listed = advertised.get("Resources") or []
    expected = sorted(r["name"] for r in listed if isinstance(r, dict) and "name" in r)

    client = SyncSCIMClient(httpx2.Client(base_url=url, headers=headers, timeout=30))
    results = check_server(client)

    tally = collections.Counter(r.status.name for r in results)
    per_type = collections.defaultdict(collections.Counter)
    for r in results:
        per_type[r.resource_type or "(server)"][r.status.name] += 1
        if r.status in BAD:
            print(f"{r.status.name}: [{r.resource_type or 'server'}] {r.title}: {r.reason}")
    for name, counts in sorted(per_type.items()):
        print(f"  {name:<14} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print("scim2-tester: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))

    tested = sorted(t for t in per_type if t != "(server)")
    missing = [t for t in expected if t not in tested]
    problems = []
    if not expected or len(expected) != len(listed):
        problems.append(f"/ResourceTypes lists no usable resource types: {listed}")
    if missing:
        problems.append(f"resource types advertised but never tested: {missing}")
    bad = sum(tally[s.name] for s in BAD)
    if bad:
        problems.append(f"{bad} ERROR/CRITICAL result(s)")
    for p in problems:
        print(f"FAIL: {p}")
    if not problems:
        print(f"scim2-tester passed across {tested}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
