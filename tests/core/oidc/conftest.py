"""OIDC fixtures: two tenants on their own https hostnames, a customer on each, registered clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from core.identity.models import UserStatus
from core.identity.users import create_user
from core.oidc.clients import Registered, register_client
from core.portal import Portal
from core.settings import Settings
from core.tenancy.models import Tenant

PASSWORD = "correct horse battery"
CALLBACK = "https://rp.example/callback"
AFTER_LOGOUT = "https://rp.example/bye"


@pytest.fixture
def portique_settings(portique_settings: Settings) -> Settings:
    """The test settings, with an https public URL (the issuers are https)."""
    return portique_settings.model_copy(update={"public_url": "https://portal.test"})


@pytest.fixture
async def tenants(make_tenant: Callable[..., Awaitable[Tenant]]) -> dict[str, Tenant]:
    """Tenants ``alpha`` (``https://alpha.test``) and ``beta`` (``https://beta.test``)."""
    return {
        "alpha": await make_tenant("alpha", hostnames=["alpha.test"]),
        "beta": await make_tenant("beta", hostnames=["beta.test"]),
    }


@pytest.fixture
async def customers(portal: Portal, tenants: dict[str, Tenant]) -> dict[str, Any]:
    """An active customer ``ada@example.com`` on each tenant."""
    users = {}
    for slug, tenant in tenants.items():
        async with portal.database.session(tenant.id) as db:
            user = await create_user(
                db,
                email="ada@example.com",
                password=PASSWORD,
                status=UserStatus.ACTIVE,
                first_name="Ada",
                last_name="Lovelace",
            )
            await db.commit()
            await db.refresh(user)
        users[slug] = user
    return users


@pytest.fixture
def make_client(portal: Portal) -> Callable[..., Awaitable[Registered]]:
    """``await make_client(tenant, confidential=True, first_party=False)``: a client calling back ``CALLBACK``."""

    async def make(tenant: Tenant, *, confidential: bool = True, first_party: bool = False) -> Registered:
        async with portal.database.session(tenant.id) as db:
            registered = await register_client(
                db,
                name="Partner app",
                redirect_uris=[CALLBACK],
                confidential=confidential,
                first_party=first_party,
                post_logout_redirect_uris=[AFTER_LOGOUT],
            )
            await db.commit()
        return registered

    return make


@pytest.fixture
def browser(app: Any) -> Callable[[str], httpx.AsyncClient]:
    """``browser("alpha.test")``: a customer's browser on a tenant host (cookies kept, no redirects followed)."""
    opened: list[httpx.AsyncClient] = []

    def make(host: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"https://{host}")
        opened.append(client)
        return client

    return make
