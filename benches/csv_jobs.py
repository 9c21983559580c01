"""CSV jobs through a local Worker, as a script runs them: a Users.csv of ROWS rows
(default 100,000; realistic cells, a third with clear passwords hashed on import) uploaded,
imported by a `UserImport` job polled through JobHistories, then exported by a
`UserExport` job and downloaded. Prints rows/s of the import and the export's time (the
targets: >= 5,000 rows/s, < 5 s), and the slowest of the SCIM requests sent every half
second while the import runs (the server answers between job steps). Needs a capacity
above ROWS per server:

    WORKER_MAX_RESOURCES=110000 scripts/with-worker.sh .venv/bin/python benches/csv_jobs.py [ROWS]

Also a phase `make bench-csv` can call (`python benches/csv_jobs.py`, same variables).
"""

from __future__ import annotations

import os
import sys
import threading
import time

import httpx

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "oci"))
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")

from csv_jobs import Jobs  # noqa: E402

BASE = os.environ.get("SCIMLET_URL", "http://127.0.0.1:8787").rstrip("/")


def users_csv(rows: int) -> bytes:
    out = ["User Name,First Name,Last Name,Work Email,Title,Department,Password,Active"]
    for i in range(rows):
        password = f"Pass{i}!word" if i % 3 == 0 else ""
        out.append(f"user{i:06d}@example.com,Ada{i % 97},Lovelace{i % 89},user{i:06d}@example.com,"
                   f"Engineer {i % 7},Dept {i % 13},{password},TRUE")
    return ("\r\n".join(out) + "\r\n").encode()


class Prober(threading.Thread):
    """`GET /admin/v1/Users?count=1` every half second until stopped: each answer's time."""

    def __init__(self, token: str):
        super().__init__(daemon=True)
        self.token, self.times, self.errors = token, [], []
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=60) as http:
            while not self.stop.is_set():
                t0 = time.perf_counter()
                r = http.get(f"{BASE}/admin/v1/Users", params={"count": 1},
                             headers={"Authorization": f"Bearer {self.token}"})
                self.times.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    self.errors.append(r.status_code)
                self.stop.wait(0.5)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with httpx.Client(timeout=120) as http:
        created = http.post(f"{BASE}/api/servers", json={"settings": {"persona": "oci"}},
                            headers={"CF-Connecting-IP": "10.78.0.1"})
        assert created.status_code == 201, created.text
        created = created.json()
    oci = created["oci"]
    client = Jobs(oci["domainUrl"], oci["clientId"], oci["clientSecret"])
    data = users_csv(rows)
    started = time.perf_counter()
    name = client.upload("Users.csv", data)
    upload_s = time.perf_counter() - started

    started = time.perf_counter()
    prober = Prober(created["token"])
    prober.start()
    resp = client.schedule("UserImport", fileLocation=name)
    assert resp.status_code == 201, resp.text
    history = client.wait(resp.json()["id"], timeout=900)
    import_s = time.perf_counter() - started
    prober.stop.set()
    prober.join()
    assert not prober.errors, f"SCIM requests failed during the import: {prober.errors}"
    assert (history["successCount"], history["failureCount"]) == (rows, 0), history

    started = time.perf_counter()
    exported = client.run("UserExport")
    body = client.download(exported["fileName"])
    export_s = time.perf_counter() - started
    assert exported["successCount"] == rows, exported
    assert body.count(b"\r\n") == rows + 1

    # The server's isolate's wasm memory, its high-water mark (the platform's limit is 128 MB).
    wasm = client.call("GET", "/admin/v1/Users?count=1").headers.get("Scimlet-Wasm-Bytes")

    print(f"csv jobs through the local worker, {rows:,} users ({len(data) / 1e6:.1f} MB):")
    print(f"  upload                 {upload_s:6.2f} s")
    print(f"  import job             {import_s:6.2f} s  {rows / import_s:8,.0f} rows/s   (target >= 5,000)")
    print(f"  export job + download  {export_s:6.2f} s  {rows / export_s:8,.0f} rows/s   (target < 5 s)")
    print(f"  SCIM during the import {len(prober.times)} requests, slowest {max(prober.times, default=0) * 1000:.0f} ms")
    if wasm:
        print(f"  wasm memory            {int(wasm) / 2**20:6.1f} MiB (high-water mark of the isolate)")
    with httpx.Client(timeout=120) as http:
        http.delete(f"{BASE}/api/servers/{created['id']}", headers={"Authorization": f"Bearer {created['token']}"})


if __name__ == "__main__":
    main()
