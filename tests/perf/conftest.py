"""Fixtures of the statement budgets: a statement counter on the portal's engine, and a warm-up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.api import utcnow
from core.plugins import resolve
from core.portal import Portal
from core.sessions.state import hash_session_id, new_session_id
from core.sessions.store import SessionData
from core.tenancy.models import Tenant
from core.tenancy.service import create_tenant
from core.testing import QueryLog


async def warm(portal: Portal, client: Any, path: str, queries: QueryLog, **kwargs: Any) -> None:
    """One request to fill the per-tenant caches (router, Jinja environment, catalogs), then a fresh count."""
    await client.get(path, **kwargs)
    await portal.registry.refresh(force=True)  # the registry's periodic reload is not part of a page
    queries.clear()


async def signed_in_cookie(portal: Portal, tenant_id: int, user_id: int) -> str:
    """The cookie value of a new session signed in as ``user_id`` (as a password sign-in leaves it)."""
    raw = new_session_id(stored=True)
    until = utcnow() + timedelta(hours=1)
    await portal.session_store.save(
        SessionData(
            id=hash_session_id(raw),
            tenant_id=tenant_id,
            expires_at=until,
            user_id=user_id,
            data={"_absolute_until": until.isoformat(), "_idle": 0},
            persistent=True,
        )
    )
    return raw


async def demo_tenant(portal: Portal, plugin: str) -> tuple[Tenant, list[Any]]:
    """The plugin's demo tenant with its demo data (as ``portique demo`` creates it), and its demo accounts."""
    async with portal.database.session() as db:
        tenant = await create_tenant(db, portal.plugins, plugins=[plugin], **portal.plugins.infos[plugin].demo_tenant)
        await db.commit()
    await portal.registry.refresh(force=True)
    async with portal.database.session(tenant.id) as db:
        accounts = await resolve(portal.hooks(tenant).portique_demo_data(tenant=tenant, db=db))
        await db.commit()
    return tenant, [account for group in accounts for account in group]
