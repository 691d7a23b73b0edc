"""Confirmation of a registered address: ``email_confirmed``, then the operators' queue or activation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.audit.service import record as audit
from core.db.base import utcnow
from core.identity.approval import request_approval
from core.identity.firing import fire
from core.identity.flows import activate_user
from core.identity.models import User
from core.identity.rules import activation_policy

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from starlette.requests import Request

    from core.tenancy.models import Tenant


async def confirm_email(db: AsyncSession, tenant: Tenant, user: User, *, request: Request | None = None) -> bool:
    """``user`` followed their confirmation link (the caller consumed it and commits).

    Audits ``identity.email_confirmed`` and fires ``email_confirmed``; then the access waits for an
    operator when the policy says so, else it is active (``activated``).

    :return: ``True`` when the access now waits for an operator's approval.
    """
    policy = activation_policy(tenant, user)
    user.confirmed_at = utcnow()
    audit(
        db,
        "identity.email_confirmed",
        request=request,
        tenant_id=tenant.id,
        actor_type="user",
        actor_id=user.id,
        subject_type="user",
        subject_id=user.id,
    )
    await fire(db, tenant, "email_confirmed", user)
    if policy.operator_approval:
        await request_approval(db, tenant, user)
        return True
    await activate_user(db, tenant, user, notify=False)
    return False
