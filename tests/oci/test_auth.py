"""Who gets in at the origin's root: wrong secrets, expired tokens, another server's
credentials and garbage get 401 (OAuth errors at the token endpoint, SCIM Errors at
/admin/v1) and change nothing; an unknown credential answers exactly like a wrong one.
"""

from __future__ import annotations

import base64
import time

import pytest

from conftest import BASE, SCOPE, assert_scim_401, new_domain
from iam_script import IamScript

FORM = {"grant_type": "client_credentials", "scope": SCOPE}


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def user_count(http, domain) -> int:
    r = domain.admin(http, "GET", "/Users?count=0")
    assert r.status_code == 200, r.text
    return r.json()["totalResults"]


def test_the_token_endpoint_answers_oauth(http, domain):
    ok = http.post(f"{domain.url}/oauth2/v1/token", data=FORM, headers=basic(domain.client_id, domain.client_secret))
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 8 * 3600 and body["scope"] == SCOPE
    other_client = domain.client_id[:-1] + ("1" if domain.client_id.endswith("0") else "0")
    for headers in [
        basic(domain.client_id, "idcscs-wrong"),
        basic(other_client, domain.client_secret),
        basic("nosuchclient", domain.client_secret),
        {},
    ]:
        r = http.post(f"{domain.url}/oauth2/v1/token", data=FORM, headers=headers)
        assert r.status_code == 401, r.text
    r = http.post(f"{domain.url}/oauth2/v1/token", data={"grant_type": "password"},
                  headers=basic(domain.client_id, domain.client_secret))
    assert (r.status_code, r.json()["error"]) == (400, "unsupported_grant_type")


def test_credentials_of_another_server_and_garbage_get_401_and_change_nothing(http, domain):
    other = new_domain(http)
    try:
        theirs = IamScript(other.url, other.client_id, other.client_secret).token["access_token"]
        mine = IamScript(domain.url, domain.client_id, domain.client_secret).token["access_token"]
        before = user_count(http, domain)
        body = {"userName": "intruder@example.com"}
        for auth in [f"Bearer {theirs[:-4]}AAAA", f"Bearer {mine}x", "Bearer nope",
                     f"Bearer {domain.token}x", "Basic Zm9v", None]:
            headers = {"Authorization": auth} if auth else {}
            r = http.post(f"{domain.url}/admin/v1/Users", json=body, headers=headers)
            assert_scim_401(r)
        assert user_count(http, domain) == before
        # Their token opens their server only, whichever path it is sent to.
        r = http.get(f"{domain.url}/admin/v1/Users", headers={"Authorization": f"Bearer {theirs}"})
        assert r.status_code == 200 and r.json()["totalResults"] == user_count(http, other)
        r = http.get(f"{BASE}/scim-identifier/{domain.id}/scim/v2/Users",
                     headers={"Authorization": f"Bearer {theirs}"})
        assert r.status_code == 401
    finally:
        other.delete(http)


def test_a_plain_scim_server_has_no_domain_api(http):
    r = http.post(f"{BASE}/api/servers", json={}, headers={"CF-Connecting-IP": "10.9.9.9"})
    created = r.json()
    try:
        assert "oci" not in created
        r = http.get(f"{BASE}/admin/v1/Users", headers={"Authorization": f"Bearer {created['token']}"})
        assert_scim_401(r)
    finally:
        http.delete(f"{BASE}/api/servers/{created['id']}", headers={"Authorization": f"Bearer {created['token']}"})


def test_tokens_expire(http):
    domain = new_domain(http, settings={"tokenLifetimeSeconds": 60})
    try:
        token = IamScript(domain.url, domain.client_id, domain.client_secret).token
        assert token["expires_in"] == 60
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        assert http.get(f"{domain.url}/admin/v1/Users", headers=headers).status_code == 200
        time.sleep(61)
        before = user_count(http, domain)
        assert_scim_401(http.get(f"{domain.url}/admin/v1/Users", headers=headers))
        assert_scim_401(http.post(f"{domain.url}/admin/v1/Users", json={"userName": "late@example.com"}, headers=headers))
        assert user_count(http, domain) == before
    finally:
        domain.delete(http)
