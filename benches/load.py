"""Load benchmark over HTTP, scimlet beside the reference Python server: `make bench-load`.

The same workload runs against two servers in one go:
- scimlet at $SCIMLET_URL: `make bench-load` starts a throwaway local Worker through
  scripts/with-worker.sh, in one Miniflare instance (`SERVE=wrangler`: under `wrangler
  dev`); point SCIMLET_URL at any other scimlet to measure it instead;
- scim2-server (PyPI, pinned in requirements-test.txt), started here from the test venv on
  a free loopback port with its in-memory storage, stopped by its process group at the
  end (REFERENCE=0 leaves it out).

For each:
1. bulk-creates USERS users (default 10,000) through `/Bulk`, in batches of BATCH (100)
   operations, CONCURRENCY (4) requests in flight, INGESTS (3) times, each into a new
   server (scimlet) or tenant (scim2-server), and takes the median rate;
2. times requests against the last of those, one at a time on a kept-alive connection
   (scim2-server's HTTP/1.0 server closes each one):
   - the floor: `GET /healthz` (scimlet: the Worker alone) or `GET /ServiceProviderConfig`;
   - scimlet only: `GET /api/servers/{id}/config`, a trivial request through the server's
     Durable Object;
   - `userName eq` (indexed): WARMUP (10,000) requests untimed, the server's memory (the
     resident size of its process group) taken before and after them, then EQ_REQUESTS
     (10,000) requests, each for another user, the memory sampled every quarter;
   - `displayName co "ar"`, count=100 (a scan of every user): REPEAT (300) requests, or
     as many as fit in BUDGET seconds (20);
3. prints p50 and p90 per server side by side, and whether scimlet meets its targets:
   `userName eq` p50 at or below the reference's, Bulk ingest at least 20x its rate,
   `displayName co` at least 20x faster, memory flat over the 10,000 requests after the
   warm-up (what the warm-up grew is printed beside it).

scimlet's `engine` column is the mean of the `engine` figure of `Server-Timing`: the
engine's own time, measured with `Date.now()` around `Tenant::handle`. Locally that clock
advances in whole milliseconds, so one request reads 0 or 1 and only the mean says more.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import httpx

USERS = int(os.environ.get("USERS", "10000"))
BATCH = int(os.environ.get("BATCH", "100"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "4"))
EQ_REQUESTS = int(os.environ.get("EQ_REQUESTS", "10000"))
# Requests before the memory is judged: a process's first thousands of requests grow it
# once (workerd by about 80 MB over its first 7,500 here, then level for 30,000 more).
WARMUP = int(os.environ.get("WARMUP", "10000"))
REPEAT = int(os.environ.get("REPEAT", "300"))
INGESTS = int(os.environ.get("INGESTS", "3"))
BUDGET = float(os.environ.get("BUDGET", "20"))
SCIM = "application/scim+json"
MB = 1024 * 1024

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


def group_memory(pgid: int | None) -> dict[str, int]:
    """Resident bytes of each process in the group `pgid`, by command name (Linux /proc)."""
    sizes: dict[str, int] = {}
    if pgid is None:
        return sizes
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            status = (proc / "status").read_text()
        except OSError:
            continue  # gone meanwhile
        # The command name is in parentheses and may hold spaces: fields follow the last ')'.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) != pgid:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        rss = next((int(line.split()[1]) * 1024 for line in status.splitlines()
                    if line.startswith("VmRSS:")), 0)
        sizes[name] = sizes.get(name, 0) + rss
    return sizes


def show_memory(sizes: dict[str, int]) -> str:
    parts = " + ".join(f"{name} {size / MB:.0f}" for name, size in sorted(sizes.items()))
    return f"{sum(sizes.values()) / MB:.0f} MB ({parts})"


@dataclass
class Store:
    """An empty place for the users: a scimlet server, a scim2-server tenant."""

    scim: str  # the SCIM base URL
    headers: dict
    floor: tuple[str, str]  # (label, URL) of the server's cheapest request
    extra: list[tuple[str, str]] = field(default_factory=list)  # more (label, URL) rows


@dataclass
class Target:
    """One server under test."""

    name: str
    new_store: Callable[[int], Store]
    pgid: int | None  # process group, for memory
    results: dict = field(default_factory=dict)


def ingest(http: httpx.Client, target: Target, store: Store) -> float:
    """Bulk-creates the users into `store`; returns users per second."""
    rng = random.Random(42)
    batches = []
    for start in range(0, USERS, BATCH):
        ops = [{"method": "POST", "path": "/Users", "bulkId": f"u{i}", "data": user(i, rng)}
               for i in range(start, min(start + BATCH, USERS))]
        batches.append(json.dumps({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
            "Operations": ops,
        }))

    def send(body: str) -> float:
        started = time.perf_counter()
        resp = http.post(f"{store.scim}/Bulk", content=body,
                         headers={**store.headers, "Content-Type": SCIM})
        if resp.status_code != 200:
            sys.exit(f"{target.name}: bulk answered {resp.status_code}: {resp.text[:500]}")
        failed = [op for op in resp.json()["Operations"] if str(op["status"]) != "201"]
        if failed:
            sys.exit(f"{target.name}: {len(failed)} bulk operations failed, e.g. {failed[0]}")
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        batch_ms = list(pool.map(send, batches))
    elapsed = time.perf_counter() - started
    total = http.get(f"{store.scim}/Users?count=0", headers=store.headers).json()["totalResults"]
    if total != USERS:
        sys.exit(f"{target.name}: {total} users stored, {USERS} sent")
    print(f"  {target.name}: ingested {USERS:,} users in {elapsed:.2f} s = {USERS / elapsed:,.0f} users/s "
          f"(median batch {statistics.median(batch_ms):.1f} ms)", flush=True)
    return USERS / elapsed


def timed(http: httpx.Client, target: Target, store: Store, urls, limit: int,
          budget: float | None, expect_total: int | None = None, samples: int = 0) -> dict:
    """Requests `urls` (an iterator) one at a time, `limit` of them or for `budget` seconds."""
    latencies, engines, memory = [], [], []
    every = max(limit // samples, 1) if samples else 0
    deadline = time.perf_counter() + budget if budget else None
    for n, url in enumerate(urls):
        if n == limit or (deadline and time.perf_counter() > deadline and n >= 20):
            break
        if every and n % every == 0:
            memory.append(group_memory(target.pgid))
        started = time.perf_counter()
        resp = http.get(url, headers=store.headers)
        latencies.append((time.perf_counter() - started) * 1000)
        if resp.status_code != 200:
            sys.exit(f"{target.name}: GET {url} answered {resp.status_code}: {resp.text[:300]}")
        if expect_total is not None and resp.json()["totalResults"] != expect_total:
            sys.exit(f"{target.name}: GET {url} found {resp.json()['totalResults']}, not {expect_total}")
        e = engine_ms(resp)
        if e is not None:
            engines.append(e)
    if samples:
        memory.append(group_memory(target.pgid))
    deciles = statistics.quantiles(latencies, n=10, method="inclusive")
    return {
        "n": len(latencies),
        "p50": statistics.median(latencies),
        "p90": deciles[8],
        "engine": statistics.fmean(engines) if engines else None,
        "memory": memory,
    }


def measure(target: Target) -> None:
    limits = httpx.Limits(max_connections=CONCURRENCY + 1, max_keepalive_connections=CONCURRENCY + 1)
    with httpx.Client(timeout=300, limits=limits) as http:
        # A few ingests, each into a store of its own: one lasts under a second here, so a
        # single one says more about the machine's other work than about the server.
        rates = []
        for run in range(INGESTS):
            store = target.new_store(run)
            rates.append(ingest(http, target, store))
        target.results["ingest"] = statistics.median(rates)
        target.results["ingests"] = rates
        rng = random.Random(7)

        def eq_urls():
            return (f'{store.scim}/Users?filter=userName eq "user{rng.randrange(USERS):06}@example.com"'
                    for _ in iter(int, 1))

        rows = [
            (store.floor[0], lambda: iter(lambda: store.floor[1], None), REPEAT, BUDGET, None, 0),
            *[(label, (lambda u=url: iter(lambda: u, None)), REPEAT, BUDGET, None, 0)
              for label, url in store.extra],
            *([("warm-up: userName eq", eq_urls, WARMUP, None, 1, 2)] if WARMUP else []),
            ("userName eq", eq_urls, EQ_REQUESTS, None, 1, 4),
            ('displayName co "ar"', lambda: iter(lambda: f'{store.scim}/Users?filter=displayName co "ar"&count=100', None),
             REPEAT, BUDGET, None, 0),
        ]
        for label, urls, limit, budget, total, samples in rows:
            target.results[label] = r = timed(http, target, store, urls(), limit, budget, total, samples)
            engine = f", engine mean {r['engine']:.3f} ms" if r["engine"] is not None else ""
            print(f"  {target.name}: {label}: {r['n']:,} requests, p50 {r['p50']:.2f} ms, "
                  f"p90 {r['p90']:.2f} ms{engine}", flush=True)
            if r["memory"]:
                print(f"  {target.name}: memory over those requests: "
                      + " -> ".join(f"{sum(m.values()) / MB:.0f}" for m in r["memory"]) + " MB; "
                      f"start {show_memory(r['memory'][0])}, end {show_memory(r['memory'][-1])}",
                      flush=True)
        target.results["floor"] = store.floor[0]
        target.results["extra"] = [label for label, _ in store.extra]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_reference() -> tuple[subprocess.Popen, Target]:
    port, token = free_port(), secrets.token_hex(16)
    exe = Path(sys.executable).parent / "scim2-server"
    # A tenant per ingest, made by its first request (/run0/v2, /run1/v2, ...).
    proc = subprocess.Popen([str(exe), "--hostname", "127.0.0.1", "--port", str(port),
                             "--bearer-token", token, "--dynamic-tenants"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    headers = {"Authorization": f"Bearer {token}"}

    def new_store(run: int) -> Store:
        base = f"http://127.0.0.1:{port}/run{run}/v2"
        return Store(base, headers, ("floor: GET /ServiceProviderConfig", f"{base}/ServiceProviderConfig"))

    probe = new_store(0).floor[1]
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(probe, headers=headers, timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"scim2-server did not start (exit {proc.poll()})")
        time.sleep(0.1)
    return proc, Target("scim2-server", new_store, proc.pid)


def scimlet_target() -> Target:
    base = os.environ.get("SCIMLET_URL", "http://127.0.0.1:8787").rstrip("/")
    made: list[tuple[str, dict]] = []

    def new_store(run: int) -> Store:
        # The previous run's server goes: only the last one is queried.
        for server_id, headers in made:
            httpx.delete(f"{base}/api/servers/{server_id}", headers=headers, timeout=60)
        made.clear()
        resp = httpx.post(f"{base}/api/servers", json={"id": f"bench-{os.urandom(4).hex()}"},
                          headers={"CF-Connecting-IP": f"10.99.{random.randrange(256)}.{run + 1}"},
                          timeout=60)
        if resp.status_code != 201:
            sys.exit(f"creating the server answered {resp.status_code}: {resp.text}")
        server = resp.json()
        headers = {"Authorization": f"Bearer {server['token']}"}
        made.append((server["id"], headers))
        return Store(server["scim"], headers, ("floor: GET /healthz", f"{base}/healthz"),
                     [("Durable Object floor: GET config", f"{base}/api/servers/{server['id']}/config")])

    pid_file = os.environ.get("SCIMLET_PID_FILE")
    pgid = int(Path(pid_file).read_text()) if pid_file else None
    serve = os.environ.get("SCIMLET_SERVE", "remote")
    name = {"miniflare": "scimlet (Miniflare)", "wrangler": "scimlet (wrangler dev)"}.get(serve, "scimlet")
    return Target(name, new_store, pgid)


def report(ours: Target, ref: Target | None) -> None:
    # (row, our label, the reference's label)
    rows = [("floor (healthz / ServiceProviderConfig)", ours.results["floor"], ref.results["floor"] if ref else None),
            *[(label, label, None) for label in ours.results["extra"]],
            ("userName eq", "userName eq", "userName eq"),
            ('displayName co "ar"', 'displayName co "ar"', 'displayName co "ar"')]

    def cell(t: Target | None, label: str | None) -> str:
        r = t.results.get(label) if t and label else None
        return f"{r['p50']:.2f} / {r['p90']:.2f}" if r else "-"

    print(f"\n{USERS:,} users; p50 / p90 in ms, one request at a time:")
    print(f"  {'':<40} {ours.name:>22}" + (f" {ref.name:>16} {'ref / ours':>11}" if ref else ""))
    for row, label, ref_label in rows:
        line = f"  {row:<40} {cell(ours, label):>22}"
        if ref:
            line += f" {cell(ref, ref_label):>16}"
            if ref_label:
                line += f" {ref.results[ref_label]['p50'] / ours.results[label]['p50']:>10.1f}x"
        print(line)
    line = f"  {f'Bulk ingest, users/s (median of {INGESTS})':<40} {ours.results['ingest']:>22,.0f}"
    if ref:
        line += f" {ref.results['ingest']:>16,.0f} {ours.results['ingest'] / ref.results['ingest']:>10.1f}x"
    print(line)

    memory = ours.results["userName eq"]["memory"]
    print("\ntargets:")
    if ref:
        eq, ref_eq = ours.results["userName eq"]["p50"], ref.results["userName eq"]["p50"]
        verdict(f"userName eq p50 {eq:.2f} ms <= reference {ref_eq:.2f} ms", eq <= ref_eq,
                f"{eq - ref_eq:+.2f} ms ({eq / ref_eq - 1:+.0%})")
        ratio = ours.results["ingest"] / ref.results["ingest"]
        verdict(f"Bulk ingest {ratio:.1f}x the reference's (>= 20x)", ratio >= 20, f"{ratio / 20:.0%} of the target")
        co = ref.results['displayName co "ar"']["p50"] / ours.results['displayName co "ar"']["p50"]
        verdict(f"displayName co {co:.1f}x faster (>= 20x)", co >= 20, f"{co / 20:.0%} of the target")
    warmup = ours.results.get("warm-up: userName eq", {}).get("memory")
    if warmup and warmup[0]:
        print(f"  info   memory over the {WARMUP:,} warm-up requests before: {show_memory(warmup[0])} -> "
              f"{show_memory(warmup[-1])}")
    if memory and memory[0]:
        # Flat: no process grows by more than 5% over the run (a garbage collector's swing,
        # not a leak). Each process is judged alone: one shrinking must not hide another growing.
        start, end = memory[0], memory[-1]
        grew = max(end.get(name, 0) - size for name, size in start.items())
        worst = max(start, key=lambda name: end.get(name, 0) - start[name])
        verdict(f"memory over {EQ_REQUESTS:,} requests {show_memory(start)} -> {show_memory(end)} "
                "(flat: no process grows 5%)",
                all(end.get(name, 0) <= size * 1.05 for name, size in start.items()),
                f"{worst} grew {grew / MB:.0f} MB")


def verdict(text: str, ok: bool, miss: str) -> None:
    print(f"  {'met   ' if ok else 'MISSED'} {text}" + ("" if ok else f": {miss}"))


def main() -> None:
    ours = scimlet_target()
    print(f"{ours.name} at {os.environ.get('SCIMLET_URL', 'http://127.0.0.1:8787')}", flush=True)
    measure(ours)
    ref = None
    if os.environ.get("REFERENCE", "1") != "0":
        proc, ref = start_reference()
        print(f"{ref.name} at {ref.new_store(0).scim}", flush=True)
        try:
            measure(ref)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
    report(ours, ref)


if __name__ == "__main__":
    main()
