"""Fixtures of the API tests: two tenants on https hosts (the OIDC tests'), a customer on each, app clients."""

from __future__ import annotations

import types
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from core.api import ApiCall, ApiRoute, TicketCategory, TicketField, hookimpl
from core.identity.models import UserStatus
from core.identity.users import create_user
from core.plugin_info import PluginInfo
from core.portal import Portal
from core.tenancy.models import Tenant
from tests.core.oidc.conftest import customers, portique_settings, tenants  # noqa: F401 - shared fixtures

PASSWORD = "correct horse battery"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Greeting(BaseModel):
    """A test plugin's answer."""

    text: str
    tenant: str


async def _hello(call: ApiCall) -> Greeting:
    return Greeting(text=f"Hello {call.me.first_name}", tenant=call.tenant.slug)


async def _boom(call: ApiCall) -> None:
    raise RuntimeError("the back office went away")


DESK = types.ModuleType("api_desk")
DESK.portique_plugin_info = hookimpl(lambda: PluginInfo(name="api_desk", version="1.0", title="Desk"))  # type: ignore[attr-defined]
DESK.portique_ticket_categories = hookimpl(  # type: ignore[attr-defined]
    lambda tenant: [
        TicketCategory(
            code="meter",
            name="Meter",
            sla_hours=8,
            fields=(TicketField(name="reading", label="Reading", kind="number", required=True),),
        )
    ]
)
DESK.portique_api_routes = hookimpl(  # type: ignore[attr-defined]
    lambda tenant: [
        ApiRoute("/desk/hello", _hello, name="desk_hello", summary="Greet", response=Greeting),
        ApiRoute("/desk/boom", _boom, name="desk_boom", summary="Fail"),
    ]
)


@pytest.fixture
def portique_extra_plugins() -> dict[str, Any]:
    """A test plugin with a ticket category and an API endpoint."""
    return {"api_desk": DESK}


@pytest.fixture
async def desk(make_tenant: Callable[..., Awaitable[Tenant]], portal: Portal) -> Tenant:
    """A tenant ``desk.test`` with the test plugin, and ``ada@example.com`` on it."""
    tenant = await make_tenant("desk", hostnames=["desk.test"], plugins=["api_desk"], locales=["en", "fr"])
    async with portal.database.session(tenant.id) as db:
        await create_user(
            db, email="ada@example.com", password=PASSWORD, status=UserStatus.ACTIVE, first_name="Ada", last_name="L"
        )
        await db.commit()
    return tenant


@pytest.fixture
def frozen(time_machine: Any) -> Any:
    """Time stopped now (``frozen.shift(…)`` moves it on)."""
    time_machine.move_to(datetime.now(UTC), tick=False)
    return time_machine


@pytest.fixture
async def api(app: Any) -> AsyncIterator[Callable[[str], httpx.AsyncClient]]:
    """``api("alpha.test")``: an app's HTTP client on a tenant host (cookies kept, as a browser would)."""
    opened: list[httpx.AsyncClient] = []

    def make(host: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url=f"https://{host}"
        )
        opened.append(client)
        return client

    yield make
    for client in opened:
        await client.aclose()


async def sign_in(client: httpx.AsyncClient, login: str = "ada@example.com", password: str = PASSWORD) -> Any:
    """The answer to a sign-in."""
    return await client.post("/api/v1/auth/sign-in", json={"login": login, "password": password})


async def tokens_of(client: httpx.AsyncClient, **kw: str) -> dict[str, Any]:
    """Sign in and return the tokens."""
    response = await sign_in(client, **kw)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "signed_in"
    return dict(response.json()["tokens"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
