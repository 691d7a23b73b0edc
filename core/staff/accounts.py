"""Staff services: creating staff, checking a sign-in, and what a staff member may see (tenants, categories)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import gettext as _
from core.identity.passwords import hash_password, verify_password
from core.identity.tokens import new_raw_token
from core.identity.totp import code_ok, new_secret
from core.identity.totp import provisioning_uri as totp_uri
from core.mail.addresses import is_email_address
from core.staff.models import Staff, StaffCategory, StaffRole, StaffTenant
from core.staff.recovery import use_code
from core.tenancy.models import Tenant

PASSWORD_MIN = 12
NAME_MAX = 200  # the column's length


class StaffError(ValueError):
    """A staff definition is invalid: ``field`` says which value, ``message`` why (translated)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def password_problem(password: str) -> str:
    """Why ``password`` cannot be a staff password, or ``""``."""
    if len(password) < PASSWORD_MIN:
        return _("Use at least %(count)s characters.", count=PASSWORD_MIN)
    return ""


async def create_staff(
    db: AsyncSession,
    *,
    email: str,
    name: str,
    password: str | None,
    role: str = StaffRole.AGENT,
    tenants: Sequence[Tenant] = (),
    categories: Sequence[str] = (),
    locale: str = "en",
    totp: bool | None = None,
) -> Staff:
    """Add a staff member (the caller commits); the CLI and the console both create staff here.

    With a ``password`` (the CLI) operators get a TOTP secret at once; without one (the console
    mails a set-password link) nobody can sign in until the link is used, and operators set up
    two-step sign-in at their first sign-in.
    """
    email = email.strip().lower()
    if role not in (StaffRole.OPERATOR, StaffRole.AGENT):
        raise StaffError("role", f"role must be operator or agent, not {role!r}")
    if not is_email_address(email, special_use=True):
        raise StaffError("email", _("Enter a valid e-mail address, like name@example.com."))
    if password is not None and (problem := password_problem(password)):
        raise StaffError("password", problem)
    if await db.scalar(select(Staff.id).where(Staff.email == email)):
        raise StaffError("email", _("A staff member already has this address."))
    with_totp = password is not None and (
        role == StaffRole.OPERATOR if totp is None else totp or role == StaffRole.OPERATOR
    )
    staff = Staff(
        email=email,
        name=name.strip()[:NAME_MAX] or email,
        role=role,
        locale=locale,
        password_hash=await hash_password(password if password is not None else new_raw_token()),
        totp_secret=new_secret() if with_totp else None,
    )
    db.add(staff)
    await db.flush()
    for tenant in tenants:
        db.add(StaffTenant(staff_id=staff.id, tenant_id=tenant.id))
    for category in dict.fromkeys(categories):
        db.add(StaffCategory(staff_id=staff.id, category=category))
    await db.flush()
    return staff


async def check_credentials(db: AsyncSession, email: str, password: str, code: str) -> Staff | None:
    """The active staff member with these credentials (and a valid TOTP code when it has a secret).

    Every failure — unknown address, wrong password, inactive member, wrong or malformed code, or a
    stored secret that cannot be used — answers ``None``: the caller cannot tell them apart.
    """
    return (await check_sign_in(db, email, password, code))[0]


async def check_sign_in(
    db: AsyncSession, email: str, password: str, code: str, recovery_code: str = ""
) -> tuple[Staff | None, bool]:
    """Like :func:`check_credentials`, where an unused recovery code may stand in for the app code.

    Answers the staff member (or ``None``) and whether a recovery code was burnt for it.
    """
    staff = await db.scalar(select(Staff).where(Staff.email == email.strip().lower()))
    if staff is None:
        await verify_password(None, password)  # same work whether or not the account exists
        return None, False
    if not await verify_password(staff.password_hash, password) or not staff.active:
        return None, False
    if not staff.totp_secret or code_ok(staff.totp_secret, code):
        return staff, False
    if recovery_code and await use_code(db, staff, recovery_code):
        return staff, True
    return None, False


async def tenant_ids_of(db: AsyncSession, staff: Staff) -> list[int]:
    """Ids of the tenants a staff member may work on (every tenant for an operator)."""
    if staff.is_operator:
        return list(await db.scalars(select(Tenant.id).order_by(Tenant.id)))
    return list(await db.scalars(select(StaffTenant.tenant_id).where(StaffTenant.staff_id == staff.id)))


async def categories_of(db: AsyncSession, staff: Staff) -> list[str] | None:
    """The ticket categories a staff member works on, or ``None`` for every category (operators too)."""
    if staff.is_operator:
        return None
    found = list(await db.scalars(select(StaffCategory.category).where(StaffCategory.staff_id == staff.id)))
    return sorted(found) or None


def provisioning_uri(staff: Staff, issuer: str = "Portique") -> str:
    """The ``otpauth://`` URI to add the staff member's TOTP secret to an authenticator app."""
    if not staff.totp_secret:
        return ""
    return totp_uri(staff.totp_secret, name=staff.email, issuer=issuer)
