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
    return await make_tenant("omicron", name="OMICRON Customer Area", **OMICRON)


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
