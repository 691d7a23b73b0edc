"""The signed-in user of a request, loaded once and cached on the request."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.consent.gate import consent_redirect
from core.identity.models import Account, Membership, User, UserStatus
from core.identity.principal import Principal, loaded_principal
from core.portal import get_portal

_MISSING = object()


async def current_user(request: Request) -> User | None:
    """The active user signed in on this tenant, or ``None``."""
    cached = request.state._state.get("user", _MISSING)
    if cached is not _MISSING:
        return cached  # type: ignore[no-any-return]
    user: User | None = None
    session = request.state.session
    tenant = request.state.tenant
    if tenant is not None and session.user_id is not None:
        principal = _principal(request)
        if principal is not None:
            user = principal.user  # the session store loaded it with the session
        else:
            async with get_portal().database.request_session(tenant.id) as db:
                user = await db.get(User, session.user_id)
        if user is not None and user.status != UserStatus.ACTIVE:
            user = None
    request.state.user = user
    return user


async def current_membership(request: Request) -> Membership | None:
    """The signed-in user's first (primary) active membership, with its account loaded."""
    cached = request.state._state.get("membership", _MISSING)
    if cached is not _MISSING:
        return cached  # type: ignore[no-any-return]
    user = await current_user(request)
    membership = None
    principal = _principal(request)
    if user is not None and principal is not None:
        membership = principal.membership  # loaded with the session (None: the user has none)
        if membership is not None:
            membership.__dict__["account"] = principal.account
    elif user is not None:
        async with get_portal().database.request_session(request.state.tenant.id) as db:
            row = (
                await db.execute(
                    select(Membership, Account)
                    .join(Account, Account.id == Membership.account_id)
                    .where(Membership.user_id == user.id, Membership.suspended.is_(False))
                    .order_by(Membership.id)
                    .limit(1)
                )
            ).first()
            if row is not None:
                membership = row[0]
                membership.__dict__["account"] = row[1]
    request.state.membership = membership
    return membership


def _principal(request: Request) -> Principal | None:
    session = request.state.session
    if session.record is None or session.user_id is None:
        return None
    return loaded_principal(session.record.companion, session.user_id)


def login_url(request: Request) -> str:
    """The sign-in page of the tenant, returning to the current page afterwards."""
    here = request.url.path
    if request.url.query:
        here += "?" + request.url.query
    return f"{request.scope.get('root_path', '')}/login?next={quote(here, safe='')}"


Handler = Callable[[Request], Awaitable[Response]]


def signed_in_only(handler: Handler) -> Handler:
    """Redirect signed-out visitors to the sign-in page; 404 on the operator host (no consent check)."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        if request.state.tenant is None:
            raise HTTPException(status_code=404)
        if await current_user(request) is None:
            return RedirectResponse(login_url(request), status_code=303)
        return await handler(request)

    return wrapped


def login_required(handler: Handler) -> Handler:
    """Redirect signed-out visitors to the sign-in page, and customers who have a new version of the
    tenant's terms or privacy notice to accept to the consent page first; 404 on the operator host."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        if request.state.tenant is None:
            raise HTTPException(status_code=404)
        user = await current_user(request)
        if user is None:
            return RedirectResponse(login_url(request), status_code=303)
        return await consent_redirect(request, user.id) or await handler(request)

    return wrapped
