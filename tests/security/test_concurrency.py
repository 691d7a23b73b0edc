"""Races: the same form sent twice at the same moment, and a storm of registrations.

Both requests are in flight at once against the application (``asyncio.gather`` over the ASGI
transport: each request awaits the database and the hashing threads while the other runs). They
run on SQLite and, with ``PORTIQUE_TEST_POSTGRES_URL``, on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from sqlalchemy import func, select

from core.identity.models import User
from core.ticketing.models import Ticket
from plugins.omicron_registration.demo import FREE_SERIAL
from tests.core.identity.identity_helpers import csrf_of

PASSWORD = "Transformer-Test-2026"


def _client(app, slug: str, ip: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url=f"http://{slug}.localhost")


async def _twice(client: httpx.AsyncClient, path: str, data: dict[str, str]) -> list[httpx.Response]:
    """GET the form once, then POST it twice at the same moment (a double click)."""
    token = csrf_of((await client.get(path)).text)
    form = {**data, "csrf_token": token}
    return list(await asyncio.gather(client.post(path, data=form), client.post(path, data=form)))


def _answers(responses: list[httpx.Response]) -> list[tuple[int, str]]:
    return [(r.status_code, r.headers.get("location", "")) for r in responses]


async def _count(portal, tenant, model, *conditions) -> int:
    async with portal.database.session(tenant.id) as db:
        return int(await db.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)


async def test_double_clicked_omicron_registration_answers_the_same_page_twice(app, portal, omicron_demo):
    omicron = omicron_demo
    form = {
        "email": "eva.muster@acme.example",
        "first_name": "Eva",
        "last_name": "Muster",
        "username": "evamuster",
        "company": "Acme GmbH",
        "country": "DE",
        "serial_number": FREE_SERIAL,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "accept_terms": "y",
    }
    async with _client(app, "omicron") as client:
        token = csrf_of((await client.get("/register")).text)
        data = {**form, "csrf_token": token}
        racing = await asyncio.gather(client.post("/register", data=data), client.post("/register", data=data))
        repeated = await client.post("/register", data=data)
    answers = _answers(racing)
    assert (303, "/register/done") in answers, answers
    answers.remove((303, "/register/done"))
    # The one that lost the race answers exactly as the same form sent again a moment later does.
    assert answers == _answers([repeated]), (answers, repeated.text[-500:])
    assert await _count(portal, omicron, User, User.email_normalized == "eva.muster@acme.example") == 1


async def test_double_clicked_core_registration_answers_the_same_page_twice(app, portal, make_tenant):
    acme = await make_tenant("acme")
    form = {
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "password": "a long passphrase 77",
        "password_confirm": "a long passphrase 77",
        "accept_terms": "y",
    }
    async with _client(app, "acme") as client:
        answers = _answers(await _twice(client, "/register", form))
    assert answers == [(303, "/register/done")] * 2, answers
    assert await _count(portal, acme, User, User.email_normalized == "ada@example.com") == 1


async def test_double_clicked_first_ticket_of_the_year_answers_the_same_page_twice(app, portal, omicron_demo):
    """The two tickets race for the tenant's first reference of the year (the counter's row)."""
    omicron = omicron_demo
    form = {
        "email": "visitor@example.com",
        "name": "Vi Sitor",
        "subject": "No mail",
        "description": "The confirmation mail never came.",
        "f_registration_email": "visitor@example.com",
    }
    async with _client(app, "omicron") as client:
        responses = await _twice(client, "/support/new/omicron_no_confirmation", form)
    assert _answers(responses) == [(303, "/support/sent")] * 2, [(r.status_code, r.text[-800:]) for r in responses]
    assert len(set(await _references(portal, omicron))) == 2, "each submission gets its own reference"


async def _references(portal, tenant) -> list[str]:
    async with portal.database.session(tenant.id) as db:
        return list(await db.scalars(select(Ticket.reference)))


@pytest.mark.parametrize("count", [60])
async def test_a_registration_storm_never_answers_a_server_error(app, portal, make_tenant, count):
    """Many registrations at once on one worker: each is answered (303), none with a 5xx."""
    acme = await make_tenant("acme")
    started = time.monotonic()

    async def one(i: int) -> int:
        async with _client(app, "acme", ip=f"10.0.{i // 250}.{i % 250 + 1}") as client:
            token = csrf_of((await client.get("/register")).text)
            form = {
                "email": f"storm{i}@example.com",
                "first_name": "Storm",
                "last_name": f"Number {i}",
                "password": "a long passphrase 77",
                "password_confirm": "a long passphrase 77",
                "accept_terms": "y",
                "csrf_token": token,
            }
            return (await client.post("/register", data=form)).status_code

    statuses = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(count))), timeout=120)
    assert all(status < 500 for status in statuses), statuses
    assert time.monotonic() - started < 120
    assert await _count(portal, acme, User) == statuses.count(303)
