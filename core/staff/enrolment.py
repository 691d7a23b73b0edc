"""Adding staff from the console: the account (the CLI's ``create_staff``), a mailed set-password link, an audit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.mail.service import queue_mail
from core.portal import get_portal
from core.staff.accounts import create_staff
from core.staff.links import LINK_VALID_FOR, issue_link
from core.staff.models import Staff
from core.tenancy.models import Tenant

WELCOME_MAIL = "console/staff_welcome"


def link_url(raw: str) -> str:
    """The absolute URL of a set-password link, on the operator host."""
    return f"{get_portal().settings.public_url.rstrip('/')}/console/password/{raw}"


async def mail_link(db: AsyncSession, staff: Staff, actor: Staff) -> None:
    """Mail ``staff`` a new set-password link, in their language (the caller commits)."""
    raw = await issue_link(db, staff)
    queue_mail(
        db,
        None,
        staff.email,
        WELCOME_MAIL,
        {"staff": staff, "inviter": actor, "link": link_url(raw), "days": LINK_VALID_FOR.days},
        locale=staff.locale,
    )


async def enrol_staff(
    db: AsyncSession,
    actor: Staff,
    *,
    email: str,
    name: str,
    role: str,
    tenant_ids: Sequence[int],
    categories: Sequence[str],
    locale: str,
    request: Request | None = None,
) -> Staff:
    """Create a staff member without a password and mail them a set-password link (the caller commits).

    Raises :class:`core.staff.accounts.StaffError` for an invalid or taken address.
    """
    tenants = list(await db.scalars(select(Tenant).where(Tenant.id.in_(tenant_ids)))) if tenant_ids else []
    staff = await create_staff(
        db, email=email, name=name, password=None, role=role, tenants=tenants, categories=categories, locale=locale
    )
    await mail_link(db, staff, actor)
    audit(
        db,
        "console.staff_created",
        request=request,
        actor_type="staff",
        actor_id=actor.id,
        subject_type="staff",
        subject_id=staff.id,
        role=role,
    )
    return staff
