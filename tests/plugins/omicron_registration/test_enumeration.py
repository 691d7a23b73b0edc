"""Listing the usernames of the Customer Area through the registration page fails.

The live check and the registration form tell whether a username is free (a person must be able
to pick one), so every such answer is counted, per session and per IP: past the limit the page
looks nothing up and answers the same for a taken and a free name.
"""

from __future__ import annotations

import re
from datetime import timedelta

from core.api import create_user, utcnow
from core.identity.throttle import USERNAME_CHECK_PER_IP, USERNAME_CHECK_PER_SESSION

from .conftest import PASSWORD, register

PER_SESSION = USERNAME_CHECK_PER_SESSION.amount
PER_IP = USERNAME_CHECK_PER_IP.amount
TAKEN = [f"member{i:02d}" for i in range(0, 100, 7)]


async def _members(portal, omicron) -> None:
    async with portal.database.session(omicron.id) as db:
        for name in TAKEN:
            await create_user(db, email=f"{name}@acme.example", password=PASSWORD, username=name, status="active")
        await db.commit()


def _told(response) -> bool | None:
    """What a live-check answer tells about the name: free, taken, or nothing (throttled)."""
    if response.status_code == 429:
        return None
    return bool(response.json()["available"])


def _same(text: str, *typed: str) -> str:
    for value in typed:
        text = text.replace(value, "TYPED")
    return re.sub(r"[0-9a-f]{64}", "TOKEN", text)


async def test_one_browser_learns_a_bounded_number_of_answers(portal, omicron, tenant_client):
    await _members(portal, omicron)
    client = tenant_client(omicron)
    await client.get("/register")  # the visitor's session, as a browser has it
    candidates = [f"member{i:02d}" for i in range(100)]
    answers = [_told(await client.get("/username/check", params={"username": name})) for name in candidates]
    told = [answer for answer in answers if answer is not None]
    assert len(told) == PER_SESSION  # then nothing more
    assert answers[PER_SESSION:] == [None] * (len(candidates) - PER_SESSION)
    taken = await client.get("/username/check", params={"username": TAKEN[-1]})
    free = await client.get("/username/check", params={"username": "nobody123"})
    assert taken.status_code == free.status_code == 429
    assert taken.json() == free.json()
    assert "cannot be checked" in taken.json()["messages"][0]
    assert int(taken.headers["Retry-After"]) > 0
    # the registration form shares the budget: a taken and a free name get the same page
    taken_form = await register(client, username=TAKEN[-1], email="a@acme.example")
    free_form = await register(client, username="nobody123", email="b@acme.example")
    assert taken_form.status_code == free_form.status_code == 429
    assert "not available" not in taken_form.text
    assert _same(taken_form.text, TAKEN[-1], "a@acme.example") == _same(free_form.text, "nobody123", "b@acme.example")
    assert 'value="a@acme.example"' in taken_form.text  # what was typed is kept


async def test_the_registration_form_alone_cannot_list_usernames(portal, omicron, tenant_client):
    await _members(portal, omicron)
    client = tenant_client(omicron)
    statuses = []
    for i in range(PER_SESSION + 5):
        response = await register(client, username=TAKEN[i % len(TAKEN)], email=f"probe{i}@acme.example")
        statuses.append(response.status_code)
    assert statuses.count(200) == PER_SESSION  # "not available", next to the field
    assert statuses[PER_SESSION:] == [429] * 5


async def test_new_sessions_from_one_address_share_its_budget(portal, omicron, tenant_client):
    await _members(portal, omicron)
    told = 0
    for _ in range(PER_IP // PER_SESSION + 2):
        client = tenant_client(omicron)  # a fresh cookie jar each time
        await client.get("/register")
        for i in range(PER_SESSION):
            told += _told(await client.get("/username/check", params={"username": f"member{i:02d}"})) is not None
    assert told == PER_IP
    # without a cookie at all, every request counts against the address too
    bare = tenant_client(omicron)
    assert (await bare.get("/username/check", params={"username": "member00"})).status_code == 429


async def test_the_budget_comes_back_after_the_window(portal, omicron, tenant_client, time_machine):
    await _members(portal, omicron)
    time_machine.move_to(utcnow(), tick=False)
    client = tenant_client(omicron)
    await client.get("/register")
    for i in range(PER_SESSION):
        await client.get("/username/check", params={"username": f"name{i}"})
    assert (await client.get("/username/check", params={"username": "member00"})).status_code == 429
    time_machine.shift(timedelta(minutes=11))
    answer = await client.get("/username/check", params={"username": "member00"})
    assert answer.json() == {"available": False, "messages": ["This username is not available. Choose another one."]}


async def test_rules_are_told_without_counting(omicron, tenant_client):
    client = tenant_client(omicron)
    await client.get("/register")
    for _ in range(PER_SESSION + 5):
        answer = await client.get("/username/check", params={"username": "ab"})  # too short: no look-up
        assert answer.status_code == 200
    assert (await client.get("/username/check", params={"username": "free1234"})).json()["available"] is True
