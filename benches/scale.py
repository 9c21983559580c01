"""A million-user server over HTTP: `make bench-scale` (issue 13's targets).

`make bench-scale` starts a throwaway local Worker through scripts/with-worker.sh (one
Miniflare instance, what `make dev` serves) with its cap raised to 2,100,000 resources;
point SCIMLET_URL at any other scimlet to measure it instead (SCIMLET_RESTART and
SCIMLET_PID_FILE, when set, add the cold start and the memory of the worker's processes).
Against one new server it:
1. Bulk-creates GROUPS (1,000) groups, then USERS (default 1,000,000; USERS=50000 for a
   quick try) users in Bulk requests of BATCH (100), CONCURRENCY (4) in flight, the rate
   reported for every 100,000 (so "not slower past 500,000 than below" can be read);
2. times requests one at a time: `userName eq` (EQ_REQUESTS, 1,000, each for a random
   existing user), an `id gt` page of 100 in id order (PAGE_REQUESTS, 200, each after a
   random existing user), `displayName co "ar"` (CO_REQUESTS, 5, each timed), `count=0`;
   each kind for BUDGET seconds (60) at most;
3. restarts the worker on the same state (SCIMLET_RESTART) and times the first request,
   a `userName eq`, end to end: the cold start of the server's Durable Object;
4. the clean-up walk a migration rehearsal ends with: `GET /Users?filter=userType eq
   "Employee" and id gt "<last>"&sortBy=id&count=100&attributes=id`, then one Bulk of those
   100 DELETEs, until no user is left (or CLEANUP_BUDGET seconds, 600, have passed: then
   what is left is reported), the rate reported overall and for every 100,000;
5. prints each figure beside the issue's target, met or not, with the Durable Object's wasm
   memory high-water mark (the largest `Scimlet-Wasm-Bytes` of every response, also by
   phase) and the resident memory of the worker's process group (largest sample, one per
   100,000).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import threading
import subprocess
import time
from pathlib import Path

import httpx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load import engine_ms, group_memory, show_memory, user, verdict  # noqa: E402

USERS = int(os.environ.get("USERS", "1000000"))
GROUPS = int(os.environ.get("GROUPS", "1000"))
BATCH = int(os.environ.get("BATCH", "100"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "4"))
EQ_REQUESTS = int(os.environ.get("EQ_REQUESTS", "1000"))
PAGE_REQUESTS = int(os.environ.get("PAGE_REQUESTS", "200"))
CO_REQUESTS = int(os.environ.get("CO_REQUESTS", "5"))
BUDGET = float(os.environ.get("BUDGET", "60"))  # seconds at most for each kind of request
CLEANUP_BUDGET = float(os.environ.get("CLEANUP_BUDGET", "600"))
STEP = 100_000 if USERS >= 200_000 else max(USERS // 5, BATCH)  # the rate's reporting step
SCIM = "application/scim+json"
BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
MB = 1024 * 1024


class Worker:
    """The scimlet under test: the client, the server's SCIM base and what is seen of it."""

    def __init__(self) -> None:
        self.base = os.environ.get("SCIMLET_URL", "http://127.0.0.1:8787").rstrip("/")
        self.restart = os.environ.get("SCIMLET_RESTART")
        self.pid_file = os.environ.get("SCIMLET_PID_FILE")
        limits = httpx.Limits(max_connections=CONCURRENCY + 1, max_keepalive_connections=CONCURRENCY + 1)
        self.http = httpx.Client(timeout=600, limits=limits)
        self.wasm_peak = 0
        self.phase = "groups"
        self.peaks: dict[str, int] = {}  # the wasm high-water mark by phase
        self.retried = 0
        self.rss_peak: dict[str, int] = {}
        self.lock = threading.Lock()
        resp = self.http.post(f"{self.base}/api/servers", json={"id": f"scale-{os.urandom(4).hex()}"},
                              headers={"CF-Connecting-IP": f"10.98.{random.randrange(256)}.1"})
        if resp.status_code != 201:
            sys.exit(f"creating the server answered {resp.status_code}: {resp.text}")
        server = resp.json()
        self.id, self.scim = server["id"], server["scim"]
        self.headers = {"Authorization": f"Bearer {server['token']}"}

    def request(self, method: str, path: str, body: str | None = None, expect: int = 200) -> httpx.Response:
        headers = {**self.headers, "Content-Type": SCIM} if body is not None else self.headers
        url = path if path.startswith("http") else f"{self.scim}{path}"
        try:
            resp = self.http.request(method, url, content=body, headers=headers)
        except httpx.TransportError as e:
            # Seen at 1,000,000 users: a kept-alive connection reset right after a request
            # of 5 s or more. Once more on a new connection (a Bulk DELETE that had arrived
            # answers 404 for what it had deleted: `bulk` accepts that on the retry).
            print(f"  {method} {url[:120]}: {e!r}; once more", flush=True)
            self.retried += 1
            resp = self.http.request(method, url, content=body, headers=headers)
        wasm = int(resp.headers.get("scimlet-wasm-bytes", 0))
        with self.lock:
            self.wasm_peak = max(self.wasm_peak, wasm)
            self.peaks[self.phase] = max(self.peaks.get(self.phase, 0), wasm)
        if resp.status_code != expect:
            sys.exit(f"{method} {url} answered {resp.status_code}: {resp.text[:500]}")
        return resp

    def bulk(self, ops: list[dict], status: str) -> list[dict]:
        body = json.dumps({"schemas": [BULK], "Operations": ops})
        retried = self.retried
        done = self.request("POST", "/Bulk", body).json()["Operations"]
        ok = {status, "404"} if status == "204" and self.retried > retried else {status}
        failed = [op for op in done if str(op["status"]) not in ok]
        if failed:
            sys.exit(f"{len(failed)} of {len(ops)} bulk operations failed, e.g. {failed[0]}")
        return done

    def memory(self) -> dict[str, int]:
        """The worker's process group's resident memory now (re-read: a restart changes it)."""
        if not self.pid_file:
            return {}
        sizes = group_memory(int(Path(self.pid_file).read_text()))
        if sum(sizes.values()) > sum(self.rss_peak.values()):
            self.rss_peak = sizes
        return sizes

    def total(self, kind: str = "Users") -> int:
        return self.request("GET", f"/{kind}?count=0").json()["totalResults"]


def rates(marks: list[tuple[int, float]]) -> list[tuple[int, int, float]]:
    """(from, to, per second) between successive (count, seconds) marks."""
    return [(a, b, (b - a) / (tb - ta)) for (a, ta), (b, tb) in zip(marks, marks[1:])]


def show_rates(what: str, marks: list[tuple[int, float]]) -> None:
    for a, b, rate in rates(marks):
        print(f"    {what} {a:>9,} to {b:>9,}: {rate:>8,.0f}/s", flush=True)


def ingest(w: Worker) -> dict:
    groups = [{"method": "POST", "path": "/Groups", "bulkId": f"g{i}",
               "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                        "displayName": f"Group {i:04}"}} for i in range(GROUPS)]
    for start in range(0, GROUPS, BATCH):
        w.bulk(groups[start:start + BATCH], "201")
    print(f"  {GROUPS:,} groups made", flush=True)
    w.phase = "ingest"

    batches = (USERS + BATCH - 1) // BATCH
    next_batch = iter(range(batches))
    done = 0
    started = time.perf_counter()
    marks = [(0, 0.0)]
    batch_ms: list[float] = []
    sample: list[str] = []  # the first user's id of every batch, for `id gt` pages

    def send() -> None:
        nonlocal done
        rng = random.Random()
        while True:
            with w.lock:
                b = next(next_batch, None)
            if b is None:
                return
            rng.seed(b)
            ops = [{"method": "POST", "path": "/Users", "bulkId": f"u{i}",
                    "data": {**user(i, rng), "userType": "Employee"}}
                   for i in range(b * BATCH, min((b + 1) * BATCH, USERS))]
            t = time.perf_counter()
            done_ops = w.bulk(ops, "201")
            now = time.perf_counter()
            sample.append(done_ops[0]["location"].rsplit("/", 1)[1])
            with w.lock:
                batch_ms.append((now - t) * 1000)
                before, done = done, done + len(ops)
                crossed = done // STEP > before // STEP or done == USERS
                if crossed:
                    marks.append((done, now - started))
            if crossed:
                a, ta = marks[-2]
                rss = show_memory(w.memory()) if w.pid_file else "-"
                print(f"    {done:>9,} users, {(done - a) / (now - started - ta):>7,.0f}/s since {a:,}; "
                      f"wasm peak {w.wasm_peak / MB:.0f} MB, worker {rss}", flush=True)

    threads = [threading.Thread(target=send) for _ in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    total = w.total()
    if total != USERS:
        sys.exit(f"{total} users stored, {USERS} sent")
    half = [rate for a, _, rate in rates(marks) if a < USERS // 2]
    past = [rate for a, _, rate in rates(marks) if a >= USERS // 2]
    print(f"  ingested {USERS:,} users in {elapsed:.1f} s = {USERS / elapsed:,.0f} users/s "
          f"(median batch {statistics.median(batch_ms):.1f} ms)", flush=True)
    return {"rate": USERS / elapsed, "marks": marks, "ids": sample, "below": statistics.fmean(half) if half else None,
            "past": statistics.fmean(past) if past else None}


def timed(w: Worker, label: str, urls, expect_total=None, each: bool = False) -> dict:
    """GETs each URL one at a time, or as many as fit in BUDGET seconds (at least 5);
    p50/p90 in ms (and every figure when `each`)."""
    latencies, engines = [], []
    w.phase = label
    deadline = time.perf_counter() + BUDGET
    for url in urls:
        if len(latencies) >= 5 and time.perf_counter() > deadline:
            break
        t = time.perf_counter()
        resp = w.request("GET", url)
        latencies.append((time.perf_counter() - t) * 1000)
        if expect_total is not None and resp.json()["totalResults"] != expect_total:
            sys.exit(f"GET {url} found {resp.json()['totalResults']}, not {expect_total}")
        if (e := engine_ms(resp)) is not None:
            engines.append(e)
    r = {"n": len(latencies), "p50": statistics.median(latencies),
         "p90": statistics.quantiles(latencies, n=10, method="inclusive")[8] if len(latencies) > 1 else latencies[0],
         "engine": statistics.fmean(engines) if engines else None, "all": latencies}
    engine = f", slowest {max(latencies):.1f} ms" + (f", engine mean {r['engine']:.2f} ms" if engines else "")
    listed = " (" + ", ".join(f"{x:.0f}" for x in latencies) + " ms)" if each else ""
    print(f"  {label}: {r['n']:,} requests, p50 {r['p50']:.2f} ms, p90 {r['p90']:.2f} ms{engine}{listed}",
          flush=True)
    return r


def user_name(i: int) -> str:
    return user(i, random.Random(0))["userName"]


def queries(w: Worker, ids: list[str]) -> dict:
    rng = random.Random(7)
    out = {}
    out["eq"] = timed(w, "userName eq", (f'/Users?filter=userName eq "{user_name(rng.randrange(USERS))}"'
                                         for _ in range(EQ_REQUESTS)), expect_total=1)
    # From a random existing user's id: a page of 100 (unless it is among the last 100).
    out["page"] = timed(w, "id gt page of 100", (f'/Users?filter=id gt "{rng.choice(ids[:-2])}"'
                                                 f"&sortBy=id&count=100" for _ in range(PAGE_REQUESTS)))
    out["co"] = timed(w, 'displayName co "ar", count=100',
                      ['/Users?filter=displayName co "ar"&count=100'] * CO_REQUESTS, each=True)
    out["count0"] = timed(w, "count=0", ["/Users?count=0"] * 20, expect_total=USERS)
    return out


def cold_start(w: Worker) -> dict | None:
    if not w.restart:
        print("  cold start: skipped (no SCIMLET_RESTART)", flush=True)
        return None
    w.phase = "cold start"
    subprocess.run(w.restart, shell=True, check=True, stdout=subprocess.DEVNULL)
    name = user_name(random.Random(11).randrange(USERS))
    # A new connection: the restart closed the old ones.
    w.http.close()
    w.http = httpx.Client(timeout=600, limits=httpx.Limits(max_connections=CONCURRENCY + 1))
    t = time.perf_counter()
    resp = w.request("GET", f'/Users?filter=userName eq "{name}"')
    ms = (time.perf_counter() - t) * 1000
    found = resp.json()["Resources"]
    if len(found) != 1 or found[0]["userName"] != name:
        sys.exit(f"after the restart, userName eq {name} found {found}")
    second = timed(w, "userName eq after the cold start", [f'/Users?filter=userName eq "{name}"'] * 20)
    print(f"  cold start: the first userName eq answered in {ms:.1f} ms "
          f"(Server-Timing: {resp.headers.get('server-timing')}); wasm "
          f"{int(resp.headers.get('scimlet-wasm-bytes', 0)) / MB:.1f} MB", flush=True)
    w.memory()
    return {"ms": ms, "warm": second["p50"]}


def cleanup(w: Worker) -> dict:
    w.phase = "clean-up"
    left = w.total()
    last = ""
    deleted = 0
    started = time.perf_counter()
    marks = [(0, 0.0)]
    get_ms, del_ms = [], []
    while True:
        t = time.perf_counter()
        page = w.request("GET", f'/Users?filter=userType eq "Employee" and id gt "{last}"'
                                "&sortBy=id&count=100&attributes=id").json()
        t2 = time.perf_counter()
        ids = [r["id"] for r in page["Resources"]]
        if not ids:
            break
        w.bulk([{"method": "DELETE", "path": f"/Users/{i}"} for i in ids], "204")
        t3 = time.perf_counter()
        get_ms.append((t2 - t) * 1000)
        del_ms.append((t3 - t2) * 1000)
        last = ids[-1]
        before, deleted = deleted, deleted + len(ids)
        now = t3 - started
        if deleted // STEP > before // STEP:
            marks.append((deleted, now))
            a, ta = marks[-2]
            rss = show_memory(w.memory()) if w.pid_file else "-"
            print(f"    {deleted:>9,} deleted, {(deleted - a) / (now - ta):>7,.0f}/s since {a:,} "
                  f"(last page: GET {get_ms[-1]:.1f} ms, Bulk DELETE {del_ms[-1]:.1f} ms); "
                  f"wasm peak {w.wasm_peak / MB:.0f} MB, worker {rss}", flush=True)
        if now > CLEANUP_BUDGET:
            print(f"  clean-up stopped after {now:.0f} s (CLEANUP_BUDGET)", flush=True)
            break
    elapsed = time.perf_counter() - started
    if marks[-1][0] != deleted:
        marks.append((deleted, elapsed))
    remaining = w.total()
    print(f"  clean-up: {deleted:,} of {left:,} deleted in {elapsed:.1f} s = {deleted / elapsed:,.0f}/s; "
          f"{remaining:,} left (GET p50 {statistics.median(get_ms):.1f} ms, "
          f"Bulk DELETE p50 {statistics.median(del_ms):.1f} ms)", flush=True)
    return {"rate": deleted / elapsed, "marks": marks, "left": remaining,
            "slowest": min(rate for _, _, rate in rates(marks))}


def report(w: Worker, ing: dict, q: dict, cold: dict | None, clean: dict) -> None:
    print(f"\n{USERS:,} users and {GROUPS:,} groups in one server; figure, target:")
    verdict(f"Bulk ingest {ing['rate']:,.0f} users/s (>= 10,000)", ing["rate"] >= 10_000,
            f"{ing['rate'] / 10_000:.0%} of the target")
    if ing["below"] and ing["past"]:
        verdict(f"ingest past {USERS // 2:,}: {ing['past']:,.0f}/s, below: {ing['below']:,.0f}/s "
                "(not slower past half; 5% allowed for noise)", ing["past"] >= ing["below"] * 0.95,
                f"{ing['past'] / ing['below'] - 1:+.0%}")
    verdict(f"userName eq p50 {q['eq']['p50']:.2f} ms, p90 {q['eq']['p90']:.2f} ms (p50 < 5 ms)",
            q["eq"]["p50"] < 5, f"{q['eq']['p50'] / 5:.1f}x the target")
    verdict(f"id gt page of 100 p50 {q['page']['p50']:.2f} ms, p90 {q['page']['p90']:.2f} ms (< 10 ms)",
            q["page"]["p50"] < 10, f"{q['page']['p50'] / 10:.1f}x the target")
    co = max(q["co"]["all"])
    verdict(f"displayName co slowest {co:.0f} ms of {q['co']['n']} (< 2 s)", co < 2000,
            f"{co / 2000:.1f}x the target")
    print(f"  info   count=0 p50 {q['count0']['p50']:.2f} ms, p90 {q['count0']['p90']:.2f} ms")
    if cold:
        verdict(f"cold start: first userName eq {cold['ms']:.1f} ms end to end (< 100 ms; "
                f"warm again {cold['warm']:.2f} ms)", cold["ms"] < 100, f"{cold['ms'] / 100:.1f}x the target")
    verdict(f"clean-up walk {clean['rate']:,.0f} deletions/s overall, slowest step {clean['slowest']:,.0f}/s "
            f"(>= 5,000 sustained to the last user)",
            clean["slowest"] >= 5000 and clean["left"] == 0,
            f"{clean['left']:,} left" if clean["left"] else f"{clean['slowest'] / 5000:.0%} of the target")
    verdict(f"Durable Object wasm memory high-water mark {w.wasm_peak / MB:.1f} MB (< 100 MB)",
            w.wasm_peak < 100 * MB, f"{w.wasm_peak / MB - 100:+.0f} MB")
    print("  info   wasm high-water mark by phase: "
          + ", ".join(f"{phase} {peak / MB:.1f} MB" for phase, peak in w.peaks.items()))
    if w.rss_peak:
        print(f"  info   worker process group's resident memory, largest sample: {show_memory(w.rss_peak)}")
    print("  rates per step:")
    show_rates("ingest  ", ing["marks"])
    show_rates("clean-up", clean["marks"])


def main() -> None:
    w = Worker()
    print(f"scimlet at {w.base}, server {w.id}: {USERS:,} users, {GROUPS:,} groups, Bulk of {BATCH}, "
          f"{CONCURRENCY} in flight", flush=True)
    w.memory()
    ing = ingest(w)
    q = queries(w, ing["ids"])
    cold = cold_start(w)
    clean = cleanup(w)
    report(w, ing, q, cold, clean)
    w.http.delete(f"{w.base}/api/servers/{w.id}", headers=w.headers)


if __name__ == "__main__":
    main()
