"""Acceptance of an invitation: the invited user, who just chose a password, gets their access."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.audit.service import record as audit
from core.db.base import utcnow
from core.identity.firing import fire
from core.identity.flows import status_on_activation
from core.identity.models import User

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from starlette.requests import Request

    from core.tenancy.models import Tenant


async def accept_invitation(db: AsyncSession, tenant: Tenant, user: User, *, request: Request | None = None) -> None:
    """``user`` accepted their invitation (the caller consumed the link, set the password, and commits).

    The status becomes ``active``, or ``suspended`` when every membership was suspended meanwhile;
    audits ``identity.invitation_accepted`` and fires ``activated``.
    """
    user.status = await status_on_activation(db, user)
    user.confirmed_at = utcnow()
    audit(
        db,
        "identity.invitation_accepted",
        request=request,
        tenant_id=tenant.id,
        actor_type="user",
        actor_id=user.id,
        subject_type="user",
        subject_id=user.id,
    )
    await fire(db, tenant, "activated", user, {"via": "invitation"})
