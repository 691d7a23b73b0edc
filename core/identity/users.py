"""Creating users and memberships, normalising identifiers, checking permissions."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import String, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request

from core.identity.current import current_membership
from core.identity.models import Account, Membership, Role, User, UserStatus
from core.identity.passwords import hash_password


def normalize_email(email: str) -> str:
    """The comparison form of an e-mail address (trimmed, lower-case)."""
    return email.strip().lower()


def normalize_username(username: str) -> str:
    """The comparison form of a username (usernames are unique per tenant, case-insensitively)."""
    return username.strip().lower()


def identifier_key(value: str) -> str:
    """The form under which throttles count a typed identifier that designates no account.

    NFKC (full-width "ａｄａ" is "ada"), trimmed, case-folded: variants of one identifier share a count.
    """
    return unicodedata.normalize("NFKC", value).strip().casefold()


def as_typed_for_lookup(value: str) -> str:
    """A typed sign-in identifier in NFKC, so that full-width or composed variants find the account."""
    return unicodedata.normalize("NFKC", value)


# Built once (every sign-in runs one): building and keying a statement costs more than running it.
_BY_EMAIL = select(User).where(User.email_normalized == bindparam("email", type_=String))
_BY_USERNAME = select(User).where(User.username_normalized == bindparam("username", type_=String))


async def find_user_by_email(db: AsyncSession, email: str) -> User | None:
    """The tenant's user with this e-mail address, if any."""
    return await db.scalar(_BY_EMAIL, {"email": normalize_email(email)})


async def find_user_by_username(db: AsyncSession, username: str) -> User | None:
    """The tenant's user with this username, if any."""
    return await db.scalar(_BY_USERNAME, {"username": normalize_username(username)})


async def username_taken(db: AsyncSession, username: str) -> bool:
    """Someone on this tenant already has this username."""
    count = await db.scalar(
        select(func.count()).select_from(User).where(User.username_normalized == normalize_username(username))
    )
    return bool(count)


async def create_user(
    db: AsyncSession,
    *,
    email: str,
    password: str | None = None,
    username: str | None = None,
    status: str = UserStatus.PENDING_EMAIL,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    company: str = "",
    locale: str | None = None,
    plugin_data: dict[str, Any] | None = None,
) -> User:
    """Add a user to the session's tenant (the caller commits). The password is hashed here."""
    user = User(
        email=email.strip(),
        email_normalized=normalize_email(email),
        username=username.strip() if username else None,
        username_normalized=normalize_username(username) if username else None,
        password_hash=await hash_password(password) if password else None,
        status=status,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        phone=phone.strip(),
        company=company.strip(),
        locale=locale,
        plugin_data=plugin_data or {},
    )
    db.add(user)
    await db.flush()
    return user


async def get_or_create_account(db: AsyncSession, number: str, **values: Any) -> Account:
    """The tenant's account with this number, created with ``values`` if missing."""
    account = await db.scalar(select(Account).where(Account.number == number))
    if account is None:
        account = Account(number=number, **values)
        db.add(account)
        await db.flush()
    return account


async def grant_membership(
    db: AsyncSession, user: User, account: Account, role: str = Role.MEMBER, permissions: list[str] | None = None
) -> Membership:
    """Put ``user`` in ``account`` with a role and permissions (updates an existing membership)."""
    membership = await db.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.account_id == account.id)
    )
    if membership is None:
        membership = Membership(user_id=user.id, account_id=account.id)
        db.add(membership)
    membership.role = role
    membership.permissions = list(permissions or [])
    await db.flush()
    return membership


async def require_permission(request: Request, permission: str) -> Membership:
    """The signed-in user's membership if it grants ``permission``; otherwise a 403 page."""
    membership = await current_membership(request)
    if membership is None or not membership.grants(permission):
        raise HTTPException(status_code=403, detail="permission")
    return membership


async def require_role(request: Request, *roles: str) -> Membership:
    """The signed-in user's membership if its role is one of ``roles``; otherwise a 403 page."""
    membership = await current_membership(request)
    if membership is None or membership.suspended or membership.role not in roles:
        raise HTTPException(status_code=403, detail="role")
    return membership
