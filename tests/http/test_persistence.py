"""Everything stored survives a restart of `wrangler dev` (local state on disk)."""

import httpx

from conftest import ADMIN_TOKEN, BASE, GROUP_SCHEMA, bearer, restart_worker


def test_data_tokens_settings_and_registry_survive_a_restart(http, server):
    alice = server.create_user("alice.persisted")
    server.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "Survivors",
                            "members": [{"value": alice["id"]}]})
    server.admin("PUT", "config", json={"patchResponse": "noContent"})
    before = server.export()

    restart_worker()

    with httpx.Client(timeout=60) as fresh:
        exported = fresh.get(f"{BASE}/api/servers/{server.id}/export", headers=server.auth)
        assert exported.status_code == 200, exported.text
        assert exported.json() == before
        user = fresh.get(f"{server.scim}/Users/{alice['id']}", headers=server.auth)
        assert user.status_code == 200
        assert user.json()["userName"] == "alice.persisted"
        if ADMIN_TOKEN:
            listed = fresh.get(f"{BASE}/api/servers", headers=bearer(ADMIN_TOKEN)).json()
            assert server.id in {s["id"] for s in listed["servers"]}
