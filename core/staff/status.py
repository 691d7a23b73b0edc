"""Disabling and re-enabling staff, and resetting their two-step sign-in (each audited)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.db.base import utcnow
from core.staff.guards import keep_an_operator
from core.staff.models import Staff
from core.staff.recovery import delete_codes


def _audit(db: AsyncSession, action: str, actor: Staff, staff: Staff, request: Request | None) -> None:
    audit(
        db,
        f"console.staff_{action}",
        request=request,
        actor_type="staff",
        actor_id=actor.id,
        subject_type="staff",
        subject_id=staff.id,
    )


async def disable_staff(db: AsyncSession, actor: Staff, staff: Staff, *, request: Request | None = None) -> None:
    """``staff`` can no longer sign in and every console session of theirs ends (the caller commits).

    Raises :class:`core.staff.accounts.StaffError` for the last active operator.
    """
    await keep_an_operator(db, staff, "active")
    staff.active = False
    staff.sessions_ended_at = utcnow()
    _audit(db, "disabled", actor, staff, request)


def enable_staff(db: AsyncSession, actor: Staff, staff: Staff, *, request: Request | None = None) -> None:
    """``staff`` may sign in again; sessions that ended with the disabling stay ended."""
    staff.active = True
    _audit(db, "enabled", actor, staff, request)


async def reset_two_step(db: AsyncSession, actor: Staff, staff: Staff, *, request: Request | None = None) -> None:
    """Forget ``staff``'s authenticator and recovery codes: they set it up again at their next sign-in."""
    staff.totp_secret = None
    await delete_codes(db, staff)
    staff.totp_setup_due = True
    _audit(db, "two_step_reset", actor, staff, request)


def session_ended(staff: Staff, signed_in_at: datetime) -> bool:
    """A session of ``staff`` signed in at ``signed_in_at`` ended when the account was disabled."""
    return staff.sessions_ended_at is not None and signed_in_at <= staff.sessions_ended_at
