"""Shared fixtures for the HTTP tests of the scimlet Worker.

They run against a live worker: $SCIMLET_URL (scripts/with-worker.sh starts a throwaway
one, in Miniflare or, with SERVE=wrangler, under `wrangler dev`, and sets it, with
$SCIMLET_ADMIN_TOKEN, $SCIMLET_CREATE_LIMIT, $SCIMLET_MAX_RESOURCES and $SCIMLET_RESTART).
Every test gets servers of its own, created from a fake client address of its own
(`CF-Connecting-IP`, which both local servers pass through and Cloudflare sets in
production), so the per-client creation limit only bites where a test wants it to.
"""

from __future__ import annotations

import base64
import json
import os
import time
import sys
import subprocess
from dataclasses import dataclass, field

import httpx
import pytest

# tests/worker_client.py, shared with the other HTTP test folder.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from worker_client import BASE, ERROR_SCHEMA, fake_client_ip, http  # noqa: E402,F401

ADMIN_TOKEN = os.environ.get("SCIMLET_ADMIN_TOKEN")
RESTART = os.environ.get("SCIMLET_RESTART")
CREATE_LIMIT = os.environ.get("SCIMLET_CREATE_LIMIT")
MAX_RESOURCES = os.environ.get("SCIMLET_MAX_RESOURCES")

SCIM = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
BULK_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"



def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def basic(user: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def user_body(user_name: str, **extra) -> dict:
    body = {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": f"{user_name}@example.com", "type": "work", "primary": True}],
        "active": True,
    }
    body.update(extra)
    return body


def assert_scim_error(resp: httpx.Response, status: int, scim_type: str | None = None):
    """The response is a SCIM Error (RFC 7644 section 3.12) with this status."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(SCIM), resp.headers
    body = resp.json()
    assert body["schemas"] == [ERROR_SCHEMA], body
    assert body["status"] == str(status), body
    assert body.get("detail"), body
    if scim_type is not None:
        assert body.get("scimType") == scim_type, body
    return body


@dataclass
class Server:
    """One virtual server on the worker, and a client holding its token."""

    id: str
    token: str
    scim: str
    http: httpx.Client
    created: dict = field(default_factory=dict)

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.token)

    def url(self, path: str) -> str:
        return self.scim + path

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return self.http.request(method, self.url(path), headers=headers, **kwargs)

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body=None, **kwargs) -> httpx.Response:
        if body is not None:
            kwargs["content"] = json.dumps(body)
            kwargs.setdefault("headers", {}).setdefault("Content-Type", SCIM)
        return self.request("POST", path, **kwargs)

    def put(self, path: str, body, **kwargs) -> httpx.Response:
        kwargs.setdefault("headers", {}).setdefault("Content-Type", SCIM)
        return self.request("PUT", path, content=json.dumps(body), **kwargs)

    def patch(self, path: str, body, **kwargs) -> httpx.Response:
        kwargs.setdefault("headers", {}).setdefault("Content-Type", SCIM)
        return self.request("PATCH", path, content=json.dumps(body), **kwargs)

    def delete(self, path: str, **kwargs) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def admin(self, method: str, action: str = "", **kwargs) -> httpx.Response:
        """`/api/servers/{id}[/action]` with this server's token."""
        headers = {**self.auth, **kwargs.pop("headers", {})}
        suffix = f"/{action}" if action else ""
        return self.http.request(
            method, f"{BASE}/api/servers/{self.id}{suffix}", headers=headers, **kwargs
        )

    def create_user(self, user_name: str, **extra) -> dict:
        resp = self.post("/Users", user_body(user_name, **extra))
        assert resp.status_code == 201, resp.text
        return resp.json()

    def export(self) -> dict:
        resp = self.admin("GET", "export")
        assert resp.status_code == 200, resp.text
        return resp.json()


def create_server(http: httpx.Client, client_ip: str | None = None, **body) -> httpx.Response:
    return http.post(
        f"{BASE}/api/servers",
        json=body,
        headers={"CF-Connecting-IP": client_ip or fake_client_ip()},
    )


def new_server(http: httpx.Client, prefix: str = "t", wait: bool = True, **body) -> Server:
    """A new server; with `wait`, once its seed is whole (a big seed goes on in the
    object's alarm slices after the creation answers)."""
    body.setdefault("id", f"{prefix}-{os.urandom(6).hex()}")
    resp = create_server(http, **body)
    assert resp.status_code == 201, resp.text
    created = resp.json()
    server = Server(created["id"], created["token"], created["scim"], http, created)
    deadline = time.monotonic() + 120
    while wait and "seeding" in server.admin("GET").json():
        assert time.monotonic() < deadline, f"{server.id} still seeding after 120 s"
        time.sleep(0.05)
    return server



@pytest.fixture
def server(http):
    """A fresh, empty server, deleted after the test."""
    srv = new_server(http)
    yield srv
    srv.admin("DELETE")


@pytest.fixture
def other_server(http):
    """A second server, to prove one server's token never reaches another's data."""
    srv = new_server(http, prefix="other")
    yield srv
    srv.admin("DELETE")


def restart_worker():
    """Restarts the local worker on the same port and state (blocks until it answers)."""
    if not RESTART:
        pytest.skip("needs SCIMLET_RESTART (run through scripts/with-worker.sh)")
    subprocess.run(RESTART, shell=True, check=True)
