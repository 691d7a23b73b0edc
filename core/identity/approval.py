"""Operator approval of a registration: the queue entry, and the decision (approved → active, or rejected)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.approvals.models import ApprovalRequest, ApprovalStatus
from core.audit.service import record as audit
from core.identity.firing import fire
from core.identity.flows import activate_user, reject_user
from core.identity.models import User, UserStatus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.tenancy.models import Tenant

PLUGIN = "identity"
KIND = "user_activation"


async def request_approval(db: AsyncSession, tenant: Tenant, user: User) -> ApprovalRequest:
    """Put ``user`` in the operators' approval queue (status ``pending_approval``).

    The card shows the user's details and what the plugins kept under ``plugin_data["approval"]``.
    """
    user.status = UserStatus.PENDING_APPROVAL
    payload: dict[str, Any] = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "phone": user.phone,
        "company": user.company,
    }
    payload.update((user.plugin_data or {}).get("approval", {}))
    approval = ApprovalRequest(
        plugin=PLUGIN,
        kind=KIND,
        title=f"{user.full_name} <{user.email}>",
        user_id=user.id,
        payload=payload,
    )
    db.add(approval)
    await db.flush()
    audit(db, "identity.approval_requested", tenant_id=tenant.id, subject_type="user", subject_id=user.id)
    return approval


async def approve_user(db: AsyncSession, tenant: Tenant, user: User, *, approval_id: int | None = None) -> None:
    """An operator (or a provider's own approved request) lets ``user`` in: ``approved``, then ``activated``."""
    await fire(db, tenant, "approved", user, {"approval_id": approval_id})
    await activate_user(db, tenant, user)


async def apply_decision(db: AsyncSession, tenant: Tenant, approval: ApprovalRequest) -> None:
    """Apply an operator's decision on a ``user_activation`` request (others are left alone)."""
    if approval.plugin != PLUGIN or approval.kind != KIND or approval.user_id is None:
        return
    user = await db.get(User, approval.user_id)
    if user is None or user.status != UserStatus.PENDING_APPROVAL:
        return
    if approval.status == ApprovalStatus.APPROVED:
        await approve_user(db, tenant, user, approval_id=approval.id)
    elif approval.status == ApprovalStatus.REJECTED:
        await reject_user(db, tenant, user, approval.reason)
