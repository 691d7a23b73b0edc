"""Console fixtures: the ticketing test plugins and tenants, staff members, an operator-host client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pyotp
import pytest

from core.portal import Portal
from core.staff.accounts import create_staff
from core.tenancy.models import Tenant
from core.testing import csrf_of
from tests.core.ticketing.conftest import alpha, app, beta, make_user, sign_in  # noqa: F401 - shared fixtures

PASSWORD = "staff password 123"


@pytest.fixture
def make_staff(portal: Portal) -> Callable[..., Awaitable[Any]]:
    """``await make_staff("a@ops.test", role="agent", tenants=[tenant])``."""

    async def make(email: str, *, role: str = "agent", tenants: list[Tenant] | None = None, name: str = "") -> Any:
        async with portal.database.session() as db:
            staff = await create_staff(
                db,
                email=email,
                name=name or email.split("@")[0].title(),
                password=PASSWORD,
                role=role,
                tenants=tenants or [],
            )
            await db.commit()
        return staff

    return make


@pytest.fixture
async def operator_client(app: Any) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    """A client on the operator host (``http://localhost``)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        yield client


async def staff_login(
    client: httpx.AsyncClient, staff: Any, *, prefix: str = "", code: str | None = None
) -> httpx.Response:
    """Sign a staff member in through the console's sign-in page."""
    page = await client.get(f"{prefix}/console/login")
    if code is None:
        code = pyotp.TOTP(staff.totp_secret).now() if staff.totp_secret else ""
    return await client.post(
        f"{prefix}/console/login",
        data={"csrf_token": csrf_of(page.text), "email": staff.email, "password": PASSWORD, "code": code},
    )
