"""Fixtures of the hostile-input tests: the four demo portals, as ``portique demo`` creates them."""

from __future__ import annotations

from typing import Any

import pytest

from core.plugins import resolve
from core.tenancy.models import Tenant
from core.tenancy.service import create_tenant

DEMO_SLUGS = ("lumen", "luminus", "omicron", "videotron")


async def create_demo_tenants(portal: Any, *slugs: str) -> dict[str, Tenant]:
    """The demo tenants ``slugs`` (all four when none is named), as ``portique demo`` creates them."""
    tenants: dict[str, Tenant] = {}
    for name in portal.plugins.provider_names:
        spec = portal.plugins.infos[name].demo_tenant
        if not spec or (slugs and spec["slug"] not in slugs):
            continue
        async with portal.database.session() as session:
            tenant = await create_tenant(session, portal.plugins, plugins=[name], **spec)
            await session.commit()
        async with portal.database.session(tenant.id) as session:
            await resolve(portal.hooks(tenant).portique_demo_data(tenant=tenant, db=session))
            await session.commit()
        tenants[tenant.slug] = tenant
    await portal.registry.refresh(force=True)
    assert set(tenants) == set(slugs or DEMO_SLUGS)
    return tenants


@pytest.fixture
async def demo_tenants(portal: Any) -> dict[str, Tenant]:
    """The demo tenants of every provider plugin, with their demo customers and console staff."""
    return await create_demo_tenants(portal)


@pytest.fixture
async def omicron_demo(portal: Any) -> Tenant:
    """The OMICRON demo tenant alone."""
    return (await create_demo_tenants(portal, "omicron"))["omicron"]


@pytest.fixture
async def omicron_bare(make_tenant: Any) -> Tenant:
    """A tenant with the OMICRON plugin and no demo data (its support categories are the plugin's)."""
    return await make_tenant("omicron", plugins=["omicron_registration"], locales=["en", "de", "fr"])
