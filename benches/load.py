"""Load benchmark of the scimlet Worker over HTTP: `make bench-load`.

Against $SCIMLET_URL (`make bench-load` starts a throwaway `wrangler dev` through
scripts/with-worker.sh; point SCIMLET_URL at any other scimlet to measure it instead):

1. creates a server and bulk-creates USERS users (default 10,000) through `/Bulk`, in
   batches of BATCH (100) operations, CONCURRENCY (4) requests in flight;
2. times, one request at a time on a kept-alive connection:
   - `GET /healthz` (the Worker alone: the runtime's floor),
   - `GET /api/servers/{id}/config` (a trivial request through the server's Durable Object),
   - `GET /Users?filter=userName eq "..."` (indexed),
   - `GET /Users?filter=displayName co "..."&count=100` (a scan of every user);
3. prints the client-side p50 and mean, and the mean `engine` figure of `Server-Timing`.

About the `engine` figure: it is the engine's own time for the request, measured in the
Durable Object with `Date.now()` around `Tenant::handle`. Under `wrangler dev` that clock
advances during CPU work but only in whole milliseconds, so one request reads 0 or 1 and
only the mean over many requests estimates sub-millisecond costs. (Deployed, Workers do not
advance the clock during CPU work at all, so there it reads 0.)
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

BASE = os.environ.get("SCIMLET_URL", "http://127.0.0.1:8787").rstrip("/")
USERS = int(os.environ.get("USERS", "10000"))
BATCH = int(os.environ.get("BATCH", "100"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "4"))
REPEAT = int(os.environ.get("REPEAT", "300"))
SCIM = "application/scim+json"

GIVEN = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia",
         "Tim", "Margaret", "Dennis", "Leslie", "Hedy", "John", "Sophie", "Niklaus", "Anita"]
FAMILY = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
          "Perlman", "Berners-Lee", "Hamilton", "Ritchie", "Lamport", "Lamarr", "Backus",
          "Wilson", "Wirth", "Borg"]


def user(i: int, rng: random.Random) -> dict:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": f"user{i:06}@example.com",
        "displayName": f"{given} {family}",
        "name": {"givenName": given, "familyName": family},
        "emails": [{"value": f"user{i:06}@example.com", "type": "work", "primary": True}],
        "active": True,
    }


def engine_ms(resp: httpx.Response) -> float | None:
    for part in resp.headers.get("server-timing", "").split(","):
        name, _, dur = part.strip().partition(";dur=")
        if name == "engine" and dur:
            return float(dur)
    return None


def ingest(http: httpx.Client, scim: str, headers: dict) -> tuple[float, list[float]]:
    rng = random.Random(42)
    batches = []
    for start in range(0, USERS, BATCH):
        ops = [{"method": "POST", "path": "/Users", "bulkId": f"u{i}", "data": user(i, rng)}
               for i in range(start, min(start + BATCH, USERS))]
        batches.append(json.dumps({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
            "Operations": ops,
        }))

    def send(body: str) -> httpx.Response:
        resp = http.post(f"{scim}/Bulk", content=body, headers={**headers, "Content-Type": SCIM})
        if resp.status_code != 200:
            sys.exit(f"bulk answered {resp.status_code}: {resp.text[:500]}")
        failed = [op for op in resp.json()["Operations"] if op["status"] != "201"]
        if failed:
            sys.exit(f"{len(failed)} bulk operations failed, e.g. {failed[0]}")
        return resp

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        responses = list(pool.map(send, batches))
    elapsed = time.perf_counter() - started
    return elapsed, [e for e in map(engine_ms, responses) if e is not None]


def timed(http: httpx.Client, url: str, headers: dict, check=None) -> dict:
    """`check`: a function of the body, or "401" to send a wrong token and expect 401."""
    latencies, engines = [], []
    expected = 200
    if check == "401":
        headers, expected, check = {"Authorization": "Bearer wrong"}, 401, None
    for _ in range(REPEAT):
        started = time.perf_counter()
        resp = http.get(url, headers=headers)
        latencies.append((time.perf_counter() - started) * 1000)
        if resp.status_code != expected:
            sys.exit(f"GET {url} answered {resp.status_code}: {resp.text[:300]}")
        if check:
            check(resp.json())
        e = engine_ms(resp)
        if e is not None:
            engines.append(e)
    return {
        "p50": statistics.median(latencies),
        "mean": statistics.fmean(latencies),
        "engine_mean": statistics.fmean(engines) if engines else float("nan"),
        "engine_nonzero": sum(1 for e in engines if e > 0),
    }


def main() -> None:
    limits = httpx.Limits(max_connections=CONCURRENCY + 1, max_keepalive_connections=CONCURRENCY + 1)
    with httpx.Client(timeout=300, limits=limits) as http:
        resp = http.post(f"{BASE}/api/servers", json={"id": f"bench-{os.urandom(4).hex()}"},
                         headers={"CF-Connecting-IP": f"10.99.{random.randrange(256)}.1"})
        if resp.status_code != 201:
            sys.exit(f"creating the server answered {resp.status_code}: {resp.text}")
        server = resp.json()
        scim, headers = server["scim"], {"Authorization": f"Bearer {server['token']}"}

        elapsed, bulk_engine = ingest(http, scim, headers)
        total = http.get(f"{scim}/Users?count=0", headers=headers).json()["totalResults"]
        assert total == USERS, f"{total} users stored, {USERS} sent"
        print(f"ingest: {USERS} users in {elapsed:.2f} s = {USERS / elapsed:,.0f} users/s "
              f"(batches of {BATCH}, {CONCURRENCY} in flight; engine mean "
              f"{statistics.fmean(bulk_engine):.1f} ms per batch)")

        probe = f"user{USERS // 2:06}@example.com"
        rows = [
            ("worker only: GET /healthz", f"{BASE}/healthz", None),
            ("Durable Object floor: GET config", f"{BASE}/api/servers/{server['id']}/config", None),
            ("Durable Object floor: 401 on /Users", f"{scim}/Users", "401"),
            ('userName eq (indexed)',
             f'{scim}/Users?filter=userName eq "{probe}"',
             lambda body: body["totalResults"] == 1 or sys.exit(f"eq found {body['totalResults']}")),
            ('displayName co "ar", count=100 (scan)',
             f'{scim}/Users?filter=displayName co "ar"&count=100', None),
        ]
        co_total = http.get(rows[4][1], headers=headers).json()["totalResults"]
        print(f"\n{REPEAT} sequential requests each, {USERS} users stored "
              f"(co matches {co_total}):")
        print(f"  {'request':<40} {'p50 ms':>8} {'mean ms':>8} {'engine mean ms':>15}")
        results = {}
        for name, url, check in rows:
            r = timed(http, url, headers, check)
            results[name] = r
            print(f"  {name:<40} {r['p50']:>8.2f} {r['mean']:>8.2f} "
                  f"{r['engine_mean']:>9.3f} ({r['engine_nonzero']}/{REPEAT} > 0)")
        eq = results['userName eq (indexed)']
        for floor_name in ("Durable Object floor: GET config", "Durable Object floor: 401 on /Users"):
            floor = results[floor_name]
            print(f"  eq over '{floor_name}': {eq['p50'] - floor['p50']:+.2f} ms (p50), "
                  f"{eq['mean'] - floor['mean']:+.2f} ms (mean)")
        http.delete(f"{BASE}/api/servers/{server['id']}", headers=headers)


if __name__ == "__main__":
    main()
