"""The OCI Python SDK (`oci`, IdentityDomainsClient) against an identity domain here,
unchanged: a generated API key registered for a user, a config file naming it, and every
request signed. It pages users through `opc-next-page` and audits who may hold which
credential and who holds how many.
"""

from __future__ import annotations

import oci
import pytest

from conftest import CAPABILITIES, assert_scim_401, new_domain, new_key_pair
from iam_script import IamScript, user_operation

KINDS = {
    # SDK list call, endpoint, what a new one needs besides its user
    "api_keys": ("/ApiKeys", None),
    "auth_tokens": ("/AuthTokens", {"description": "ci"}),
    "customer_secret_keys": ("/CustomerSecretKeys", {"displayName": "s3"}),
    "user_db_credentials": ("/UserDbCredentials", {"dbPassword": "Db-Passw0rd-2026"}),
    "o_auth2_client_credentials": (
        "/OAuth2ClientCredentials",
        {"name": "c", "scopes": [{"audience": "urn:x", "scope": "read"}]},
    ),
    "smtp_credentials": ("/SmtpCredentials", {"description": "mail"}),
}


def sdk_client(domain, user_ocid: str, key_file: str, fingerprint: str):
    config = {
        "user": user_ocid,
        "tenancy": domain.tenancy,
        "fingerprint": fingerprint,
        "key_file": key_file,
        "region": "us-ashburn-1",
    }
    oci.config.validate_config(config)
    return oci.identity_domains.IdentityDomainsClient(config, domain.url)


@pytest.fixture
def audited(http, domain, tmp_path):
    """A domain with 230 users, an admin whose API key the SDK signs with, and credentials
    made for some users (the audit must find exactly these)."""
    script = IamScript(domain.url, domain.client_id, domain.client_secret)
    ops = [user_operation("Ada", f"L{i}", f"sdk{i}@example.com") for i in range(230)]
    for start in range(0, 230, 100):
        assert {op["status"] for op in script.bulk(ops[start:start + 100])["Operations"]} == {"201"}
    admin = script.call("POST", "/admin/v1/Users", {"userName": "auditor@example.com"}).json()
    key_file, public = new_key_pair(tmp_path)
    key = script.call("POST", "/admin/v1/ApiKeys", {
        "schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:apikey"],
        "key": public,
        "user": {"value": admin["id"]},
    }).json()
    users = script.users({"count": 1000, "sortBy": "userName", "filter": 'userName sw "sdk"'})["Resources"]
    made: dict[str, dict[str, int]] = {}
    for n, user in enumerate(users[:30]):
        for kind, (endpoint, body) in KINDS.items():
            if kind == "api_keys" or n % 3 == list(KINDS).index(kind) % 3:
                continue
            r = script.call("POST", f"/admin/v1{endpoint}", {**body, "user": {"value": user["id"]}})
            assert r.status_code == 201, r.text
            made.setdefault(user["id"], {}).setdefault(kind, 0)
            made[user["id"]][kind] += 1
    # Some users may not hold auth tokens: their capability says so, and the domain refuses.
    for user in users[30:40]:
        script.call("PATCH", f"/admin/v1/Users/{user['id']}", {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": f"{CAPABILITIES}:canUseAuthTokens", "value": False}],
        })
        refused = script.call("POST", "/admin/v1/AuthTokens", {"user": {"value": user["id"]}}, ok=False)
        assert refused.status_code == 400, refused.text
    client = sdk_client(domain, admin["ocid"], key_file, key["fingerprint"])
    return client, users, made


def test_the_sdk_pages_through_every_user_with_signed_requests(audited):
    client, users, _ = audited
    seen, pages = [], 0
    for response in oci.pagination.list_call_get_all_results_generator(
        client.list_users, "response", count=100, sort_by="userName", sort_order="ASCENDING",
        attribute_sets=["all"],
    ):
        pages += 1
        seen.extend(u.user_name for u in response.data.resources)
    assert pages == 3
    assert len(seen) == 231 and seen == sorted(seen)
    one = client.get_user(users[0]["id"], attributes="userName").data
    assert (one.user_name, one.ocid, one.emails) == (users[0]["userName"], None, None)
    full = client.get_user(users[0]["id"]).data
    assert full.ocid.startswith("ocid1.user.oc1..")
    assert full.idcs_created_by.type == "App"


def test_an_sdk_walk_that_deletes_each_page_sees_every_user_once(audited):
    """The clean-up script: page by `opc-next-page` and delete each page as it comes. A token
    names a place in the listing, not an index, so no user is skipped."""
    client, users, _ = audited
    seen = []
    for response in oci.pagination.list_call_get_all_results_generator(
        client.list_users, "response", count=40, filter='userName sw "sdk"',
        sort_by="userName", sort_order="ASCENDING", attributes="userName",
    ):
        page = [(u.id, u.user_name) for u in response.data.resources]
        for user_id, _ in page:
            client.delete_user(user_id, force_delete=True)
        seen.extend(name for _, name in page)
    assert seen == sorted(u["userName"] for u in users)
    left = client.list_users(filter='userName sw "sdk"', count=0).data
    assert left.total_results == 0


def test_signed_writes_through_the_sdk_record_the_signing_user(audited):
    client, _, _ = audited
    made = client.create_user(user=oci.identity_domains.models.User(
        user_name="signed@example.com",
        schemas=["urn:ietf:params:scim:schemas:core:2.0:User"],
        name=oci.identity_domains.models.UserName(given_name="Sig", family_name="Ned"),
    )).data
    assert made.user_name == "signed@example.com"
    assert (made.idcs_created_by.type, made.idcs_created_by.display) == ("User", "auditor@example.com")
    group = client.create_group(group=oci.identity_domains.models.Group(
        display_name="signed group", schemas=["urn:ietf:params:scim:schemas:core:2.0:Group"],
        members=[oci.identity_domains.models.GroupMembers(value=made.id, type="User")],
    )).data
    assert group.members[0].value == made.id
    client.delete_user(made.id)
    with pytest.raises(oci.exceptions.ServiceError) as gone:
        client.get_user(made.id)
    assert gone.value.status == 404


def test_an_audit_of_capabilities_and_credential_counts_matches_what_was_made(audited):
    client, users, made = audited
    for n, user in enumerate(users[:40]):
        full = client.get_user(user["id"]).data
        caps = full.urn_ietf_params_scim_schemas_oracle_idcs_extension_capabilities_user
        assert caps.can_use_api_keys is True
        assert caps.can_use_auth_tokens is (n < 30), n
        for kind in KINDS:
            listed = getattr(client, f"list_{kind}")(
                filter=f'user.value eq "{user["id"]}"', count=1, attributes="id"
            ).data
            assert listed.total_results == made.get(user["id"], {}).get(kind, 0), (n, kind)
    # By user.ocid too, as some audits ask.
    first = client.get_user(users[1]["id"]).data
    by_ocid = client.list_smtp_credentials(filter=f'user.ocid eq "{first.ocid}"', count=1).data
    assert by_ocid.total_results == made.get(users[1]["id"], {}).get("smtp_credentials", 0)


def test_an_unregistered_key_and_unsigned_requests_get_401_and_change_nothing(http, audited, domain, tmp_path):
    client, users, _ = audited
    key_file, _ = new_key_pair(tmp_path)
    stranger = sdk_client(domain, client.base_client.signer.api_key.split("/")[1], key_file,
                          client.base_client.signer.api_key.split("/")[2])
    with pytest.raises(oci.exceptions.ServiceError) as refused:
        stranger.list_users(count=1)
    assert refused.value.status == 401
    before = http.get(f"{domain.url}/admin/v1/Users?count=0", headers={"Authorization": f"Bearer {domain.token}"}).json()
    with pytest.raises(oci.exceptions.ServiceError) as refused:
        stranger.create_user(user=oci.identity_domains.models.User(
            user_name="intruder@example.com", schemas=["urn:ietf:params:scim:schemas:core:2.0:User"]))
    assert refused.value.status == 401
    after = http.get(f"{domain.url}/admin/v1/Users?count=0", headers={"Authorization": f"Bearer {domain.token}"}).json()
    assert after["totalResults"] == before["totalResults"]
    unsigned = http.get(f"{domain.url}/admin/v1/Users")
    assert_scim_401(unsigned)


def test_a_domain_made_with_an_administrator_key_is_ready_for_the_sdk(http, tmp_path):
    key_file, public = new_key_pair(tmp_path)
    domain = new_domain(http, oci={"apiKey": public}, seed={"users": 5, "groups": 0})
    try:
        answer = domain.created["oci"]
        client = sdk_client(domain, answer["user"], key_file, answer["fingerprint"])
        users = client.list_users(count=10).data
        assert users.total_results == 6
        assert client.get_me().data.user_name == "oci-admin@example.com"
    finally:
        domain.delete(http)
