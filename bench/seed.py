"""``python -m bench.seed``: fill a freshly migrated database for a scenario, through the core's services.

Prints one JSON object on stdout: the tenant slugs, the signed-in user's credentials, the cookie
value of a session already signed in as that user (for the dashboard scenario), and under
``providers`` the cookie of a signed-in demo customer on each provider's demo portal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import timedelta
from typing import Any

from bench.providers import PORTALS, ProviderPortal, seed_provider_portal
from core.api import (
    Role,
    UserStatus,
    create_user,
    get_or_create_account,
    grant_membership,
    utcnow,
)
from core.plugins import PluginManager
from core.portal import Portal
from core.sessions.state import hash_session_id, new_session_id
from core.sessions.store import SessionData
from core.settings import load_settings
from core.tenancy.service import create_tenant
from core.wiring import build_portal

USER_EMAIL = "bench@example.com"
USER_NAME = "bench"
USER_PASSWORD = "Bench-password-2026"  # noqa: S105 - a throw-away account in a throw-away database


def slug_of(index: int) -> str:
    """The slug of the ``index``-th bench tenant (1-based): ``t0001``…"""
    return f"t{index:04d}"


async def seed_tickets(portal: Portal, tenant_id: int, user_id: int, account_id: int, count: int) -> None:
    """``count`` tickets on the first tenant; one in a thousand is the bench user's (on their account).

    A customer sees a few tickets among the many of their tenant: the list must not scan the others.
    """
    from core.ticketing.models import Ticket

    now = utcnow()
    rows = [
        {
            "tenant_id": tenant_id,
            "reference": f"TKT-{n:07d}",
            "category": "general",
            "subject": f"Bench request number {n}",
            "status": "open",
            "requester_user_id": user_id if n % 1000 == 1 else None,
            "requester_email": USER_EMAIL if n % 1000 == 1 else f"customer{n}@example.com",
            "requester_name": "Bench",
            "account_id": account_id if n % 1000 == 1 else None,
            "fields": {},
            "created_at": now - timedelta(minutes=count - n),
            "updated_at": now - timedelta(minutes=count - n),
        }
        for n in range(1, count + 1)
    ]
    async with portal.database.session() as db:
        for start in range(0, len(rows), 5000):
            await db.execute(Ticket.__table__.insert(), rows[start : start + 5000])  # Core: fast executemany
        await db.commit()


async def seed(portal: Portal, tenants: int, tickets: int = 0) -> dict[str, Any]:
    """Create ``tenants`` tenants, a user with an account on the first one, a signed-in session, tickets."""
    slugs = [slug_of(i) for i in range(1, tenants + 1)]
    async with portal.database.session() as db:
        created = [
            await create_tenant(db, portal.plugins, slug=slug, name=f"Bench portal {slug}", locales=["en", "fr"])
            for slug in slugs
        ]
        await db.commit()
    first = created[0]
    async with portal.database.session(first.id) as db:
        user = await create_user(
            db, email=USER_EMAIL, username=USER_NAME, password=USER_PASSWORD, status=UserStatus.ACTIVE, locale="en"
        )
        account = await get_or_create_account(db, "BENCH-0001", name="Bench customer")
        await grant_membership(db, user, account, role=Role.HOLDER)
        await db.commit()
        user_id, account_id = user.id, account.id
    if tickets:
        await seed_tickets(portal, first.id, user_id, account_id, tickets)
    return {
        "tenants": slugs,
        "user": {"login": USER_NAME, "email": USER_EMAIL, "password": USER_PASSWORD},
        "session_cookie": await signed_in_session(portal, first.id, user_id),
        "providers": {provider.plugin: await seed_provider(portal, provider) for provider in PORTALS},
    }


async def signed_in_session(portal: Portal, tenant_id: int, user_id: int) -> str:
    """A stored "stay signed in" session of the user; returns the cookie value."""
    raw = new_session_id(stored=True)
    now = utcnow()
    await portal.session_store.save(
        SessionData(
            id=hash_session_id(raw),
            tenant_id=tenant_id,
            expires_at=now + timedelta(days=1),
            user_id=user_id,
            data={"_absolute_until": (now + timedelta(days=1)).isoformat(), "_idle": 0},
            persistent=True,
        )
    )
    return raw


async def seed_provider(portal: Portal, provider: ProviderPortal) -> str:
    """The provider's demo portal; returns the cookie of a session of its demo customer."""
    tenant_id, user_id = await seed_provider_portal(portal, provider)
    return await signed_in_session(portal, tenant_id, user_id)


def main() -> None:
    """Seed the database named by ``PORTIQUE_DATABASE_URL``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=4)
    parser.add_argument("--tickets", type=int, default=0, help="tickets on the first tenant's bench account")
    args = parser.parse_args()
    portal = build_portal(load_settings(), PluginManager())
    portal.activate()

    async def body() -> dict[str, Any]:
        portal.activate()
        try:
            return await seed(portal, args.tenants, args.tickets)
        finally:
            await portal.database.dispose()

    print(json.dumps(asyncio.run(body())))


if __name__ == "__main__":
    main()
