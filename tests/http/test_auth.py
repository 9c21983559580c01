"""Authentication: 401 with a challenge, Bearer and Basic, and no way across servers."""

import pytest

from conftest import ADMIN_TOKEN, BASE, assert_scim_error, basic, bearer, user_body

BAD_CREDENTIALS = [
    ({}, "missing"),
    ({"Authorization": "Bearer not-the-token"}, "wrong-bearer"),
    ({"Authorization": "Bearer"}, "empty-bearer"),
    ({"Authorization": "Token abc"}, "unknown-scheme"),
    ({"Authorization": "Basic %%%"}, "bad-base64"),
    (basic("okta", "not-the-token"), "wrong-basic-password"),
    ({"Authorization": "non-token"}, "okta-non-token"),
]


@pytest.mark.parametrize("headers", [h for h, _ in BAD_CREDENTIALS],
                         ids=[name for _, name in BAD_CREDENTIALS])
def test_bad_credentials_get_401_scim_error_with_bearer_challenge(http, server, headers):
    for resp in (
        http.get(server.url("/Users"), headers=headers),
        http.get(f"{BASE}/api/servers/{server.id}", headers=headers),
    ):
        assert_scim_error(resp, 401)
        assert resp.headers["www-authenticate"] == 'Bearer realm="scimlet"'


@pytest.mark.parametrize(
    "make_headers",
    [
        lambda t: {"Authorization": f"Bearer {t}"},
        lambda t: {"Authorization": f"bearer {t}"},
        lambda t: basic("okta", t),
        lambda t: basic(t, ""),
    ],
    ids=["bearer", "bearer-lowercase-scheme", "basic-token-as-password", "basic-token-as-user"],
)
def test_token_opens_its_server_as_bearer_or_basic(http, server, make_headers):
    resp = http.get(server.url("/Users"), headers=make_headers(server.token))
    assert resp.status_code == 200, resp.text


def every_endpoint(target):
    """(method, url, body) for every endpoint of `target` that a token guards."""
    scim, api = target.scim, f"{BASE}/api/servers/{target.id}"
    patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "path": "active", "value": False}]}
    return [
        ("GET", f"{scim}/Users", None),
        ("POST", f"{scim}/Users", user_body("intruder")),
        ("GET", f"{scim}/Users/{target.victim_id}", None),
        ("PUT", f"{scim}/Users/{target.victim_id}", user_body("renamed")),
        ("PATCH", f"{scim}/Users/{target.victim_id}", patch),
        ("DELETE", f"{scim}/Users/{target.victim_id}", None),
        ("POST", f"{scim}/Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}),
        ("GET", f"{scim}/Groups", None),
        ("POST", f"{scim}/Bulk", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                                  "Operations": []}),
        ("GET", f"{scim}/ServiceProviderConfig", None),
        ("GET", f"{scim}/ResourceTypes", None),
        ("GET", f"{scim}/Schemas", None),
        ("GET", api, None),
        ("DELETE", api, None),
        ("POST", f"{api}/reset", None),
        ("GET", f"{api}/export", None),
        ("PUT", f"{api}/import", {"settings": {}, "resources": []}),
        ("GET", f"{api}/config", None),
        ("PUT", f"{api}/config", {"strict": True}),
    ]


def test_one_servers_token_never_reaches_another_server_on_any_endpoint(http, server, other_server):
    other_server.victim_id = other_server.create_user("victim")["id"]
    before = other_server.export()
    for method, url, body in every_endpoint(other_server):
        resp = http.request(method, url, json=body, headers=server.auth)
        assert resp.status_code == 401, f"{method} {url}: {resp.status_code} {resp.text}"
        assert resp.headers["www-authenticate"] == 'Bearer realm="scimlet"'
    assert other_server.export() == before


def test_admin_token_lists_shows_and_deletes_but_never_opens_data(http, server):
    if not ADMIN_TOKEN:
        pytest.skip("needs SCIMLET_ADMIN_TOKEN")
    server.create_user("kept.user")
    before = server.export()
    admin = bearer(ADMIN_TOKEN)
    assert http.get(f"{BASE}/api/servers/{server.id}", headers=admin).status_code == 200
    for method, action, body in [
        ("GET", "export", None),
        ("PUT", "import", before),
        ("POST", "reset", None),
        ("GET", "config", None),
        ("PUT", "config", {}),
        ("PATCH", "config", {"strict": True}),
    ]:
        resp = http.request(method, f"{BASE}/api/servers/{server.id}/{action}", json=body, headers=admin)
        assert_scim_error(resp, 403)
    assert_scim_error(http.get(server.url("/Users"), headers=admin), 403)
    assert server.export() == before
