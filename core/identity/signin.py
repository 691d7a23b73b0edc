"""Signing a user in: the session, its lifetimes and language, the audit entry and the ``logged_in`` event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from starlette.requests import Request

from core.audit.service import client_ip
from core.audit.service import record as audit
from core.db.base import utcnow
from core.i18n.middleware import chosen_locale
from core.i18n.negotiation import match_locale
from core.identity.firing import fire
from core.identity.models import Membership, User
from core.identity.passwords import hash_password, needs_rehash
from core.identity.rules import session_policy

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.tenancy.models import Tenant

LOCALE_OFFER = "locale_offer"  # session key: a language chosen in this browser, offered for the profile


async def sign_in(request: Request, user: User, *, remember: bool) -> None:
    """Sign ``user`` in on this request: a new session id, lifetimes from the tenant's session policy."""
    policy = session_policy(request.state.tenant)
    session = request.state.session
    session.sign_in(
        user_id=user.id,
        persistent=remember,
        lifetime=policy.remember_for if remember else policy.absolute_timeout,
        idle=None if remember else policy.idle_timeout,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    _keep_chosen_locale(request, user)
    request.state.user = user


async def complete_login(
    request: Request,
    db: AsyncSession,
    user: User,
    *,
    remember: bool,
    password: str | None = None,
    method: str = "password",
) -> None:
    """Finish a sign-in: rehash if needed, rotate the session, audit, fire ``logged_in``, commit.

    ``method`` says how the user proved who they are (``password``, ``passkey``): it is audited and
    given to the ``logged_in`` event.
    """
    tenant = request.state.tenant
    await sign_in(request, user, remember=remember)
    if user.must_change_password:
        request.state.session.set("force_password_change", True)
    if await totp_setup_due(db, tenant, user):
        request.state.session.set("force_totp_setup", True)
    await record_login(request, db, user, password=password, remember=remember, method=method)


async def totp_setup_due(db: AsyncSession, tenant: Tenant, user: User) -> bool:
    """Whether ``user`` must set up two-step sign-in before using the portal (a role the tenant requires it of)."""
    required = session_policy(tenant).totp_required_roles
    if not required or user.totp_secret:
        return False
    roles = set(await db.scalars(select(Membership.role).where(Membership.user_id == user.id)))
    return bool(roles & set(required))


async def record_login(
    request: Request, db: AsyncSession, user: User, *, password: str | None, via: str | None = None, **data: object
) -> None:
    """What every completed sign-in does, in a browser or an app: rehash, last sign-in, audit, ``logged_in``, commit.

    :param via: how the user signed in when not through the pages (``"api"``), in the audit event and the event.
    """
    if password and user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = await hash_password(password)
    user.last_login_at = utcnow()
    details: dict[str, Any] = {**data, **({"via": via} if via else {})}
    audit(
        db,
        "identity.login",
        request=request,
        actor_type="user",
        actor_id=user.id,
        subject_type="user",
        subject_id=user.id,
        **details,
    )
    await fire(db, request.state.tenant, "logged_in", user, details)
    await db.commit()


def _keep_chosen_locale(request: Request, user: User) -> None:
    """The session speaks the language picked in this browser before sign-in, else the profile's.

    An explicit choice wins over the stored preference for this session; when it differs from the
    profile's language, the pages offer to save it (:data:`LOCALE_OFFER`).
    """
    available = list(request.state.tenant.locales)
    chosen = chosen_locale(request.scope, available)
    preferred = match_locale(user.locale, available) if user.locale else None
    session = request.state.session
    if chosen is not None and chosen != preferred:
        session.set("locale", chosen)
        session.set(LOCALE_OFFER, chosen)
    elif preferred is not None:
        session.set("locale", preferred)
