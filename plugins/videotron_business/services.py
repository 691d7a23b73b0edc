"""What the Vidéotron pages do: throttling, holder registration (through the core's), account look-ups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, parse
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.api import (
    ACTIVE_AT_ONCE,
    Account,
    ActionToken,
    Bucket,
    Membership,
    Role,
    Tenant,
    User,
    UserStatus,
    audit,
    create_user,
    get_or_create_account,
    get_throttle,
    grant_membership,
    password_problems,
    register_user,
    utcnow,
)
from plugins.videotron_business.backend import AccountRecord
from plugins.videotron_business.models import HolderRegistration
from plugins.videotron_business.policies import ACTIVATION_VALID_FOR

PLUGIN = "videotron_business"
ACTIVATION = "vb_activation"
CONFIRM = "vb_confirm"
INVITATION = "vb_invitation"
"""Token purposes of the plugin's links (all valid 5 days)."""

LIMITS: dict[str, RateLimitItem] = {
    # Guessing an account number and its postal code: per address and per account number.
    "register_ip": parse("10/hour"),
    "register_account": parse("5/hour"),
    # Activation e-mails: never flood the address on file.
    "activation_ip": parse("10/hour"),
    "activation_account": parse("3/day"),
    # The live username check.
    "username_ip": parse("60/minute"),
}


def _buckets(request: Request, checks: tuple[tuple[str, str], ...]) -> list[Bucket]:
    tenant = request.state.tenant
    return [Bucket(LIMITS[name], (PLUGIN, str(tenant.id), name, identifier)) for name, identifier in checks]


async def over_limit(request: Request, *checks: tuple[str, str]) -> bool:
    """``True`` when one of the ``(limit name, identifier)`` checks is exhausted (nothing is counted).

    The counters are the core throttle's (``core.api.get_throttle``): shared by every web process
    the way the core's sign-in limits are.
    """
    return await get_throttle().retry_after(*_buckets(request, checks)) > 0


async def count(request: Request, *checks: tuple[str, str]) -> None:
    """Count one attempt against each ``(limit name, identifier)``."""
    await get_throttle().hit(*_buckets(request, checks))


async def holder_of(db: AsyncSession, number: str) -> User | None:
    """The portal user registered as holder of the account, if any.

    A registration whose confirmation link expired unused frees the place (it is removed).
    """
    row = (
        await db.execute(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .join(Account, Account.id == Membership.account_id)
            .where(Account.number == number, Membership.role == Role.HOLDER)
        )
    ).first()
    if row is None:
        return None
    user: User = row[0]
    if user.status == UserStatus.PENDING_EMAIL and user.created_at + ACTIVATION_VALID_FOR <= utcnow():
        await db.execute(delete(HolderRegistration).where(HolderRegistration.user_id == user.id))
        await db.execute(delete(ActionToken).where(ActionToken.user_id == user.id))
        await db.execute(delete(Membership).where(Membership.user_id == user.id))
        await db.execute(delete(User).where(User.id == user.id))
        db.expunge(user)
        return None
    return user


@dataclass
class NewHolder:
    """What a holder typed to register."""

    username: str
    email: str
    password: str
    locale: str


async def register_holder(
    db: AsyncSession, request: Request, record: AccountRecord, data: NewHolder, *, via: str
) -> User:
    """Create the holder's user, the account and the holder membership, then register it through the core
    (the ``registered`` event and audit entries; the caller commits).

    From the activation link (``via="activation"``) the address is the one on file: the access is active
    at once. Otherwise the core's confirmation flow sends the plugin's link (:func:`send_confirmation`).
    """
    user = await create_user(
        db,
        email=data.email,
        username=data.username,
        password=data.password,
        first_name=record.holder_first_name,
        last_name=record.holder_last_name,
        company=record.company,
        locale=data.locale,
        plugin_data={PLUGIN: {"account": record.number, "via": via, "role": "holder"}},
    )
    db.add(HolderRegistration(account_number=record.number, user_id=user.id))
    await db.flush()  # a concurrent registration of the same account fails here (IntegrityError)
    account = await get_or_create_account(db, record.number, name=record.company, address=record.service_address)
    await grant_membership(db, user, account, Role.HOLDER)
    audit(
        db,
        "videotron_business.holder_registered",
        request=request,
        actor_type="user",
        actor_id=user.id,
        subject_type="account",
        subject_id=record.number,
        via=via,
    )
    policy = ACTIVE_AT_ONCE if via == "activation" else None
    await register_user(db, request.state.tenant, user, request=request, data={"via": via}, policy=policy)
    return user


def check_password_extras(tenant: Tenant, field: Any, *, email: str, username: str) -> None:
    """Add the core's extra password checks (common passwords, e-mail or username inside) to ``field``."""
    for problem in password_problems(tenant, field.data or "", email=email, username=username):
        if problem not in field.errors:
            field.errors.append(problem)
