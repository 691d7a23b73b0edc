"""Fixtures of the hostile-input tests: the four demo portals, as ``portique demo`` creates them."""

from __future__ import annotations

from typing import Any

import pytest

from core.plugins import resolve
from core.tenancy.models import Tenant
from core.tenancy.service import create_tenant

DEMO_SLUGS = ("lumen", "luminus", "omicron", "videotron")


@pytest.fixture
async def demo_tenants(portal: Any) -> dict[str, Tenant]:
    """The demo tenants of every provider plugin, with their demo customers and console staff."""
    tenants: dict[str, Tenant] = {}
    for name in portal.plugins.provider_names:
        spec = portal.plugins.infos[name].demo_tenant
        if not spec:
            continue
        async with portal.database.session() as session:
            tenant = await create_tenant(session, portal.plugins, plugins=[name], **spec)
            await session.commit()
        async with portal.database.session(tenant.id) as session:
            await resolve(portal.hooks(tenant).portique_demo_data(tenant=tenant, db=session))
            await session.commit()
        tenants[tenant.slug] = tenant
    await portal.registry.refresh(force=True)
    assert set(tenants) == set(DEMO_SLUGS)
    return tenants
