"""Helpers for the identity tests: sign in, post a form, load a user."""

from __future__ import annotations

import re
from typing import Any

import httpx

from core.identity.models import User
from core.portal import Portal
from core.tenancy.models import Tenant

PASSWORD = "correct horse battery"


def csrf_of(html: str) -> str:
    """The CSRF token of the page's form: a non-empty hidden ``csrf_token`` input (not the meta tag)."""
    match = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)"', html)
    if not match:
        raise AssertionError("no csrf_token input in the page's form")
    return match.group(1)


async def sign_in(
    client: httpx.AsyncClient, login: str, password: str = PASSWORD, *, remember: bool = False, next_path: str = ""
) -> httpx.Response:
    """Post the sign-in form like a browser."""
    page = await client.get("/login")
    data = {"csrf_token": csrf_of(page.text), "login": login, "password": password}
    if remember:
        data["remember"] = "y"
    url = "/login" + (f"?next={next_path}" if next_path else "")
    return await client.post(url, data=data)


async def post_form(
    client: httpx.AsyncClient, url: str, data: dict[str, Any], page_url: str | None = None
) -> httpx.Response:
    """GET ``page_url`` (default ``url``) for its CSRF token, then POST ``data`` to ``url``."""
    page = await client.get(page_url or url)
    return await client.post(url, data={"csrf_token": csrf_of(page.text), **data})


async def load_user(portal: Portal, tenant: Tenant, email: str) -> User | None:
    """The user with this e-mail on the tenant, fresh from the database."""
    from core.identity.users import find_user_by_email

    async with portal.database.session(tenant.id) as db:
        return await find_user_by_email(db, email)
