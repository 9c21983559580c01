"""Shared pieces of the oci persona's HTTP tests, run against a live worker ($SCIMLET_URL,
as scripts/with-worker.sh sets it).

An identity domain is a server created with {"persona": "oci"}: its creation answer's
`oci` part is all a script needs (domainUrl, clientId, clientSecret, tenancy). Keys for
request signatures are generated per test run with `cryptography` (what the OCI SDK uses).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

# tests/worker_client.py, shared with the other HTTP test folder.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from worker_client import BASE, ERROR_SCHEMA, fake_client_ip, http  # noqa: E402,F401

# The worker under test is plain HTTP on loopback; oauthlib refuses that unless told, as
# anyone rehearsing against a local mock tells it.
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
BULK_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
APP_SCHEMA = "urn:ietf:params:scim:schemas:oracle:idcs:App"
CAPABILITIES = "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User"
BYPASS = "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User:bypassNotification"
SCOPE = "urn:opc:idm:__myscopes__"



@dataclass
class Domain:
    """An identity domain on the worker: its server id and token, and the oci answer."""

    id: str
    token: str
    url: str
    client_id: str
    client_secret: str
    tenancy: str
    created: dict

    def admin(self, http: httpx.Client, method: str, path: str, **kwargs) -> httpx.Response:
        """`/admin/v1{path}` with the server's own token."""
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return http.request(method, f"{self.url}/admin/v1{path}", headers=headers, **kwargs)

    def delete(self, http: httpx.Client) -> None:
        http.delete(f"{BASE}/api/servers/{self.id}", headers={"Authorization": f"Bearer {self.token}"})


def new_domain(http: httpx.Client, **body) -> Domain:
    body.setdefault("id", f"oci-{os.urandom(6).hex()}")
    settings = {"persona": "oci", **body.pop("settings", {})}
    resp = http.post(
        f"{BASE}/api/servers",
        json={**body, "settings": settings},
        headers={"CF-Connecting-IP": fake_client_ip()},
    )
    assert resp.status_code == 201, resp.text
    created = resp.json()
    oci = created["oci"]
    return Domain(
        created["id"], created["token"], oci["domainUrl"], oci["clientId"],
        oci["clientSecret"], oci["tenancy"], created,
    )


def assert_scim_401(resp: httpx.Response) -> None:
    assert resp.status_code == 401, resp.text
    body = resp.json()
    assert body["schemas"] == [ERROR_SCHEMA], body
    assert body["status"] == "401", body


def new_key_pair(tmp_path) -> tuple[str, str]:
    """(path of a PEM private key file, PEM public key) of a fresh RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / f"key-{os.urandom(3).hex()}.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return str(path), public.decode()



@pytest.fixture
def domain(http):
    d = new_domain(http)
    yield d
    d.delete(http)
