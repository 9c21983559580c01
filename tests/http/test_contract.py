"""The administration contract (tests/contract/admin.json) against the Worker over HTTP.

tests/web/contract.tests.mjs runs the same steps against the browser's Service Worker, so
both hosts answer identically; both answer through the engine's `admin` module.
"""

from __future__ import annotations

import json
import os
import pathlib

import pytest

from conftest import ADMIN_TOKEN, BASE, bearer

CONTRACT = json.loads((pathlib.Path(__file__).parents[1] / "contract" / "admin.json").read_text())


def expand(text: str, names: dict) -> str:
    for key, value in names.items():
        text = text.replace("{" + key + "}", value)
    while "{scim:" in text:
        start = text.index("{scim:")
        end = text.index("}", start)
        text = text[:start] + f"{BASE}/scim-identifier/{text[start + 6:end]}/scim/v2" + text[end + 1:]
    return text


def expand_all(value, names):
    if isinstance(value, str):
        return expand(value, names)
    if isinstance(value, list):
        return [expand_all(v, names) for v in value]
    if isinstance(value, dict):
        return {expand(k, names): expand_all(v, names) for k, v in value.items()}
    return value


def matches(actual, expected, where="body") -> list[str]:
    """Where `actual` differs from the subset `expected` (empty: it matches)."""
    if expected == "<string>":
        return [] if isinstance(actual, str) else [f"{where}: {actual!r} is not a string"]
    if expected == "<number>":
        ok = isinstance(actual, (int, float)) and not isinstance(actual, bool)
        return [] if ok else [f"{where}: {actual!r} is not a number"]
    if isinstance(expected, dict) and "<contains>" in expected:
        if not isinstance(actual, list):
            return [f"{where}: {actual!r} is not an array"]
        if any(not matches(item, expected["<contains>"], where) for item in actual):
            return []
        return [f"{where}: no element matches {expected['<contains>']!r}"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: {actual!r} is not an object"]
        problems = []
        for key, want in expected.items():
            if want == "<absent>":
                if key in actual:
                    problems.append(f"{where}.{key}: present ({actual[key]!r})")
            elif key not in actual:
                problems.append(f"{where}.{key}: missing")
            else:
                problems += matches(actual[key], want, f"{where}.{key}")
        return problems
    return [] if actual == expected else [f"{where}: {actual!r} != {expected!r}"]


def test_the_administration_contract(http):
    if not ADMIN_TOKEN:
        pytest.skip("needs SCIMLET_ADMIN_TOKEN")
    names = {"api": f"{BASE}/api/servers", "run": os.urandom(4).hex()}
    saved = {}
    tokens = {"admin": ADMIN_TOKEN, "wrong": "not-the-token-0000000000"}
    for step in CONTRACT["steps"]:
        request, expect = step["request"], step["expect"]
        headers = {}
        token = tokens.get(request["auth"], saved.get("token")) if request["auth"] != "none" else None
        if token:
            headers.update(bearer(token))
        body = request.get("body")
        content = None
        if body is not None:
            content = saved["export"] if body == "{export}" else json.dumps(expand_all(body, names))
            headers["Content-Type"] = "application/json"
        resp = http.request(request["method"], expand(request["path"], names), content=content, headers=headers)
        name = step["name"]
        assert resp.status_code == expect["status"], f"{name}: {resp.status_code} {resp.text[:300]}"
        for header, value in expect.get("headers", {}).items():
            assert resp.headers.get(header) == expand(value, names), f"{name}: {header}: {resp.headers.get(header)}"
        if "body" in expect:
            problems = matches(resp.json(), expand_all(expect["body"], names))
            assert not problems, f"{name}: {problems}"
        if step.get("save") == "token":
            saved["token"] = resp.json()["token"]
        elif step.get("save") == "export":
            saved["export"] = resp.text
