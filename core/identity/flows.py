"""Identity flows shared by the core pages, the console and provider plugins.

Each function works inside the caller's tenant-scoped database session and transaction: the caller
commits. Mails go to the outbox in the same transaction.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from core.audit.service import record as audit
from core.db.base import utcnow
from core.identity.firing import fire as fire  # re-exported for the flows' callers
from core.identity.models import Account, Membership, Role, User, UserStatus
from core.identity.passwords import hash_password
from core.identity.rules import (
    EMAIL_CHANGE_VALID_FOR,
    INVITATION_VALID_FOR,
    RESET_VALID_FOR,
    Duration,
    activation_policy,
)
from core.identity.signin import LOCALE_OFFER as LOCALE_OFFER  # re-exported
from core.identity.signin import sign_in as sign_in  # re-exported
from core.identity.tokens import issue_token, revoke_tokens
from core.identity.users import create_user, find_user_by_email, grant_membership, normalize_email
from core.mail.service import queue_mail
from core.plugins import resolve
from core.portal import get_portal
from core.sessions.models import SessionRecord
from core.sessions.store import DatabaseSessionStore

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.tenancy.models import Tenant

CONFIRM = "confirm"
RESET = "reset"
INVITE = "invite"
EMAIL_CHANGE = "email_change"


def _link(tenant: Tenant, route: str, /, **params: object) -> str:
    """The absolute URL of the tenant's page ``route`` (a route name), for a mail."""
    return get_portal().page_url(tenant, route, **params)


async def send_confirmation(db: AsyncSession, tenant: Tenant, user: User) -> None:
    """Send a new confirmation link (older ones stop working) with the username, never a password.

    A plugin that sends its own link for this user (``portique_send_confirmation``) replaces the core's.
    """
    if any(await resolve(get_portal().hooks(tenant).portique_send_confirmation(tenant=tenant, user=user, db=db))):
        return
    policy = activation_policy(tenant, user)
    await revoke_tokens(db, user, CONFIRM)
    raw = await issue_token(db, CONFIRM, valid_for=policy.confirmation_valid_for, user=user)
    queue_mail(
        db,
        tenant,
        user.email,
        "identity/confirm",
        {
            "user": user,
            "link": _link(tenant, "confirm", token=raw),
            "valid_for": Duration(policy.confirmation_valid_for),
        },
        locale=user.locale,
    )


async def send_password_reset(db: AsyncSession, tenant: Tenant, user: User) -> None:
    """Send a password reset link (older ones stop working); the mail says how long it is valid."""
    await revoke_tokens(db, user, RESET)
    raw = await issue_token(db, RESET, valid_for=RESET_VALID_FOR, user=user)
    queue_mail(
        db,
        tenant,
        user.email,
        "identity/reset",
        {"user": user, "link": _link(tenant, "password_reset", token=raw), "valid_for": Duration(RESET_VALID_FOR)},
        locale=user.locale,
    )


def tell_already_registered(db: AsyncSession, tenant: Tenant, user: User) -> None:
    """Someone registered with ``user``'s address: tell the owner by mail (sign-in and reset links).

    The page answers as for a new access, so registration never tells whether an address is known;
    a provider's own registration calls this too (``core.api``).
    """
    queue_mail(
        db,
        tenant,
        user.email,
        "identity/already_registered",
        {"user": user, "login_link": _link(tenant, "login"), "reset_link": _link(tenant, "password_forgot")},
        locale=user.locale,
    )


def generate_password(length: int = 16) -> str:
    """A random password with letters and digits (satisfies the usual composition rules)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


async def revoke_sessions(user: User, *, keep: str | None = None, db: AsyncSession | None = None) -> int:
    """End every session of ``user`` (except the one whose stored id is ``keep``).

    With ``db``, sessions kept in the database are deleted in that transaction (so the caller's
    uncommitted writes cannot lock the store out on SQLite); otherwise the store does it at once.
    """
    store = get_portal().session_store
    if db is not None and isinstance(store, DatabaseSessionStore):
        query = delete(SessionRecord).where(SessionRecord.tenant_id == user.tenant_id, SessionRecord.user_id == user.id)
        if keep:
            query = query.where(SessionRecord.id != keep)
        result = await db.execute(query)
        return int(getattr(result, "rowcount", 0) or 0)
    return await store.delete_for_user(user.tenant_id, user.id, keep=keep)


async def suspend_membership(db: AsyncSession, tenant: Tenant, membership: Membership, user: User) -> None:
    """Suspend ``user``'s access to ``membership``'s account.

    A user left with no active membership can no longer sign in (status ``suspended``) and every
    session of theirs ends in this transaction, as when the last membership is removed.
    """
    membership.suspended = True
    await db.flush()
    active = await db.scalar(
        select(Membership.id).where(Membership.user_id == user.id, Membership.suspended.is_(False)).limit(1)
    )
    if active is None:
        if user.status == UserStatus.ACTIVE:
            user.status = UserStatus.SUSPENDED
        await revoke_sessions(user, db=db)
    await fire(db, tenant, "suspended", user, {"account_id": membership.account_id})


async def status_on_activation(db: AsyncSession, user: User) -> UserStatus:
    """The status an invited or confirming user takes: ``suspended`` when every membership of theirs
    is suspended (the invitation was accepted after a suspension), else ``active``."""
    memberships = (await db.scalars(select(Membership.suspended).where(Membership.user_id == user.id))).all()
    if memberships and all(memberships):
        return UserStatus.SUSPENDED
    return UserStatus.ACTIVE


async def restore_membership(db: AsyncSession, tenant: Tenant, membership: Membership, user: User) -> None:
    """Give back ``user``'s suspended access to ``membership``'s account (a suspended user is active again)."""
    membership.suspended = False
    if user.status == UserStatus.SUSPENDED:
        user.status = UserStatus.ACTIVE
    await fire(db, tenant, "restored", user, {"account_id": membership.account_id})


async def set_temporary_password(db: AsyncSession, user: User) -> str:
    """Give ``user`` a generated password they must change at the next sign-in; ends their sessions."""
    password = generate_password()
    user.password_hash = await hash_password(password)
    user.must_change_password = True
    await db.flush()
    await revoke_sessions(user, db=db)
    return password


async def change_email(db: AsyncSession, tenant: Tenant, user: User, new_email: str, *, confirmed: bool) -> None:
    """Change ``user``'s e-mail address.

    With ``confirmed`` (an operator did it, or the user followed the link) the address changes now
    and the old address gets a notice; otherwise a confirmation link goes to the new address.
    """
    new_email = new_email.strip()
    if not confirmed:
        await revoke_tokens(db, user, EMAIL_CHANGE)
        raw = await issue_token(
            db, EMAIL_CHANGE, valid_for=EMAIL_CHANGE_VALID_FOR, user=user, payload={"email": new_email}
        )
        queue_mail(
            db,
            tenant,
            new_email,
            "identity/email_confirm",
            {
                "user": user,
                "new_email": new_email,
                "link": _link(tenant, "profile_email_confirm", token=raw),
                "valid_for": Duration(EMAIL_CHANGE_VALID_FOR),
            },
            locale=user.locale,
        )
        return
    old_email = user.email
    user.email = new_email
    user.email_normalized = normalize_email(new_email)
    await db.flush()
    queue_mail(
        db,
        tenant,
        old_email,
        "identity/email_changed",
        {"user": user, "old_email": old_email, "new_email": new_email},
        locale=user.locale,
    )
    audit(
        db,
        "identity.email_changed",
        tenant_id=tenant.id,
        actor_type="user",
        actor_id=user.id,
        subject_type="user",
        subject_id=user.id,
        old=old_email,
        new=new_email,
    )
    await fire(db, tenant, "email_changed", user, {"old_email": old_email, "new_email": new_email})


@dataclass(frozen=True)
class InvitationLetter:
    """The token and mail of an invitation; a plugin whose invitations differ passes its own.

    ``route`` names the page that takes the link's ``token``; the mail gets the absolute ``link`` to it,
    ``valid_for`` and ``context``. ``locale`` None: the invited user's.
    """

    template: str = "identity/invitation"
    route: str = "invitation"
    purpose: str = INVITE
    valid_for: timedelta = INVITATION_VALID_FOR
    context: Mapping[str, Any] = field(default_factory=dict)
    locale: str | None = None


CORE_INVITATION = InvitationLetter()


async def invite_user(
    db: AsyncSession,
    tenant: Tenant,
    account: Account,
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: str = Role.MEMBER,
    permissions: list[str] | None = None,
    invited_by: User | None = None,
    company: str = "",
    plugin_data: dict[str, Any] | None = None,
    letter: InvitationLetter = CORE_INVITATION,
) -> User:
    """Invite someone to ``account``: an ``invited`` user with a membership and a set-password link.

    Someone who already has an identity on the tenant is added to the account and told by mail; one
    still ``invited`` gets a new link (older ones stop working). Audits ``identity.invited`` and fires
    ``invited``. ``company`` and ``plugin_data`` go to a user created here.
    """
    existing = await find_user_by_email(db, email)
    context: dict[str, Any] = {"account": account, "inviter": invited_by}
    if existing is not None and existing.status not in (UserStatus.INVITED,):
        await grant_membership(db, existing, account, role, permissions)
        queue_mail(
            db,
            tenant,
            existing.email,
            "identity/added",
            {**context, "user": existing, "link": _link(tenant, "home")},
            locale=existing.locale,
        )
        user = existing
    else:
        user = existing or await create_user(
            db,
            email=email,
            first_name=first_name,
            last_name=last_name,
            status=UserStatus.INVITED,
            company=company,
            locale=invited_by.locale if invited_by else None,
            plugin_data=plugin_data,
        )
        await grant_membership(db, user, account, role, permissions)
        await _send_invitation(db, tenant, user, account, letter, context)
    audit(
        db,
        "identity.invited",
        tenant_id=tenant.id,
        actor_type="user" if invited_by else "system",
        actor_id=invited_by.id if invited_by else None,
        subject_type="user",
        subject_id=user.id,
        account=account.number,
        role=role,
        permissions=list(permissions or []),
    )
    await fire(db, tenant, "invited", user, {"account": account, "role": role, "permissions": list(permissions or [])})
    return user


async def _send_invitation(
    db: AsyncSession, tenant: Tenant, user: User, account: Account, letter: InvitationLetter, context: dict[str, Any]
) -> None:
    """A new single-use link for ``user`` (older ones stop working), mailed as ``letter`` says."""
    await revoke_tokens(db, user, letter.purpose)
    raw = await issue_token(db, letter.purpose, valid_for=letter.valid_for, user=user, payload={"account": account.id})
    queue_mail(
        db,
        tenant,
        user.email,
        letter.template,
        {
            **context,
            **letter.context,
            "user": user,
            "link": _link(tenant, letter.route, token=raw),
            "valid_for": Duration(letter.valid_for),
        },
        locale=letter.locale or user.locale,
    )


async def activate_user(db: AsyncSession, tenant: Tenant, user: User, *, notify: bool = True) -> None:
    """Make ``user`` active (fires ``activated``); with ``notify``, tell them by mail that they can sign in."""
    user.status = UserStatus.ACTIVE
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
    await db.flush()
    if notify:
        queue_mail(
            db,
            tenant,
            user.email,
            "identity/activated",
            {"user": user, "link": _link(tenant, "login")},
            locale=user.locale,
        )
    audit(db, "identity.activated", tenant_id=tenant.id, actor_type="system", subject_type="user", subject_id=user.id)
    await fire(db, tenant, "activated", user)


async def reject_user(db: AsyncSession, tenant: Tenant, user: User, reason: str) -> None:
    """Refuse ``user``'s registration (fires ``rejected``), end their sessions and tell them why."""
    user.status = UserStatus.REJECTED
    await db.flush()
    queue_mail(db, tenant, user.email, "identity/rejected", {"user": user, "reason": reason}, locale=user.locale)
    audit(
        db,
        "identity.rejected",
        tenant_id=tenant.id,
        actor_type="system",
        subject_type="user",
        subject_id=user.id,
        reason=reason,
    )
    await fire(db, tenant, "rejected", user, {"reason": reason})
    await revoke_sessions(user, db=db)
