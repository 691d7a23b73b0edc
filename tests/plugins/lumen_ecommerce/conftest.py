"""Fixtures of the Lumen tests: the ``lumen`` tenant with its demo data, a valid request, signed-in clients."""

from __future__ import annotations

import base64
import io
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw

from core.portal import Portal
from core.tenancy.models import Tenant
from core.testing import csrf_of
from plugins.lumen_ecommerce.demo import DEMO_PASSWORD, create_demo_data

LUMEN = {
    "name": "Lumen — Espace PRO",
    "plugins": ["lumen_ecommerce"],
    "theme": "lumen",
    "locales": ["fr_CA", "en_CA"],
    "default_locale": "fr_CA",
    "timezone": "America/Montreal",
    "ticket_prefix": "LUM",
}


def signature_data_url(blank: bool = False) -> str:
    """A PNG signature as the canvas sends it (transparent background, dark strokes)."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line([(20, 150), (120, 40), (220, 160), (400, 60)], fill=(17, 17, 17, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def request_data(csrf: str, users: list[dict[str, str]] | None = None, **overrides: Any) -> dict[str, Any]:
    """A complete, valid "create an account" request for customer 100234 with two users."""
    users = (
        users
        if users is not None
        else [
            {
                "first_name": "Émilie",
                "last_name": "Côté",
                "email": "emilie.cote@tremblay.example",
                "permission": "order",
            },
            {
                "first_name": "Luc",
                "last_name": "Gagné",
                "email": "luc.gagne@tremblay.example",
                "permission": "approval",
            },
        ]
    )
    data: dict[str, Any] = {
        "csrf_token": csrf,
        "has_account": "yes",
        "customer_number": "100234",
        "platforms": ["lumen_app"],
        "action": "create",
        "project_account": "no",
        "is_admin": "yes",
        "company": "Électricité Tremblay inc.",
        "address": "1250, rue Sherbrooke Ouest",
        "city": "Montréal",
        "postal_code": "h3g1h6",
        "phone": "514 555-0123",
        "admin_first_name": "Émilie",
        "admin_last_name": "Côté",
        "admin_email": "emilie.cote@tremblay.example",
        "user_count": str(len(users)),
        "signature": signature_data_url(),
    }
    for index, user in enumerate(users):
        for key, value in user.items():
            data[f"users-{index}-{key}"] = value
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
async def lumen(make_tenant: Callable[..., Awaitable[Tenant]], portal: Portal) -> Tenant:
    """The ``lumen`` tenant with its demo data."""
    tenant = await make_tenant("lumen", **LUMEN)
    async with portal.database.session(tenant.id) as session:
        await create_demo_data(tenant, session)
        await session.commit()
    return tenant


async def page_csrf(client: httpx.AsyncClient, path: str = "/register") -> str:
    """The CSRF token of a page's form (this also opens the session)."""
    response = await client.get(path)
    assert response.status_code == 200, response.text[:500]
    return csrf_of(response.text)


async def sign_in(client: httpx.AsyncClient, login: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the identity core's ``/login`` page (username or e-mail)."""
    csrf = await page_csrf(client, "/login")
    response = await client.post("/login", data={"csrf_token": csrf, "login": login, "password": password})
    assert response.status_code == 303, response.text[:2000]


async def user_id_of(portal: Portal, tenant: Tenant, username: str) -> int:
    """The id of a user of the tenant, by username."""
    from core.api import find_user_by_username

    async with portal.database.session(tenant.id) as db:
        user = await find_user_by_username(db, username)
    assert user is not None
    return user.id
