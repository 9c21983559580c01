"""Concurrent writers: one Durable Object per server makes uniqueness exact and loses no write."""

import asyncio
import json

import httpx

from conftest import SCIM, user_body


async def post_users(server, bodies):
    limits = httpx.Limits(max_connections=len(bodies))
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        headers = {**server.auth, "Content-Type": SCIM}
        return await asyncio.gather(*(
            client.post(server.url("/Users"), content=json.dumps(body), headers=headers)
            for body in bodies
        ))


def test_50_concurrent_posts_of_one_username_give_one_201_and_49_409(server):
    responses = asyncio.run(post_users(server, [user_body("same.name")] * 50))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 49, statuses
    for r in responses:
        if r.status_code == 409:
            assert r.json()["scimType"] == "uniqueness"
    found = server.get('/Users?filter=userName eq "same.name"').json()
    assert found["totalResults"] == 1


def test_200_concurrent_distinct_creates_are_all_stored(server):
    names = [f"parallel.{i:03}" for i in range(200)]
    responses = asyncio.run(post_users(server, [user_body(n) for n in names]))
    assert [r.status_code for r in responses] == [201] * 200
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 200
    listed = server.get("/Users?count=1000").json()
    assert listed["totalResults"] == 200
    assert sorted(u["userName"] for u in listed["Resources"]) == names
    exported = server.export()
    assert {r["id"] for r in exported["resources"]} == ids
