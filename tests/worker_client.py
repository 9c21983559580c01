"""What the HTTP tests in tests/http and tests/oci share: where the worker under test is
($SCIMLET_URL, as scripts/with-worker.sh sets it), a fresh client address per server
created, and the `http` fixture. Each folder's conftest.py imports these (pytest finds a
fixture a conftest imports as if it were defined there).
"""

from __future__ import annotations

import os
import random

import httpx
import pytest

BASE = os.environ.get("SCIMLET_URL", "http://127.0.0.1:8787").rstrip("/")
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


def fake_client_ip() -> str:
    """A random private address for CF-Connecting-IP: a client no other test uses."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


@pytest.fixture
def http():
    """A client for the test, closed after it; generous timeout for loads of thousands."""
    with httpx.Client(timeout=120) as client:
        yield client
