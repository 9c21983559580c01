"""Group membership PATCHes over HTTP against a scimlet Worker (issue 11, item 5):

    scripts/with-worker.sh .venv/bin/python benches/patch_http.py

Against $SCIMLET_URL: creates a server (bulkMaxPayloadSize 4 MiB, room for 20,000
members in one body), one group, then times, on a kept-alive connection:
1. one PATCH adding MEMBERS (20,000) members,
2. one PATCH removing them all with a value list (Entra's form),
3. SMALL (1,000) PATCHes adding MEMBERS / SMALL members each.

Member ids are made up (a lenient server accepts members that do not exist, as the
conformance probes need), so no users are created. Prints client time and the engine's
own `Server-Timing` figure.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import uuid

import httpx

BASE = os.environ.get("SCIMLET_URL", "http://127.0.0.1:8787").rstrip("/")
MEMBERS = int(os.environ.get("MEMBERS", "20000"))
SMALL = int(os.environ.get("SMALL", "1000"))
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM = {"Content-Type": "application/scim+json"}


def engine_ms(resp: httpx.Response) -> float:
    found = re.search(r"engine;dur=([0-9.]+)", resp.headers.get("Server-Timing", ""))
    return float(found.group(1)) if found else float("nan")


def members_op(op: str, ids: list[str]) -> str:
    return json.dumps({"schemas": [PATCH_OP], "Operations": [
        {"op": op, "path": "members", "value": [{"value": i} for i in ids]}]})


def main() -> int:
    with httpx.Client(timeout=600) as http:
        resp = http.post(f"{BASE}/api/servers", json={
            "id": f"patch-{os.urandom(4).hex()}",
            "settings": {"bulkMaxPayloadSize": 4 << 20}})
        assert resp.status_code == 201, resp.text
        server = resp.json()
        scim, auth = server["scim"], {"Authorization": f"Bearer {server['token']}"}
        try:
            resp = http.post(f"{scim}/Groups", headers={**auth, **SCIM},
                             content=json.dumps({"displayName": "big"}))
            assert resp.status_code == 201, resp.text
            group = f"{scim}/Groups/{resp.json()['id']}"
            ids = [str(uuid.UUID(int=n + 1, version=4)) for n in range(MEMBERS)]

            def patch(body: str) -> httpx.Response:
                return http.patch(group, headers={**auth, **SCIM}, content=body)

            for name, body in [(f"add {MEMBERS} members in one PATCH", members_op("add", ids)),
                               ("remove them with a value list", members_op("remove", ids))]:
                for _ in range(3):
                    start = time.perf_counter()
                    resp = patch(body)
                    wall = time.perf_counter() - start
                    # `wrangler dev` may restart the worker after a long request (it did
                    # after a 35 s PATCH), failing the next one at once: send it again.
                    if "restarted mid-request" not in resp.text:
                        break
                assert resp.status_code == 200, resp.text[:500]
                print(f"{name:<42} {wall * 1e3:9.0f} ms  (engine {engine_ms(resp):.0f} ms, "
                      f"{len(body) / 1e6:.1f} MB body)")
            chunk = max(1, MEMBERS // SMALL)
            bodies = [members_op("add", ids[i:i + chunk]) for i in range(0, MEMBERS, chunk)]
            engine = 0.0
            start = time.perf_counter()
            for body in bodies:
                resp = patch(body)
                assert resp.status_code == 200, resp.text[:500]
                engine += engine_ms(resp)
            wall = time.perf_counter() - start
            got = len(http.get(group, headers=auth).json().get("members", []))
            assert got == MEMBERS, got
            print(f"{len(bodies)} PATCHes adding {chunk} each{'':<18} {wall * 1e3:9.0f} ms  "
                  f"(engine {engine:.0f} ms; {wall * 1e3 / len(bodies):.1f} ms per request)")
        finally:
            http.delete(f"{BASE}/api/servers/{server['id']}", headers=auth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
