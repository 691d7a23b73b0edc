"""Staff services: creating staff, checking a sign-in, and which tenants a staff member may see."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.identity.passwords import hash_password, verify_password
from core.identity.totp import code_ok, new_secret
from core.identity.totp import provisioning_uri as totp_uri
from core.staff.models import Staff, StaffRole, StaffTenant
from core.tenancy.models import Tenant


class StaffError(ValueError):
    """A staff definition is invalid."""


async def create_staff(
    db: AsyncSession,
    *,
    email: str,
    name: str,
    password: str,
    role: str = StaffRole.AGENT,
    tenants: Sequence[Tenant] = (),
    locale: str = "en",
    totp: bool | None = None,
) -> Staff:
    """Add a staff member (the caller commits). Operators always get a TOTP secret."""
    email = email.strip().lower()
    if role not in (StaffRole.OPERATOR, StaffRole.AGENT):
        raise StaffError(f"role must be operator or agent, not {role!r}")
    if "@" not in email:
        raise StaffError("email: not an e-mail address")
    if len(password) < 12:
        raise StaffError("password: at least 12 characters")
    if await db.scalar(select(Staff.id).where(Staff.email == email)):
        raise StaffError("email: a staff member already has this address")
    with_totp = role == StaffRole.OPERATOR if totp is None else totp or role == StaffRole.OPERATOR
    staff = Staff(
        email=email,
        name=name.strip() or email,
        role=role,
        locale=locale,
        password_hash=await hash_password(password),
        totp_secret=new_secret() if with_totp else None,
    )
    db.add(staff)
    await db.flush()
    for tenant in tenants:
        db.add(StaffTenant(staff_id=staff.id, tenant_id=tenant.id))
    await db.flush()
    return staff


async def check_credentials(db: AsyncSession, email: str, password: str, code: str) -> Staff | None:
    """The active staff member with these credentials (and a valid TOTP code when it has a secret).

    Every failure — unknown address, wrong password, inactive member, wrong or malformed code, or a
    stored secret that cannot be used — answers ``None``: the caller cannot tell them apart.
    """
    staff = await db.scalar(select(Staff).where(Staff.email == email.strip().lower()))
    if staff is None:
        await verify_password(None, password)  # same work whether or not the account exists
        return None
    if not await verify_password(staff.password_hash, password) or not staff.active:
        return None
    if staff.totp_secret and not code_ok(staff.totp_secret, code):
        return None
    return staff


async def tenant_ids_of(db: AsyncSession, staff: Staff) -> list[int]:
    """Ids of the tenants a staff member may work on (every tenant for an operator)."""
    if staff.is_operator:
        return list(await db.scalars(select(Tenant.id).order_by(Tenant.id)))
    return list(await db.scalars(select(StaffTenant.tenant_id).where(StaffTenant.staff_id == staff.id)))


def provisioning_uri(staff: Staff, issuer: str = "Portique") -> str:
    """The ``otpauth://`` URI to add the staff member's TOTP secret to an authenticator app."""
    if not staff.totp_secret:
        return ""
    return totp_uri(staff.totp_secret, name=staff.email, issuer=issuer)
