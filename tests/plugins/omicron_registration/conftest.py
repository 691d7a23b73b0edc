"""Fixtures of the OMICRON plugin tests: the tenant, a scoped session, registry rows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import Tenant
from plugins.omicron_registration.models import Device, LegacyAccount

OMICRON = {
    "plugins": ["omicron_registration"],
    "theme": "omicron",
    "locales": ["en", "de", "fr"],
    "default_locale": "en",
}


@pytest.fixture
async def omicron(make_tenant: Callable[..., Awaitable[Tenant]]) -> Tenant:
    """The OMICRON tenant."""
    return await make_tenant("omicron", name="OMICRON", **OMICRON)


@pytest.fixture
async def odb(portal: Any, omicron: Tenant) -> AsyncIterator[AsyncSession]:
    """A session scoped to the OMICRON tenant."""
    async with portal.database.session(omicron.id) as session:
        yield session


@pytest.fixture
async def registry(odb: AsyncSession) -> AsyncSession:
    """A few devices sold and a legacy account."""
    odb.add(Device(serial_number="AB123Z", product="CPC 100", family="cpc", country="AT", owner_company="Acme GmbH"))
    odb.add(Device(serial_number="CD456Y", product="CMC 356", family="cmc", country="DE"))
    odb.add(Device(serial_number="EF789X", product="TESTRANO 600", family="testrano", country="FR"))
    odb.add(
        LegacyAccount(
            email="Old.User@Example.com",
            email_normalized="old.user@example.com",
            username="olduser",
            first_name="Olga",
            last_name="Old",
            company="Legacy AG",
        )
    )
    await odb.commit()
    return odb


PASSWORD = "Transformer-Test-2026"

FORM = {
    "email": "eva.muster@acme.example",
    "first_name": "Eva",
    "last_name": "Muster",
    "username": "evamuster",
    "company": "Acme GmbH",
    "country": "AT",
    "serial_number": "ab123z",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
    "accept_terms": "y",
}


async def register(client: Any, **overrides: str) -> Any:
    """Fill in and send the registration form of the OMICRON tenant; returns the response."""
    from core.testing import csrf_of

    page = await client.get("/register")
    assert page.status_code == 200
    data = {**FORM, **overrides, "csrf_token": csrf_of(page.text)}
    data = {key: value for key, value in data.items() if value is not None}
    return await client.post("/register", data=data)


async def first_link(mailbox: Any, to: str, marker: str) -> str:
    """The first link of the newest mail to ``to`` containing ``marker``, as a path inside the tenant."""
    from core.testing import mail_links

    links = [link for link in mail_links(await mailbox.last(to)) if marker in link]
    assert links, f"no {marker} link in the mail to {to}"
    path = "/" + links[0].split("://", 1)[1].split("/", 1)[1]
    if path.startswith("/t/"):
        path = "/" + path.split("/", 3)[3]
    return path


async def sign_in(client: Any, login: str, password: str = PASSWORD, remember: bool = False) -> Any:
    """Sign in through the core login page."""
    from core.testing import csrf_of

    page = await client.get("/login")
    data = {"login": login, "password": password, "csrf_token": csrf_of(page.text)}
    if remember:
        data["remember"] = "y"
    return await client.post("/login", data=data)
