"""Asking for an export: one request being prepared at a time, a few a day, each audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.db.base import utcnow
from core.identity.models import User
from core.privacy.models import OPEN_STATUSES, ExportRequest

PER_DAY = 3
"""How many exports a customer may ask for in 24 hours."""

DAY = timedelta(days=1)


class Refusal(StrEnum):
    """Why a new request is not taken."""

    IN_PROGRESS = "in_progress"  # the previous one is still being prepared
    DAILY_LIMIT = "daily_limit"  # PER_DAY requests in the last 24 hours


@dataclass(frozen=True)
class Asked:
    """The outcome of asking: the new request, or why there is none."""

    request: ExportRequest | None
    refusal: Refusal | None = None


async def refusal_for(db: AsyncSession, user: User) -> Refusal | None:
    """Why ``user`` may not ask for an export now, or ``None`` when they may."""
    in_progress = await db.scalar(
        select(func.count(ExportRequest.id)).where(
            ExportRequest.user_id == user.id, ExportRequest.status.in_(OPEN_STATUSES)
        )
    )
    if in_progress:
        return Refusal.IN_PROGRESS
    today = await db.scalar(
        select(func.count(ExportRequest.id)).where(
            ExportRequest.user_id == user.id, ExportRequest.created_at > utcnow() - DAY
        )
    )
    return Refusal.DAILY_LIMIT if (today or 0) >= PER_DAY else None


async def ask_for_export(db: AsyncSession, user: User, *, request: Request | None = None) -> Asked:
    """Record a pending export of ``user``'s data for the worker (``privacy.export_requested``).

    The caller commits. A refused request is not recorded.
    """
    refusal = await refusal_for(db, user)
    if refusal is not None:
        return Asked(None, refusal)
    export = ExportRequest(user_id=user.id)
    db.add(export)
    await db.flush()
    audit(
        db,
        "privacy.export_requested",
        request=request,
        tenant_id=user.tenant_id,
        actor_type="user",
        actor_id=user.id,
        subject_type="user",
        subject_id=user.id,
        export=export.id,
    )
    return Asked(export)
