"""A client for an identity domain written the way the public scripts are (the "one
million users" loader and its clean-up): an OAuth2 session for a confidential app
(requests-oauthlib, client credentials, HTTP Basic, the `urn:opc:idm:__myscopes__` scope,
a token fetched once and never refreshed), and every call with `Content-Type:
application/scim+json`, GET included.
"""

from __future__ import annotations

import random
import string
import urllib.parse

from oauthlib.oauth2 import BackendApplicationClient
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

SCOPE = "urn:opc:idm:__myscopes__"
HEADERS = {
    "Content-Type": "application/scim+json",
    "Accept": "application/scim+json,application/json",
}


class ScriptError(Exception):
    """A call answered with anything but success."""

    def __init__(self, response):
        super().__init__(f"{response.status_code}: {response.text[:300]}")
        self.response = response


class IamScript:
    def __init__(self, domain_url: str, client_id: str, client_secret: str):
        self.url = domain_url
        self.client_id = client_id
        self.session = OAuth2Session(client=BackendApplicationClient(client_id=client_id))
        self.token = self.session.fetch_token(
            token_url=domain_url + "/oauth2/v1/token",
            auth=HTTPBasicAuth(client_id, client_secret),
            scope=[SCOPE],
        )

    def call(self, method: str, path: str, payload=None, ok=True):
        response = self.session.request(method, self.url + path, json=payload, headers=HEADERS)
        if ok and not response.ok:
            raise ScriptError(response)
        return response

    def users(self, params: dict) -> dict:
        return self.call("GET", "/admin/v1/Users?" + urllib.parse.urlencode(params)).json()

    def my_app_id(self) -> str:
        found = self.call(
            "GET",
            "/admin/v1/Apps?"
            + urllib.parse.urlencode({"filter": f'name eq "{self.client_id}"', "attributes": "id"}),
        ).json()
        return found["Resources"][0]["id"]

    def create_app(self, name: str) -> tuple[str, str, str]:
        """A confidential app, activated: (id, client id, client secret)."""
        made = self.call("POST", "/admin/v1/Apps", {
            "displayName": name,
            "description": "made by the test script",
            "clientType": "confidential",
            "allowedGrants": ["client_credentials"],
            "isOAuthClient": True,
            "basedOnTemplate": {"value": "CustomWebAppTemplateId"},
            "schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:App"],
        }).json()
        self.call("PUT", f"/admin/v1/AppStatusChanger/{made['id']}", {
            "active": True,
            "schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:AppStatusChanger"],
        })
        return made["id"], made["name"], made["clientSecret"]

    def bulk(self, operations: list) -> dict:
        return self.call("POST", "/admin/v1/Bulk", {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
            "Operations": operations,
        }).json()


def bulk_id() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=10))


def user_operation(given: str, family: str, email: str) -> dict:
    """One Bulk POST of a user, as the loader builds it (trailing slash, flattened key)."""
    return {
        "method": "POST",
        "path": "/Users/",
        "bulkId": bulk_id(),
        "data": {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "name": {"givenName": given, "familyName": family, "formatted": f"{given} {family}"},
            "userName": email,
            "emails": [{"value": email, "type": "work", "primary": True}],
            "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User:bypassNotification": True,
        },
    }
