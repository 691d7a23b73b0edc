"""Setting up two-step sign-in at a staff member's sign-in (new operators, and after a reset)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.identity.totp import code_ok
from core.staff.models import Staff


def setup_due(staff: Staff) -> bool:
    """``staff`` must set up an authenticator before signing in (operators always have one)."""
    return not staff.totp_secret and (staff.is_operator or staff.totp_setup_due)


def finish_setup(db: AsyncSession, staff: Staff, secret: str, code: str, *, request: Request | None = None) -> bool:
    """Keep ``secret`` when ``code`` proves the authenticator has it (the caller commits); ``False`` otherwise."""
    if not code_ok(secret, code):
        return False
    staff.totp_secret = secret
    staff.totp_setup_due = False
    audit(
        db,
        "console.two_step_set_up",
        request=request,
        actor_type="staff",
        actor_id=staff.id,
        subject_type="staff",
        subject_id=staff.id,
    )
    return True
