"""Bad input gets the right SCIM error, loses nothing stored, and the server keeps serving."""

import http.client
import json
import select
import urllib.parse

import pytest

from conftest import BASE, SCIM, assert_scim_error, user_body


@pytest.fixture
def populated(server):
    """A server with data whose export must come out of every bad request unchanged."""
    server.create_user("keeper.one")
    server.create_user("keeper.two")
    before = server.export()
    yield server
    assert server.export() == before
    assert server.get("/Users").json()["totalResults"] == 2


def nested(depth):
    return "[" * depth + "]" * depth


BAD_BODIES = [
    ("malformed-json", "POST", "/Users", b'{"userName": "x",', SCIM, 400, "invalidSyntax"),
    ("truncated-json", "POST", "/Users", b'{"schemas": [', SCIM, 400, "invalidSyntax"),
    ("not-utf8", "POST", "/Users", b'{"userName": "\xff\xfe"}', SCIM, 400, "invalidSyntax"),
    ("json-array", "POST", "/Users", b"[]", SCIM, 400, None),
    ("empty-body", "POST", "/Users", b"", SCIM, 400, "invalidSyntax"),
    ("wrong-content-type", "POST", "/Users", json.dumps(user_body("typed")).encode(),
     "text/plain", 415, None),
    ("form-content-type", "POST", "/Users", b"userName=x",
     "application/x-www-form-urlencoded", 415, None),
    ("deep-nesting", "POST", "/Users",
     ('{"schemas": ' + nested(5000) + "}").encode(), SCIM, 400, "invalidSyntax"),
    ("deep-nesting-patch", "PATCH", "/Users/any",
     ('{"Operations": ' + nested(5000) + "}").encode(), SCIM, None, None),
    ("missing-username", "POST", "/Users", b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}',
     SCIM, 400, None),
]


@pytest.mark.parametrize("method, path, body, content_type, status, scim_type",
                         [case[1:] for case in BAD_BODIES], ids=[case[0] for case in BAD_BODIES])
def test_bad_bodies_get_scim_errors_and_lose_nothing(populated, method, path, body,
                                                     content_type, status, scim_type):
    resp = populated.request(method, path, content=body, headers={"Content-Type": content_type})
    if status is None:  # only "a 4xx SCIM error" is promised
        assert 400 <= resp.status_code < 500, resp.text
        assert_scim_error(resp, resp.status_code)
    else:
        assert_scim_error(resp, status, scim_type)


def test_body_over_max_payload_size_gets_413(populated):
    """The worker answers 413 from Content-Length alone, without reading the body. Sent in
    one go, that answer may race the client still writing (a reset before it reads the
    413), so the request's head goes first and the body only if no answer came: `wrangler
    dev`'s proxy reads a whole body before the worker sees the request."""
    limit = populated.admin("GET", "config").json()["bulkMaxPayloadSize"]
    url = urllib.parse.urlsplit(populated.url(""))
    for method, path in [("POST", "/Users"), ("POST", "/Bulk"), ("PUT", "/Users/any")]:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        try:
            conn.putrequest(method, url.path + path)
            for name, value in {**populated.auth, "Content-Type": SCIM,
                                "Content-Length": str(limit + 1)}.items():
                conn.putheader(name, value)
            conn.endheaders()
            early, _, _ = select.select([conn.sock], [], [], 2.0)
            if not early:
                conn.send(b"x" * (limit + 1))
            answer = conn.getresponse()
            body = json.loads(answer.read())
        finally:
            conn.close()
        assert answer.status == 413, (method, path, body)
        assert body["status"] == "413" and body["detail"], body


def test_body_just_under_max_payload_size_is_not_refused_for_size(populated):
    limit = populated.admin("GET", "config").json()["bulkMaxPayloadSize"]
    body = user_body("big.but.fine")
    body["displayName"] = "x" * (limit - len(json.dumps(body)) - 100)
    resp = populated.request("POST", "/Users", content=json.dumps(body).encode(),
                             headers={"Content-Type": SCIM})
    assert resp.status_code == 201, resp.text
    assert populated.delete(f"/Users/{resp.json()['id']}").status_code == 204


UNKNOWN_PATHS = [
    "/nowhere",
    "/nowhere/index.html",
    "/scim/v2/Users",
    "/api",
    "/api/servers/{id}/nope",
    "/scim-identifier/{id}",
    "/scim-identifier/{id}/scim/v1/Users",
    "/scim-identifier/{id}/scim/v2/Nope",
    "/scim-identifier/{id}/scim/v2/Users/no-such-id",
]


@pytest.mark.parametrize("path", UNKNOWN_PATHS)
def test_unknown_paths_get_404_scim_error(http, populated, path):
    resp = http.get(BASE + path.format(id=populated.id), headers=populated.auth)
    assert_scim_error(resp, 404)


WRONG_METHODS = [
    ("POST", "/healthz"),
    ("PUT", "/api/servers"),
    ("DELETE", "/api/servers"),
    ("POST", "/api/servers/{id}"),
    ("GET", "/api/servers/{id}/reset"),
    ("PATCH", "/api/servers/{id}"),
    ("POST", "/api/servers/{id}/export"),
    ("GET", "/api/servers/{id}/import"),
    ("DELETE", "/scim-identifier/{id}/scim/v2/Users"),
    ("PUT", "/scim-identifier/{id}/scim/v2/ServiceProviderConfig"),
    ("GET", "/scim-identifier/{id}/scim/v2/Bulk"),
]


@pytest.mark.parametrize("method, path", WRONG_METHODS)
def test_wrong_methods_get_405_scim_error(http, populated, method, path):
    resp = http.request(method, BASE + path.format(id=populated.id), headers=populated.auth)
    assert_scim_error(resp, 405)


INVALID_IDS = ["bad.id", "bad!id", "a%20b", "x" * 65, "ünïcode"]


@pytest.mark.parametrize("server_id", INVALID_IDS)
def test_invalid_server_ids_get_400_scim_error(http, populated, server_id):
    for url in (f"{BASE}/scim-identifier/{server_id}/scim/v2/Users",
                f"{BASE}/api/servers/{server_id}"):
        resp = http.get(url, headers=populated.auth)
        assert_scim_error(resp, 400)
        assert "server id" in resp.json()["detail"]
