"""Sending an identity event to the tenant's plugins (kept apart from the event, which the hookspecs name)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.identity.events import UserEvent
from core.plugins import resolve
from core.portal import get_portal

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.identity.models import User
    from core.tenancy.models import Tenant


async def fire(db: AsyncSession, tenant: Tenant, name: str, user: User, data: dict[str, Any] | None = None) -> None:
    """Tell the tenant's plugins about an identity event (``portique_on_user_event``), in ``db``'s transaction."""
    event = UserEvent(name=name, user=user, db=db, data=dict(data or {}))
    await resolve(get_portal().hooks(tenant).portique_on_user_event(tenant=tenant, event=event))
