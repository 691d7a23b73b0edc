"""Asking for the deletion of one's account, and cancelling it during the grace period (each audited).

While a deletion is pending the user row carries its due date in ``plugin_data["privacy"]`` so that
every page shows the banner without another query.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.db.base import utcnow
from core.identity.models import User
from core.identity.tokens import issue_token, revoke_tokens
from core.mail.service import queue_mail
from core.portal import Portal
from core.privacy.models import DeletionRequest, DeletionStatus
from core.privacy.settings import deletion_grace
from core.tenancy.models import Tenant

CANCEL_PURPOSE = "privacy_deletion_cancel"
"""The purpose of the cancel links mailed when a deletion is asked for."""
PLUGIN_DATA_KEY = "privacy"


def mark_pending(user: User, due_at: datetime | None) -> None:
    """Write (or, with ``None``, clear) the pending deletion's due date on the user row."""
    data = dict(user.plugin_data or {})
    privacy = {k: v for k, v in (data.get(PLUGIN_DATA_KEY) or {}).items() if k != "deletion_due"}
    if due_at is not None:
        privacy["deletion_due"] = due_at.isoformat()
    if privacy:
        data[PLUGIN_DATA_KEY] = privacy
    else:
        data.pop(PLUGIN_DATA_KEY, None)
    user.plugin_data = data


async def pending_deletion(db: AsyncSession, user: User) -> DeletionRequest | None:
    """The user's deletion waiting for its grace period to end, if any."""
    query = select(DeletionRequest).where(
        DeletionRequest.user_id == user.id, DeletionRequest.status == DeletionStatus.PENDING
    )
    return await db.scalar(query.order_by(DeletionRequest.id.desc()).limit(1))


async def ask_for_deletion(
    portal: Portal, db: AsyncSession, tenant: Tenant, user: User, *, request: Request | None = None
) -> DeletionRequest:
    """Record ``user``'s deletion, due after the tenant's grace period; mail the cancel link.

    A deletion already pending is answered as it is. The caller commits.
    """
    pending = await pending_deletion(db, user)
    if pending is not None:
        return pending
    grace = deletion_grace(tenant)
    deletion = DeletionRequest(user_id=user.id, due_at=utcnow() + grace)
    db.add(deletion)
    await db.flush()
    mark_pending(user, deletion.due_at)
    raw = await issue_token(db, CANCEL_PURPOSE, valid_for=grace, user=user, payload={"deletion": deletion.id})
    link = portal.page_url(tenant, "privacy_delete_cancel_link", token=raw)
    locale = user.locale if user.locale in tenant.locales else tenant.default_locale
    letter = {"user": user, "link": link, "due_at": deletion.due_at, "days": grace.days}
    queue_mail(db, tenant, user.email, "privacy/deletion_requested", letter, locale=locale)
    audit(
        db,
        "privacy.deletion_requested",
        request=request,
        tenant_id=tenant.id,
        actor_type="user",
        actor_id=user.id,
        subject_type="user",
        subject_id=user.id,
        deletion=deletion.id,
        due_at=deletion.due_at.isoformat(),
    )
    return deletion


async def cancel_deletion(
    db: AsyncSession, user: User, deletion: DeletionRequest, *, via: str, request: Request | None = None
) -> None:
    """Cancel a pending deletion (``via``: ``profile`` or ``link``); the caller commits."""
    deletion.status = DeletionStatus.CANCELLED
    deletion.closed_at = utcnow()
    mark_pending(user, None)
    await revoke_tokens(db, user, CANCEL_PURPOSE)
    audit(
        db,
        "privacy.deletion_cancelled",
        request=request,
        tenant_id=user.tenant_id,
        actor_type="user",
        actor_id=user.id,
        subject_type="user",
        subject_id=user.id,
        deletion=deletion.id,
        via=via,
    )
