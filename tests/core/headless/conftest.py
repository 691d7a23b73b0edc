"""Fixtures of the API tests: two tenants on https hosts (the OIDC tests'), a customer on each, app clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.core.oidc.conftest import customers, portique_settings, tenants  # noqa: F401 - shared fixtures

PASSWORD = "correct horse battery"


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
