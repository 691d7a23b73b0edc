"""Set-password links mailed to staff: single-use, expiring, stored as SHA-256 (the core's token format)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.db.base import utcnow
from core.identity.passwords import hash_password
from core.identity.tokens import TokenProblem, hash_token, new_raw_token, well_formed
from core.staff.accounts import StaffError, password_problem
from core.staff.models import Staff, StaffLink

LINK_VALID_FOR = timedelta(days=3)


@dataclass
class LinkCheck:
    """The staff member a link is for, or why it cannot be used."""

    link: StaffLink | None
    staff: Staff | None = None
    problem: TokenProblem | None = None

    @property
    def ok(self) -> bool:
        """The link can be used."""
        return self.problem is None


async def issue_link(db: AsyncSession, staff: Staff) -> str:
    """A new set-password link for ``staff`` (older unused ones stop working); returns the raw token."""
    for old in await db.scalars(select(StaffLink).where(StaffLink.staff_id == staff.id, StaffLink.used_at.is_(None))):
        old.used_at = utcnow()
    raw = new_raw_token()
    db.add(StaffLink(token_hash=hash_token(raw), staff_id=staff.id, expires_at=utcnow() + LINK_VALID_FOR))
    await db.flush()
    return raw


async def check_link(db: AsyncSession, raw: str) -> LinkCheck:
    """Look a link up without using it; a disabled staff member's link is unknown."""
    if not well_formed(raw):
        return LinkCheck(None, problem=TokenProblem.UNKNOWN)
    link = await db.scalar(select(StaffLink).where(StaffLink.token_hash == hash_token(raw)))
    staff = await db.get(Staff, link.staff_id) if link is not None else None
    if link is None or staff is None or not staff.active:
        return LinkCheck(None, problem=TokenProblem.UNKNOWN)
    if link.used_at is not None:
        return LinkCheck(link, staff, TokenProblem.USED)
    if link.expires_at <= utcnow():
        return LinkCheck(link, staff, TokenProblem.EXPIRED)
    return LinkCheck(link, staff)


async def set_password_with_link(
    db: AsyncSession, raw: str, password: str, *, request: Request | None = None
) -> LinkCheck:
    """Use a link: the staff member's password becomes ``password``, audited (the caller commits).

    Raises :class:`StaffError` for a password too weak, leaving the link unused.
    """
    check = await check_link(db, raw)
    if not check.ok or check.link is None or check.staff is None:
        return check
    if problem := password_problem(password):
        raise StaffError("password", problem)
    check.link.used_at = utcnow()
    check.staff.password_hash = await hash_password(password)
    audit(
        db,
        "console.staff_password_set",
        request=request,
        actor_type="staff",
        actor_id=check.staff.id,
        subject_type="staff",
        subject_id=check.staff.id,
    )
    return check
