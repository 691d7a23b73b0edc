"""Helpers for the identity tests: a tenant, users with known passwords, sign-in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from core.identity.models import User, UserStatus
from core.identity.users import create_user, get_or_create_account, grant_membership
from core.portal import Portal
from core.tenancy.models import Tenant
from tests.core.identity.identity_helpers import PASSWORD


@pytest.fixture
async def tenant(make_tenant: Callable[..., Awaitable[Tenant]]) -> Tenant:
    """The tenant ``acme`` (English and French), with the core identity defaults."""
    return await make_tenant("acme", locales=["en", "fr"], default_locale="en")


@pytest.fixture
def make_user(portal: Portal) -> Callable[..., Awaitable[User]]:
    """``await make_user(tenant, email, ...)``: an active user (password ``PASSWORD``) on the tenant."""

    async def make(tenant: Tenant, email: str = "ada@example.com", **values: Any) -> User:
        account = values.pop("account", None)
        role = values.pop("role", "holder")
        permissions = values.pop("permissions", [])
        values.setdefault("password", PASSWORD)
        values.setdefault("status", UserStatus.ACTIVE)
        values.setdefault("first_name", "Ada")
        values.setdefault("last_name", "Lovelace")
        async with portal.database.session(tenant.id) as db:
            user = await create_user(db, email=email, **values)
            if account:
                acct = await get_or_create_account(db, account, name=f"Account {account}")
                await grant_membership(db, user, acct, role, permissions)
            await db.commit()
            await db.refresh(user)
        return user

    return make
