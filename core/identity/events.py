"""Identity events that plugins hear through ``portique_on_user_event``, and :func:`fire` that sends them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.plugins import resolve
from core.portal import get_portal

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.identity.models import User
    from core.tenancy.models import Tenant


@dataclass
class UserEvent:
    """Something that happened to a user.

    :param name: ``registered``, ``email_confirmed``, ``approved``, ``rejected``, ``activated``,
        ``logged_in``, ``password_changed``, ``email_changed``, ``invited``, ``removed``,
        ``suspended``, ``restored`` (``data["account_id"]``: the account of the membership).
    :param user: the user concerned.
    :param db: the tenant-scoped session of the change; a listener's writes commit with it.
    :param data: event details (e.g. the registration form's cleaned data).
    """

    name: str
    user: User
    db: AsyncSession
    data: dict[str, Any] = field(default_factory=dict)


async def fire(db: AsyncSession, tenant: Tenant, name: str, user: User, data: dict[str, Any] | None = None) -> None:
    """Tell the tenant's plugins about an identity event (``portique_on_user_event``), in ``db``'s transaction."""
    event = UserEvent(name=name, user=user, db=db, data=dict(data or {}))
    await resolve(get_portal().hooks(tenant).portique_on_user_event(tenant=tenant, event=event))
