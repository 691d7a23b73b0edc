"""Identity events that plugins hear through ``portique_on_user_event`` (sent by ``core.identity.firing``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.identity.models import User


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
