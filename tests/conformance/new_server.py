"""Creates a fresh scimlet server on $SCIMLET_URL and prints its SCIM base URL and token.

Used by the conformance scripts so each suite runs against an empty server of its own.
"""

import os
import sys

import httpx


def new_server(prefix: str) -> tuple[str, str]:
    base = os.environ["SCIMLET_URL"]
    body = {"id": f"{prefix}-{os.urandom(4).hex()}"}
    resp = httpx.post(f"{base}/api/servers", json=body, timeout=30)
    if resp.status_code != 201:
        sys.exit(f"creating a server answered {resp.status_code}: {resp.text}")
    created = resp.json()
    return created["scim"], created["token"]


if __name__ == "__main__":
    url, token = new_server(sys.argv[1] if len(sys.argv) > 1 else "conformance")
    print(url, token)
