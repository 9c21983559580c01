#!/usr/bin/env python3
"""Checks, through SCIM, that `scimlet load` kept the data as rich as the generator.

    check_rich.py LOADED_SCIM LOADED_TOKEN DOMAIN REFERENCE_SCIM REFERENCE_TOKEN

LOADED is a server holding users loaded with `--seed S` (domain DOMAIN) and groups loaded
with `--groups G`; REFERENCE is a server the Worker seeded itself with the same users, groups
and seed (`servers create --users N --groups G --seed S`), so the generator's own relations.
Mail domains differ, so users are matched by the local part of their userName (the same
for the same seed).

Prints one JSON object: users, managers and groups found on each side, and the mismatches:
`dangling` (a manager.value naming no loaded user), `managerMismatches` (a user whose
manager is not the generator's), `groupsEqual` (the loaded groups' member sets are the
reference's). Exits 0; the caller judges.
"""
import json
import sys
import urllib.parse
import urllib.request

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def get(base, token, path, params):
    url = f"{base}/{path}?{urllib.parse.urlencode(params)}"
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.load(resp)


def walk(base, token, endpoint, filter_, attributes):
    """Every resource matching filter_, by an `id gt` walk (safe whatever the page cap)."""
    last, out = None, []
    while True:
        f = filter_ if last is None else f'({filter_}) and id gt "{last}"'
        page = get(base, token, endpoint,
                   {"filter": f, "sortBy": "id", "count": 1000, "attributes": attributes})
        resources = page.get("Resources", [])
        if not resources:
            return out
        out.extend(resources)
        last = resources[-1]["id"]


def local(user_name):
    return user_name.split("@", 1)[0]


def relations(base, token, user_filter):
    users = walk(base, token, "Users", user_filter, f"userName,{ENTERPRISE}:manager")
    by_id = {u["id"]: u["userName"] for u in users}
    managers, dangling = {}, 0
    for u in users:
        value = u.get(ENTERPRISE, {}).get("manager", {}).get("value")
        if value is None:
            continue
        if value not in by_id:
            dangling += 1
            continue
        managers[local(u["userName"])] = local(by_id[value])
    groups = walk(base, token, "Groups", "displayName pr", "displayName,members")
    member_sets = []
    for g in groups:
        ids = [m["value"] for m in g.get("members", [])]
        if ids and all(i in by_id for i in ids):
            member_sets.append(frozenset(local(by_id[i]) for i in ids))
    return users, managers, dangling, member_sets


def main():
    loaded, loaded_token, domain, reference, reference_token = sys.argv[1:6]
    users, managers, dangling, groups = relations(
        loaded, loaded_token, f'userName ew "@{domain}"')
    ref_users, ref_managers, ref_dangling, ref_groups = relations(
        reference, reference_token, "userName pr")
    mismatches = sum(1 for k in set(managers) | set(ref_managers)
                     if managers.get(k) != ref_managers.get(k))
    print(json.dumps({
        "users": len(users),
        "managers": len(managers),
        "dangling": dangling,
        "referenceUsers": len(ref_users),
        "referenceManagers": len(ref_managers),
        "referenceDangling": ref_dangling,
        "managerMismatches": mismatches,
        "groups": len(groups),
        "members": sum(len(g) for g in groups),
        "referenceGroups": len(ref_groups),
        "referenceMembers": sum(len(g) for g in ref_groups),
        "groupsEqual": sorted(map(sorted, groups)) == sorted(map(sorted, ref_groups)),
    }))


if __name__ == "__main__":
    main()
